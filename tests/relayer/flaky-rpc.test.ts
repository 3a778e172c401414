// Deliveries complete through RPC endpoints that rate-limit, error and drop connections (also
// right after a transaction was handed to the node), without delivering anything twice.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "ethers";
import { startRelayer, type Relayer } from "../../relayer/index";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";
import { startFlakyRpc, type Fault, type FlakyRpc } from "../support/relayer-flaky-rpc";

let world: RelayerWorld;
let proxies: FlakyRpc[] = [];
let relayer: Relayer | undefined;

/** A fixed schedule hitting every kind of fault, including every other transaction broadcast. */
function schedule(): (n: number, methods: readonly string[]) => Fault {
    let broadcasts = 0;
    return (n, methods) => {
        if (methods.includes("eth_sendRawTransaction")) return broadcasts++ % 2 === 0 ? "drop-after-forward" : "none";
        if (n % 7 === 3) return "429";
        if (n % 11 === 5) return "drop";
        if (n % 13 === 8) return "rpc-error";
        return "none";
    };
}

before(async () => {
    world = await startRelayerWorld();
    proxies = await Promise.all([
        startFlakyRpc(world.mainnet.node.rpcUrl, { fault: schedule() }),
        startFlakyRpc(world.chain138.node.rpcUrl, { fault: schedule() }),
    ]);
});
after(async () => {
    await relayer?.stop();
    for (const p of proxies) await p.close();
    await world?.stop();
});

describe("relayer over a flaky RPC", () => {
    it("delivers every message exactly once in both directions", async () => {
        const lines: string[] = [];
        relayer = await startRelayer(
            world.options(path.join(world.dir, "state.json"), {
                rpcUrls: { mainnet: proxies[0].url, chain138: proxies[1].url },
                log: (l) => lines.push(l),
            }),
        );
        const recipient = world.mainnet.node.accounts[4].address;
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
            ids.push(await world.bridge(world.mainnet, 1, recipient, parseEther("1")));
            ids.push(await world.bridge(world.chain138, 1, recipient, parseEther("2")));
        }
        for (const id of ids) await relayer.waitForDelivery(id, 45_000);

        for (const [dest, source] of [
            [world.chain138, world.mainnet],
            [world.mainnet, world.chain138],
        ] as const) {
            const executed = (await world.executed(dest)).filter((e) => e.source === source.selector);
            assert.deepEqual(
                executed.map((e) => e.sequence),
                [1n, 2n, 3n, 4n],
            );
            assert.ok(executed.every((e) => e.success));
        }
        assert.equal(await world.chain138.weth.balanceOf(recipient), parseEther("4"));
        assert.equal(await world.mainnet.weth.balanceOf(recipient), parseEther("8"));
        for (const p of proxies) {
            // One broadcast per delivery: a broadcast whose answer was lost is found, not repeated.
            assert.equal(p.counts.get("eth_sendRawTransaction"), 4);
            for (const kind of ["429", "drop", "rpc-error", "drop-after-forward"] as const) {
                assert.ok((p.faults.get(kind) ?? 0) > 0, `no ${kind} fault was injected`);
            }
        }
        assert.ok(
            lines.some((l) => l.startsWith("retry:")),
            "the faults never reached the relayer's retry logic",
        );
        if (process.env.RELAYER_TEST_LOG) console.log(lines.join("\n"));
    });
});
