// MultiSig thresholds, confirmations and self-governed owner changes; owning suite contracts; CREATE2 deployment.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Contract, ContractFactory, ZeroAddress, id, parseEther, type JsonRpcProvider, type Wallet } from "ethers";
import { loadArtifact } from "../../contracts/artifacts";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { CREATE2_PROXY, attach, create2Address, deploy, deployCreate2 } from "../../devkit/deploy";
import { expectRevert, mined } from "../support/assertions";

let node: AnvilNode;
let provider: JsonRpcProvider;
let o1: Wallet;
let o2: Wallet;
let o3: Wallet;
let outsider: Wallet;

before(async () => {
    node = await startAnvil();
    provider = node.provider();
    [o1, o2, o3, outsider] = [0, 1, 2, 3].map((i) => node.wallet(i, provider));
});
after(async () => {
    provider?.destroy();
    await node?.stop();
});

const as = (c: Contract, w: Wallet) => c.connect(w) as Contract;

/** Submits a call from o1 and returns its id. */
async function submit(ms: Contract, to: string, value: bigint, data: string): Promise<bigint> {
    const txId = (await ms.transactionCount()) as bigint;
    await mined(as(ms, o1).submit(to, value, data));
    return txId;
}

/** Submits a call to the wallet itself, confirms it with o2 and executes it. */
async function govern(ms: Contract, data: string): Promise<void> {
    const txId = await submit(ms, String(ms.target), 0n, data);
    await mined(as(ms, o2).confirm(txId));
    await mined(as(ms, o1).execute(txId));
}

