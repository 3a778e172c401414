// A relayer whose destination endpoint disappears mid-delivery keeps failing, pausing the lane and trying again, for as
// long as it runs: that must cost it no memory and leave it stoppable. The real relayer service runs in a child process
// (tests/support/relayer-endpoint-gone-child.ts, so the memory measured is its own) against two anvil chains; the
// destination's endpoint closes for good at the delivery's first eth_estimateGas, after the relayer connected and
// found the message. (The killed dynamic-provider process of issue 17 grew ~7 MB/s; the same check for the providers
// is tests/providers/endpoint-gone.test.ts.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, it } from "node:test";
import { parseEther } from "ethers";
import type { RelayerChildReport } from "../support/relayer-endpoint-gone-child";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";
import { startFlakyRpc, type FlakyRpc } from "../support/relayer-flaky-rpc";

const ROOT = path.resolve(__dirname, "../..");
const SECRET = "SECRETKEY";
const MB = 1024 * 1024;

let world: RelayerWorld;
let proxy: FlakyRpc;
let cutAt = 0;

before(async () => {
    world = await startRelayerWorld();
    let close = (): void => undefined;
    proxy = await startFlakyRpc(world.chain138.node.rpcUrl, {
        fault: (_n, methods) => {
            if (cutAt === 0 && !methods.includes("eth_estimateGas")) return "none";
            if (cutAt === 0) {
                cutAt = Date.now();
                close();
            }
            return "drop";
        },
    });
    close = () => void proxy.close();
});
after(async () => {
    await proxy?.close();
    await world?.stop();
});

async function runChild(env: Record<string, string>, deadlineMs: number): Promise<RelayerChildReport> {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(ROOT, "tests/support/relayer-endpoint-gone-child.ts")], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // A safety net only: a relayer that keeps a timer or socket alive after stop() never exits by itself.
    const killer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    clearTimeout(killer);
    assert.equal(signal, null, `the relayer exits by itself once stopped (stderr: ${stderr.slice(-2000)})`);
    assert.equal(code, 0, stderr.slice(-2000));
    return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as RelayerChildReport;
}

it(
    "a relayer whose destination endpoint is gone fails delivery after delivery with flat memory, names the lane, hides the key, and stops cleanly",
    { timeout: 240_000 },
    async () => {
        await world.bridge(world.mainnet, 1, world.chain138.node.accounts[5].address, parseEther("1"));
        const failures = 150;
        const options = world.options(path.join(world.dir, "state.json"), {
            rpcUrls: { chain138: `${proxy.url}/v3/${SECRET}` },
            // Every step and pause as in production, only shorter, so that 150 failed deliveries take a minute, not days.
            retries: 2,
            retryMinTimeoutMs: 5,
            pollIntervalMs: 20,
            maxLaneBackoffMs: 20,
            deliveryTimeoutMs: 20_000,
        });
        const report = await runChild(
            {
                RELAYER_OPTIONS: JSON.stringify({ ...options, chains: options.chains.map((c) => ({ ...c, chainSelector: String(c.chainSelector) })) }),
                FAILURES: String(failures),
                SAMPLE_EVERY: "10",
                SECRET_MARKER: SECRET,
            },
            200_000,
        );
        assert.ok(cutAt > 0, "the endpoint was cut at the delivery's gas estimate");
        assert.ok(report.failureCount >= failures, `${report.failureCount} failures`);
        for (const line of report.failures) {
            // The lane names both chains; the failure, the chain it could not reach, its redacted endpoint and the operation.
            const endpoint = `${proxy.url}/…`.replace(/[.]/g, "\\.");
            assert.match(
                line,
                new RegExp(
                    `^lane mainnet->chain138: delivery of #1 failed, pausing the lane \\d+ ms: chain138 \\(${endpoint}\\) (getLastDeliveredSequence|estimateGas) failed after 3 attempt\\(s\\): .*ECONNREFUSED`,
                ),
                line,
            );
        }
        assert.ok(report.scanFailureCount > 0, "chain138 as a source failed its scans too");
        assert.deepEqual(report.leaked, [], "no log line carries the API key in the endpoint's path");
        // Flat: compared from the third sample on (lazy initialisation, JIT and the first sockets come before).
        const growth = (series: number[]) => series[series.length - 1] - series[2];
        assert.ok(report.heapUsed.length >= 10, `${report.heapUsed.length} samples`);
        assert.ok(growth(report.heapUsed) < 10 * MB, `heapUsed grew ${(growth(report.heapUsed) / MB).toFixed(1)} MB: ${report.heapUsed.join(", ")}`);
        assert.ok(growth(report.rss) < 30 * MB, `RSS grew ${(growth(report.rss) / MB).toFixed(1)} MB: ${report.rss.join(", ")}`);
        // Only stdio may be left once it is stopped: no timer, socket, server or lock heartbeat.
        assert.deepEqual(
            report.resources.filter((r) => !/^(TTYWrap|PipeWrap|WriteWrap|FSReqCallback)$/.test(r)),
            [],
            report.resources.join(", "),
        );
        assert.equal(await world.chain138.router.getLastDeliveredSequence(world.mainnet.selector), 0n, "nothing reached the cut-off chain");
    },
);
