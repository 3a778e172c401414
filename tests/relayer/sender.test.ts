// The relayer's per-chain transaction sender against a real anvil: it waits for transactions left
// in flight, a broadcast whose answer was lost is neither resent nor allowed to skew the nonce, and a send waits for
// the chain's earlier sends only within its deadline and is never broadcast after its caller gave up on it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { JsonRpcProvider, parseEther, type Wallet } from "ethers";
import { TxSender } from "../../relayer/sender";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { startFlakyRpc, type Fault, type FlakyRpc } from "../support/relayer-flaky-rpc";

let node: AnvilNode;
let proxy: FlakyRpc;
let provider: JsonRpcProvider;
let wallet: Wallet;
let nextFault: Fault = "none";
/** Hold the next eth_sendRawTransaction this long before forwarding it (a slow node). */
let nextSendDelayMs = 0;
const signal = new AbortController().signal;

before(async () => {
    node = await startAnvil({ chainId: 138 });
    proxy = await startFlakyRpc(node.rpcUrl, {
        delayMs: (_n, methods) => {
            if (!methods.includes("eth_sendRawTransaction")) return 0;
            const d = nextSendDelayMs;
            nextSendDelayMs = 0;
            return d;
        },
        fault: (_n, methods) => {
            if (!methods.includes("eth_sendRawTransaction")) return "none";
            const f = nextFault;
            nextFault = "none";
            return f;
        },
    });
    provider = node.provider();
    wallet = node.wallet(9, provider);
});
after(async () => {
    provider.destroy();
    await proxy.close();
    await node.stop();
});

