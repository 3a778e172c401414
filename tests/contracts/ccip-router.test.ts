// CCIPRouter: fees, sequencing, attested in-order delivery, replay protection and failed-message retry.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AbiCoder, Contract, ZeroAddress, type JsonRpcProvider, type Wallet } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy, deployTest } from "../../devkit/deploy";
import { expectRevert, mined } from "../support/assertions";
import { attest, digest, sentMessages, toInbound, type InboundMessage } from "../../devkit/ccip";
import { connectLane, deployRouter } from "../support/ccip-fixture";
import { TEST_FEES, makeAttesters } from "../../devkit/ccip-fixture";

const coder = AbiCoder.defaultAbiCoder();
const SRC = 1111n;
const DST = 2222n;
// Chainlink GenericExtraArgsV2 tag.
const V2_TAG = "0x181dcf10";
const extraArgs = (gasLimit: bigint): string => V2_TAG + coder.encode(["uint256", "bool"], [gasLimit, true]).slice(2);

let node: AnvilNode;
let provider: JsonRpcProvider;
let owner: Wallet;
let user: Wallet;
let source: Contract;
let dest: Contract;
let receiver: Contract;
const attesters = makeAttesters(3);

/** Fresh, connected routers and receiver (delivery tests need lanes with nothing pending). */
async function setup(): Promise<void> {
    source = await deployRouter(owner, SRC);
    dest = await deployRouter(owner, DST);
    await connectLane(source, DST, dest, attesters, 2);
    await connectLane(dest, SRC, source, attesters, 2);
    receiver = (await deployTest("CCIPReceiverMock", owner, dest.target)).contract;
}

before(async () => {
    node = await startAnvil();
    provider = node.provider();
    owner = node.wallet(0, provider);
    user = node.wallet(1, provider);
    await setup();
});
after(async () => {
    provider?.destroy();
    await node?.stop();
});

const message = (data: string, gasLimit = 300_000n, feeToken = ZeroAddress) => ({
    receiver: coder.encode(["address"], [receiver.target]),
    data,
    tokenAmounts: [],
    feeToken,
    extraArgs: extraArgs(gasLimit),
});

/** Sends `data` from `user` through the source router and returns the inbound form for `dest`. */
async function send(data: string, gasLimit = 300_000n): Promise<InboundMessage> {
    const msg = message(data, gasLimit);
    const fee = (await source.getFee(DST, msg)) as bigint;
    const receipt = await mined((source.connect(user) as Contract).ccipSend(DST, msg, { value: fee }));
    const [sent] = sentMessages(source, receipt);
    return toInbound(sent, SRC);
}

const destInfo = async () => ({ chainId: BigInt(node.chainId), router: String(dest.target), chainSelector: DST });

