// What the fleet tool reads from the stack outputs (the one contract: stack/outputs.ts), from the Pulumi CLI or a file.
import { hasFleet, type StackOutputs } from "../../stack/outputs";
import { loadStackOutputs } from "../shared/stack-outputs";

/** What the fleet tool reads from a stack: deployed regions in order, the genesis validators, kubeconfigs. */
export interface FleetOutputs {
    /** Deployed validator regions in the stack's order (rollout.deployedRegions, else the `regions` keys). */
    regions: string[];
    /** AKS cluster name per region (for messages). */
    clusterNames: Record<string, string>;
    /** Genesis validator node names (`<region>-validator-<i>`) per configured region, deployed or not. */
    validatorsByRegion: Record<string, string[]>;
    /** Size of the validator set (n), from besu.validatorAddresses. */
    validatorCount: number;
    /** Kubeconfig YAML per region (secret: never print). */
    kubeconfigs: Record<string, string>;
    /** Validator node name → address, lowercase. */
    validatorNodes: Record<string, string>;
    /** Pending validator-set changes against the launched genesis. */
    validatorChanges: { add: string[]; remove: string[] };
}

/** Reads `pulumi stack output --json --show-secrets -s <stack>`, or `file` when given. */
export async function loadFleetOutputs(stack: string, file: string | undefined): Promise<FleetOutputs> {
    return fleetView(await loadStackOutputs(stack, file), file ?? `outputs of stack ${stack}`);
}

/** What the fleet tool needs from a stack's outputs; `source` names them in errors (which never quote values). */
export function fleetView(outputs: StackOutputs, source: string): FleetOutputs {
    if (!hasFleet(outputs)) throw new Error(`${source}: the stack runs no fleet (no besu, regions or kubeconfigs outputs): is it an Azure stack?`);
    const deployed = Object.keys(outputs.regions);
    const ordered = outputs.rollout.deployedRegions.filter((region) => deployed.includes(region));
    const regions = [...ordered, ...deployed.filter((region) => !ordered.includes(region))];
    const missing = regions.filter((region) => outputs.kubeconfigs[region] === undefined);
    if (missing.length > 0) throw new Error(`${source}: kubeconfigs has no entry for ${missing.join(", ")}`);

    const validatorsByRegion: Record<string, string[]> = {};
    for (const name of Object.keys(outputs.besu.enodes)) {
        const match = /^(.+)-validator-\d+$/.exec(name);
        if (match) (validatorsByRegion[match[1]] ??= []).push(name);
    }
    const validatorCount = outputs.besu.validatorAddresses.length;
    const named = Object.values(validatorsByRegion).reduce((sum, names) => sum + names.length, 0);
    if (named !== validatorCount) {
        throw new Error(`${source}: besu.enodes names ${named} validators but besu.validatorAddresses holds ${validatorCount}`);
    }
    return {
        regions,
        clusterNames: Object.fromEntries(regions.map((region) => [region, outputs.regions[region].clusterName])),
        validatorsByRegion,
        validatorCount,
        kubeconfigs: Object.fromEntries(regions.map((region) => [region, outputs.kubeconfigs[region]])),
        validatorNodes: Object.fromEntries(Object.entries(outputs.besu.validatorNodes).map(([node, address]) => [node, address.toLowerCase()])),
        validatorChanges: outputs.besu.validatorChanges,
    };
}
