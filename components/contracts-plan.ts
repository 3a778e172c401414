// The contract suite of one chain as data: which contracts, their constructor args, and which other
// contracts each needs. ContractSuite (Pulumi) and the provider-level tests and benchmark both build
// from this one definition, so the graph they run is the same.
import { id } from "ethers";
import type { ContractName } from "../contracts/artifacts";
import type { AbiArg } from "../contracts/providers/create2";

/**
 * A constructor argument: a literal, the deployer's address, or another contract's address — either once
 * it is deployed (a graph edge) or its CREATE2 prediction (no edge: both can go in the same block).
 */
export type ArgSpec = AbiArg | { deployer: true } | { contract: ContractName; when: "deployed" | "predicted" } | ArgSpec[];

/** One contract to deploy. */
export interface ContractSpec {
    readonly name: ContractName;
    readonly args: ArgSpec[];
}

/** What shapes one chain's suite. */
export interface SuitePlanOptions {
    /** CCIP selector of this chain (decimal string). */
    chainSelector: string;
    /** Existing router: CCIPRouter is not deployed and references resolve to this address. */
    existingRouter?: string;
    /** Existing Multicall3: not deployed. */
    existingMulticall3?: string;
}

/** The price feed both oracles serve (8 decimals, hourly heartbeat, 0.5 % deviation in parts per 1e8). */
export const ORACLE_FEED = { decimals: 8, description: "ETH / USD", heartbeatSeconds: 3600, deviationThreshold: 500_000 } as const;

const deployer = { deployer: true } as const;
const deployed = (contract: ContractName) => ({ contract, when: "deployed" }) as const;
const predicted = (contract: ContractName) => ({ contract, when: "predicted" }) as const;

/**
 * The suite contracts that take an owner (all Ownable2Step, owner = the deployer at construction) and that the
 * chain's SuiteGovernance hands to its MultiSig. Not MultiSig (it governs itself), not the tokens or Multicall3
 * (no owner). CCIPRouter only where the suite deploys it: a configured router is someone else's.
 */
export const OWNED_CONTRACTS = [
    "CCIPRouter",
    "CCIPWETH9Bridge",
    "CCIPWETH10Bridge",
    "Aggregator",
    "AggregatorProxy",
    "OracleWithCCIP",
] as const satisfies readonly ContractName[];

/**
 * The suite in dependency order. Every Ownable contract starts owned by the deployer (the CREATE2 proxy
 * would otherwise be `msg.sender`), so the CCIP lanes configure them from the deployer key; then the chain's
 * SuiteGovernance hands them to the MultiSig. The MultiSig starts with the deployer as sole owner (threshold 1)
 * so the governance can accept ownership through it.
 */
export function suitePlan(options: SuitePlanOptions): ContractSpec[] {
    const specs: ContractSpec[] = [];
    if (options.existingMulticall3 === undefined) specs.push({ name: "Multicall3", args: [] });
    specs.push({ name: "WETH9", args: [] }, { name: "WETH10", args: [] });
    if (options.existingRouter === undefined) specs.push({ name: "CCIPRouter", args: [deployer, options.chainSelector] });
    const feed = ORACLE_FEED;
    specs.push(
        { name: "Aggregator", args: [deployer, feed.decimals, feed.description, feed.heartbeatSeconds, feed.deviationThreshold] },
        // The proxy only stores the aggregator's address: the prediction lets both go in the first block.
        { name: "AggregatorProxy", args: [deployer, predicted("Aggregator")] },
        { name: "MultiSig", args: [[deployer], 1] },
        // Bridges and the oracle are CCIPReceivers of the router: they follow it once it exists.
        { name: "CCIPWETH9Bridge", args: [deployed("CCIPRouter"), deployed("WETH9"), deployer] },
        { name: "CCIPWETH10Bridge", args: [deployed("CCIPRouter"), deployed("WETH10"), deployer] },
        {
            name: "OracleWithCCIP",
            args: [deployed("CCIPRouter"), deployer, feed.decimals, `${feed.description} (CCIP)`, feed.heartbeatSeconds, feed.deviationThreshold],
        },
    );
    return specs;
}

/** Contracts `spec` waits for (its "deployed" references that are deployed by this suite). */
export function dependenciesOf(spec: ArgSpec[], deployedHere: ReadonlySet<ContractName>): ContractName[] {
    const out = new Set<ContractName>();
    const walk = (arg: ArgSpec): void => {
        if (Array.isArray(arg)) arg.forEach(walk);
        else if (typeof arg === "object" && "contract" in arg && arg.when === "deployed" && deployedHere.has(arg.contract)) out.add(arg.contract);
    };
    spec.forEach(walk);
    return [...out];
}

/** Resolves arg specs to values with `lookup` (an address or a promise/Output of one, by the caller's choice). */
export function resolveArgs<T>(
    args: ArgSpec[],
    deployerAddress: string,
    lookup: (contract: ContractName, when: "deployed" | "predicted") => T,
): (AbiArg | T)[] {
    const one = (arg: ArgSpec): AbiArg | T | (AbiArg | T)[] => {
        if (Array.isArray(arg)) return arg.map(one) as (AbiArg | T)[];
        if (typeof arg === "object") return "deployer" in arg ? deployerAddress : lookup(arg.contract, arg.when);
        return arg;
    };
    return args.map(one) as (AbiArg | T)[];
}

/** The CREATE2 salt of `contract` under the configured salt label (same on every chain: same addresses where args match). */
export function saltOf(label: string, contract: ContractName): string {
    return id(`${label}/${contract}`);
}
