// CCIPWETH9Bridge / CCIPWETH10Bridge over two routers on one chain (two lanes stand in for two chains).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AbiCoder, Contract, ZeroAddress, parseEther, type JsonRpcProvider, type TransactionReceipt, type Wallet } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy } from "../../devkit/deploy";
import { expectRevert, mined } from "../support/assertions";
import { attest, relay, sentMessages, toInbound } from "../../devkit/ccip";
import { connectLane, deployRouter } from "../support/ccip-fixture";
import { makeAttesters } from "../../devkit/ccip-fixture";
import { signWeth10Permit } from "../../devkit/permit";

const A = 1111n;
const B = 2222n;
const coder = AbiCoder.defaultAbiCoder();

let node: AnvilNode;
let provider: JsonRpcProvider;
let owner: Wallet;
let alice: Wallet;
let bob: Wallet;
let routerA: Contract;
let routerB: Contract;
const attesters = makeAttesters(2);

before(async () => {
    node = await startAnvil();
    provider = node.provider();
    owner = node.wallet(0, provider);
    alice = node.wallet(1, provider);
    bob = node.wallet(2, provider);
});

/** Fresh routers with lanes A<->B, so each suite starts with nothing pending on either lane. */
async function setupRouters(): Promise<void> {
    routerA = await deployRouter(owner, A);
    routerB = await deployRouter(owner, B);
    await connectLane(routerA, B, routerB, attesters, 2);
    await connectLane(routerB, A, routerA, attesters, 2);
}
after(async () => {
    provider?.destroy();
    await node?.stop();
});

/** A WETH and its bridge on each side, allowlisted to each other. */
async function bridgePair(kind: "WETH9" | "WETH10") {
    const bridgeName = kind === "WETH9" ? "CCIPWETH9Bridge" : "CCIPWETH10Bridge";
    const tokenA = (await deploy(kind, owner)).contract;
    const tokenB = (await deploy(kind, owner)).contract;
    const bridgeA = (await deploy(bridgeName, owner, routerA.target, tokenA.target, owner.address)).contract;
    const bridgeB = (await deploy(bridgeName, owner, routerB.target, tokenB.target, owner.address)).contract;
    await mined(bridgeA.setRemoteBridge(B, bridgeB.target));
    await mined(bridgeB.setRemoteBridge(A, bridgeA.target));
    return { tokenA, tokenB, bridgeA, bridgeB };
}

function executed(router: Contract, receipt: TransactionReceipt): { success: boolean; returnData: string } {
    const log = receipt.logs.map((l) => router.interface.parseLog(l)).find((l) => l?.name === "MessageExecuted");
    assert.ok(log, "no MessageExecuted event");
    return { success: log.args.success as boolean, returnData: log.args.returnData as string };
}

