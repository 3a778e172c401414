// Fees on an idle London chain. Besu's base fee floor is 7 wei (LondonFeeMarket) and eth_maxPriorityFeePerGas
// answers min-priority-fee (0 by default) when blocks are empty, so "2 × base fee + suggested tip" offers ~14 wei.
// A Besu node refuses a transaction whose effective price — min(maxFeePerGas, baseFee + tip) — is below its
// min-gas-price / tx-pool-min-gas-price (TransactionPoolValidator GAS_PRICE_TOO_LOW; PriceTransactionSelector),
// default 1000 wei, and refuses tx-pool-min-gas-price above min-gas-price (its CLI). anvil stands in for such a
// chain with --base-fee 7; it suggests a 1 gwei tip, so a loopback proxy answers eth_maxPriorityFeePerGas as an idle
// Besu does (its min-priority-fee, 0) and passes everything else through.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { JsonRpcProvider, Wallet } from "ethers";
import { parseAllDocuments } from "yaml";
import { besuChartValues } from "../../components/besu/chart-values";
import { BESU_CHART_PATH } from "../../components/besu/release";
import { effectiveGasPrice } from "../../contracts/fees";
import { sendProbeTransfer } from "../support/probe-transfer";
import { TxSender } from "../../relayer/sender";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { buildPlainFleet } from "../support/besu-fleet";
import { parseFlatToml } from "../support/besu-toml";
import { runHelm } from "../support/helm";

const BESU_DEFAULT_MIN_GAS_PRICE = 1000n;
const BESU_BASE_FEE_FLOOR = 7n;

describe("the fleet's fee policy, rendered", () => {
    it("gives every node the same minimum, with the pool's minimum not above the block minimum", () => {
        const dir = mkdtempSync(join(tmpdir(), "fees-chart-"));
        try {
            const fleet = buildPlainFleet(2, 1, ["uksouth", "northeurope"]);
            writeFileSync(join(dir, "v.json"), JSON.stringify(besuChartValues(fleet.region("uksouth"), "keys")));
            const res = runHelm(["template", "besu", BESU_CHART_PATH, "-f", join(dir, "v.json")]);
            assert.equal(res.status, 0, res.stderr);
            const configs = parseAllDocuments(res.stdout)
                .map((d) => d.toJS() as { kind: string; data?: Record<string, string> } | null)
                .filter((o) => o?.kind === "ConfigMap" && o.data?.["config.toml"] !== undefined)
                .map((o) => parseFlatToml(o!.data!["config.toml"]));
            assert.equal(configs.length, 3);
            for (const toml of configs) {
                assert.ok(Number(toml["tx-pool-min-gas-price"]) <= Number(toml["min-gas-price"]));
                // The chosen policy: no minimum beyond the base fee, so any sender paying the base fee is mined.
                assert.equal(toml["min-gas-price"], 0);
            }
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

/** A JSON-RPC proxy to `upstream` that answers eth_maxPriorityFeePerGas with 0, as an idle Besu node does. */
async function idleBesuTip(upstream: string): Promise<{ url: string; server: Server }> {
    const server = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
            const request = JSON.parse(body) as { id: unknown; method: string } | { id: unknown; method: string }[];
            const calls = Array.isArray(request) ? request : [request];
            void Promise.all(
                calls.map(async (call) =>
                    call.method === "eth_maxPriorityFeePerGas"
                        ? { jsonrpc: "2.0", id: call.id, result: "0x0" }
                        : ((await (
                              await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(call) })
                          ).json()) as unknown),
                ),
            ).then((answers) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Array.isArray(request) ? answers : answers[0])));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("senders on a chain whose base fee has decayed", () => {
    let node: AnvilNode;
    let idle: { url: string; server: Server };

    before(async () => {
        node = await startAnvil({ chainId: 138, extraArgs: ["--base-fee", String(BESU_BASE_FEE_FLOOR)] });
        idle = await idleBesuTip(node.rpcUrl);
    });
    after(async () => {
        idle.server.close();
        await node.stop();
    });

    it("is the idle chain of the rule: base fee at the floor and no suggested tip, so 2 × base + tip is far below 1000 wei", async () => {
        const provider = new JsonRpcProvider(idle.url, 138, { staticNetwork: true });
        try {
            const baseFee = (await provider.getBlock("latest"))!.baseFeePerGas!;
            assert.ok(baseFee <= BESU_BASE_FEE_FLOOR);
            const tip = BigInt(await provider.send("eth_maxPriorityFeePerGas", []));
            const usual = effectiveGasPrice({ type: 2, maxFeePerGas: 2n * baseFee + tip, maxPriorityFeePerGas: tip }, baseFee);
            assert.ok(usual < BESU_DEFAULT_MIN_GAS_PRICE, `${usual}`);
        } finally {
            provider.destroy();
        }
    });

    it("contract deployments and lane calls pay at least the chain's configured minimum", async () => {
        const target = { name: "chain138", rpcUrl: idle.url, chainId: 138, minGasPriceWei: String(BESU_DEFAULT_MIN_GAS_PRICE) };
        const sent = await sendProbeTransfer(target, node.accounts[3].privateKey, node.accounts[4].address, "fee probe");
        const provider = node.provider();
        try {
            const receipt = await provider.waitForTransaction(sent.hash, 1, 10_000);
            assert.equal(receipt!.status, 1);
            assert.ok(receipt!.gasPrice >= BESU_DEFAULT_MIN_GAS_PRICE, `effective gas price ${receipt!.gasPrice}`);
        } finally {
            provider.destroy();
        }
    });

    it("without a configured minimum (Chain 138's min-gas-price=0) they still pay the base fee and are mined", async () => {
        const target = { name: "chain138-default", rpcUrl: idle.url, chainId: 138 };
        const sent = await sendProbeTransfer(target, node.accounts[5].privateKey, node.accounts[4].address, "fee probe 0");
        const provider = node.provider();
        try {
            const receipt = await provider.waitForTransaction(sent.hash, 1, 10_000);
            assert.equal(receipt!.status, 1);
        } finally {
            provider.destroy();
        }
    });

    it("the relayer's deliveries pay at least the chain's configured minimum", async () => {
        const provider = new JsonRpcProvider(idle.url, 138, { staticNetwork: true, cacheTimeout: -1 });
        try {
            const signal = new AbortController().signal;
            const sender = new TxSender(
                "chain138",
                new Wallet(node.accounts[6].privateKey, provider),
                provider,
                138n,
                50,
                10_000,
                { retries: 2, minTimeoutMs: 20, signal, log: () => undefined },
                BESU_DEFAULT_MIN_GAS_PRICE,
            );
            const hash = await sender.send({ to: node.accounts[4].address, data: "0x", gasLimit: 21000n });
            const receipt = await sender.waitReceipt(hash, signal);
            assert.ok(receipt.gasPrice >= BESU_DEFAULT_MIN_GAS_PRICE, `effective gas price ${receipt.gasPrice}`);
        } finally {
            provider.destroy();
        }
    });
});
