// ContractDeployment's provider against a real anvil: create, adopt, diff, update, read, delete.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { keccak256 } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { captureProviderLog, deploymentInputs, type ProviderChain } from "../../devkit/provider-inputs";
import {
    contractDeploymentProvider as provider,
    deployContract,
    type ContractDeploymentInputs,
    type ContractDeploymentOutputs,
} from "../../contracts/providers/contract-deployment";

let node: AnvilNode;
let chain: ProviderChain;

before(async () => {
    node = await startAnvil({ chainId: 138 });
    chain = { chainName: "chain138", rpcUrl: node.rpcUrl, chainId: 138, deployerKey: node.accounts[0].privateKey };
});
after(async () => node?.stop());

async function txCount(address: string): Promise<number> {
    const p = node.provider();
    try {
        return await p.getTransactionCount(address, "latest");
    } finally {
        p.destroy();
    }
}

describe("ContractDeployment provider", () => {
    let router: ContractDeploymentInputs;
    let created: ContractDeploymentOutputs;

    it("deploys through the CREATE2 proxy at the predicted address and keeps the key out of outputs", async () => {
        router = deploymentInputs(chain, "CCIPRouter", [node.accounts[0].address, "138"]);
        const before = await txCount(node.accounts[0].address);
        const result = await provider.create(router);
        created = result.outs!;
        assert.equal(created.address, router.address);
        assert.equal(result.id, `138:${router.address}`);
        assert.match(created.txHash, /^0x[0-9a-f]{64}$/);
        assert.ok(created.blockNumber > 0);
        const p = node.provider();
        const code = await p.getCode(router.address);
        p.destroy();
        assert.equal(created.codeHash, keccak256(code));
        assert.equal(await txCount(node.accounts[0].address), before + 1);
        assert.ok(!JSON.stringify(result).includes(chain.deployerKey.slice(2)), "key in create result");
        assert.ok(!("deployerKey" in created));
    });

    it("adopts code already at the address: no transaction, empty tx hash", async () => {
        const before = await txCount(node.accounts[0].address);
        const again = await deployContract(router);
        assert.equal(again.outs!.address, router.address);
        assert.equal(again.outs!.txHash, "");
        assert.equal(await txCount(node.accounts[0].address), before);
    });

    it("diff: replaces on init code or constructor args and names which; connection details update in place", async () => {
        const same = await provider.diff!(created.address, created, router);
        assert.equal(same.changes, false);
        const args = await provider.diff!(created.address, created, { ...router, constructorArgs: [node.accounts[1].address, "138"] });
        assert.deepEqual(args.replaces, ["constructorArgs"]);
        const code = await provider.diff!(created.address, created, { ...router, bytecode: `${router.bytecode}00` });
        assert.deepEqual(code.replaces, ["bytecode"]);
        const conf = await provider.diff!(created.address, created, { ...router, confirmations: 3 });
        assert.equal(conf.changes, true);
        assert.deepEqual(conf.replaces, []);
        const updated = await provider.update!(created.address, created, { ...router, confirmations: 3 });
        assert.equal(updated.outs!.confirmations, 3);
        assert.equal(updated.outs!.address, created.address);
        assert.ok(!JSON.stringify(updated).includes(chain.deployerKey.slice(2)));
    });

    it("read: reports the code while it is there, and an empty id once it is gone", async () => {
        const read = await provider.read!(`138:${created.address}`, created);
        assert.equal(read.id, `138:${created.address}`);
        assert.equal(read.props!.codeHash, created.codeHash);
        const p = node.provider();
        await p.send("anvil_setCode", [created.address, "0x"]);
        p.destroy();
        const gone = await provider.read!(`138:${created.address}`, created);
        assert.equal(gone.id, "");
    });

    it("delete leaves the contract on chain and says so", async () => {
        const weth = deploymentInputs(chain, "WETH9");
        const outs = (await provider.create(weth)).outs!;
        const log = captureProviderLog();
        try {
            await provider.delete!(`138:${outs.address}`, outs);
        } finally {
            log.restore();
        }
        const p = node.provider();
        assert.notEqual(await p.getCode(outs.address), "0x");
        p.destroy();
        assert.ok(
            log.lines.some((l) => l.includes("left on chain") && l.includes(outs.address)),
            log.lines.join("\n"),
        );
    });

    it("check rejects bad input naming the property, before any chain call, without echoing the key", async () => {
        const bad = { ...router, rpcUrl: "not a url", salt: "0x12", deployerKey: "0xnotakey" + "ab".repeat(20) };
        const result = await provider.check!(router, bad);
        const properties = (result.failures ?? []).map((f) => f.property).sort();
        assert.deepEqual(properties, ["deployerKey", "rpcUrl", "salt"]);
        assert.ok(!JSON.stringify(result.failures).includes("ab".repeat(20)));
        const wrongArgs = await provider.check!(router, { ...router, constructorArgs: ["0x1234"] });
        assert.deepEqual(
            wrongArgs.failures?.map((f) => f.property),
            ["constructorArgs"],
        );
        await assert.rejects(deployContract({ ...router, chainId: 0 }), /chainId/);
    });

    it("fails clearly when the RPC serves another chain id", async () => {
        await assert.rejects(deployContract({ ...deploymentInputs(chain, "WETH10"), chainId: 5 }), /serves chain id 138, config says 5/);
    });
});

describe("ContractDeployment check in preview", () => {
    it("accepts inputs the engine does not know yet (a constructor arg from an undeployed contract)", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const bridge = deploymentInputs(chain, "CCIPWETH9Bridge", [node.accounts[0].address, node.accounts[0].address, node.accounts[0].address]);
        const result = await provider.check!(bridge, {
            ...bridge,
            constructorArgs: [unknown, node.accounts[0].address, node.accounts[0].address],
            address: unknown,
        });
        assert.deepEqual(result.failures ?? [], []);
        const stillChecked = await provider.check!(bridge, { ...bridge, constructorArgs: [unknown], address: unknown, salt: "0x12" });
        assert.deepEqual(
            stillChecked.failures?.map((f) => f.property),
            ["salt"],
        );
    });
});
