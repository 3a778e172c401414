// Multicall3, WETH9 and WETH10 on a local anvil chain.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Contract, Wallet, parseEther, MaxUint256, AbiCoder, ZeroHash, type JsonRpcProvider } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy, deployTest } from "../../devkit/deploy";
import { expectRevert, mined } from "../support/assertions";
import { signWeth10Permit } from "../../devkit/permit";

let node: AnvilNode;
let provider: JsonRpcProvider;
let alice: Wallet;
let bob: Wallet;

before(async () => {
    node = await startAnvil({ chainId: 31337 });
    provider = node.provider();
    alice = node.wallet(0, provider);
    bob = node.wallet(1, provider);
});
after(async () => {
    provider?.destroy();
    await node?.stop();
});

describe("Multicall3", () => {
    let mc: Contract;
    let weth: Contract;
    before(async () => {
        mc = (await deploy("Multicall3", alice)).contract;
        weth = (await deploy("WETH9", alice)).contract;
    });

    it("aggregate returns block number and every result", async () => {
        const calls = [
            { target: weth.target, callData: weth.interface.encodeFunctionData("symbol") },
            { target: mc.target, callData: mc.interface.encodeFunctionData("getChainId") },
        ];
        const [blockNumber, results] = (await mc.aggregate.staticCall(calls)) as [bigint, string[]];
        // eth_call runs against the latest block on anvil.
        assert.equal(blockNumber, BigInt(await provider.getBlockNumber()));
        assert.equal(weth.interface.decodeFunctionResult("symbol", results[0])[0], "WETH");
        assert.equal(BigInt(results[1]), 31337n);
    });

    it("aggregate reverts naming the failing call; tryAggregate/aggregate3 tolerate allowed failures", async () => {
        const bad = { target: weth.target, callData: weth.interface.encodeFunctionData("withdraw", [1n]) };
        const good = { target: mc.target, callData: mc.interface.encodeFunctionData("getBlockNumber") };
        await expectRevert(mc.aggregate.staticCall([good, bad]), mc, "CallFailed");
        const tried = (await mc.tryAggregate.staticCall(false, [good, bad])) as { success: boolean }[];
        assert.deepEqual(
            tried.map((r) => r.success),
            [true, false],
        );
        await expectRevert(mc.tryAggregate.staticCall(true, [good, bad]), mc, "CallFailed");
        const r3 = (await mc.aggregate3.staticCall([
            { ...good, allowFailure: false },
            { ...bad, allowFailure: true },
        ])) as { success: boolean }[];
        assert.deepEqual(
            r3.map((r) => r.success),
            [true, false],
        );
        await expectRevert(mc.aggregate3.staticCall([{ ...bad, allowFailure: false }]), mc, "CallFailed");
        const [bn, , res] = (await mc.blockAndAggregate.staticCall([good])) as [bigint, string, { success: boolean }[]];
        assert.ok(bn > 0n && res[0].success);
        const [, , tried2] = (await mc.tryBlockAndAggregate.staticCall(false, [bad, good])) as [bigint, string, { success: boolean }[]];
        assert.deepEqual(
            tried2.map((r) => r.success),
            [false, true],
        );
        await expectRevert(mc.blockAndAggregate.staticCall([good, bad]), mc, "CallFailed");
    });

    it("aggregate3Value forwards value and requires the exact sum", async () => {
        const dep = weth.interface.encodeFunctionData("deposit");
        const calls = [
            { target: weth.target, allowFailure: false, value: 3n, callData: dep },
            { target: weth.target, allowFailure: false, value: 4n, callData: dep },
        ];
        await mined(mc.aggregate3Value(calls, { value: 7n }));
        assert.equal(await weth.balanceOf(mc.target), 7n);
        await expectRevert(mc.aggregate3Value.staticCall(calls, { value: 8n }), mc, "ValueMismatch", [7n, 8n]);
    });

    it("block helpers report chain state", async () => {
        const block = await provider.getBlock("latest");
        assert.ok(block);
        assert.equal(await mc.getChainId(), 31337n);
        assert.equal(await mc.getEthBalance(alice.address), await provider.getBalance(alice.address));
        const parent = await provider.getBlock(block.number - 1);
        assert.equal(await mc.getLastBlockHash(), parent?.hash);
        assert.equal(await mc.getBlockHash(block.number - 1), parent?.hash);
        // The executing block's own hash is not available to the EVM.
        assert.equal(await mc.getBlockHash(block.number), ZeroHash);
        assert.equal(await mc.getCurrentBlockGasLimit(), block.gasLimit);
        assert.ok((await mc.getCurrentBlockTimestamp()) >= BigInt(block.timestamp));
        assert.equal(typeof (await mc.getBasefee()), "bigint");
    });
});

