// The signer exporter (ops/signer-exporter) against a real anvil chain: eth_blockNumber is anvil's, and only
// qbft_getSignerMetrics, which anvil does not implement, comes from a front faithful to Besu's method
// (tests/support/besu-signer-metrics-stub.ts). Its /metrics passes the real `promtool check metrics`; the counts are
// checked against the proposer schedule computed here; a node that is down or silent turns `up` to 0, never a crash.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { KNOWN_METRICS } from "../../components/monitoring/metric-names";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { SIGNER_METRICS, startSignerExporter, type SignerExporter } from "../../ops/signer-exporter/exporter";
import { startSignerMetricsStub, type SignerMetricsStub } from "../support/besu-signer-metrics-stub";

// Four validators in QBFT's round-robin; the fourth is down, so each of its turns goes to the next one in a round change.
const VALIDATORS = [
    "0x1111111111111111111111111111111111111111",
    "0x2222222222222222222222222222222222222222",
    "0x3333333333333333333333333333333333333333",
    "0x4444444444444444444444444444444444444444",
];
const OFFLINE = VALIDATORS[3];
const proposerOf = (block: number) => {
    const turn = VALIDATORS[block % VALIDATORS.length];
    return turn === OFFLINE ? VALIDATORS[(block + 1) % VALIDATORS.length] : turn;
};
const HEAD = 64;
const WINDOW = 24;
const NAMES = { [VALIDATORS[0]]: "alpha-validator-0", [VALIDATORS[1]]: "alpha-validator-1", [OFFLINE]: "beta-validator-1" };

type Sample = { name: string; labels: Record<string, string>; value: number };
function parseText(text: string): Sample[] {
    return text
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => {
            const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
            assert.ok(m, `not an exposition line: ${l}`);
            const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
            return { name: m[1], labels, value: Number(m[3]) };
        });
}
async function scrape(exporter: SignerExporter): Promise<{ text: string; samples: Sample[] }> {
    const response = await fetch(`http://127.0.0.1:${exporter.port}/metrics`, { signal: AbortSignal.timeout(5000) });
    assert.equal(response.status, 200);
    const text = await response.text();
    return { text, samples: parseText(text) };
}
const value = (samples: Sample[], name: string) => samples.find((s) => s.name === name)?.value;

let anvil: AnvilNode;
let stub: SignerMetricsStub;
let silent: Server;
const exporters: SignerExporter[] = [];
async function exporter(rpcUrls: string[], windowBlocks = WINDOW): Promise<SignerExporter> {
    const e = await startSignerExporter({ rpcUrls, windowBlocks, intervalMs: 1000, timeoutMs: 300, nodeNames: NAMES, host: "127.0.0.1", port: 0 });
    exporters.push(e);
    await e.firstPoll;
    return e;
}

