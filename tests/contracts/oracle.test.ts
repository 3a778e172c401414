// Aggregator update rules, AggregatorProxy phases and OracleWithCCIP round mirroring.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Contract, parseEther, type JsonRpcProvider, type TransactionReceipt, type Wallet } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy } from "../../devkit/deploy";
import { expectRevert, mined } from "../support/assertions";
import { relay } from "../../devkit/ccip";
import { connectLane, deployRouter } from "../support/ccip-fixture";
import { makeAttesters } from "../../devkit/ccip-fixture";

const HEARTBEAT = 3600;
// 0.5% in parts per 1e8.
const THRESHOLD = 500_000;

let node: AnvilNode;
let provider: JsonRpcProvider;
let owner: Wallet;
let transmitter: Wallet;
let stranger: Wallet;

before(async () => {
    node = await startAnvil();
    provider = node.provider();
    owner = node.wallet(0, provider);
    transmitter = node.wallet(1, provider);
    stranger = node.wallet(2, provider);
});
after(async () => {
    provider?.destroy();
    await node?.stop();
});

async function increaseTime(seconds: number): Promise<void> {
    await provider.send("evm_increaseTime", [seconds]);
    await provider.send("evm_mine", []);
}

async function newAggregator(description = "ETH / USD"): Promise<Contract> {
    const agg = (await deploy("Aggregator", owner, owner.address, 8, description, HEARTBEAT, THRESHOLD)).contract;
    await mined(agg.setTransmitter(transmitter.address, true));
    return agg;
}

const transmit = (agg: Contract, answer: bigint) => (agg.connect(transmitter) as Contract).transmit(answer);
const timestampOf = async (r: TransactionReceipt) => BigInt((await provider.getBlock(r.blockNumber))!.timestamp);

describe("Aggregator", () => {
    let agg: Contract;
    before(async () => {
        agg = await newAggregator();
    });

    it("exposes Chainlink metadata and reverts for unknown rounds", async () => {
        assert.equal(await agg.decimals(), 8n);
        assert.equal(await agg.description(), "ETH / USD");
        assert.equal(await agg.version(), 4n);
        await expectRevert(agg.latestRoundData(), agg, "NoDataPresent", [0n]);
        await expectRevert(agg.getRoundData(5n), agg, "NoDataPresent", [5n]);
    });

    it("only lets authorised transmitters write rounds", async () => {
        await expectRevert((agg.connect(stranger) as Contract).transmit.staticCall(1n), agg, "NotTransmitter", [stranger.address]);
        await expectRevert((agg.connect(stranger) as Contract).setTransmitter.staticCall(stranger.address, true), agg, "OwnableUnauthorizedAccount", [
            stranger.address,
        ]);
    });

    it("records rounds with Chainlink semantics", async () => {
        const r = await mined(transmit(agg, 2000_00000000n));
        const ts = await timestampOf(r);
        const names = r.logs.map((l) => agg.interface.parseLog(l)?.name);
        assert.deepEqual(names, ["NewRound", "AnswerUpdated"]);
        const latest = await agg.latestRoundData();
        assert.deepEqual([...latest], [1n, 2000_00000000n, ts, ts, 1n]);
        assert.deepEqual([...(await agg.getRoundData(1n))], [...latest]);
    });

    it("accepts an update only past the deviation threshold or the heartbeat", async () => {
        // 0.4% move inside the heartbeat: rejected with the measured deviation.
        const [elapsed, heartbeat, deviation, threshold] = await expectRevert(transmit(agg, 2008_00000000n), agg, "UpdateNotNeeded");
        assert.ok(elapsed < BigInt(HEARTBEAT));
        assert.deepEqual([heartbeat, deviation, threshold], [BigInt(HEARTBEAT), 400_000n, BigInt(THRESHOLD)]);
        // Exactly at the threshold is not "exceeding" it.
        await expectRevert(transmit(agg, 2010_00000000n), agg, "UpdateNotNeeded");
        // 0.6% move: accepted.
        await mined(transmit(agg, 2012_00000000n));
        assert.equal(await agg.latestRound(), 2n);
        // Downward moves count by absolute value.
        await mined(transmit(agg, 1990_00000000n));
        // Same answer after the heartbeat: accepted.
        await expectRevert(transmit(agg, 1990_00000000n), agg, "UpdateNotNeeded");
        await increaseTime(HEARTBEAT);
        await mined(transmit(agg, 1990_00000000n));
        assert.equal(await agg.latestRound(), 4n);
        assert.equal((await agg.getRoundData(2n))[1], 2012_00000000n);
    });

    it("lets the owner change the update rules", async () => {
        await mined(agg.setUpdateRules(60, 0));
        assert.equal(await agg.heartbeat(), 60n);
        await mined(transmit(agg, 1990_00000001n));
        await expectRevert((agg.connect(stranger) as Contract).setUpdateRules.staticCall(1, 1), agg, "OwnableUnauthorizedAccount", [stranger.address]);
    });
});

