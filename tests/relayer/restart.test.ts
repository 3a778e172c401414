// Restarts: a new relayer on the same state file resumes where the old one stopped and never
// delivers a message twice, also when the state file lags behind the chain (crash after sending).
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, it } from "node:test";
import { parseEther } from "ethers";
import { startRelayer, type Relayer } from "../../relayer/index";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";
import { startFlakyRpc, type FlakyRpc } from "../support/relayer-flaky-rpc";

let world: RelayerWorld | undefined;
let relayers: Relayer[] = [];
let proxy: FlakyRpc | undefined;

afterEach(async () => {
    for (const r of relayers) await r.stop();
    relayers = [];
    await proxy?.close();
    proxy = undefined;
    await world?.stop();
    world = undefined;
});

async function bridgeMany(w: RelayerWorld, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await w.bridge(w.mainnet, 1, w.chain138.node.accounts[2].address, parseEther("0.5")));
    return ids;
}

/** Every message from mainnet executed on chain 138 exactly once, in order 1..n. */
async function assertExactlyOnce(w: RelayerWorld, ids: readonly string[]): Promise<void> {
    const executed = (await w.executed(w.chain138)).filter((e) => e.source === w.mainnet.selector);
    assert.deepEqual(
        executed.map((e) => e.messageId),
        [...ids],
    );
    assert.deepEqual(
        executed.map((e) => e.sequence),
        ids.map((_, i) => BigInt(i + 1)),
    );
}

describe("relayer restarts", () => {
    it("resumes from the state file and delivers everything exactly once", async () => {
        const w = (world = await startRelayerWorld());
        const stateFile = path.join(w.dir, "state.json");
        const first = await startRelayer(w.options(stateFile));
        relayers.push(first);
        const early = await bridgeMany(w, 3);
        for (const id of early) await first.waitForDelivery(id, 20_000);
        await first.stop();

        const late = await bridgeMany(w, 3);
        const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
            lanes: Record<string, { lastDeliveredSequence: string }>;
            chains: Record<string, { scannedBlock: number }>;
        };
        assert.equal(state.lanes["mainnet->chain138"].lastDeliveredSequence, "3");
        assert.ok(state.chains.mainnet.scannedBlock > 0);

        const lines: string[] = [];
        const second = await startRelayer(w.options(stateFile, { log: (l) => lines.push(l) }));
        relayers.push(second);
        for (const id of late) await second.waitForDelivery(id, 20_000);
        await assertExactlyOnce(w, [...early, ...late]);
        assert.deepEqual(
            lines.filter((l) => l.startsWith("delivered")).map((l) => /#(\d+)/.exec(l)?.[1]),
            ["4", "5", "6"],
        );
        assert.equal(await w.chain138.weth.balanceOf(w.chain138.node.accounts[2].address), parseEther("3"));
    });

    it("sends nothing for messages delivered after the state file was last written or lost", async () => {
        const w = (world = await startRelayerWorld());
        const stateFile = path.join(w.dir, "state.json");
        const stale = path.join(w.dir, "stale.json");
        const first = await startRelayer(w.options(stateFile));
        relayers.push(first);
        copyFileSync(stateFile, stale); // progress as of before any delivery
        const early = await bridgeMany(w, 3);
        for (const id of early) await first.waitForDelivery(id, 20_000);
        await first.stop();
        copyFileSync(stale, stateFile); // the crash: deliveries are on chain, the state file never saw them

        const late = await bridgeMany(w, 2);
        proxy = await startFlakyRpc(w.chain138.node.rpcUrl);
        const lines: string[] = [];
        const second = await startRelayer(w.options(stateFile, { rpcUrls: { chain138: proxy.url }, log: (l) => lines.push(l) }));
        relayers.push(second);
        for (const id of [...early, ...late]) await second.waitForDelivery(id, 20_000);
        await assertExactlyOnce(w, [...early, ...late]);
        // Only the two new messages cost a transaction (or even a gas estimate): no revert storm.
        assert.equal(proxy.counts.get("eth_sendRawTransaction"), 2);
        assert.equal(proxy.counts.get("eth_estimateGas"), 2);
        assert.ok(!lines.some((l) => /failed|retry/.test(l)), lines.join("\n"));

        // A lost state file is the same case from block 0: everything is found delivered, nothing is sent.
        await second.stop();
        rmSync(stateFile);
        const sent = proxy.counts.get("eth_sendRawTransaction");
        const third = await startRelayer(w.options(stateFile, { rpcUrls: { chain138: proxy.url } }));
        relayers.push(third);
        for (const id of [...early, ...late]) await third.waitForDelivery(id, 20_000);
        assert.equal(proxy.counts.get("eth_sendRawTransaction"), sent);
        await assertExactlyOnce(w, [...early, ...late]);
    });

    it("waits for a delivery a crashed relayer left in the mempool instead of racing it", async () => {
        const w = (world = await startRelayerWorld());
        const stateFile = path.join(w.dir, "state.json");
        const relayerAddress = w.mainnet.node.accounts[9].address;
        const first = await startRelayer(w.options(stateFile));
        relayers.push(first);
        const [delivered] = await bridgeMany(w, 1);
        await first.waitForDelivery(delivered, 20_000);

        await w.chain138.provider.send("evm_setAutomine", [false]);
        const [inFlight] = await bridgeMany(w, 1);
        const nonceBefore = await w.chain138.provider.getTransactionCount(relayerAddress, "latest");
        // Wait until the first relayer's deliver transaction sits in chain 138's mempool, then "crash" it.
        const deadline = Date.now() + 20_000;
        while ((await w.chain138.provider.getTransactionCount(relayerAddress, "pending")) === nonceBefore) {
            assert.ok(Date.now() < deadline, "the relayer never sent the delivery");
            await new Promise((r) => setTimeout(r, 50));
        }
        await first.stop();
        const state = JSON.parse(readFileSync(stateFile, "utf8")) as { lanes: Record<string, { lastDeliveredSequence: string }> };
        assert.equal(state.lanes["mainnet->chain138"].lastDeliveredSequence, "1");

        proxy = await startFlakyRpc(w.chain138.node.rpcUrl);
        const lines: string[] = [];
        const second = await startRelayer(w.options(stateFile, { rpcUrls: { chain138: proxy.url }, log: (l) => lines.push(l) }));
        relayers.push(second);
        await new Promise((r) => setTimeout(r, 500)); // a few polls: it must hold back, not send a duplicate
        assert.equal(await w.chain138.provider.getTransactionCount(relayerAddress, "pending"), nonceBefore + 1);
        await w.chain138.provider.send("evm_mine", []);
        await w.chain138.provider.send("evm_setAutomine", [true]);
        await second.waitForDelivery(inFlight, 20_000);
        assert.ok(
            lines.some((l) => l.startsWith(`skip mainnet->chain138 #2 ${inFlight}`)),
            lines.join("\n"),
        );
        assert.equal(await w.chain138.provider.getTransactionCount(relayerAddress, "latest"), nonceBefore + 1);

        const [after] = await bridgeMany(w, 1);
        await second.waitForDelivery(after, 20_000);
        await assertExactlyOnce(w, [delivered, inFlight, after]);
        // The second relayer broadcast only the delivery of `after`.
        assert.equal(proxy.counts.get("eth_sendRawTransaction"), 1);
    });
});
