// AKS node pools as the policies see them: inline `agentPoolProfiles` of a ManagedCluster and standalone
// AgentPools share one shape.
import type { PolicyResource } from "@pulumi/policy";
import { vcpusOf } from "../../regions/vm-sizes";
import { MANAGED_CLUSTER } from "./types";
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

/** The stack's clusters, found by name (known once the cluster exists) or by URN (what a first preview has). */
export interface ClusterIndex {
    readonly byName: ReadonlyMap<string, PolicyResource>;
    readonly byUrn: ReadonlyMap<string, PolicyResource>;
}

export function clusterIndex(resources: readonly PolicyResource[]): ClusterIndex {
    const clusters = resources.filter((r) => r.type === MANAGED_CLUSTER);
    const byName = new Map<string, PolicyResource>();
    for (const cluster of clusters) {
        const name = asString((cluster.props as Record<string, unknown>)["resourceName"]);
        if (name !== undefined) byName.set(name, cluster);
    }
    return { byName, byUrn: new Map(clusters.map((c) => [c.urn, c])) };
}

/**
 * The cluster an AgentPool or MaintenanceConfiguration belongs to: by its `resourceName`, or — while that is an
 * unknown Output of a cluster not created yet (a first preview) — by the cluster its `resourceName` depends on.
 */
export function clusterOf(resource: PolicyResource, index: ClusterIndex): PolicyResource | undefined {
    const name = asString((resource.props as Record<string, unknown>)["resourceName"]);
    if (name !== undefined && index.byName.has(name)) return index.byName.get(name);
    const candidates = [...(resource.propertyDependencies?.["resourceName"] ?? []), ...(resource.dependencies ?? [])];
    const cluster = candidates.find((dep) => dep.type === MANAGED_CLUSTER);
    return cluster === undefined ? undefined : index.byUrn.get(cluster.urn);
}