describe("AggregatorProxy", () => {
    let agg1: Contract;
    let agg2: Contract;
    let proxy: Contract;
    const phased = (phase: bigint, round: bigint) => (phase << 64n) | round;

    before(async () => {
        agg1 = await newAggregator("phase one");
        agg2 = await newAggregator("phase two");
        proxy = (await deploy("AggregatorProxy", owner, owner.address, agg1.target)).contract;
        await mined(transmit(agg1, 100n));
        await mined(transmit(agg1, 200n));
    });

    it("adds the phase to round ids", async () => {
        assert.equal(await proxy.phaseId(), 1n);
        const latest = await proxy.latestRoundData();
        assert.equal(latest[0], phased(1n, 2n));
        assert.equal(latest[1], 200n);
        assert.equal(latest[4], phased(1n, 2n));
        assert.equal((await proxy.getRoundData(phased(1n, 1n)))[1], 100n);
        assert.equal(await proxy.description(), "phase one");
        await expectRevert(proxy.getRoundData(phased(1n, 9n)), agg1, "NoDataPresent", [9n]);
    });

    it("switches aggregators only by owner proposal then confirmation, keeping old rounds reachable", async () => {
        await expectRevert(proxy.confirmAggregator.staticCall(agg2.target), proxy, "NoProposedAggregator");
        await expectRevert(proxy.proposedGetRoundData(1n), proxy, "NoProposedAggregator");
        await expectRevert((proxy.connect(stranger) as Contract).proposeAggregator.staticCall(agg2.target), proxy, "OwnableUnauthorizedAccount", [
            stranger.address,
        ]);
        await mined(proxy.proposeAggregator(agg2.target));
        assert.equal(await proxy.proposedAggregator(), agg2.target);
        await expectRevert(proxy.proposedLatestRoundData(), agg2, "NoDataPresent", [0n]);
        await mined(transmit(agg2, 300n));
        assert.equal((await proxy.proposedLatestRoundData())[1], 300n);
        assert.equal((await proxy.proposedGetRoundData(1n))[1], 300n);
        // Still phase 1 until confirmed.
        assert.equal((await proxy.latestRoundData())[1], 200n);
        await expectRevert(proxy.confirmAggregator.staticCall(agg1.target), proxy, "InvalidProposedAggregator", [agg1.target, agg2.target]);
        await mined(proxy.confirmAggregator(agg2.target));
        assert.equal(await proxy.phaseId(), 2n);
        assert.equal(await proxy.aggregator(), agg2.target);
        assert.equal(await proxy.phaseAggregators(1), agg1.target);
        assert.equal(await proxy.proposedAggregator(), "0x0000000000000000000000000000000000000000");
        const latest = await proxy.latestRoundData();
        assert.equal(latest[0], phased(2n, 1n));
        assert.equal(latest[1], 300n);
        assert.ok(latest[0] > phased(1n, 2n), "round ids keep increasing across phases");
        assert.equal((await proxy.getRoundData(phased(1n, 2n)))[1], 200n);
        assert.equal((await proxy.getRoundData(phased(2n, 1n)))[1], 300n);
        await expectRevert(proxy.getRoundData(phased(3n, 1n)), proxy, "UnknownPhase", [phased(3n, 1n), 3n]);
        assert.equal(await proxy.description(), "phase two");
    });
});

