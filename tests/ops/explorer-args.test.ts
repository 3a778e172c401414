// Constructor arguments recovered from real creation transactions on anvil (CREATE2 proxy and plain CREATE).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AbiCoder, id } from "ethers";
import { loadArtifact } from "../../contracts/artifacts";
import { argsFromCreationTx, decodeConstructorArgs, encodeConstructorArgs } from "../../ops/explorer";
import { ExplorerClient } from "../../ops/explorer/client";
import { fetchTransaction, resolveConstructorArgs } from "../../ops/explorer/creation";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy, deployCreate2, type Deployed } from "../../devkit/deploy";

describe("constructor arguments from the creation transaction", () => {
    let node: AnvilNode;
    let owner: string;
    let router: Deployed;
    let weth9: Deployed;
    let multisig: Deployed;
    const signal = AbortSignal.timeout(60_000);
    // Never called in these tests: every target carries its tx hash.
    const unusedClient = new ExplorerClient("local", { apiUrl: "http://127.0.0.1:9/api", chainId: 138 });

    before(async () => {
        node = await startAnvil({ chainId: 138 });
        const wallet = node.wallet(0, node.provider());
        owner = wallet.address;
        router = await deployCreate2("CCIPRouter", wallet, id("router"), owner, 138n);
        weth9 = await deployCreate2("WETH9", wallet, id("weth9"));
        multisig = await deploy("MultiSig", wallet, [owner, node.accounts[1].address], 2);
    });
    after(() => node.stop());

    it("strips the salt and the bytecode from a CREATE2-proxy deployment", async () => {
        const tx = await fetchTransaction(node.rpcUrl, router.receipt.hash, 138, signal);
        const args = argsFromCreationTx(loadArtifact("CCIPRouter"), router.address, tx);
        assert.equal(args, AbiCoder.defaultAbiCoder().encode(["address", "uint64"], [owner, 138n]));
        assert.deepEqual(decodeConstructorArgs(loadArtifact("CCIPRouter"), args), [owner, 138n]);
    });

    it("strips the bytecode from a plain CREATE deployment", async () => {
        const tx = await fetchTransaction(node.rpcUrl, multisig.receipt.hash, 138, signal);
        const args = argsFromCreationTx(loadArtifact("MultiSig"), multisig.address, tx);
        assert.deepEqual(decodeConstructorArgs(loadArtifact("MultiSig"), args), [[owner, node.accounts[1].address], 2n]);
    });

    it("refuses a transaction that created another address", async () => {
        const tx = await fetchTransaction(node.rpcUrl, weth9.receipt.hash, 138, signal);
        assert.throws(
            () => argsFromCreationTx(loadArtifact("WETH9"), router.address, tx),
            /WETH9: tx 0x[0-9a-f]+ makes the CREATE2 proxy deploy 0x[0-9a-fA-F]+, not 0x/,
        );
    });

    it("refuses init code that is not the artifact's bytecode (another build)", async () => {
        const tx = await fetchTransaction(node.rpcUrl, router.receipt.hash, 138, signal);
        assert.throws(
            () => argsFromCreationTx(loadArtifact("AggregatorProxy"), router.address, tx),
            /AggregatorProxy: the init code in tx .* does not start with the bytecode of contracts\/build\/AggregatorProxy.json/,
        );
    });

    it("refuses a transaction from the wrong chain", async () => {
        await assert.rejects(fetchTransaction(node.rpcUrl, router.receipt.hash, 1, signal), /belongs to chain 138, not 1/);
    });

    it("rejects arguments that do not decode exactly with the constructor", () => {
        const router = loadArtifact("CCIPRouter");
        const good = AbiCoder.defaultAbiCoder().encode(["address", "uint64"], [owner, 138n]);
        assert.throws(() => decodeConstructorArgs(router, `${good}00`), /not hex bytes|not the exact encoding/);
        assert.throws(() => decodeConstructorArgs(router, `${good}${"00".repeat(32)}`), /CCIPRouter: .* not the exact encoding of \(address,uint64\)/);
        assert.throws(() => decodeConstructorArgs(router, good.slice(0, 66)), /CCIPRouter: constructor arguments .* do not decode as \(address,uint64\)/);
        assert.throws(() => decodeConstructorArgs(loadArtifact("WETH9"), good), /WETH9: the constructor takes no arguments/);
        assert.throws(() => encodeConstructorArgs(router, [owner]), /CCIPRouter: 1 constructor arguments recorded, the constructor takes 2/);
    });

    it("checks recorded arguments against the chain and names the disagreement", async () => {
        const artifact = loadArtifact("CCIPRouter");
        const rpc = { url: node.rpcUrl, chainId: 138 };
        const target = { chain: "local", contract: "CCIPRouter" as const, address: router.address, txHash: router.receipt.hash };
        const agreed = await resolveConstructorArgs({ ...target, constructorArgs: [owner, 138n] }, artifact, unusedClient, rpc, signal);
        assert.deepEqual(agreed, { encoded: encodeConstructorArgs(artifact, [owner, 138n]), source: "creation tx" });
        await assert.rejects(
            resolveConstructorArgs({ ...target, constructorArgs: [owner, 1n] }, artifact, unusedClient, rpc, signal),
            /CCIPRouter: the recorded constructor arguments differ from those in creation tx 0x/,
        );
    });

    it("falls back to recorded arguments only when the chain cannot be read", async () => {
        const artifact = loadArtifact("CCIPRouter");
        const target = { chain: "local", contract: "CCIPRouter" as const, address: router.address };
        const recorded = await resolveConstructorArgs({ ...target, constructorArgs: [owner, 7n] }, artifact, unusedClient, { chainId: 138 }, signal);
        assert.equal(recorded.source, "deployment record");
        await assert.rejects(
            resolveConstructorArgs(target, artifact, unusedClient, { chainId: 138 }, signal),
            /CCIPRouter: no rpcUrl for chain local to read the creation tx, and the deployment recorded no constructor arguments/,
        );
    });
});
