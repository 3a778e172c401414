// Region names: validation against the catalog, and which region a failed URN belongs to.
import { DEFAULT_ADMIN_REGION, findRegion, knownRegions } from "../../regions/catalog";
import { CHAIN_NAME } from "../../config/schema";
import { HUB_PEERING_PREFIX } from "../../stack/names";
import { BESU_NETWORK_NAME, contractSuiteName, regionComponentName, suiteChildSuffixes, suiteGovernanceName } from "../../regions/targets";

/** Throws naming every unknown (or admin) region; returns the regions de-duplicated, in the given order. */
export function validateRegions(regions: readonly string[]): string[] {
    const unknown = regions.filter((region) => findRegion(region) === undefined);
    if (unknown.length > 0) {
        throw new Error(`unknown region(s): ${unknown.join(", ")}; known regions: ${knownRegions().join(", ")}`);
    }
    // The admin region is not a RegionDeployment: region globs would select nothing for it.
    if (regions.includes(DEFAULT_ADMIN_REGION)) {
        throw new Error(`${DEFAULT_ADMIN_REGION} is the admin region, not a validator region; target its resources by URN instead`);
    }
    return [...new Set(regions)];
}

/** The resource's logical name: the last `::` segment of its URN. */
export function urnName(urn: string): string {
    const parts = urn.split("::");
    return parts[parts.length - 1];
}

/**
 * The validator region a URN belongs to, or undefined: RegionDeployment `region-<r>` and its children
 * `region-<r>-…`, BesuNetwork's per-region `besu-p2p-<r>` and `besu-<r>-…`, and the region's hub peerings
 * `hub-peering-<r>-…` (components/hub-peering.ts; the retry's --target-dependents reaches them). Names are anchored,
 * so `eastasia` never claims `besu-southeastasia-…`.
 */
export function regionOfUrn(urn: string): string | undefined {
    const name = urnName(urn);
    for (const region of knownRegions()) {
        if (region === DEFAULT_ADMIN_REGION) continue;
        const component = regionComponentName(region);
        if (name === component || name.startsWith(`${component}-`)) return region;
        if (name === `${BESU_NETWORK_NAME}-p2p-${region}` || name.startsWith(`${BESU_NETWORK_NAME}-${region}-`)) return region;
        if (name.startsWith(`${HUB_PEERING_PREFIX}-${region}-`)) return region;
    }
    return undefined;
}

/** Throws naming every chain name that cannot be one (config's rule: lowercase words); returns them de-duplicated. */
export function validateChains(chains: readonly string[]): string[] {
    const bad = chains.filter((chain) => !CHAIN_NAME.test(chain));
    if (bad.length > 0) throw new Error(`invalid chain name(s): ${bad.join(", ")}; chain names are the keys of chain138:chains, e.g. mainnet, chain138`);
    return [...new Set(chains)];
}

/**
 * The chain whose contract suite a URN belongs to, or undefined: ContractSuite `contracts-<chain>`, its
 * deployments `contracts-<chain>-<Contract>` (contract names are CamelCase, chain names lowercase, so the
 * split is unambiguous) and its SuiteGovernance `contracts-<chain>-governance` (a dynamic resource, where a
 * suite of a chain named `<chain>-governance` is a ContractSuite: the URN's type tells them apart).
 */
export function chainOfUrn(urn: string): string | undefined {
    const prefix = contractSuiteName("");
    const name = urnName(urn);
    if (!name.startsWith(prefix)) return undefined;
    let chain = name.slice(prefix.length);
    const contract = suiteChildSuffixes().find((c) => chain.endsWith(`-${c}`));
    if (contract !== undefined) chain = chain.slice(0, -contract.length - 1);
    else if (urnType(urn) === DYNAMIC_RESOURCE_TYPE) {
        const governed = chain.replace(/-governance$/, "");
        if (name === suiteGovernanceName(governed)) chain = governed;
    }
    return CHAIN_NAME.test(chain) ? chain : undefined;
}

/** Pulumi's type of every dynamic resource (ContractDeployment, CcipLane, SuiteGovernance). */
const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";

/** The resource's own type: the last `$`-separated part of the URN's type segment (the rest are its parents' types). */
function urnType(urn: string): string {
    const parts = urn.split("::");
    const types = (parts[parts.length - 2] ?? "").split("$");
    return types[types.length - 1];
}
