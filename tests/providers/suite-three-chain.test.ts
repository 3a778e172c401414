// Three anvil chains, three suites, three CCIP lanes and three SuiteGovernances through the real providers, in the
// order the program gives the engine (components/contracts-governance.ts): the lanes at once, each chain's
// governance once both of its lanes are done. Each chain hands over exactly once while its two lanes still
// configure; a second run sends nothing; a lane change after the hand-over goes through each chain's MultiSig,
// two lanes of one chain at once.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { id } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { attach } from "../../devkit/deploy";
import { makeAttesters, CHAIN138_SELECTOR, MAINNET_SELECTOR, TEST_FEES } from "../../devkit/ccip-fixture";
import { deploySuite, governanceInputs, laneInputs, type SuiteAddresses, type SuiteChain } from "../../devkit/provider-suite";
import { ccipLaneProvider, type CcipLaneInputs, type CcipLaneOutputs } from "../../contracts/providers/ccip-lane";
import { suiteGovernanceProvider, type SuiteGovernanceOutputs } from "../../contracts/providers/suite-governance";

/** Any uint64 distinct from the other two selectors will do for the third chain. */
const THIRD_SELECTOR = 4949039107694359620n;
const OWNABLES = ["CCIPRouter", "CCIPWETH9Bridge", "CCIPWETH10Bridge", "Aggregator", "AggregatorProxy", "OracleWithCCIP"] as const;
const OWNERSHIP_TRANSFERRED = id("OwnershipTransferred(address,address)");

interface Side {
    chain: SuiteChain;
    addresses: SuiteAddresses;
    node: AnvilNode;
}

const attesters = makeAttesters(3);
const fee = { baseFee: String(TEST_FEES.baseFee), feePerByte: String(TEST_FEES.feePerByte), feePerGas: String(TEST_FEES.feePerGas) };
let nodes: AnvilNode[] = [];
let sides: Side[] = [];
let deployer: string;
let lanes: { inputs: CcipLaneInputs; outs: CcipLaneOutputs; pair: [Side, Side] }[] = [];
let governance: SuiteGovernanceOutputs[] = [];

const laneSettings = (threshold: number) => ({ attesters: attesters.map((a) => a.address), threshold, fee, deployerAddress: deployer });
const nonces = () =>
    Promise.all(
        sides.map(async (s) => {
            const p = s.node.provider();
            try {
                return await p.getTransactionCount(deployer);
            } finally {
                p.destroy();
            }
        }),
    );

before(async () => {
    nodes = await Promise.all([startAnvil({ chainId: 1 }), startAnvil({ chainId: 138 }), startAnvil({ chainId: 10 })]);
    deployer = nodes[0].accounts[0].address;
    const key = nodes[0].accounts[0].privateKey;
    const chains: SuiteChain[] = [
        { chainName: "mainnet", rpcUrl: nodes[0].rpcUrl, chainId: 1, deployerKey: key, chainSelector: String(MAINNET_SELECTOR) },
        { chainName: "chain138", rpcUrl: nodes[1].rpcUrl, chainId: 138, deployerKey: key, chainSelector: String(CHAIN138_SELECTOR) },
        { chainName: "third", rpcUrl: nodes[2].rpcUrl, chainId: 10, deployerKey: key, chainSelector: String(THIRD_SELECTOR) },
    ];
    const addresses = await Promise.all(chains.map((chain) => deploySuite(chain, deployer, "three/v1")));
    sides = chains.map((chain, i) => ({ chain, addresses: addresses[i], node: nodes[i] }));

    // The graph: every lane at once; each governance after both of its chain's lanes.
    const pairs: [Side, Side][] = [
        [sides[0], sides[1]],
        [sides[0], sides[2]],
        [sides[1], sides[2]],
    ];
    const wiring = pairs.map(async (pair) => {
        const inputs = laneInputs(pair[0], pair[1], laneSettings(2));
        return { inputs, outs: (await ccipLaneProvider.create(inputs)).outs!, pair };
    });
    const governing = sides.map(async (side) => {
        await Promise.all(wiring.filter((_, i) => pairs[i].includes(side)));
        return (await suiteGovernanceProvider.create(governanceInputs(side.chain, side.addresses, deployer))).outs!;
    });
    lanes = await Promise.all(wiring);
    governance = await Promise.all(governing);
});
after(async () => {
    for (const n of nodes) await n.stop();
});