describe("OracleWithCCIP", () => {
    const A = 1111n;
    const B = 2222n;
    const attesters = makeAttesters(1);
    let routerA: Contract;
    let routerB: Contract;
    let oracleA: Contract;
    let oracleB: Contract;

    before(async () => {
        routerA = await deployRouter(owner, A);
        routerB = await deployRouter(owner, B);
        await connectLane(routerA, B, routerB, attesters, 1);
        await connectLane(routerB, A, routerA, attesters, 1);
        const args = [owner.address, 8, "ETH / USD", HEARTBEAT, THRESHOLD];
        oracleA = (await deploy("OracleWithCCIP", owner, routerA.target, ...args)).contract;
        oracleB = (await deploy("OracleWithCCIP", owner, routerB.target, ...args)).contract;
        await mined(oracleA.setTransmitter(transmitter.address, true));
        await mined(oracleB.setTransmitter(transmitter.address, true));
        await mined(oracleA.setDestination(B, oracleB.target));
        await mined(oracleB.setSource(A, oracleA.target));
    });

    it("records the round locally but skips the broadcast when it cannot pay the fee", async () => {
        const r = await mined(transmit(oracleA, 1000n));
        const skipped = r.logs.map((l) => oracleA.interface.parseLog(l)).find((l) => l?.name === "RoundBroadcastSkipped");
        assert.ok(skipped);
        assert.equal(skipped.args.balance, 0n);
        assert.equal((await oracleA.latestRoundData())[1], 1000n);
    });

    it("broadcasts new rounds paid from its balance and mirrors them on the destination", async () => {
        await (await owner.sendTransaction({ to: oracleA.target, value: parseEther("1") })).wait();
        await increaseTime(HEARTBEAT);
        const r = await mined(transmit(oracleA, 1100n));
        const sent = r.logs.map((l) => oracleA.interface.parseLog(l)).find((l) => l?.name === "RoundBroadcast");
        assert.ok(sent);
        assert.equal(await provider.getBalance(oracleA.target), parseEther("1") - (sent.args.fee as bigint));
        const [d] = await relay(routerA, r, A, routerB, attesters, owner);
        assert.equal(d.status, 1);
        const [, answer, startedAt, updatedAt] = await oracleB.latestRoundData();
        const [, , srcStarted, srcUpdated] = await oracleA.latestRoundData();
        assert.equal(answer, 1100n);
        assert.equal(startedAt, srcStarted);
        assert.equal(updatedAt, srcUpdated);
        // Mirrored rounds are not re-broadcast (B has no destinations anyway; its router sent nothing).
        assert.equal(await routerB.getNextOutboundSequence(A), 1n);
    });

    it("ignores rounds older than its latest and rejects senders other than the allowlisted source", async () => {
        await increaseTime(HEARTBEAT);
        const r = await mined(transmit(oracleA, 1200n));
        // B gets a newer local round before the relay arrives.
        await increaseTime(10);
        await mined(transmit(oracleB, 5000n));
        const [d] = await relay(routerA, r, A, routerB, attesters, owner);
        assert.ok(d.logs.some((l) => oracleB.interface.parseLog(l)?.name === "StaleRoundIgnored"));
        assert.equal((await oracleB.latestRoundData())[1], 5000n);

        await mined(oracleB.setSource(A, stranger.address));
        await increaseTime(HEARTBEAT);
        const r2 = await mined(transmit(oracleA, 1300n));
        const [d2] = await relay(routerA, r2, A, routerB, attesters, owner);
        const executed = d2.logs.map((l) => routerB.interface.parseLog(l)).find((l) => l?.name === "MessageExecuted");
        assert.equal(executed?.args.success, false);
        assert.equal(oracleB.interface.parseError(executed?.args.returnData as string)?.name, "SourceNotAllowlisted");
        assert.deepEqual([...(await oracleA.getDestinations())], [B]);
    });
});