describe("CCIPRouter sending", () => {
    it("prices messages from the fee config and reports lanes", async () => {
        const data = "0x" + "ab".repeat(100);
        assert.equal(await source.getFee(DST, message(data, 300_000n)), TEST_FEES.baseFee + 100n * 10n + 300_000n);
        // Empty extraArgs means Chainlink's default 200k gas limit.
        assert.equal(await source.getFee(DST, { ...message("0x"), extraArgs: "0x" }), TEST_FEES.baseFee + 200_000n);
        assert.equal(await source.isChainSupported(DST), true);
        assert.equal(await source.isChainSupported(9n), false);
        assert.deepEqual([...(await source.getSupportedTokens(DST))], []);
        const lane = await source.getLane(DST);
        assert.equal(lane.remoteRouter, dest.target);
        assert.equal(lane.threshold, 2n);
        assert.deepEqual(
            [...lane.attesters],
            attesters.map((a) => a.address),
        );
        assert.deepEqual([...(await source.getLaneSelectors())], [DST]);
        assert.deepEqual([...(await source.getFeeTokens())], [ZeroAddress]);
    });

    it("rejects unsupported chains, low fees, tokens, bad receivers, extra args and fee tokens", async () => {
        const msg = message("0x01");
        const fee = (await source.getFee(DST, msg)) as bigint;
        await expectRevert(source.ccipSend.staticCall(9n, msg, { value: fee }), source, "UnsupportedDestinationChain", [9n]);
        await expectRevert(source.ccipSend.staticCall(DST, msg, { value: fee - 1n }), source, "InsufficientFee", [fee, fee - 1n]);
        await expectRevert(source.getFee(DST, { ...msg, tokenAmounts: [{ token: receiver.target, amount: 1n }] }), source, "TokenTransfersNotSupported", [1n]);
        const badReceiver = "0x" + "ff".repeat(32);
        await expectRevert(source.getFee(DST, { ...msg, receiver: badReceiver }), source, "InvalidReceiver", [badReceiver]);
        await expectRevert(source.getFee(DST, { ...msg, extraArgs: "0xdeadbeef" }), source, "InvalidExtraArgs", ["0xdeadbeef"]);
        await expectRevert(source.getFee(DST, message("0x", 3_000_001n)), source, "GasLimitTooHigh", [3_000_001n, 3_000_000n]);
        await expectRevert(source.getFee(DST, { ...msg, feeToken: user.address }), source, "UnsupportedFeeToken", [user.address]);
    });

    it("assigns per-lane sequence numbers and unique ids, keeping native overpayment", async () => {
        const next = (await source.getNextOutboundSequence(DST)) as bigint;
        const msg = message("0x1234");
        const fee = (await source.getFee(DST, msg)) as bigint;
        const r1 = await mined((source.connect(user) as Contract).ccipSend(DST, msg, { value: fee + 5n }));
        const r2 = await mined((source.connect(user) as Contract).ccipSend(DST, msg, { value: fee }));
        const [a] = sentMessages(source, r1);
        const [b] = sentMessages(source, r2);
        assert.equal(a.sequenceNumber, next);
        assert.equal(b.sequenceNumber, next + 1n);
        assert.notEqual(a.messageId, b.messageId);
        assert.equal(a.sender, user.address);
        assert.equal(a.data, "0x1234");
        assert.equal(a.gasLimit, 300_000n);
        assert.equal(a.feeAmount, fee + 5n);
        assert.equal(await source.getNextOutboundSequence(DST), next + 2n);
        assert.equal(await source.getNextOutboundSequence(SRC), 1n);
    });

    it("charges ERC-20 fee tokens with transferFrom and refuses native value alongside", async () => {
        const token = (await deploy("WETH10", owner)).contract;
        await mined((token.connect(user) as Contract).deposit({ value: 1_000_000n }));
        await mined(source.setFeeConfig(token.target, { enabled: true, baseFee: 1234n, feePerByte: 0n, feePerGas: 0n }));
        const msg = message("0x", 300_000n, String(token.target));
        assert.equal(await source.getFee(DST, msg), 1234n);
        const asUser = source.connect(user) as Contract;
        await expectRevert(asUser.ccipSend.staticCall(DST, msg, { value: 1n }), source, "InvalidMsgValue");
        await expectRevert(asUser.ccipSend.staticCall(DST, msg), token, "ERC20InsufficientAllowance", [source.target, 0n, 1234n]);
        await mined((token.connect(user) as Contract).approve(source.target, 1234n));
        const r = await mined(asUser.ccipSend(DST, msg));
        assert.equal(sentMessages(source, r)[0].feeAmount, 1234n);
        assert.equal(await token.balanceOf(source.target), 1234n);
        await mined(source.withdrawFees(token.target, owner.address, 1234n));
        assert.equal(await token.balanceOf(owner.address), 1234n);
        await expectRevert((source.connect(user) as Contract).withdrawFees.staticCall(ZeroAddress, user.address, 1n), source, "OwnableUnauthorizedAccount", [
            user.address,
        ]);
    });

    it("lets the owner withdraw native fees and disable lanes", async () => {
        const collected = await provider.getBalance(source.target);
        assert.ok(collected > 0n);
        const to = makeAttesters(1)[0].address;
        await mined(source.withdrawFees(ZeroAddress, to, collected));
        assert.equal(await provider.getBalance(to), collected);
        await expectRevert(source.disableLane.staticCall(9n), source, "LaneNotEnabled", [9n]);
    });

    it("validates lane configuration and restricts it to the owner", async () => {
        const addrs = attesters.map((a) => a.address);
        await expectRevert(source.setLane.staticCall(DST, dest.target, addrs, 0), source, "InvalidLaneConfig", [DST, 0n, 3n]);
        await expectRevert(source.setLane.staticCall(DST, dest.target, addrs, 4), source, "InvalidLaneConfig", [DST, 4n, 3n]);
        await expectRevert(source.setLane.staticCall(DST, dest.target, [addrs[0], addrs[0]], 1), source, "InvalidLaneConfig", [DST, 1n, 2n]);
        await expectRevert(source.setLane.staticCall(SRC, dest.target, addrs, 1), source, "InvalidLaneConfig", [SRC, 1n, 3n]);
        await expectRevert(source.setLane.staticCall(DST, ZeroAddress, addrs, 1), source, "ZeroAddress");
        await expectRevert((source.connect(user) as Contract).setLane.staticCall(DST, dest.target, addrs, 1), source, "OwnableUnauthorizedAccount", [
            user.address,
        ]);
    });
});

