// The relayer service on two real chains: a WETH9 bridge transfer, per-lane order in both
// directions, and a receiver that reverts (the lane moves on, the failure is reported).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "ethers";
import { startRelayer, type Relayer } from "../../relayer/index";
import { LIQUIDITY, startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";

let world: RelayerWorld;
let relayer: Relayer;
const lines: string[] = [];

before(async () => {
    world = await startRelayerWorld();
    relayer = await startRelayer(world.options(path.join(world.dir, "state.json"), { log: (l) => lines.push(l) }));
});
after(async () => {
    await relayer?.stop();
    await world?.stop();
});

describe("relayer delivery", () => {
    it("delivers a WETH9 bridge transfer from chain 1 to chain 138", async () => {
        const bob = world.chain138.node.accounts[2].address;
        const amount = parseEther("3");
        const id = await world.bridge(world.mainnet, 1, bob, amount);
        assert.equal(await world.mainnet.bridge.lockedLiquidity(), LIQUIDITY + amount);
        await relayer.waitForDelivery(id, 20_000);
        assert.equal(await world.chain138.weth.balanceOf(bob), amount);
        assert.equal(await world.chain138.bridge.lockedLiquidity(), LIQUIDITY - amount);
        assert.equal(await world.chain138.router.getLastDeliveredSequence(world.mainnet.selector), 1n);
        assert.ok(
            lines.some((l) => l.startsWith(`delivered mainnet->chain138 #1 ${id}`)),
            lines.join("\n"),
        );
        // No secret material in the logs.
        const secrets = [world.relayerKey, ...world.attesters.map((a) => a.privateKey)].map((k) => k.slice(2).toLowerCase());
        for (const line of lines) for (const s of secrets) assert.ok(!line.toLowerCase().includes(s), "a key was logged");
    });

    it("keeps per-lane order for several messages in both directions", async () => {
        const recipient = (i: number): string => world.mainnet.node.accounts[3 + (i % 3)].address;
        const ids: string[] = [];
        // Interleave directions so each poll finds several messages per lane at once.
        for (let i = 0; i < 5; i++) {
            ids.push(await world.bridge(world.mainnet, 1, recipient(i), parseEther("0.1") * BigInt(i + 1)));
            ids.push(await world.bridge(world.chain138, 1, recipient(i), parseEther("0.01") * BigInt(i + 1)));
        }
        await Promise.all(ids.map((id) => relayer.waitForDelivery(id, 30_000)));
        for (const [dest, source, count] of [
            [world.chain138, world.mainnet, 6n],
            [world.mainnet, world.chain138, 5n],
        ] as const) {
            const executed = (await world.executed(dest)).filter((e) => e.source === source.selector);
            assert.deepEqual(
                executed.map((e) => e.sequence),
                Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1)),
            );
            assert.ok(executed.every((e) => e.success));
            assert.equal(new Set(executed.map((e) => e.messageId)).size, executed.length, "a message was executed twice");
        }
        const fromMainnet = lines.filter((l) => l.startsWith("delivered mainnet->chain138")).map((l) => Number(/#(\d+)/.exec(l)?.[1]));
        assert.deepEqual(fromMainnet, [1, 2, 3, 4, 5, 6]);
    });

    it("reports a reverting receiver and moves the lane on", async () => {
        const carol = world.chain138.node.accounts[6].address;
        // More than the destination bridge holds: the release reverts with InsufficientLiquidity.
        const tooMuch = (await world.chain138.bridge.lockedLiquidity()) + parseEther("1");
        const failing = await world.bridge(world.mainnet, 2, carol, tooMuch);
        const next = await world.bridge(world.mainnet, 2, carol, parseEther("1"));
        await assert.rejects(relayer.waitForDelivery(failing, 20_000), /receiver reverted/);
        await relayer.waitForDelivery(next, 20_000);
        assert.equal(await world.chain138.weth.balanceOf(carol), parseEther("1"));
        assert.notEqual(await world.chain138.router.getFailedMessageHash(failing), `0x${"0".repeat(64)}`);
        assert.ok(lines.some((l) => l.includes(failing) && l.includes("receiver reverted")));
    });

    it("times out waiting for a message that was never sent", async () => {
        await assert.rejects(relayer.waitForDelivery(`0x${"ab".repeat(32)}`, 200), /not delivered within 200 ms/);
    });
});
