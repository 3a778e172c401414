// What the relayer retries, against a real node (anvil): a node's refusal that no retry can change — the sender
// cannot pay, the nonce is spent — fails on the first attempt, and a call succeeds after rate limits. The
// oracle is the node's answer, not the classifier's patterns (contracts/providers/rpc.ts isTransientRpcError).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { JsonRpcProvider, Wallet, parseEther } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { withRetry, type RetryPolicy } from "../../relayer/retry";
import { startFlakyRpc } from "../support/relayer-flaky-rpc";

const policy: RetryPolicy = { retries: 4, minTimeoutMs: 10, signal: new AbortController().signal, log: () => undefined };

let node: AnvilNode;
let provider: JsonRpcProvider;

before(async () => {
    node = await startAnvil({ chainId: 138 });
    provider = new JsonRpcProvider(node.rpcUrl, 138, { staticNetwork: true, cacheTimeout: -1 });
});
after(async () => {
    provider?.destroy();
    await node?.stop();
});

/** Runs `fn` under the relayer's retry policy; returns how often it ran and how it ended. */
async function attempts<T>(fn: () => Promise<T>): Promise<{ runs: number; result?: T; error?: unknown }> {
    let runs = 0;
    try {
        const result = await withRetry("test", policy, () => {
            runs += 1;
            return fn();
        });
        return { runs, result };
    } catch (error) {
        return { runs, error };
    }
}

describe("relayer retries", () => {
    it("does not retry a transaction the sender cannot pay for", async () => {
        const broke = Wallet.createRandom(provider);
        const { runs, error } = await attempts(() => broke.sendTransaction({ to: broke.address, value: parseEther("1"), gasLimit: 21_000 }));
        assert.ok(error !== undefined, "an unfunded sender's transaction was accepted");
        assert.match(String((error as Error).message), /insufficient funds/i);
        assert.equal(runs, 1, "retried a refusal for insufficient funds");
    });

    it("does not retry a nonce the chain has already used", async () => {
        const funded = new Wallet(node.accounts[1].privateKey, provider);
        const nonce = await provider.getTransactionCount(funded.address);
        await (await funded.sendTransaction({ to: funded.address, value: 1n, nonce })).wait();
        const { runs, error } = await attempts(() => funded.sendTransaction({ to: funded.address, value: 1n, nonce }));
        assert.ok(error !== undefined, "a spent nonce was accepted");
        assert.match(String((error as Error).message), /nonce/i);
        assert.equal(runs, 1, "retried a refusal for a spent nonce");
    });

    // HTTP 429 is retried inside ethers' FetchRequest already; a node's JSON-RPC rate limit (-32005, EIP-1474
    // "Limit exceeded") reaches the relayer's own retry.
    it("retries a node's rate limit (-32005 limit exceeded) and succeeds", async () => {
        const proxy = await startFlakyRpc(node.rpcUrl, { fault: (n) => (n < 2 ? "rpc-error" : "none") });
        const limited = new JsonRpcProvider(proxy.url, 138, { staticNetwork: true, cacheTimeout: -1 });
        try {
            const { runs, result, error } = await attempts(() => limited.getBlockNumber());
            assert.equal(error, undefined, String(error));
            assert.equal(typeof result, "number");
            assert.ok(runs >= 2, `${runs} run(s) for 2 rate-limited requests`);
        } finally {
            limited.destroy();
            await proxy.close();
        }
    });
});