describe("CCIPWETH9Bridge", () => {
    let p: Awaited<ReturnType<typeof bridgePair>>;
    before(async () => {
        await setupRouters();
        p = await bridgePair("WETH9");
        // Liquidity on B: the operator wraps ether into the destination bridge.
        await mined(p.tokenB.deposit({ value: parseEther("5") }));
        await mined(p.tokenB.transfer(p.bridgeB.target, parseEther("5")));
    });

    it("locks on A and releases on B after attested delivery, refunding excess fee", async () => {
        const amount = parseEther("1");
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: amount }));
        await mined((p.tokenA.connect(alice) as Contract).approve(p.bridgeA.target, amount));
        const fee = (await p.bridgeA.quoteFee(B, bob.address, amount)) as bigint;
        assert.ok(fee > 0n);
        const before = await provider.getBalance(alice.address);
        const r = await mined((p.bridgeA.connect(alice) as Contract).bridge(B, bob.address, amount, { value: fee + 1000n }));
        const spent = before - (await provider.getBalance(alice.address));
        assert.equal(spent, fee + r.gasUsed * r.gasPrice, "excess fee refunded");
        assert.equal(await p.bridgeA.lockedLiquidity(), amount);
        const [d] = await relay(routerA, r, A, routerB, attesters, owner);
        assert.equal(executed(routerB, d).success, true);
        assert.equal(await p.tokenB.balanceOf(bob.address), amount);
        assert.equal(await p.bridgeB.lockedLiquidity(), parseEther("4"));
        assert.equal(await p.bridgeB.isProcessed(sentMessages(routerA, r)[0].messageId), true);
    });

    it("bridgeNative wraps ether and bridges it", async () => {
        const amount = parseEther("0.5");
        const fee = (await p.bridgeA.quoteFee(B, bob.address, amount)) as bigint;
        const asAlice = p.bridgeA.connect(alice) as Contract;
        await expectRevert(asAlice.bridgeNative.staticCall(B, bob.address, amount, { value: amount - 1n }), p.bridgeA, "ValueBelowAmount", [
            amount,
            amount - 1n,
        ]);
        await expectRevert(asAlice.bridgeNative.staticCall(B, bob.address, amount, { value: amount + fee - 1n }), p.bridgeA, "InsufficientFee", [
            fee,
            fee - 1n,
        ]);
        const r = await mined(asAlice.bridgeNative(B, bob.address, amount, { value: amount + fee }));
        const before = (await p.tokenB.balanceOf(bob.address)) as bigint;
        await relay(routerA, r, A, routerB, attesters, owner);
        assert.equal(await p.tokenB.balanceOf(bob.address), before + amount);
    });

    it("rejects unknown destinations, zero transfers and low fees", async () => {
        const asAlice = p.bridgeA.connect(alice) as Contract;
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: 10n }));
        await mined((p.tokenA.connect(alice) as Contract).approve(p.bridgeA.target, 10n));
        await expectRevert(asAlice.bridge.staticCall(9n, bob.address, 10n, { value: parseEther("1") }), p.bridgeA, "RemoteBridgeNotSet", [9n]);
        await expectRevert(asAlice.bridge.staticCall(B, bob.address, 0n, { value: parseEther("1") }), p.bridgeA, "InvalidTransfer");
        await expectRevert(asAlice.bridge.staticCall(B, ZeroAddress, 10n, { value: parseEther("1") }), p.bridgeA, "InvalidTransfer");
        const fee = (await p.bridgeA.quoteFee(B, bob.address, 10n)) as bigint;
        await expectRevert(asAlice.bridge.staticCall(B, bob.address, 10n, { value: fee - 1n }), p.bridgeA, "InsufficientFee", [fee, fee - 1n]);
        // Allowlisted on the bridge but no router lane: the router's error surfaces.
        await mined(p.bridgeA.setRemoteBridge(7n, bob.address));
        await expectRevert(asAlice.bridge.staticCall(7n, bob.address, 10n, { value: fee }), routerA, "UnsupportedDestinationChain", [7n]);
        await expectRevert((p.bridgeA.connect(alice) as Contract).setRemoteBridge.staticCall(7n, alice.address), p.bridgeA, "OwnableUnauthorizedAccount", [
            alice.address,
        ]);
    });

    it("fails delivery from a sender that is not the allowlisted bridge", async () => {
        // Alice sends straight through router A to bridge B, pretending to be a bridge.
        const msg = {
            receiver: coder.encode(["address"], [p.bridgeB.target]),
            data: coder.encode(["address", "uint256"], [alice.address, parseEther("1")]),
            tokenAmounts: [],
            feeToken: ZeroAddress,
            extraArgs: "0x",
        };
        const fee = (await routerA.getFee(B, msg)) as bigint;
        const r = await mined((routerA.connect(alice) as Contract).ccipSend(B, msg, { value: fee }));
        const [d] = await relay(routerA, r, A, routerB, attesters, owner);
        const result = executed(routerB, d);
        assert.equal(result.success, false);
        const err = p.bridgeB.interface.parseError(result.returnData);
        assert.equal(err?.name, "SenderNotAllowlisted");
        assert.equal(err?.args[0], A);
        assert.equal(await p.tokenB.balanceOf(alice.address), 0n);
    });

    it("pauses both directions; a message arriving while paused is retried after unpausing", async () => {
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: 20n }));
        await mined((p.tokenA.connect(alice) as Contract).approve(p.bridgeA.target, 20n));
        const fee = (await p.bridgeA.quoteFee(B, bob.address, 20n)) as bigint;
        const r = await mined((p.bridgeA.connect(alice) as Contract).bridge(B, bob.address, 20n, { value: fee }));
        await mined(p.bridgeB.pause());
        await mined(p.bridgeA.pause());
        await expectRevert((p.bridgeA.connect(alice) as Contract).bridge.staticCall(B, bob.address, 20n, { value: fee }), p.bridgeA, "EnforcedPause");
        await expectRevert((p.bridgeA.connect(alice) as Contract).pause.staticCall(), p.bridgeA, "OwnableUnauthorizedAccount", [alice.address]);
        const [d] = await relay(routerA, r, A, routerB, attesters, owner);
        const result = executed(routerB, d);
        assert.equal(result.success, false);
        assert.equal(p.bridgeB.interface.parseError(result.returnData)?.name, "EnforcedPause");
        const before = (await p.tokenB.balanceOf(bob.address)) as bigint;
        await mined(p.bridgeB.unpause());
        await mined(p.bridgeA.unpause());
        await mined(routerB.retryFailedMessage(toInbound(sentMessages(routerA, r)[0], A)));
        assert.equal(await p.tokenB.balanceOf(bob.address), before + 20n);
    });

    it("fails a release beyond the locked liquidity until liquidity arrives", async () => {
        const amount = parseEther("10");
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: amount }));
        await mined((p.tokenA.connect(alice) as Contract).approve(p.bridgeA.target, amount));
        const fee = (await p.bridgeA.quoteFee(B, bob.address, amount)) as bigint;
        const r = await mined((p.bridgeA.connect(alice) as Contract).bridge(B, bob.address, amount, { value: fee }));
        const available = (await p.bridgeB.lockedLiquidity()) as bigint;
        const [d] = await relay(routerA, r, A, routerB, attesters, owner);
        const err = p.bridgeB.interface.parseError(executed(routerB, d).returnData);
        assert.equal(err?.name, "InsufficientLiquidity");
        assert.deepEqual([err?.args[0], err?.args[1]], [available, amount]);
        await mined(p.tokenB.deposit({ value: amount }));
        await mined(p.tokenB.transfer(p.bridgeB.target, amount));
        const before = (await p.tokenB.balanceOf(bob.address)) as bigint;
        await mined(routerB.retryFailedMessage(toInbound(sentMessages(routerA, r)[0], A)));
        assert.equal(await p.tokenB.balanceOf(bob.address), before + amount);
    });
    // Last in this suite: the forged delivery consumes a sequence number of the A->B lane.
    it("rejects a replayed message id even when attesters sign it under a new sequence number", async () => {
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: 10n }));
        await mined((p.tokenA.connect(alice) as Contract).approve(p.bridgeA.target, 10n));
        const fee = (await p.bridgeA.quoteFee(B, bob.address, 10n)) as bigint;
        const r = await mined((p.bridgeA.connect(alice) as Contract).bridge(B, bob.address, 10n, { value: fee }));
        await relay(routerA, r, A, routerB, attesters, owner);
        const original = toInbound(sentMessages(routerA, r)[0], A);
        const forged = { ...original, sequenceNumber: (await routerB.getLastDeliveredSequence(A)) + 1n };
        const info = { chainId: BigInt(node.chainId), router: String(routerB.target), chainSelector: B };
        const d = await mined(routerB.deliver(forged, await attest(forged, info, attesters)));
        const result = executed(routerB, d);
        assert.equal(result.success, false);
        assert.equal(p.bridgeB.interface.parseError(result.returnData)?.name, "MessageAlreadyProcessed");
    });
});

