// Concurrent creates from one deployer key in one process: distinct, contiguous nonces, all contracts there.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploymentInputs, type ProviderChain } from "../../devkit/provider-inputs";
import { contractDeploymentProvider as provider } from "../../contracts/providers/contract-deployment";
import { sendTransaction } from "../../contracts/providers/nonce";

const N = 12;
let node: AnvilNode;
let chain: ProviderChain;

before(async () => {
    // 1-second blocks so the creates really overlap in the mempool.
    node = await startAnvil({ chainId: 1, blockTime: 1 });
    chain = { chainName: "mainnet", rpcUrl: node.rpcUrl, chainId: 1, deployerKey: node.accounts[0].privateKey };
});
after(async () => node?.stop());

it(`${N} concurrent creates from one key never collide`, async () => {
    const deployer = node.accounts[0].address;
    const p = node.provider();
    const start = await p.getTransactionCount(deployer, "latest");
    const inputs = Array.from({ length: N }, (_, i) => deploymentInputs(chain, "Aggregator", [deployer, 8, `feed ${i}`, 3600, 500000], `agg-${i}`));
    const results = await Promise.allSettled(inputs.map((input) => provider.create(input)));
    const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failures, []);
    const outs = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof provider.create>>>).value.outs!);
    for (const [i, out] of outs.entries()) {
        assert.equal(out.address, inputs[i].address);
        assert.notEqual(await p.getCode(out.address), "0x", `no code for create ${i}`);
    }
    const nonces = await Promise.all(outs.map(async (out) => (await p.getTransaction(out.txHash))!.nonce));
    assert.deepEqual(
        [...nonces].sort((a, b) => a - b),
        Array.from({ length: N }, (_, i) => start + i),
        "nonces contiguous and distinct",
    );
    assert.equal(await p.getTransactionCount(deployer, "latest"), start + N);
    const blocks = new Set(await Promise.all(outs.map(async (out) => (await p.getTransactionReceipt(out.txHash))!.blockNumber)));
    assert.ok(blocks.size <= 2, `the creates were pipelined (blocks: ${[...blocks].join(", ")})`);
    p.destroy();
});

it("recovers when another tool used the next nonce behind the allocator's back", async () => {
    const deployer = node.wallet(0);
    // Prime the allocator, then spend a nonce outside it.
    await provider.create(deploymentInputs(chain, "WETH9"));
    const outside = await deployer.sendTransaction({ to: node.accounts[1].address, value: 1n });
    await outside.wait();
    const target = { name: chain.chainName, rpcUrl: chain.rpcUrl, chainId: chain.chainId };
    const sent = await sendTransaction(target, chain.deployerKey, { to: node.accounts[2].address, data: "0x", value: 1n, gasLimit: 21000n }, "probe");
    assert.equal(sent.nonce, outside.nonce + 1);
    (deployer.provider as { destroy(): void }).destroy();
});
