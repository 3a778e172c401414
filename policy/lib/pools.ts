// AKS node pools as the policies see them: inline `agentPoolProfiles` of a ManagedCluster and standalone
// AgentPools share one shape.
import { vcpusOf } from "../../regions/vm-sizes";
import { asArray, asBoolean, asNumber, asRecord, asString, asStringArray, asStringMap } from "./read";

export interface PoolView {
    readonly name: string;
    readonly vmSize: string | undefined;
    /** Nodes the pool may run: `maxCount` when autoscaling, else `count` (AKS defaults it to 1). */
    readonly nodes: number;
    readonly labels: Record<string, string>;
    readonly zones: string[];
    /** "System" or "User" (AKS's default for a pool without a mode is User). */
    readonly mode: string;
    /** `upgradeSettings.maxSurge` / `maxUnavailable` as written: a node count ("1") or a percentage ("33%"). */
    readonly maxSurge: string | undefined;
    readonly maxUnavailable: string | undefined;
}

/** Reads one pool profile (inline or an AgentPool's props). */
export function readPool(value: unknown, fallbackName: string): PoolView {
    const pool = asRecord(value) ?? {};
    const autoscale = asBoolean(pool["enableAutoScaling"]) === true;
    const nodes = (autoscale ? asNumber(pool["maxCount"]) : undefined) ?? asNumber(pool["count"]) ?? 1;
    return {
        name: asString(pool["name"]) ?? asString(pool["agentPoolName"]) ?? fallbackName,
        vmSize: asString(pool["vmSize"]),
        nodes,
        labels: asStringMap(pool["nodeLabels"]),
        zones: asStringArray(pool["availabilityZones"]),
        mode: asString(pool["mode"]) ?? "User",
        maxSurge: asString(asRecord(pool["upgradeSettings"])?.["maxSurge"]),
        maxUnavailable: asString(asRecord(pool["upgradeSettings"])?.["maxUnavailable"]),
    };
}

/**
 * Nodes an upgrade setting stands for: "N" is N nodes, "P%" is P% of the pool rounded up ("For percentages,
 * fractional nodes are rounded up", AgentPoolUpgradeSettings in the AKS API). Unset: `unsetDefault`
 * (maxSurge defaults to 10%, maxUnavailable to 0). Undefined when the value is neither form.
 */
export function upgradeNodes(value: string | undefined, poolNodes: number, unsetDefault: string): number | undefined {
    const text = (value ?? unsetDefault).trim();
    const percent = /^(\d+)%$/.exec(text);
    if (percent !== null) return Math.ceil((poolNodes * Number(percent[1])) / 100);
    return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Surge nodes a pool adds while it upgrades (they count against the regional vCPU quota). */
export function surgeNodes(pool: PoolView): number | undefined {
    return upgradeNodes(pool.maxSurge, pool.nodes, "10%");
}

/** The inline pools of a ManagedCluster's props. */
export function clusterPools(props: Record<string, unknown>): PoolView[] {
    return asArray(props["agentPoolProfiles"]).map((p, i) => readPool(p, `pool-${i}`));
}

/** vCPUs a pool needs at its peak (its nodes plus upgrade surge nodes), or undefined when its VM size is not in regions/vm-sizes.ts. */
export function poolVcpus(pool: PoolView): number | undefined {
    const perNode = pool.vmSize === undefined ? undefined : vcpusOf(pool.vmSize);
    return perNode === undefined ? undefined : perNode * (pool.nodes + (surgeNodes(pool) ?? 0));
}
