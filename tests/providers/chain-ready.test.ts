// The fleet chain's readiness gate (contracts/providers/chain-ready.ts) against real anvil nodes: it passes once the
// chain makes blocks and the deployer is funded, fails at once on a wrong chain id, and at its deadline with a
// sentence naming what is missing (no answer, no new blocks, an unfunded deployer) — never the endpoint's secret path.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { Wallet } from "ethers";
import { freePort, startAnvil, type AnvilNode } from "../../devkit/anvil";
import { chainReadyProvider, waitForChainReady, type ChainReadyInputs } from "../../contracts/providers/chain-ready";

let producing: AnvilNode;
let idle: AnvilNode;

before(async () => {
    // Interval mining: blocks come without transactions, as QBFT makes them (emptyblockperiodseconds off).
    producing = await startAnvil({ chainId: 138, blockTime: 1 });
    // Automine without traffic: a chain whose head never moves, like QBFT below quorum.
    idle = await startAnvil({ chainId: 138 });
});
after(async () => {
    await producing?.stop();
    await idle?.stop();
});

function inputs(node: { rpcUrl: string }, overrides: Partial<ChainReadyInputs> = {}): ChainReadyInputs {
    return {
        chainName: "chain138",
        rpcUrl: node.rpcUrl,
        chainId: 138,
        deployerAddress: producing.accounts[0].address,
        minDeployerBalanceWei: String(10n ** 18n),
        advanceBlocks: 2,
        timeoutSeconds: 20,
        pollIntervalSeconds: 1,
        ...overrides,
    };
}

it("passes once two new blocks are seen and the deployer holds the budget", async () => {
    const started = Date.now();
    const out = await waitForChainReady(inputs(producing), { log: () => undefined });
    assert.ok(out.readyAtBlock >= 2, `ready at block ${out.readyAtBlock}`);
    assert.ok(BigInt(out.deployerBalanceWei) >= 10n ** 18n);
    // Two new blocks at one per second, polled every second: a few seconds, never the deadline.
    assert.ok(Date.now() - started < 15_000);
});

it("a chain that makes no blocks fails at the deadline saying so", async () => {
    const started = Date.now();
    await assert.rejects(waitForChainReady(inputs(idle, { timeoutSeconds: 3 }), { log: () => undefined }), (error: Error) => {
        assert.match(error.message, /^chain chain138 \(http:\/\/127\.0\.0\.1:\d+\) is not ready after 3 s: no new blocks: the head is 0/);
        return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 3000 && took < 3000 + 5000, `gave up after ${took} ms`);
});

it("an unfunded deployer is named with its balance and the budget", async () => {
    const stranger = Wallet.createRandom().address;
    await assert.rejects(
        waitForChainReady(inputs(producing, { deployerAddress: stranger, timeoutSeconds: 4 }), { log: () => undefined }),
        new RegExp(`the deployer ${stranger} holds 0 wei, 1000000000000000000 needed`),
    );
});

it("a wrong chain id fails at once, not at the deadline", async () => {
    const started = Date.now();
    await assert.rejects(waitForChainReady(inputs(producing, { chainId: 1 }), { log: () => undefined }), /serves chain id 138, not 1: wrong endpoint/);
    assert.ok(Date.now() - started < 5000);
});

it("an endpoint that does not answer fails at the deadline, and the URL's secret path is never in the message", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v3/SECRETKEY`;
    await assert.rejects(waitForChainReady(inputs({ rpcUrl: url }, { timeoutSeconds: 2 }), { log: () => undefined }), (error: Error) => {
        assert.match(error.message, /not ready after 2 s: the endpoint does not answer/);
        assert.doesNotMatch(error.message, /SECRETKEY/);
        assert.match(error.message, new RegExp(`http://127\\.0\\.0\\.1:${port}/…`));
        return true;
    });
});

it("check names bad inputs without the URL; an update with only a new timeout does not wait again", async () => {
    const checked = await chainReadyProvider.check!({} as ChainReadyInputs, { ...inputs(producing), rpcUrl: "ftp://x/SECRET", minDeployerBalanceWei: "1e18" });
    const reasons = (checked.failures ?? []).map((f) => f.reason).join("; ");
    assert.match(reasons, /rpcUrl must be an http\(s\) URL \(value not shown\)/);
    assert.match(reasons, /minDeployerBalanceWei must be decimal wei/);
    assert.doesNotMatch(reasons, /SECRET/);
    const olds = { ...inputs(idle), readyAtBlock: 5, deployerBalanceWei: "1" };
    // The idle chain would time out if polled: an update that changes only the deadline must not poll.
    const updated = await chainReadyProvider.update!("chain138:138", olds, { ...inputs(idle), timeoutSeconds: 99 });
    assert.equal(updated.outs?.readyAtBlock, 5);
});