describe("CCIPWETH10Bridge", () => {
    let p: Awaited<ReturnType<typeof bridgePair>>;
    before(async () => {
        await setupRouters();
        p = await bridgePair("WETH10");
        await mined(p.tokenB.deposit({ value: parseEther("2") }));
        await mined(p.tokenB.transfer(p.bridgeB.target, parseEther("2")));
    });

    it("bridges with an EIP-2612 permit instead of an approval", async () => {
        const amount = parseEther("1");
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: amount }));
        const deadline = BigInt((await provider.getBlock("latest"))!.timestamp + 600);
        const sig = await signWeth10Permit(alice, {
            token: String(p.tokenA.target),
            chainId: node.chainId,
            spender: String(p.bridgeA.target),
            value: amount,
            nonce: (await p.tokenA.nonces(alice.address)) as bigint,
            deadline,
        });
        const fee = (await p.bridgeA.quoteFee(B, bob.address, amount)) as bigint;
        const r = await mined((p.bridgeA.connect(alice) as Contract).bridgeWithPermit(B, bob.address, amount, deadline, sig.v, sig.r, sig.s, { value: fee }));
        await relay(routerA, r, A, routerB, attesters, owner);
        assert.equal(await p.tokenB.balanceOf(bob.address), amount);
        assert.equal(await p.tokenA.balanceOf(p.bridgeA.target), amount);
        // A replayed (already used) permit is tolerated, but without allowance the transfer fails.
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: amount }));
        await expectRevert(
            (p.bridgeA.connect(alice) as Contract).bridgeWithPermit.staticCall(B, bob.address, amount, deadline, sig.v, sig.r, sig.s, { value: fee }),
            p.tokenA,
            "ERC20InsufficientAllowance",
            [p.bridgeA.target, 0n, amount],
        );
    });

    it("pays the CCIP fee in an ERC-20 when configured", async () => {
        // WETH10 itself is the fee token on router A.
        await mined(routerA.setFeeConfig(p.tokenA.target, { enabled: true, baseFee: 777n, feePerByte: 0n, feePerGas: 0n }));
        await mined(p.bridgeA.setFeeToken(p.tokenA.target));
        await mined((p.tokenA.connect(alice) as Contract).deposit({ value: 1000n + 777n }));
        await mined((p.tokenA.connect(alice) as Contract).approve(p.bridgeA.target, 1000n + 777n));
        assert.equal(await p.bridgeA.quoteFee(B, bob.address, 1000n), 777n);
        await expectRevert((p.bridgeA.connect(alice) as Contract).bridge.staticCall(B, bob.address, 1000n, { value: 1n }), p.bridgeA, "UnexpectedValue", [1n]);
        const routerBefore = (await p.tokenA.balanceOf(routerA.target)) as bigint;
        const r = await mined((p.bridgeA.connect(alice) as Contract).bridge(B, bob.address, 1000n));
        assert.equal(await p.tokenA.balanceOf(routerA.target), routerBefore + 777n);
        assert.equal(sentMessages(routerA, r)[0].feeToken, p.tokenA.target);
        const before = (await p.tokenB.balanceOf(bob.address)) as bigint;
        await relay(routerA, r, A, routerB, attesters, owner);
        assert.equal(await p.tokenB.balanceOf(bob.address), before + 1000n);
    });

    it("transfers ownership in two steps", async () => {
        await mined(p.bridgeA.transferOwnership(alice.address));
        assert.equal(await p.bridgeA.owner(), owner.address);
        await mined((p.bridgeA.connect(alice) as Contract).acceptOwnership());
        assert.equal(await p.bridgeA.owner(), alice.address);
    });
});
