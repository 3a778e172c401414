// Chainlink feed compatibility of Aggregator and AggregatorProxy: the legacy AggregatorInterface reads with
// Chainlink's semantics across a phase switch, Chainlink's event signatures, and a consumer that only knows
// Chainlink's ABI. Expected values come from Chainlink's sources (cited below), not from our contracts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Contract, Interface, keccak256, toBeHex, toUtf8Bytes, zeroPadValue, type JsonRpcProvider, type TransactionReceipt, type Wallet } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy } from "../../devkit/deploy";
import { mined } from "../support/assertions";

// Chainlink's AggregatorV2V3Interface = AggregatorInterface + AggregatorV3Interface, transcribed from
// @chainlink/contracts 1.5.0 src/v0.8/shared/interfaces/AggregatorInterface.sol and AggregatorV3Interface.sol.
const CHAINLINK_V2V3_ABI = [
    "function latestAnswer() view returns (int256)",
    "function latestTimestamp() view returns (uint256)",
    "function latestRound() view returns (uint256)",
    "function getAnswer(uint256 roundId) view returns (int256)",
    "function getTimestamp(uint256 roundId) view returns (uint256)",
    "event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)",
    "event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt)",
    "function decimals() view returns (uint8)",
    "function description() view returns (string)",
    "function version() view returns (uint256)",
    "function getRoundData(uint80 _roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
    "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
];
// What Chainlink's proxy adds: AggregatorProxyInterface (smartcontractkit/chainlink
// contracts/src/v0.7/interfaces/AggregatorProxyInterface.sol) and the events of contracts/src/v0.7/dev/AggregatorProxy.sol.
const CHAINLINK_PROXY_ABI = [
    "function phaseAggregators(uint16 phaseId) view returns (address)",
    "function phaseId() view returns (uint16)",
    "function proposedAggregator() view returns (address)",
    "function proposedGetRoundData(uint80 roundId) view returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
    "function proposedLatestRoundData() view returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
    "function aggregator() view returns (address)",
    "event AggregatorProposed(address indexed current, address indexed proposed)",
    "event AggregatorConfirmed(address indexed previous, address indexed latest)",
];

// Event topics computed from the signature strings (Solidity ABI spec: topic 0 = keccak256 of the canonical signature).
const topicOf = (signature: string) => keccak256(toUtf8Bytes(signature));

// Chainlink's proxy round ids: phase in the bits above 64 (AggregatorProxy.sol: PHASE_OFFSET = 64, PHASE_SIZE = 16,
// MAX_ID = 2**80 - 1; getAnswer/getTimestamp return 0 above MAX_ID and for a phase without aggregator).
const phased = (phase: bigint, round: bigint) => (phase << 64n) | round;
const ABOVE_MAX_ID = 1n << 80n;

let node: AnvilNode;
let provider: JsonRpcProvider;
let owner: Wallet;
let transmitter: Wallet;

before(async () => {
    node = await startAnvil();
    provider = node.provider();
    owner = node.wallet(0, provider);
    transmitter = node.wallet(1, provider);
});
after(async () => {
    provider?.destroy();
    await node?.stop();
});

async function newAggregator(description: string): Promise<Contract> {
    const agg = (await deploy("Aggregator", owner, owner.address, 8, description, 3600, 500_000)).contract;
    await mined(agg.setTransmitter(transmitter.address, true));
    return agg;
}
const transmit = (agg: Contract, answer: bigint) => mined((agg.connect(transmitter) as Contract).transmit(answer));
const timestampOf = async (r: TransactionReceipt) => BigInt((await provider.getBlock(r.blockNumber))!.timestamp);

