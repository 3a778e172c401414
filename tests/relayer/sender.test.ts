// The relayer's per-chain transaction sender against a real anvil: it waits for transactions left
// in flight, and a broadcast whose answer was lost is neither resent nor allowed to skew the nonce.
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
const signal = new AbortController().signal;

before(async () => {
    node = await startAnvil({ chainId: 138 });
    proxy = await startFlakyRpc(node.rpcUrl, {
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
function sender(): { s: TxSender; close: () => void } {
    const viaProxy = new JsonRpcProvider(proxy.url, 138, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    return {
        s: new TxSender("chain138", wallet.connect(viaProxy), viaProxy, 138n, 50, 5_000, { retries: 3, minTimeoutMs: 20, signal, log: () => undefined }),
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
});
