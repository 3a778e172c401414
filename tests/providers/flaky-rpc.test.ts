// Transient RPC faults (429s, dropped connections, -32005) are retried with backoff: the deploy succeeds.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { startFlakyProxy, type FlakyProxy } from "../support/rpc-flaky-proxy";
import { deploymentInputs, type ProviderChain } from "../../devkit/provider-inputs";
import { contractDeploymentProvider as provider } from "../../contracts/providers/contract-deployment";
import { isTransientRpcError, redactRpcUrl, retriesObserved } from "../../contracts/providers/rpc";

let node: AnvilNode;
let proxy: FlakyProxy;
let chain: ProviderChain;

before(async () => {
    node = await startAnvil({ chainId: 1 });
    proxy = await startFlakyProxy(node.rpcUrl, { http429Every: 5, dropEvery: 11, rpcLimitEvery: 13 });
    chain = { chainName: "mainnet", rpcUrl: proxy.url, chainId: 1, deployerKey: node.accounts[0].privateKey };
});
after(async () => {
    await proxy?.stop();
    await node?.stop();
});

it("deploys through a proxy that throttles and drops connections, retrying each fault", async () => {
    const deployer = node.accounts[0].address;
    const inputs = [deploymentInputs(chain, "WETH9"), deploymentInputs(chain, "WETH10"), deploymentInputs(chain, "MultiSig", [[deployer], 1])];
    const outs = await Promise.all(inputs.map((i) => provider.create(i)));
    const p = node.provider();
    for (const out of outs) assert.notEqual(await p.getCode(out.outs!.address), "0x");
    assert.equal(await p.getTransactionCount(deployer), 3, "each contract deployed once despite the faults");
    p.destroy();
    const faults = proxy.injected.http429 + proxy.injected.dropped + proxy.injected.rpcLimit;
    assert.ok(proxy.injected.http429 > 0 && proxy.injected.dropped > 0 && proxy.injected.rpcLimit > 0, JSON.stringify(proxy.injected));
    // One retried attempt can absorb several faults (getFeeData makes three requests), hence a range.
    const retries = retriesObserved({ name: "mainnet", rpcUrl: proxy.url, chainId: 1 });
    assert.ok(retries > 0 && retries <= faults, `${retries} retries for ${faults} injected faults`);
});

it("classifies faults: transient ones retry, reverts and nonce errors do not", () => {
    assert.equal(isTransientRpcError(new Error("server response 429 Too Many Requests")), true);
    assert.equal(isTransientRpcError({ code: "SERVER_ERROR", info: { error: { code: -32005, message: "limit exceeded" } } }), true);
    assert.equal(isTransientRpcError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), true);
    assert.equal(isTransientRpcError({ code: "TIMEOUT", message: "request timeout" }), true);
    assert.equal(isTransientRpcError(new Error("execution reverted: Ownable")), false);
    assert.equal(isTransientRpcError(new Error("nonce too low")), false);
    // ethers v6 reports a rate-limited eth_call as CALL_EXCEPTION "missing revert data" carrying the node's -32005.
    const limitedCall = {
        code: "CALL_EXCEPTION",
        shortMessage: "missing revert data",
        data: null,
        info: { error: { code: -32005, message: "limit exceeded" } },
    };
    assert.equal(isTransientRpcError(limitedCall), true);
    assert.equal(isTransientRpcError({ code: "CALL_EXCEPTION", shortMessage: "execution reverted", data: "0x8e4a23d6" + "00".repeat(32) }), false);
    assert.equal(isTransientRpcError({ code: "CALL_EXCEPTION", shortMessage: "missing revert data", data: null }), false, "unrecognised: final");
    assert.equal(isTransientRpcError({ code: "INSUFFICIENT_FUNDS", message: "insufficient funds for gas * price + value" }), false);
});

it("never prints API keys from RPC URLs", () => {
    assert.equal(redactRpcUrl("https://eth-mainnet.example.com/v2/SECRETKEY123"), "https://eth-mainnet.example.com/…");
    assert.equal(redactRpcUrl("https://user:pass@rpc.example.com"), "https://rpc.example.com/…");
    assert.equal(redactRpcUrl("https://rpc.example.com/?apikey=SECRET"), "https://rpc.example.com/…");
    assert.equal(redactRpcUrl("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
});
