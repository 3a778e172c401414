// A receipt that never comes fails at the deadline, naming the chain, the operation and the hash.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { sendProbeTransfer } from "../support/probe-transfer";
import { waitForReceipt } from "../../contracts/providers/receipt";

let node: AnvilNode;

before(async () => {
    // A block every 60 s: nothing sent now is mined within the test's deadline.
    node = await startAnvil({ chainId: 138, blockTime: 60 });
});
after(async () => node?.stop());

it("times out clearly while the transaction is pending", async () => {
    const target = { name: "chain138", rpcUrl: node.rpcUrl, chainId: 138 };
    const sent = await sendProbeTransfer(target, node.accounts[0].privateKey, node.accounts[1].address, "probe transfer");
    const started = Date.now();
    await assert.rejects(waitForReceipt(target, { hash: sent.hash, confirmations: 1, timeoutMs: 1500, what: "CCIPRouter deployment" }), (error: Error) => {
        assert.match(error.message, /^chain chain138 \(http:\/\/127\.0\.0\.1:\d+\): CCIPRouter deployment: transaction 0x[0-9a-f]{64} not mined after 2s/);
        assert.ok(error.message.includes(sent.hash));
        return true;
    });
    assert.ok(Date.now() - started < 10_000);
});
