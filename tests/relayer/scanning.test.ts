// Scanning: messages are relayed only once `confirmations` blocks deep, and a long history is
// read in bounded block ranges, delivering and saving progress as the scan goes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, it } from "node:test";
import { parseEther } from "ethers";
import { startRelayer, type Relayer } from "../../relayer/index";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";
import { startFlakyRpc, type FlakyRpc } from "../support/relayer-flaky-rpc";

let world: RelayerWorld | undefined;
let relayer: Relayer | undefined;
let proxy: FlakyRpc | undefined;
afterEach(async () => {
    await relayer?.stop();
    await proxy?.close();
    await world?.stop();
    relayer = proxy = world = undefined;
});

describe("relayer scanning", () => {
    it("waits until a message is `confirmations` blocks deep", async () => {
        const w = (world = await startRelayerWorld());
        const opts = w.options(path.join(w.dir, "state.json"));
        opts.chains[0].confirmations = 3;
        relayer = await startRelayer(opts);
        const id = await w.bridge(w.mainnet, 1, w.chain138.node.accounts[2].address, parseEther("1"));
        await w.mainnet.provider.send("evm_mine", []);
        await w.mainnet.provider.send("evm_mine", []);
        await new Promise((r) => setTimeout(r, 600)); // several polls at 2 confirmations
        assert.equal(await w.chain138.router.getLastDeliveredSequence(w.mainnet.selector), 0n);
        await w.mainnet.provider.send("evm_mine", []);
        await relayer.waitForDelivery(id, 20_000);
        assert.equal(await w.chain138.weth.balanceOf(w.chain138.node.accounts[2].address), parseEther("1"));
    });

    it("reads a long history in bounded ranges and delivers in order", async () => {
        const w = (world = await startRelayerWorld());
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
            ids.push(await w.bridge(w.mainnet, 1, w.chain138.node.accounts[2].address, parseEther("1")));
            await w.mainnet.provider.send("anvil_mine", ["0x32"]); // 50 empty blocks
        }
        const head = await w.mainnet.provider.getBlockNumber();
        proxy = await startFlakyRpc(w.mainnet.node.rpcUrl);
        const stateFile = path.join(w.dir, "state.json");
        relayer = await startRelayer(w.options(stateFile, { maxBlockRange: 7, rpcUrls: { mainnet: proxy.url } }));
        for (const id of ids) await relayer.waitForDelivery(id, 30_000);
        const executed = (await w.executed(w.chain138)).filter((e) => e.source === w.mainnet.selector);
        assert.deepEqual(
            executed.map((e) => e.messageId),
            ids,
        );
        // The state file catches up with the head, and every getLogs range was at most 7 blocks.
        const scanned = (): number =>
            (JSON.parse(readFileSync(stateFile, "utf8")) as { chains: Record<string, { scannedBlock: number }> }).chains.mainnet.scannedBlock;
        const deadline = Date.now() + 10_000;
        while (scanned() < head) {
            assert.ok(Date.now() < deadline, `scannedBlock ${scanned()} never reached head ${head}`);
            await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok((proxy.counts.get("eth_getLogs") ?? 0) >= Math.ceil((head + 1) / 7), `eth_getLogs calls: ${proxy.counts.get("eth_getLogs")}, head ${head}`);
    });
});