describe("MultiSig", () => {
    let ms: Contract;
    before(async () => {
        ms = (await deploy("MultiSig", o1, [o1.address, o2.address, o3.address], 2)).contract;
        await (await o1.sendTransaction({ to: ms.target, value: parseEther("1") })).wait();
    });

    it("validates owners and threshold at deployment", async () => {
        const art = loadArtifact("MultiSig");
        const f = new ContractFactory(art.abi, art.bytecode, o1);
        const iface = f.interface;
        await expectRevert(f.deploy([o1.address], 0), iface, "InvalidThreshold", [0n, 1n]);
        await expectRevert(f.deploy([o1.address, o2.address], 3), iface, "InvalidThreshold", [3n, 2n]);
        await expectRevert(f.deploy([o1.address, o1.address], 1), iface, "InvalidOwner", [o1.address]);
        await expectRevert(f.deploy([ZeroAddress], 1), iface, "InvalidOwner", [ZeroAddress]);
    });

    it("executes only with threshold confirmations, once", async () => {
        const txId = await submit(ms, outsider.address, parseEther("0.1"), "0x");
        assert.equal(await ms.isConfirmed(txId, o1.address), true);
        await expectRevert(as(ms, o1).execute.staticCall(txId), ms, "ThresholdNotReached", [txId, 1n, 2n]);
        await expectRevert(as(ms, outsider).confirm.staticCall(txId), ms, "NotOwner", [outsider.address]);
        await expectRevert(as(ms, outsider).submit.staticCall(outsider.address, 0n, "0x"), ms, "NotOwner", [outsider.address]);
        await expectRevert(as(ms, o1).confirm.staticCall(txId), ms, "AlreadyConfirmed", [txId, o1.address]);
        await expectRevert(as(ms, o2).revoke.staticCall(txId), ms, "NotConfirmed", [txId, o2.address]);
        await mined(as(ms, o2).confirm(txId));
        await mined(as(ms, o2).revoke(txId));
        assert.equal(await ms.getConfirmationCount(txId), 1n);
        await mined(as(ms, o3).confirm(txId));
        const before = await provider.getBalance(outsider.address);
        await mined(as(ms, o3).execute(txId));
        assert.equal((await provider.getBalance(outsider.address)) - before, parseEther("0.1"));
        await expectRevert(as(ms, o1).execute.staticCall(txId), ms, "AlreadyExecuted", [txId]);
        await expectRevert(as(ms, o1).confirm.staticCall(99n), ms, "UnknownTransaction", [99n]);
    });

    it("reverts a failing call and keeps it executable", async () => {
        const weth = (await deploy("WETH9", o1)).contract;
        const txId = await submit(ms, String(weth.target), 0n, weth.interface.encodeFunctionData("withdraw", [1n]));
        await mined(as(ms, o2).confirm(txId));
        const [, returnData] = await expectRevert(as(ms, o1).execute.staticCall(txId), ms, "ExecutionFailed");
        assert.equal(weth.interface.parseError(returnData as string)?.name, "InsufficientBalance");
        assert.equal((await ms.getTransaction(txId)).executed, false);
    });

    it("changes owners and threshold only through itself", async () => {
        await expectRevert(as(ms, o1).addOwner.staticCall(outsider.address), ms, "OnlyWallet", [o1.address]);
        await expectRevert(as(ms, o1).changeThreshold.staticCall(1n), ms, "OnlyWallet", [o1.address]);

        await govern(ms, ms.interface.encodeFunctionData("addOwner", [outsider.address]));
        assert.deepEqual([...(await ms.getOwners())], [o1.address, o2.address, o3.address, outsider.address]);
        await govern(ms, ms.interface.encodeFunctionData("changeThreshold", [3n]));
        assert.equal(await ms.threshold(), 3n);

        // An invalid change makes the wallet call fail, surfacing the inner error.
        const bad = await submit(ms, String(ms.target), 0n, ms.interface.encodeFunctionData("changeThreshold", [5n]));
        await mined(as(ms, o2).confirm(bad));
        await mined(as(ms, o3).confirm(bad));
        const [, inner] = await expectRevert(as(ms, o1).execute.staticCall(bad), ms, "ExecutionFailed");
        assert.equal(ms.interface.parseError(inner as string)?.name, "InvalidThreshold");

        // Replace o3 with a new key, then remove two owners: the threshold follows the owner count down.
        const fresh = node.wallet(4, provider);
        const replace = await submit(ms, String(ms.target), 0n, ms.interface.encodeFunctionData("replaceOwner", [o3.address, fresh.address]));
        await mined(as(ms, o2).confirm(replace));
        await mined(as(ms, outsider).confirm(replace));
        await mined(as(ms, o1).execute(replace));
        assert.equal(await ms.isOwner(o3.address), false);
        assert.equal(await ms.isOwner(fresh.address), true);
        await expectRevert(as(ms, o3).confirm.staticCall(replace), ms, "NotOwner", [o3.address]);

        for (const gone of [outsider, fresh]) {
            const rm = await submit(ms, String(ms.target), 0n, ms.interface.encodeFunctionData("removeOwner", [gone.address]));
            await mined(as(ms, o2).confirm(rm));
            if ((await ms.getConfirmationCount(rm)) < (await ms.threshold())) await mined(as(ms, gone).confirm(rm));
            await mined(as(ms, o1).execute(rm));
        }
        assert.deepEqual([...(await ms.getOwners())].sort(), [o1.address, o2.address].sort());
        assert.equal(await ms.threshold(), 2n);
    });

    it("does not count confirmations of removed owners", async () => {
        const ms2 = (await deploy("MultiSig", o1, [o1.address, o2.address, o3.address], 2)).contract;
        const pay = await submit(ms2, outsider.address, 0n, "0x");
        await mined(as(ms2, o3).confirm(pay));
        assert.equal(await ms2.getConfirmationCount(pay), 2n);
        await govern(ms2, ms2.interface.encodeFunctionData("removeOwner", [o3.address]));
        assert.equal(await ms2.getConfirmationCount(pay), 1n);
        await expectRevert(as(ms2, o1).execute.staticCall(pay), ms2, "ThresholdNotReached", [pay, 1n, 2n]);
    });

    it("takes ownership of an Ownable2Step suite contract and governs it", async () => {
        const router = (await deploy("CCIPRouter", o1, o1.address, 1n)).contract;
        await mined(router.transferOwnership(ms.target));
        assert.equal(await router.owner(), o1.address);
        const accept = await submit(ms, String(router.target), 0n, router.interface.encodeFunctionData("acceptOwnership"));
        await mined(as(ms, o2).confirm(accept));
        await mined(as(ms, o1).execute(accept));
        assert.equal(await router.owner(), ms.target);
        const fees = { enabled: true, baseFee: 1n, feePerByte: 0n, feePerGas: 0n };
        await expectRevert(router.setFeeConfig.staticCall(ZeroAddress, fees), router, "OwnableUnauthorizedAccount", [o1.address]);
        const setFee = await submit(ms, String(router.target), 0n, router.interface.encodeFunctionData("setFeeConfig", [ZeroAddress, fees]));
        await mined(as(ms, o2).confirm(setFee));
        await mined(as(ms, o1).execute(setFee));
        assert.equal((await router.getFeeConfig(ZeroAddress)).baseFee, 1n);
    });
});

describe("CREATE2 deployment", () => {
    it("deploys an Ownable contract through the deterministic-deployment proxy with the intended owner", async () => {
        assert.notEqual(await provider.getCode(CREATE2_PROXY), "0x", "anvil predeploys the CREATE2 proxy");
        const art = loadArtifact("CCIPRouter");
        const salt = id("chain138/CCIPRouter");
        const expected = await create2Address(art, salt, o2.address, 138n);
        const { address } = await deployCreate2("CCIPRouter", o1, salt, o2.address, 138n);
        assert.equal(address, expected);
        // Same runtime size as compiled (the bytes differ only where immutables are filled in).
        assert.equal((await provider.getCode(expected)).length, art.deployedBytecode.length);
        const router = attach("CCIPRouter", expected, provider);
        assert.equal(await router.owner(), o2.address);
        assert.equal(await router.getLocalChainSelector(), 138n);
    });
});