describe("three chains: governance per chain, not per lane", () => {
    it("hands every owned contract to its chain's MultiSig exactly once per chain, and no lane moves ownership", async () => {
        for (const side of sides) {
            const p = side.node.provider();
            try {
                for (const name of OWNABLES) {
                    const address = side.addresses[name];
                    assert.equal(await attach(name, address, p).owner(), side.addresses.MultiSig, `${side.chain.chainName} ${name} owner`);
                    const logs = await p.getLogs({ address, topics: [OWNERSHIP_TRANSFERRED], fromBlock: 0 });
                    // One at construction (none → deployer), one for the hand-over (deployer → MultiSig).
                    assert.equal(logs.length, 2, `${side.chain.chainName} ${name}: ${logs.length} OwnershipTransferred events`);
                }
                const executions = await p.getLogs({ address: side.addresses.MultiSig, topics: [id("Execution(uint256,address)")], fromBlock: 0 });
                assert.equal(executions.length, OWNABLES.length, `${side.chain.chainName}: one MultiSig acceptOwnership per contract`);
            } finally {
                p.destroy();
            }
        }
        for (const lane of lanes) assert.ok(!lane.outs.applied.some((a) => /Ownership/.test(a)), lane.outs.applied.join("; "));
        for (const outs of governance)
            assert.equal(outs.applied.filter((a) => a.includes("acceptOwnership() by the MultiSig (MultiSig execute")).length, OWNABLES.length);
    });

    it("configured all three lanes (router lanes both ways, no drift left)", async () => {
        for (const lane of lanes) {
            assert.ok(lane.outs.applied.some((a) => a.includes("setLane")));
            assert.deepEqual((await ccipLaneProvider.read!("lane", lane.outs)).props!.drift, []);
        }
        for (const side of sides) {
            const p = side.node.provider();
            try {
                const router = attach("CCIPRouter", side.addresses.CCIPRouter, p);
                for (const other of sides.filter((s) => s !== side)) {
                    const lane = (await router.getLane(BigInt(other.chain.chainSelector))) as { enabled: boolean; remoteRouter: string };
                    assert.equal(lane.enabled, true, `${side.chain.chainName} → ${other.chain.chainName}`);
                    assert.equal(lane.remoteRouter, other.addresses.CCIPRouter);
                }
            } finally {
                p.destroy();
            }
        }
    });

    it("re-running every lane and governance sends no transaction on any chain", async () => {
        const before = await nonces();
        const again = await Promise.all([
            ...lanes.map(async (lane) => (await ccipLaneProvider.create(lane.inputs)).outs!.applied),
            ...sides.map(async (side) => (await suiteGovernanceProvider.create(governanceInputs(side.chain, side.addresses, deployer))).outs!.applied),
        ]);
        assert.deepEqual(again, [[], [], [], [], [], []]);
        assert.deepEqual(await nonces(), before);
        for (const [i, side] of sides.entries()) {
            const diff = await suiteGovernanceProvider.diff!("gov", governance[i], governanceInputs(side.chain, side.addresses, deployer));
            assert.equal(diff.changes, false, side.chain.chainName);
        }
    });

    it("a lane change after the hand-over goes through each chain's MultiSig, two lanes of a chain at once", async () => {
        const updated = await Promise.all(
            lanes.map(async (lane) => {
                const news = laneInputs(lane.pair[0], lane.pair[1], laneSettings(3));
                return (await ccipLaneProvider.update!("lane", lane.outs, news)).outs!;
            }),
        );
        for (const outs of updated) {
            assert.ok(outs.applied.length > 0);
            for (const a of outs.applied) assert.match(a, /router\.setLane\(\w+\) \(MultiSig (submit|execute) #\d+\)$/, a);
        }
        for (const side of sides) {
            const p = side.node.provider();
            try {
                const router = attach("CCIPRouter", side.addresses.CCIPRouter, p);
                for (const other of sides.filter((s) => s !== side)) {
                    const lane = (await router.getLane(BigInt(other.chain.chainSelector))) as { threshold: bigint };
                    assert.equal(lane.threshold, 3n, `${side.chain.chainName} → ${other.chain.chainName}`);
                }
                // Both lanes' submits on this chain got distinct MultiSig ids, each executed once.
                const executed = await p.getLogs({ address: side.addresses.MultiSig, topics: [id("Execution(uint256,address)")], fromBlock: 0 });
                assert.equal(executed.length, OWNABLES.length + 2, `${side.chain.chainName}: ${executed.length} executions`);
                assert.equal(await attach("CCIPRouter", side.addresses.CCIPRouter, p).owner(), side.addresses.MultiSig);
            } finally {
                p.destroy();
            }
        }
    });
});
