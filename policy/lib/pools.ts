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
    };
}

/** The inline pools of a ManagedCluster's props. */
export function clusterPools(props: Record<string, unknown>): PoolView[] {
    return asArray(props["agentPoolProfiles"]).map((p, i) => readPool(p, `pool-${i}`));
}

/** vCPUs a pool needs, or undefined when its VM size is not in regions/vm-sizes.ts. */
export function poolVcpus(pool: PoolView): number | undefined {
    const perNode = pool.vmSize === undefined ? undefined : vcpusOf(pool.vmSize);
    return perNode === undefined ? undefined : perNode * pool.nodes;
}