describe("Chainlink legacy reads, events and ABI", () => {
    let agg1: Contract;
    let agg2: Contract;
    let proxy: Contract;
    let ts1: bigint;
    let ts2: bigint;
    let ts3: bigint;
    let confirmed: TransactionReceipt;

    before(async () => {
        agg1 = await newAggregator("phase one");
        agg2 = await newAggregator("phase two");
        proxy = (await deploy("AggregatorProxy", owner, owner.address, agg1.target)).contract;
    });

    it("reads 0 (no revert) from an aggregator without rounds, directly and through the proxy", async () => {
        // FluxAggregator (smartcontractkit/chainlink contracts/src/v0.6/FluxAggregator.sol) reads rounds[latestRoundId]
        // and rounds[id]: zeroes before the first round.
        for (const [name, args] of [
            ["latestAnswer", []],
            ["latestTimestamp", []],
            ["latestRound", []],
            ["getAnswer", [1n]],
            ["getTimestamp", [1n]],
        ] as const) {
            assert.equal(await agg1.getFunction(name).staticCall(...args), 0n, `Aggregator.${name}`);
        }
        assert.equal(await proxy.latestAnswer(), 0n);
        assert.equal(await proxy.latestTimestamp(), 0n);
        // Chainlink's proxy adds the phase even to round 0.
        assert.equal(await proxy.latestRound(), phased(1n, 0n));
    });

    it("serves each legacy read from the current phase, and old phases' rounds after a switch", async () => {
        ts1 = await timestampOf(await transmit(agg1, 100n));
        ts2 = await timestampOf(await transmit(agg1, 200n));
        assert.equal(await agg1.latestAnswer(), 200n);
        assert.equal(await agg1.latestTimestamp(), ts2);
        assert.equal(await agg1.latestRound(), 2n);
        assert.equal(await agg1.getAnswer(1n), 100n);
        assert.equal(await agg1.getTimestamp(1n), ts1);

        // Phase 1.
        assert.equal(await proxy.latestAnswer(), 200n);
        assert.equal(await proxy.latestTimestamp(), ts2);
        assert.equal(await proxy.latestRound(), phased(1n, 2n));
        assert.equal(await proxy.getAnswer(phased(1n, 1n)), 100n);
        assert.equal(await proxy.getTimestamp(phased(1n, 1n)), ts1);

        await mined(proxy.proposeAggregator(agg2.target));
        ts3 = await timestampOf(await transmit(agg2, 300n));
        // A proposal alone changes nothing.
        assert.equal(await proxy.latestAnswer(), 200n);
        assert.equal(await proxy.latestRound(), phased(1n, 2n));
        confirmed = await mined(proxy.confirmAggregator(agg2.target));

        // Phase 2: the latest reads follow the new aggregator, old ids still reach phase 1.
        assert.equal(await proxy.phaseId(), 2n);
        assert.equal(await proxy.latestAnswer(), 300n);
        assert.equal(await proxy.latestTimestamp(), ts3);
        assert.equal(await proxy.latestRound(), phased(2n, 1n));
        assert.ok((await proxy.latestRound()) > phased(1n, 2n), "round ids keep increasing across phases");
        assert.equal(await proxy.getAnswer(phased(2n, 1n)), 300n);
        assert.equal(await proxy.getTimestamp(phased(2n, 1n)), ts3);
        assert.equal(await proxy.getAnswer(phased(1n, 2n)), 200n);
        assert.equal(await proxy.getTimestamp(phased(1n, 2n)), ts2);
        assert.equal(await proxy.getAnswer(phased(1n, 1n)), 100n);
        assert.equal(await proxy.getTimestamp(phased(1n, 1n)), ts1);
    });

    it("reads 0 for unknown rounds, unknown phases and ids above 2^80 - 1, as Chainlink's proxy does", async () => {
        // The oversized id would land on phase 1, round 1 (answer 100) if it were truncated instead of rejected.
        const aliasOfRound1 = ABOVE_MAX_ID | phased(1n, 1n);
        assert.equal(await proxy.getAnswer(phased(1n, 1n)), 100n, "the id it aliases has data");
        const unknown = [
            phased(1n, 9n), // no such round in phase 1
            phased(3n, 1n), // phase 3 has no aggregator
            phased(0n, 1n), // phase 0 never has one
            aliasOfRound1,
            2n ** 256n - 1n,
        ];
        for (const id of unknown) {
            assert.equal(await proxy.getAnswer(id), 0n, `getAnswer(${id})`);
            assert.equal(await proxy.getTimestamp(id), 0n, `getTimestamp(${id})`);
        }
        // The aggregator itself: unknown ids, and ids above its uint80 range, are not truncated onto round 1.
        for (const id of [9n, (1n << 80n) | 1n, 2n ** 256n - 1n]) {
            assert.equal(await agg1.getAnswer(id), 0n, `Aggregator.getAnswer(${id})`);
            assert.equal(await agg1.getTimestamp(id), 0n, `Aggregator.getTimestamp(${id})`);
        }
    });

    it("emits Chainlink's event signatures, found by a watcher filtering on Chainlink's topics", async () => {
        const confirmedTopic = topicOf("AggregatorConfirmed(address,address)");
        const [log] = confirmed.logs.filter((l) => l.address === proxy.target);
        assert.ok(log, "confirmAggregator emitted no log");
        assert.deepEqual(
            [...log.topics],
            [confirmedTopic, zeroPadValue(agg1.target as string, 32), zeroPadValue(agg2.target as string, 32)].map((t) => t.toLowerCase()),
        );
        assert.equal(log.data, "0x", "both arguments are indexed, as in Chainlink's event");

        const watched = await provider.getLogs({ address: proxy.target as string, topics: [confirmedTopic], fromBlock: 0 });
        assert.deepEqual(
            watched.map((l) => l.transactionHash),
            [confirmed.hash],
        );
        const proposed = await provider.getLogs({ address: proxy.target as string, topics: [topicOf("AggregatorProposed(address,address)")], fromBlock: 0 });
        assert.equal(proposed.length, 1);
        assert.deepEqual(
            proposed[0]!.topics.slice(1),
            [zeroPadValue(agg1.target as string, 32), zeroPadValue(agg2.target as string, 32)].map((t) => t.toLowerCase()),
        );

        // The aggregator's round events: NewRound then AnswerUpdated, values indexed as Chainlink declares them.
        const r = await transmit(agg2, 400n);
        const ts = await timestampOf(r);
        const word = (v: bigint) => toBeHex(v, 32);
        assert.deepEqual(
            r.logs.map((l) => [...l.topics]),
            [
                [topicOf("NewRound(uint256,address,uint256)"), word(2n), zeroPadValue(transmitter.address, 32).toLowerCase()],
                [topicOf("AnswerUpdated(int256,uint256,uint256)"), word(400n), word(2n)],
            ],
        );
        assert.deepEqual(
            r.logs.map((l) => BigInt(l.data)),
            [ts, ts],
        );
    });

    it("lets a consumer that only knows Chainlink's ABI call every function", async () => {
        const agg3 = await newAggregator("phase three");
        const ts4 = await timestampOf(await transmit(agg3, 500n));
        await mined(proxy.proposeAggregator(agg3.target));
        const [latestId, , , latestTs] = await agg2.latestRoundData();

        const consumer = new Contract(proxy.target, [...CHAINLINK_V2V3_ABI, ...CHAINLINK_PROXY_ABI], provider);
        const round = (id: bigint, answer: bigint, ts: bigint) => [id, answer, ts, ts, id];
        const expected: Record<string, { args: unknown[]; result: unknown }> = {
            latestAnswer: { args: [], result: 400n },
            latestTimestamp: { args: [], result: latestTs },
            latestRound: { args: [], result: phased(2n, latestId as bigint) },
            getAnswer: { args: [phased(1n, 2n)], result: 200n },
            getTimestamp: { args: [phased(1n, 2n)], result: ts2 },
            decimals: { args: [], result: 8n },
            description: { args: [], result: "phase two" },
            version: { args: [], result: await agg2.version() },
            getRoundData: { args: [phased(1n, 1n)], result: round(phased(1n, 1n), 100n, ts1) },
            latestRoundData: { args: [], result: round(phased(2n, 2n), 400n, latestTs as bigint) },
            phaseAggregators: { args: [1n], result: agg1.target },
            phaseId: { args: [], result: 2n },
            proposedAggregator: { args: [], result: agg3.target },
            proposedGetRoundData: { args: [1n], result: round(1n, 500n, ts4) },
            proposedLatestRoundData: { args: [], result: round(1n, 500n, ts4) },
            aggregator: { args: [], result: agg2.target },
        };
        const functions: string[] = [];
        consumer.interface.forEachFunction((f) => functions.push(f.name));
        assert.deepEqual(Object.keys(expected).sort(), functions.sort(), "the table covers every function of Chainlink's ABI");
        for (const name of functions) {
            const { args, result } = expected[name]!;
            const got: unknown = await consumer.getFunction(name).staticCall(...args);
            assert.deepEqual(Array.isArray(got) ? [...(got as unknown[])] : got, result, name);
        }

        // The same ABI reads the aggregator directly (Chainlink's proxy calls exactly these on it).
        const direct = new Contract(agg1.target, CHAINLINK_V2V3_ABI, provider);
        assert.equal(await direct.getFunction("latestAnswer").staticCall(), 200n);
        assert.equal(await direct.getFunction("latestRound").staticCall(), 2n);
        assert.deepEqual([...(await direct.getFunction("getRoundData").staticCall(1n))], round(1n, 100n, ts1));

        // And a watcher decodes our logs with Chainlink's event ABI.
        const chainlinkEvents = new Interface(CHAINLINK_PROXY_ABI);
        const parsed = chainlinkEvents.parseLog(confirmed.logs.find((l) => l.address === proxy.target)!);
        assert.equal(parsed?.name, "AggregatorConfirmed");
        assert.deepEqual([parsed?.args.previous, parsed?.args.latest], [agg1.target, agg2.target]);
    });
});
