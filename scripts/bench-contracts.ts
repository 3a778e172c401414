// npm run bench:contracts — deploy + wire the suite on two anvil chains (ids 1 and 138, 2-second blocks)
// through the real providers, as a graph (what Pulumi's engine does with ContractSuite/CcipWiring/SuiteGovernance) and
// one transaction at a time, and print blocks used per chain and wall time. Target for the graph:
// at most DAG depth + 1 blocks per chain. Figures only: nothing here asserts timings.
import { JsonRpcProvider } from "ethers";
import { loadArtifact, type ContractName } from "../contracts/artifacts";
import { contractDeploymentProvider } from "../contracts/providers/contract-deployment";
import { constructorTypes, initCodeOf, predictAddress, type AbiArg } from "../contracts/providers/create2";
import { planLane, type CcipLaneInputs } from "../contracts/providers/ccip-lane";
import { readOwners, toTransactions, type PlannedCall } from "../contracts/providers/owner-calls";
import { planGovernance } from "../contracts/providers/suite-governance";
import type { ChainTarget } from "../contracts/providers/rpc";
import { sendTransaction } from "../contracts/providers/nonce";
import { waitForReceipt } from "../contracts/providers/receipt";
import { dependenciesOf, resolveArgs, saltOf, suitePlan } from "../components/contracts-plan";
import { startAnvil, type AnvilNode } from "../devkit/anvil";
import { CHAIN138_SELECTOR, MAINNET_SELECTOR, TEST_FEES, makeAttesters } from "../devkit/ccip-fixture";
import { deploySuite, govern, governanceInputs, laneInputs, wire, type SuiteAddresses, type SuiteChain } from "../devkit/provider-suite";

const BLOCK_TIME = 2;

/** Depth of the suite's dependency graph (deploy levels), plus one level for the wiring and one for the hand-over. */
function dagDepth(): number {
    const specs = suitePlan({ chainSelector: "1" });
    const here = new Set<ContractName>(specs.map((s) => s.name));
    const depth = new Map<ContractName, number>();
    for (const spec of specs) depth.set(spec.name, 1 + Math.max(0, ...dependenciesOf(spec.args, here).map((d) => depth.get(d)!)));
    return Math.max(...depth.values()) + 2;
}

async function chains(): Promise<{ nodes: AnvilNode[]; c1: SuiteChain; c138: SuiteChain }> {
    const nodes = await Promise.all([startAnvil({ chainId: 1, blockTime: BLOCK_TIME }), startAnvil({ chainId: 138, blockTime: BLOCK_TIME })]);
    const key = nodes[0].accounts[0].privateKey;
    return {
        nodes,
        c1: { chainName: "mainnet", rpcUrl: nodes[0].rpcUrl, chainId: 1, deployerKey: key, chainSelector: String(MAINNET_SELECTOR) },
        c138: {
            chainName: "chain138",
            rpcUrl: nodes[1].rpcUrl,
            chainId: 138,
            deployerKey: key,
            chainSelector: String(CHAIN138_SELECTOR),
            bridgeLiquidityWei: "1000000000000000000",
        },
    };
}

/** Blocks holding the deployer's transactions, and the span from the first to the last. */
async function blocksUsed(node: AnvilNode, from: string): Promise<{ distinct: number; span: number; txs: number }> {
    const provider = new JsonRpcProvider(node.rpcUrl, node.chainId, { staticNetwork: true });
    try {
        const head = await provider.getBlockNumber();
        const used: number[] = [];
        let txs = 0;
        for (let n = 1; n <= head; n++) {
            const block = await provider.getBlock(n, true);
            const mine = block?.prefetchedTransactions.filter((t) => t.from.toLowerCase() === from.toLowerCase()).length ?? 0;
            if (mine > 0) used.push(n);
            txs += mine;
        }
        return { distinct: used.length, span: used.length === 0 ? 0 : used[used.length - 1] - used[0] + 1, txs };
    } finally {
        provider.destroy();
    }
}

function settings(deployer: string, attesters: string[]) {
    return {
        attesters,
        threshold: 2,
        fee: { baseFee: String(TEST_FEES.baseFee), feePerByte: String(TEST_FEES.feePerByte), feePerGas: String(TEST_FEES.feePerGas) },
        deployerAddress: deployer,
    };
}

/** The graph: both chains at once, each contract as soon as its constructor's inputs exist, then the lane, then each chain's hand-over. */
async function graphRun(attesters: string[]): Promise<void> {
    const { nodes, c1, c138 } = await chains();
    const deployer = nodes[0].accounts[0].address;
    const started = Date.now();
    const [a1, a138] = await Promise.all([deploySuite(c1, deployer, "bench/graph"), deploySuite(c138, deployer, "bench/graph")]);
    await wire(laneInputs({ chain: c1, addresses: a1 }, { chain: c138, addresses: a138 }, settings(deployer, attesters)));
    await Promise.all([govern(governanceInputs(c1, a1, deployer)), govern(governanceInputs(c138, a138, deployer))]);
    await report("graph", nodes, deployer, Date.now() - started);
}