describe("CCIPRouter delivery", () => {
    before(setup);

    it("delivers a message signed by the threshold of attesters to the receiver", async () => {
        const inbound = await send("0xc0ffee");
        assert.equal(await dest.hashMessage(inbound), digest(inbound, await destInfo()));
        const sigs = await attest(inbound, await destInfo(), attesters.slice(0, 2));
        const r = await mined((dest.connect(user) as Contract).deliver(inbound, sigs));
        const executed = r.logs.map((l) => dest.interface.parseLog(l)).find((l) => l?.name === "MessageExecuted");
        assert.equal(executed?.args.success, true);
        assert.equal(await receiver.lastMessageId(), inbound.messageId);
        assert.equal(await receiver.lastSourceChainSelector(), SRC);
        assert.equal(await receiver.lastSender(), coder.encode(["address"], [user.address]));
        assert.equal(await receiver.lastData(), "0xc0ffee");
        assert.equal(await dest.getLastDeliveredSequence(SRC), inbound.sequenceNumber);
    });

    it("rejects replays, gaps, too few or unknown attesters, unordered signatures and tampering", async () => {
        const first = await send("0x01");
        const second = await send("0x02");
        const info = await destInfo();
        const all = await attest(first, info, attesters);
        const d = dest.connect(user) as Contract;
        await expectRevert(d.deliver.staticCall(second, await attest(second, info, attesters)), dest, "OutOfOrderDelivery", [
            SRC,
            first.sequenceNumber,
            second.sequenceNumber,
        ]);
        await expectRevert(d.deliver.staticCall(first, all.slice(0, 1)), dest, "InsufficientAttestations", [2n, 1n]);
        const stranger = makeAttesters(1);
        const strangerSig = await attest(first, info, stranger);
        await expectRevert(d.deliver.staticCall(first, [...strangerSig, ...all.slice(0, 1)]), dest, "UnknownAttester");
        await expectRevert(d.deliver.staticCall(first, [all[1], all[0]]), dest, "AttestersNotAscending");
        await expectRevert(d.deliver.staticCall(first, [all[0], all[0]]), dest, "AttestersNotAscending");
        // Signatures over the original content do not cover altered data.
        await expectRevert(d.deliver.staticCall({ ...first, data: "0x03" }, all), dest, "UnknownAttester");
        await mined(d.deliver(first, all));
        await expectRevert(d.deliver.staticCall(first, all), dest, "MessageAlreadyDelivered", [SRC, first.sequenceNumber]);
        await mined(d.deliver(second, await attest(second, info, attesters.slice(1))));
        assert.equal(await dest.getLastDeliveredSequence(SRC), second.sequenceNumber);
    });

    it("requires an enabled lane and enough gas for the receiver", async () => {
        const inbound = await send("0x05", 1_000_000n);
        const sigs = await attest(inbound, await destInfo(), attesters);
        await expectRevert((dest.connect(user) as Contract).deliver.staticCall(inbound, sigs, { gasLimit: 500_000n }), dest, "InsufficientGasForReceiver");
        await mined(dest.disableLane(SRC));
        await expectRevert(dest.deliver.staticCall(inbound, sigs), dest, "LaneNotEnabled", [SRC]);
        await connectLane(dest, SRC, source, attesters, 2);
        await mined(dest.deliver(inbound, sigs));
    });

    it("records a reverting receiver as failed without blocking the lane, and retries it", async () => {
        await mined(receiver.setShouldRevert(true));
        const inbound = await send("0x0f");
        const info = await destInfo();
        const r = await mined(dest.deliver(inbound, await attest(inbound, info, attesters)));
        const executed = r.logs.map((l) => dest.interface.parseLog(l)).find((l) => l?.name === "MessageExecuted");
        assert.equal(executed?.args.success, false);
        assert.equal(receiver.interface.parseError(executed?.args.returnData as string)?.name, "Rejected");
        assert.notEqual(await dest.getFailedMessageHash(inbound.messageId), "0x" + "00".repeat(32));

        // The next message on the lane is still deliverable.
        await mined(receiver.setShouldRevert(false));
        const next = await send("0x10");
        await mined(dest.deliver(next, await attest(next, info, attesters)));
        assert.equal(await receiver.lastData(), "0x10");

        await expectRevert(dest.retryFailedMessage.staticCall({ ...inbound, data: "0x11" }), dest, "NotAFailedMessage", [inbound.messageId]);
        await mined(receiver.setShouldRevert(true));
        await expectRevert(dest.retryFailedMessage.staticCall(inbound), dest, "RetryFailed");
        await mined(receiver.setShouldRevert(false));
        await mined((dest.connect(user) as Contract).retryFailedMessage(inbound));
        assert.equal(await receiver.lastData(), "0x0f");
        await expectRevert(dest.retryFailedMessage.staticCall(inbound), dest, "NotAFailedMessage", [inbound.messageId]);
    });

    it("only the router may call ccipReceive on a receiver", async () => {
        const any2evm = { messageId: "0x" + "11".repeat(32), sourceChainSelector: SRC, sender: "0x", data: "0x", destTokenAmounts: [] };
        await expectRevert(receiver.ccipReceive.staticCall(any2evm), receiver, "InvalidRouter", [owner.address]);
    });
});
