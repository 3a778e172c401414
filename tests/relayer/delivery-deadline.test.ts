// One delivery is bounded as a whole: a destination that keeps failing transiently (here every eth_estimateGas
// answers a JSON-RPC error, which the relayer retries) holds a delivery for deliveryTimeoutMs, not for the product
// of its nested retries (about 72 min with the defaults, docs/bounds.md). After the deadline the lane backs off and
// says why; once the endpoint heals, the same message is delivered exactly once. Real chains (anvil), a real proxy.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, it } from "node:test";
import { parseEther } from "ethers";
import { startRelayer, type Relayer } from "../../relayer/index";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";
import { startFlakyRpc, type FlakyRpc } from "../support/relayer-flaky-rpc";

let world: RelayerWorld;
let proxy: FlakyRpc;
let relayer: Relayer | undefined;
let failing = true;

before(async () => {
    world = await startRelayerWorld();
    proxy = await startFlakyRpc(world.chain138.node.rpcUrl, {
        fault: (_n, methods) => (failing && methods.includes("eth_estimateGas") ? "rpc-error" : "none"),
    });
});
after(async () => {
    await relayer?.stop();
    await proxy?.close();
    await world?.stop();
});

it("a delivery that keeps failing transiently gives up at deliveryTimeoutMs, names it, and later delivers once", async () => {
    const deliveryTimeoutMs = 1_500;
    const lines: string[] = [];
    relayer = await startRelayer(
        world.options(path.join(world.dir, "state.json"), {
            rpcUrls: { chain138: proxy.url },
            // Enough retries that, without the deadline, this delivery would keep retrying for hours.
            retries: 1_000,
            retryMinTimeoutMs: 20,
            deliveryTimeoutMs,
            log: (l) => lines.push(l),
        }),
    );
    const recipient = world.chain138.node.accounts[5].address;
    const id = await world.bridge(world.mainnet, 1, recipient, parseEther("1"));

    const gaveUp = (): string | undefined => lines.find((l) => l.includes("not delivered within"));
    for (const until = Date.now() + 30_000; gaveUp() === undefined; await new Promise((r) => setTimeout(r, 100))) {
        assert.ok(Date.now() < until, `no delivery gave up within 30 s:\n${lines.slice(-20).join("\n")}`);
    }
    assert.match(
        gaveUp()!,
        new RegExp(
            `lane mainnet->chain138: delivery of #1 failed, pausing the lane .*deliver mainnet->chain138 #1: not delivered within ${deliveryTimeoutMs} ms`,
        ),
    );
    assert.ok((proxy.faults.get("rpc-error") ?? 0) > 1, "the estimate was retried before the deadline");
    assert.equal(await world.chain138.router.getLastDeliveredSequence(world.mainnet.selector), 0n);

    failing = false;
    await relayer.waitForDelivery(id, 30_000);
    const executed = (await world.executed(world.chain138)).filter((e) => e.source === world.mainnet.selector);
    assert.deepEqual(
        executed.map((e) => e.sequence),
        [1n],
    );
    assert.equal(await world.chain138.weth.balanceOf(recipient), parseEther("1"));
});