describe("signer exporter against anvil with Besu's qbft_getSignerMetrics", () => {
    before(async () => {
        anvil = await startAnvil();
        const mined = await fetch(anvil.rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_mine", params: [`0x${HEAD.toString(16)}`] }),
            signal: AbortSignal.timeout(10_000),
        });
        assert.equal(mined.status, 200);
        stub = await startSignerMetricsStub(anvil.rpcUrl, VALIDATORS, proposerOf);
        // A node that accepts connections and never answers.
        silent = createServer(() => {});
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    });
    after(async () => {
        for (const e of exporters) await e.stop();
        silent?.closeAllConnections();
        await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
        await stub?.close();
        await anvil?.stop();
    });

    it("exports each validator's proposals over the window before the head, named by node", async () => {
        const e = await exporter([stub.url]);
        const { samples } = await scrape(e);
        assert.equal(value(samples, SIGNER_METRICS.up), 1);
        assert.equal(value(samples, SIGNER_METRICS.head), HEAD, "anvil's head");
        assert.equal(value(samples, SIGNER_METRICS.window), WINDOW);
        // Asked for [head − window, head): Besu's from is inclusive, to exclusive.
        assert.deepEqual(stub.calls.at(-1), [`0x${(HEAD - WINDOW).toString(16)}`, `0x${HEAD.toString(16)}`]);
        for (const validator of VALIDATORS) {
            const blocks = Array.from({ length: WINDOW }, (_, i) => HEAD - WINDOW + i).filter((b) => proposerOf(b) === validator);
            const proposed = samples.find((s) => s.name === SIGNER_METRICS.proposed && s.labels["validator"] === validator);
            assert.ok(proposed, `${validator}: no series (Besu lists every validator of the last block)`);
            assert.equal(proposed.value, blocks.length, `${validator}: proposals`);
            assert.equal(proposed.labels["node"], NAMES[validator] ?? "", `${validator}: node label`);
            const last = samples.find((s) => s.name === SIGNER_METRICS.lastProposed && s.labels["validator"] === validator);
            assert.equal(last?.value, blocks.at(-1) ?? 0, `${validator}: last proposed block`);
        }
        assert.equal(samples.find((s) => s.name === SIGNER_METRICS.proposed && s.labels["validator"] === OFFLINE)?.value, 0);
    });

    it("serves text that promtool check metrics accepts", async () => {
        const e = exporters[0] ?? (await exporter([stub.url]));
        const { text } = await scrape(e);
        const run = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", timeout: 60_000 });
        assert.equal(run.error, undefined, "promtool must be installed (apt-get install prometheus)");
        assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    });

    it("serves only names the alert rules' metric list attributes to it", async () => {
        const { samples } = await scrape(exporters[0] ?? (await exporter([stub.url])));
        const served = new Set(samples.map((s) => s.name));
        assert.ok(served.size >= 6, `only ${[...served].join(", ")}`);
        for (const name of served) assert.equal(KNOWN_METRICS[name]?.exporter, "signer-exporter", `${name} is not in metric-names.ts as the signer exporter's`);
    });

    it("leaves out the genesis block's zero-address proposer when the window reaches block 0", async () => {
        const e = await exporter([stub.url], 1000);
        const { samples } = await scrape(e);
        assert.equal(value(samples, SIGNER_METRICS.window), HEAD, "the window stops at genesis");
        const validators = samples.filter((s) => s.name === SIGNER_METRICS.proposed).map((s) => s.labels["validator"]);
        assert.deepEqual(validators.sort(), [...VALIDATORS].sort());
    });

    it("reports up 0 and no validator series when the node is down or silent, and keeps serving", async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const deadPort = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        const silentPort = (silent.address() as AddressInfo).port;
        const started = Date.now();
        const e = await exporter([`http://127.0.0.1:${deadPort}`, `http://127.0.0.1:${silentPort}`]);
        assert.ok(Date.now() - started < 3000, "the poll is bounded by the call timeouts");
        const { samples } = await scrape(e);
        assert.equal(value(samples, SIGNER_METRICS.up), 0);
        assert.equal(samples.filter((s) => s.name === SIGNER_METRICS.proposed).length, 0, "no stale proposals");
    });

    it("falls back to the next node when the first does not answer", async () => {
        const silentPort = (silent.address() as AddressInfo).port;
        const e = await exporter([`http://127.0.0.1:${silentPort}`, stub.url]);
        const { samples } = await scrape(e);
        assert.equal(value(samples, SIGNER_METRICS.up), 1);
        assert.equal(value(samples, SIGNER_METRICS.head), HEAD);
    });

    it("refuses bad options, naming them", async () => {
        await assert.rejects(startSignerExporter({ rpcUrls: [], windowBlocks: 1, intervalMs: 1000, timeoutMs: 100 }), /no RPC URL/);
        await assert.rejects(startSignerExporter({ rpcUrls: ["https://x:1"], windowBlocks: 1, intervalMs: 1000, timeoutMs: 100, port: 0 }), /must be http/);
        await assert.rejects(startSignerExporter({ rpcUrls: [stub.url], windowBlocks: 0, intervalMs: 1000, timeoutMs: 100, port: 0 }), /windowBlocks/);
    });
});