describe("WETH9", () => {
    let weth: Contract;
    before(async () => {
        weth = (await deploy("WETH9", alice)).contract;
    });

    it("deposit, receive and fallback wrap ether; withdraw unwraps", async () => {
        const r = await mined(weth.deposit({ value: parseEther("1") }));
        assert.ok(r.logs.some((l) => weth.interface.parseLog(l)?.name === "Deposit"));
        await (await alice.sendTransaction({ to: weth.target, value: parseEther("1") })).wait();
        await (await alice.sendTransaction({ to: weth.target, value: 5n, data: "0x12345678" })).wait();
        assert.equal(await weth.balanceOf(alice.address), parseEther("2") + 5n);
        assert.equal(await weth.totalSupply(), parseEther("2") + 5n);
        const before = await provider.getBalance(alice.address);
        const w = await mined(weth.withdraw(parseEther("1")));
        const after = await provider.getBalance(alice.address);
        assert.equal(after - before + w.gasUsed * w.gasPrice, parseEther("1"));
        await expectRevert(weth.withdraw.staticCall(parseEther("5")), weth, "InsufficientBalance", [alice.address, parseEther("1") + 5n, parseEther("5")]);
        assert.equal(await weth.name(), "Wrapped Ether");
        assert.equal(await weth.decimals(), 18n);
    });

    it("transferFrom spends allowance except when unlimited", async () => {
        await mined(weth.approve(bob.address, 10n));
        const asBob = weth.connect(bob) as Contract;
        await mined(asBob.transferFrom(alice.address, bob.address, 4n));
        assert.equal(await weth.allowance(alice.address, bob.address), 6n);
        await expectRevert(asBob.transferFrom.staticCall(alice.address, bob.address, 7n), weth, "InsufficientAllowance", [alice.address, bob.address, 6n, 7n]);
        await mined(weth.approve(bob.address, MaxUint256));
        await mined(asBob.transferFrom(alice.address, bob.address, 6n));
        assert.equal(await weth.allowance(alice.address, bob.address), MaxUint256);
        await mined(weth.transfer(bob.address, 1n));
        assert.equal(await weth.balanceOf(bob.address), 11n);
        await expectRevert(asBob.transfer.staticCall(alice.address, 12n), weth, "InsufficientBalance", [bob.address, 11n, 12n]);
    });
});

