// Mandatory: node pool upgrade settings AKS accepts. From AKS "Upgrade node pools with rolling upgrades"
// (articles/aks/upgrade-aks-node-pools-rolling.md): "You can't set max unavailable on system node pools", and
// "The default value of maxUnavailable is 0. When maxUnavailable is 0, AKS requires maxSurge to be greater
// than 0". A pool breaking either fails its create or update at the AKS API, after everything before it ran.
import type { PolicyResource, ResourceValidationPolicy } from "@pulumi/policy";
import { clusterPools, readPool, upgradeNodes, type PoolView } from "../lib/pools";
import { AGENT_POOL, MANAGED_CLUSTER } from "../lib/types";

/** Why AKS would refuse a pool's upgrade settings, or undefined when it accepts them. */
export function upgradeSettingsProblem(pool: PoolView): string | undefined {
    if (pool.mode === "System" && pool.maxUnavailable !== undefined) {
        return `pool "${pool.name}" is a System pool and sets maxUnavailable "${pool.maxUnavailable}"; AKS does not allow maxUnavailable on system node pools (use maxSurge)`;
    }
    const surge = upgradeNodes(pool.maxSurge, pool.nodes, "10%");
    const unavailable = upgradeNodes(pool.maxUnavailable, pool.nodes, "0");
    if (surge === undefined) return `pool "${pool.name}": maxSurge "${pool.maxSurge}" is neither a node count nor a percentage`;
    if (unavailable === undefined) return `pool "${pool.name}": maxUnavailable "${pool.maxUnavailable}" is neither a node count nor a percentage`;
    if (surge === 0 && unavailable === 0) {
        return `pool "${pool.name}": maxSurge and maxUnavailable are both 0; AKS requires maxSurge > 0 when maxUnavailable is 0`;
    }
    return undefined;
}

export const aksUpgradeSettings: ResourceValidationPolicy = {
    name: "aks-upgrade-settings-valid",
    description: "AKS node pools: no maxUnavailable on System pools, and maxSurge > 0 whenever maxUnavailable is 0.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== MANAGED_CLUSTER && args.type !== AGENT_POOL) return;
        const props = args.props as Record<string, unknown>;
        const pools = args.type === MANAGED_CLUSTER ? clusterPools(props) : [readPool(props, args.name)];
        for (const pool of pools) {
            const problem = upgradeSettingsProblem(pool);
            if (problem !== undefined) report(`${(args as unknown as PolicyResource).name}: ${problem}`);
        }
    },
};
