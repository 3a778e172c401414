// A transaction another tool left pending from the deployer key keeps its nonce: the allocator moves past
// it instead of replacing it with a higher fee.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { sendTransaction } from "../../contracts/providers/nonce";

let node: AnvilNode;

before(async () => {
    // A block every 60 s: the outside transaction stays pending throughout.
    node = await startAnvil({ chainId: 1, blockTime: 60 });
});
after(async () => node?.stop());

it("moves past a pending transaction sent outside the allocator", async () => {
    const target = { name: "mainnet", rpcUrl: node.rpcUrl, chainId: 1 };
    const key = node.accounts[0].privateKey;
    const first = await sendTransaction(target, key, { to: node.accounts[1].address, data: "0x", value: 1n, gasLimit: 21000n }, "first");
    const wallet = node.wallet(0);
    // Cheap fee: a replacement by our allocator's higher fee would be accepted by the node.
    const outside = await wallet.sendTransaction({
        to: node.accounts[2].address,
        value: 1n,
        nonce: first.nonce + 1,
        maxFeePerGas: 2_000_000_000n,
        maxPriorityFeePerGas: 1n,
    });
    const second = await sendTransaction(target, key, { to: node.accounts[3].address, data: "0x", value: 1n, gasLimit: 21000n }, "second");
    assert.equal(second.nonce, outside.nonce + 1);
    const p = node.provider();
    const stillThere = await p.getTransaction(outside.hash);
    assert.ok(stillThere !== null, "the outside transaction was not replaced");
    assert.equal(await p.getTransactionCount(node.accounts[0].address, "pending"), first.nonce + 3);
    p.destroy();
    (wallet.provider as { destroy(): void }).destroy();
});