describe("WETH10", () => {
    let weth: Contract;
    before(async () => {
        weth = (await deploy("WETH10", alice)).contract;
        await mined(weth.deposit({ value: parseEther("3") }));
    });

    it("wraps with deposit/depositTo/receive and unwraps with withdraw/withdrawTo/withdrawFrom", async () => {
        await mined(weth.depositTo(bob.address, { value: 100n }));
        await (await alice.sendTransaction({ to: weth.target, value: 50n })).wait();
        assert.equal(await weth.balanceOf(bob.address), 100n);
        assert.equal(await weth.totalSupply(), parseEther("3") + 150n);
        const target = Wallet.createRandom().address;
        await mined(weth.withdrawTo(target, 30n));
        assert.equal(await provider.getBalance(target), 30n);
        await expectRevert((weth.connect(bob) as Contract).withdrawFrom.staticCall(alice.address, target, 1n), weth, "ERC20InsufficientAllowance");
        await mined(weth.approve(bob.address, 20n));
        await mined((weth.connect(bob) as Contract).withdrawFrom(alice.address, target, 20n));
        assert.equal(await provider.getBalance(target), 50n);
        assert.equal(await weth.allowance(alice.address, bob.address), 0n);
        await expectRevert(weth.withdraw.staticCall(parseEther("10")), weth, "ERC20InsufficientBalance");
        assert.equal(await provider.getBalance(weth.target), await weth.totalSupply());
    });

    it("permit sets an allowance from an EIP-2612 signature and rejects reuse and expiry", async () => {
        const owner = Wallet.createRandom().connect(provider);
        const deadline = BigInt((await provider.getBlock("latest"))!.timestamp + 3600);
        const sig = await signWeth10Permit(owner, { token: String(weth.target), chainId: node.chainId, spender: bob.address, value: 77n, nonce: 0n, deadline });
        await mined(weth.permit(owner.address, bob.address, 77n, deadline, sig.v, sig.r, sig.s));
        assert.equal(await weth.allowance(owner.address, bob.address), 77n);
        assert.equal(await weth.nonces(owner.address), 1n);
        await expectRevert(weth.permit.staticCall(owner.address, bob.address, 77n, deadline, sig.v, sig.r, sig.s), weth, "ERC2612InvalidSigner");
        const expired = 1n;
        const sig2 = await signWeth10Permit(owner, {
            token: String(weth.target),
            chainId: node.chainId,
            spender: bob.address,
            value: 77n,
            nonce: 1n,
            deadline: expired,
        });
        await expectRevert(weth.permit.staticCall(owner.address, bob.address, 77n, expired, sig2.v, sig2.r, sig2.s), weth, "ERC2612ExpiredSignature", [
            expired,
        ]);
    });

    it("flash mints up to the uint112 cap, including nested loans, and burns the loan back", async () => {
        const borrower = (await deployTest("FlashBorrowerMock", alice)).contract;
        const cap = (1n << 112n) - 1n;
        assert.equal(await weth.maxFlashLoan(weth.target), cap);
        assert.equal(await weth.maxFlashLoan(alice.address), 0n);
        assert.equal(await weth.flashFee(weth.target, 1000n), 0n);
        const supply = await weth.totalSupply();
        await mined(borrower.borrow(weth.target, cap, 0, 0));
        assert.equal(await borrower.balanceInCallback(), cap);
        assert.equal(await borrower.supplyInCallback(), supply + cap);
        assert.equal(await weth.totalSupply(), supply);
        assert.equal(await weth.balanceOf(borrower.target), 0n);
        assert.equal(await weth.flashMinted(), 0n);

        // Nested: the inner loan may only use what is left under the cap.
        await mined(borrower.borrow(weth.target, cap - 10n, 3, 10n));
        assert.equal(await borrower.nestedAmount(), 10n);
        await expectRevert(borrower.borrow.staticCall(weth.target, cap - 10n, 3, 11n), weth, "ERC3156ExceededMaxLoan", [10n]);
        await expectRevert(borrower.borrow.staticCall(weth.target, cap + 1n, 0, 0), weth, "ERC3156ExceededMaxLoan", [cap]);
    });

    it("flash mint fails without repayment approval or the callback value", async () => {
        const borrower = (await deployTest("FlashBorrowerMock", alice)).contract;
        await expectRevert(borrower.borrow.staticCall(weth.target, 1000n, 1, 0), weth, "ERC20InsufficientAllowance", [weth.target, 0n, 1000n]);
        await expectRevert(borrower.borrow.staticCall(weth.target, 1000n, 2, 0), weth, "FlashCallbackFailed", [borrower.target]);
        await expectRevert(weth.flashLoan.staticCall(borrower.target, alice.address, 1n, "0x"), weth, "ERC3156UnsupportedToken", [alice.address]);
    });

    it("transferAndCall transfers then notifies the recipient, reverting if it declines", async () => {
        const receiver = (await deployTest("TransferReceiverMock", alice)).contract;
        const payload = AbiCoder.defaultAbiCoder().encode(["string"], ["hi"]);
        await mined(weth.transferAndCall(receiver.target, 9n, payload));
        assert.equal(await weth.balanceOf(receiver.target), 9n);
        assert.equal(await receiver.lastFrom(), alice.address);
        assert.equal(await receiver.lastValue(), 9n);
        assert.equal(await receiver.lastData(), payload);
        await mined(receiver.setAccept(false));
        await expectRevert(weth.transferAndCall.staticCall(receiver.target, 1n, "0x"), weth, "TransferCallbackRejected", [receiver.target]);
    });
});
