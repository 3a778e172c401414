// The anvil helper (devkit/anvil.ts) on its own: options are honoured, accounts are funded, stop() really stops the node.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEther } from "ethers";
import { startAnvil } from "../../devkit/anvil";

async function answers(url: string): Promise<boolean> {
    try {
        await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        return true;
    } catch {
        return false;
    }
}

describe("startAnvil", () => {
    it("starts nodes with the requested chain id and funded accounts, on distinct ports, and stops them", async () => {
        const [a, b] = await Promise.all([startAnvil({ chainId: 1 }), startAnvil({ chainId: 138, accounts: 3, balanceEther: 5 })]);
        try {
            assert.notEqual(a.port, b.port);
            assert.match(a.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
            const pa = a.provider();
            const pb = b.provider();
            assert.equal((await pa.getNetwork()).chainId, 1n);
            assert.equal(BigInt(await pb.send("eth_chainId", [])), 138n);
            assert.equal(b.accounts.length, 3);
            assert.equal(await pb.getBalance(b.accounts[2].address), parseEther("5"));
            assert.equal(b.wallet(1).address, b.accounts[1].address);
            assert.throws(() => b.wallet(3), /no dev account 3/);
            // Automine: a transfer is mined at once.
            const tx = await b.wallet(0, pb).sendTransaction({ to: b.accounts[1].address, value: 1n });
            assert.equal((await tx.wait())?.status, 1);
            pa.destroy();
            pb.destroy();
        } finally {
            await Promise.all([a.stop(), b.stop()]);
        }
        assert.equal(await answers(a.rpcUrl), false);
        assert.equal(await answers(b.rpcUrl), false);
        await a.stop(); // idempotent
    });

    it("mines on an interval with blockTime", async () => {
        const node = await startAnvil({ blockTime: 1 });
        const provider = node.provider();
        try {
            const start = await provider.getBlockNumber();
            await new Promise((r) => setTimeout(r, 2200));
            assert.ok((await provider.getBlockNumber()) >= start + 2);
        } finally {
            provider.destroy();
            await node.stop();
        }
    });
});