/** Baseline: one transaction at a time, each awaited before the next. */
async function sequentialRun(attesters: string[]): Promise<void> {
    const { nodes, c1, c138 } = await chains();
    const deployer = nodes[0].accounts[0].address;
    const started = Date.now();
    const addresses: SuiteAddresses[] = [];
    for (const chain of [c1, c138]) {
        const done: Partial<SuiteAddresses> = {};
        const predicted: Partial<SuiteAddresses> = {};
        for (const spec of suitePlan({ chainSelector: chain.chainSelector })) {
            const artifact = loadArtifact(spec.name);
            const types = constructorTypes(artifact.abi as readonly unknown[]);
            const salt = saltOf("bench/seq", spec.name);
            const args = resolveArgs(spec.args, deployer, (c, when) => (when === "predicted" ? predicted[c]! : done[c]!)) as AbiArg[];
            const address = predictAddress(salt, initCodeOf(artifact.bytecode, types, args));
            predicted[spec.name] = address;
            const out = await contractDeploymentProvider.create({
                chainName: chain.chainName,
                rpcUrl: chain.rpcUrl,
                chainId: chain.chainId,
                contractName: spec.name,
                bytecode: artifact.bytecode,
                constructorTypes: types,
                constructorArgs: args,
                salt,
                confirmations: 1,
                receiptTimeoutSeconds: 120,
                deployerKey: chain.deployerKey,
                address,
            });
            done[spec.name] = out.outs!.address;
        }
        addresses.push(done as SuiteAddresses);
    }
    const inputs: CcipLaneInputs = laneInputs({ chain: c1, addresses: addresses[0] }, { chain: c138, addresses: addresses[1] }, settings(deployer, attesters));
    // The one-at-a-time baseline does what create does, funding included.
    const plans = await planLane(inputs, { funding: true });
    for (const [i, side] of inputs.sides.entries()) {
        const target = { name: side.name, rpcUrl: inputs.rpcUrls[side.name], chainId: side.chainId };
        await oneAtATime(target, side.multisig, deployer, inputs.deployerKey, plans[i].calls);
    }
    // Then each chain's hand-over to its MultiSig, as SuiteGovernance does after the lanes.
    for (const [i, chain] of [c1, c138].entries()) {
        const governance = governanceInputs(chain, addresses[i], deployer);
        const target = { name: chain.chainName, rpcUrl: chain.rpcUrl, chainId: chain.chainId };
        await oneAtATime(target, governance.multisig, deployer, chain.deployerKey, (await planGovernance(governance)).calls);
    }
    await report("sequential", nodes, deployer, Date.now() - started);
}

/** Sends planned calls routed as the providers route them, each awaited before the next. */
async function oneAtATime(target: ChainTarget, multisig: string, deployer: string, key: string, calls: PlannedCall[]): Promise<void> {
    const sender = { target, multisig, deployerAddress: deployer };
    for (const tx of await toTransactions(sender, calls, await readOwners(sender, calls))) {
        const sent = await sendTransaction(target, key, { to: tx.to, data: tx.data, value: tx.value, gasLimit: tx.fallbackGas }, tx.description);
        const receipt = await waitForReceipt(target, { hash: sent.hash, confirmations: 1, timeoutMs: 120_000, what: tx.description });
        if (receipt.status !== 1) throw new Error(`${tx.description} reverted`);
    }
}

const rows: string[] = [];
async function report(label: string, nodes: AnvilNode[], deployer: string, wallMs: number): Promise<void> {
    for (const node of nodes) {
        const used = await blocksUsed(node, deployer);
        rows.push(
            `${label.padEnd(11)} chain ${String(node.chainId).padEnd(4)} ${String(used.txs).padStart(4)} txs  ${String(used.distinct).padStart(3)} blocks with txs  span ${String(used.span).padStart(3)} blocks  wall ${(wallMs / 1000).toFixed(1)} s`,
        );
        await node.stop();
    }
}

async function main(): Promise<void> {
    // Provider log lines (one per transaction) would bury the figures.
    (globalThis as Record<symbol, unknown>)[Symbol.for("chain138.contracts.log")] = () => undefined;
    const attesters = makeAttesters(3).map((w) => w.address);
    const depth = dagDepth();
    process.stdout.write(`suite DAG depth per chain: ${depth} (deploy levels + wiring + hand-over); target: at most ${depth + 1} blocks per chain\n`);
    await graphRun(attesters);
    await sequentialRun(attesters);
    process.stdout.write(`${rows.join("\n")}\n(block time ${BLOCK_TIME} s on both chains)\n`);
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
        process.exit(1);
    },
);
