/**
 * Resource naming that `pulumi up --target` relies on, and the exact targets of one region or chain.
 * A loose glob such as '**eastasia**' also matches southeastasia; these anchor on the name.
 */
import { CONTRACT_NAMES } from "../contracts/artifacts";

/** Logical name of a region's RegionDeployment; all its children are named `<this>-<role>`. */
export function regionComponentName(region: string): string {
    return `region-${region}`;
}

/** Logical name of the BesuNetwork component; its per-region children are `<this>-<region>-…` and `<this>-p2p-<region>`. */
export const BESU_NETWORK_NAME = "besu";

/**
 * The --target globs that select one region: its deployment, its own P2P keys and addresses,
 * and the objects of its Helm charts, whose names carry a ':' (`<chart>:<namespace>/<object>`)
 * that a single `*` does not cross.
 */
export function regionTargetGlobs(region: string): string[] {
    const component = regionComponentName(region);
    return [
        `**::${component}`,
        `**::${component}-*`,
        `**::${component}-*:**`,
        `**::${BESU_NETWORK_NAME}-p2p-${region}`,
        `**::${BESU_NETWORK_NAME}-${region}-*`,
    ];
}

/**
 * The members of a chain's ContractSuite besides its ContractDeployments (`<suite>-<member>`): the readiness gate of
 * the fleet's own chain (contracts/providers/chain-ready.ts).
 */
export const SUITE_MEMBERS = ["ChainReady"] as const;

/** Every child name suffix of a suite: its contracts and {@link SUITE_MEMBERS}. */
export function suiteChildSuffixes(): readonly string[] {
    return [...CONTRACT_NAMES, ...SUITE_MEMBERS];
}

/** Logical name of a chain's ContractSuite; its ContractDeployments are `<this>-<Contract>`. */
export function contractSuiteName(chain: string): string {
    return `contracts-${chain}`;
}

/** Logical name of a chain's SuiteGovernance (a child of its ContractSuite). */
export function suiteGovernanceName(chain: string): string {
    return `${contractSuiteName(chain)}-governance`;
}

/**
 * The --target globs that select one chain's contract suite. With `--target-dependents` the CCIP lanes
 * to and from it follow (they take the suite's addresses as inputs). Each deployment is named in full:
 * `contracts-chain138-*` would also select a chain called `chain138-testnet`.
 */
export function chainTargetGlobs(chain: string): string[] {
    const suite = contractSuiteName(chain);
    return [`**::${suite}`, ...suiteChildSuffixes().map((member) => `**::${suite}-${member}`)];
}

/** The command that retries `regions` and the contract suites of `chains` of `stack`, and whatever depends on them. */
export function retryCommand(stack: string, regions: string[], chains: string[] = []): string {
    const targets = [...regions.flatMap(regionTargetGlobs), ...chains.flatMap(chainTargetGlobs)].map((glob) => `--target '${glob}'`);
    return ["pulumi up", `-s ${stack}`, ...targets, "--target-dependents", "--parallel 128", "--continue-on-error"].join(" ");
}
