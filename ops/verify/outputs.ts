// What verify reads from the stack outputs (the one contract: stack/outputs.ts).
import { hasFleet, parseStackOutputs, type StackOutputs } from "../../stack/outputs";
import { loadStackOutputs } from "../shared/stack-outputs";

/** What verify needs from the stack outputs. */
export interface VerifyOutputs {
    /** Deployed validator regions in rollout order. */
    regions: string[];
    /** Validators and sentries each region runs (from its node pools). */
    nodeCounts: Record<string, { validators: number; sentries: number }>;
    /** 0 when the stack runs no fleet. */
    chainId: number;
    /** The configured validator set, lower-cased. */
    validatorAddresses: string[];
    /** QBFT votes still pending against the launched genesis, lower-cased. */
    validatorChanges: { add: string[]; remove: string[] };
    /** Kubeconfig YAML per region. Secret: never print. */
    kubeconfigs: Record<string, string>;
    /** Contract addresses per chain, when the stack exports them. */
    contracts?: Record<string, Record<string, string>>;
}

/** Validates parsed outputs; the error names the offending key (never a value: kubeconfigs are secret). */
export function parseOutputs(raw: unknown, source: string): VerifyOutputs {
    return verifyView(parseStackOutputs(raw, source));
}

function verifyView(o: StackOutputs): VerifyOutputs {
    const contracts = o.contracts as Record<string, Record<string, string>> | undefined;
    if (!hasFleet(o))
        return { regions: [], nodeCounts: {}, chainId: 0, validatorAddresses: [], validatorChanges: { add: [], remove: [] }, kubeconfigs: {}, contracts };
    const regions = o.rollout.deployedRegions;
    const nodeCounts: VerifyOutputs["nodeCounts"] = {};
    for (const region of regions) {
        const outputs = o.regions[region];
        if (outputs !== undefined && "ownCluster" in outputs) {
            nodeCounts[region] = { validators: outputs.ownCluster.validators, sentries: outputs.ownCluster.sentries };
            continue;
        }
        const pools = outputs?.nodePools ?? [];
        const count = (role: string) => pools.filter((p) => p.role === role).reduce((n, p) => n + p.count, 0);
        nodeCounts[region] = { validators: count("validator"), sentries: count("sentry") };
    }
    return {
        regions,
        nodeCounts,
        chainId: o.besu.chainId,
        validatorAddresses: o.besu.validatorAddresses.map((a) => a.toLowerCase()),
        validatorChanges: { add: o.besu.validatorChanges.add.map((a) => a.toLowerCase()), remove: o.besu.validatorChanges.remove.map((a) => a.toLowerCase()) },
        kubeconfigs: o.kubeconfigs,
        contracts,
    };
}

/** Reads the outputs from `file` (the JSON of `pulumi stack output --json --show-secrets`) or from the CLI. */
export async function loadOutputs(stack: string, file: string | undefined): Promise<VerifyOutputs> {
    return verifyView(await loadStackOutputs(stack, file));
}