/** A sender on chain 138 that talks to the node through the fault-injecting proxy. */
function sender(queueWaitMs?: number): { s: TxSender; close: () => void } {
    const viaProxy = new JsonRpcProvider(proxy.url, 138, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    const policy = { retries: 3, minTimeoutMs: 20, signal, log: () => undefined };
    return {
        s: new TxSender("chain138", wallet.connect(viaProxy), viaProxy, 138n, 50, 5_000, policy, 0n, undefined, queueWaitMs),
        close: () => viaProxy.destroy(),
    };
}

const transfer = { to: "0x000000000000000000000000000000000000dEaD", data: "0x", gasLimit: 21_000n };

describe("relayer TxSender", () => {
    it("refuses to send while the account has unmined transactions, then continues", async () => {
        const { s, close } = sender();
        await provider.send("evm_setAutomine", [false]);
        const start = await provider.getTransactionCount(wallet.address, "latest");
        await wallet.sendTransaction({ to: transfer.to, value: parseEther("0.001") });
        await assert.rejects(
            s.send(transfer),
            new RegExp(`chain138: relayer ${wallet.address} has 1 unmined transaction\\(s\\) \\(nonces ${start}\\.\\.${start}\\)`),
        );
        await provider.send("evm_mine", []);
        await provider.send("evm_setAutomine", [true]);
        const receipt = await s.waitReceipt(await s.send(transfer), signal);
        assert.equal(receipt.status, 1);
        assert.equal((await provider.getTransaction(receipt.hash))?.nonce, start + 1);
        close();
    });

    it("keeps a broadcast whose answer was lost and carries on with the next nonce", async () => {
        const { s, close } = sender();
        const start = await provider.getTransactionCount(wallet.address, "latest");
        const before = proxy.counts.get("eth_sendRawTransaction") ?? 0;
        nextFault = "drop-after-forward";
        const first = await s.send(transfer);
        const second = await s.send(transfer);
        for (const [hash, nonce] of [
            [first, start],
            [second, start + 1],
        ] as const) {
            assert.equal((await s.waitReceipt(hash, signal)).status, 1);
            assert.equal((await provider.getTransaction(hash.hashes[0]))?.nonce, nonce);
        }
        assert.equal((proxy.counts.get("eth_sendRawTransaction") ?? 0) - before, 2);
        assert.equal(proxy.faults.get("drop-after-forward"), 1);
        close();
    });

    it("gives the nonce up when the node never got the transaction", async () => {
        const { s, close } = sender();
        const start = await provider.getTransactionCount(wallet.address, "latest");
        nextFault = "drop";
        await assert.rejects(s.send(transfer), /chain138 \(http:\/\/127\.0\.0\.1:\d+\): sending deliver transaction failed/);
        const sent = await s.send(transfer);
        assert.equal((await s.waitReceipt(sent, signal)).status, 1);
        assert.equal((await provider.getTransaction(sent.hashes[0]))?.nonce, start);
        close();
    });

    it("a send queued behind a slow one fails at its queue deadline, naming chain, operation and endpoint, and is never broadcast", async () => {
        const queueWaitMs = 300;
        const { s, close } = sender(queueWaitMs);
        const start = await provider.getTransactionCount(wallet.address, "latest");
        const before = proxy.counts.get("eth_sendRawTransaction") ?? 0;
        nextSendDelayMs = 2_000;
        const slow = s.send(transfer);
        const queuedAt = Date.now();
        await assert.rejects(s.send(transfer), (error: Error) => {
            const waited = Date.now() - queuedAt;
            assert.ok(waited >= queueWaitMs && waited < queueWaitMs + 1_000, `gave up after ${waited} ms`);
            assert.match(
                error.message,
                /^chain138 \(http:\/\/127\.0\.0\.1:\d+\): sending deliver transaction: waited 300 ms for this relayer's 1 other send\(s\) running or queued on the chain; not sent$/,
            );
            return true;
        });
        const first = await slow;
        assert.equal((await s.waitReceipt(first, signal)).status, 1);
        // Its turn came once the slow send was done: it must not have been sent then (a late send races the caller's
        // next attempt for the nonce). Give it the time it would have taken.
        await new Promise((r) => setTimeout(r, 500));
        assert.equal((proxy.counts.get("eth_sendRawTransaction") ?? 0) - before, 1);
        assert.equal(await provider.getTransactionCount(wallet.address, "pending"), start + 1);
        // The queue is free again: the next send goes out at the next nonce.
        const next = await s.send(transfer);
        assert.equal(next.nonce, start + 1);
        assert.equal((await s.waitReceipt(next, signal)).status, 1);
        close();
    });

    it("a queued send whose caller's deadline passes fails at once with the caller's reason and is never broadcast", async () => {
        const { s, close } = sender();
        const start = await provider.getTransactionCount(wallet.address, "latest");
        const before = proxy.counts.get("eth_sendRawTransaction") ?? 0;
        nextSendDelayMs = 1_500;
        const slow = s.send(transfer);
        const deadline = new AbortController();
        const queued = s.send(transfer, deadline.signal);
        await new Promise((r) => setTimeout(r, 100));
        const abortedAt = Date.now();
        deadline.abort(new Error("deliver mainnet->chain138 #7: deadline"));
        await assert.rejects(queued, { message: "deliver mainnet->chain138 #7: deadline" });
        assert.ok(Date.now() - abortedAt < 200, "it stopped waiting when the caller did");
        await assert.rejects(s.send(transfer, deadline.signal), /deadline/, "an aborted caller queues nothing");
        assert.equal((await s.waitReceipt(await slow, signal)).status, 1);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal((proxy.counts.get("eth_sendRawTransaction") ?? 0) - before, 1);
        assert.equal(await provider.getTransactionCount(wallet.address, "pending"), start + 1);
        close();
    });

    it("a receipt wait its caller gives up on leaves the nonce to be re-read: the next send waits for the pending one", async () => {
        const { s, close } = sender();
        await provider.send("evm_setAutomine", [false]);
        try {
            const start = await provider.getTransactionCount(wallet.address, "latest");
            const pending = await s.send(transfer);
            const caller = new AbortController();
            const waiting = s.waitReceipt(pending, caller.signal);
            caller.abort(new Error("deliver mainnet->chain138 #8: deadline"));
            await assert.rejects(waiting, { message: "deliver mainnet->chain138 #8: deadline" });
            // Not at start + 1 behind a transaction nobody tracks any more: it waits for it, as after a crash.
            await assert.rejects(
                s.send(transfer),
                new RegExp(`chain138: relayer ${wallet.address} has 1 unmined transaction\\(s\\) \\(nonces ${start}\\.\\.${start}\\)`),
            );
            await provider.send("evm_mine", []);
            const next = await s.send(transfer);
            assert.equal(next.nonce, start + 1);
            await provider.send("evm_mine", []);
            assert.equal((await s.waitReceipt(next, signal)).status, 1);
        } finally {
            await provider.send("evm_setAutomine", [true]);
            close();
        }
    });
});
