// Mandatory: the node pools of each region fit the subscription's regional vCPU quota, upgrade surge nodes
// included (a surge node is a real VM while a pool upgrades; AKS's default surge is 10%). Summed per location
// over every cluster's inline pools and any standalone AgentPool (attributed to its cluster's location),
// so it is a stack policy. vCPUs per VM size come from regions/vm-sizes.ts; an unknown size is a violation.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { clusterIndex, clusterOf, clusterPools, poolVcpus, readPool, surgeNodes, type PoolView } from "../lib/pools";
import { asString } from "../lib/read";
import { AGENT_POOL, MANAGED_CLUSTER } from "../lib/types";

export interface VcpuQuotaConfig {
    /** vCPU quota per region. Default 10. */
    vcpuQuotaPerRegion?: number;
}

export const DEFAULT_VCPU_QUOTA = 10;

interface Usage {
    vcpus: number;
    parts: string[];
}

export const vcpuQuota: StackValidationPolicy = {
    name: "vcpu-quota-per-region",
    description: "AKS node pools (inline and standalone) within the regional vCPU quota, upgrade surge nodes included; VM sizes must be known.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { vcpuQuotaPerRegion: { type: "integer", minimum: 1, default: DEFAULT_VCPU_QUOTA, description: "vCPU quota per region." } },
    },
    validateStack: (args, report) => {
        const quota = args.getConfig<VcpuQuotaConfig>().vcpuQuotaPerRegion ?? DEFAULT_VCPU_QUOTA;
        const usage = new Map<string, Usage>();
        const clusters = clusterIndex(args.resources);
        const add = (location: string, owner: PolicyResource, pool: PoolView) => {
            const vcpus = poolVcpus(pool);
            if (vcpus === undefined) {
                report(
                    `${owner.name}: pool "${pool.name}" uses VM size "${pool.vmSize ?? "(none)"}", which regions/vm-sizes.ts does not know; its vCPUs cannot be checked against the quota`,
                    owner.urn,
                );
                return;
            }
            const entry = usage.get(location) ?? { vcpus: 0, parts: [] };
            entry.vcpus += vcpus;
            const surge = surgeNodes(pool) ?? 0;
            entry.parts.push(`${owner.name}/${pool.name} ${pool.nodes}${surge > 0 ? `+${surge} surge` : ""}×${pool.vmSize}=${vcpus}`);
            usage.set(location, entry);
        };
        for (const r of args.resources.filter((x) => x.type === MANAGED_CLUSTER)) {
            const props = r.props as Record<string, unknown>;
            const location = asString(props["location"]) ?? "(no location)";
            for (const pool of clusterPools(props)) add(location, r, pool);
        }
        for (const r of args.resources.filter((x) => x.type === AGENT_POOL)) {
            const props = r.props as Record<string, unknown>;
            const cluster = clusterOf(r, clusters);
            const location = cluster === undefined ? undefined : asString((cluster.props as Record<string, unknown>)["location"]);
            if (location === undefined) {
                report(
                    `${r.name}: AgentPool's cluster ${asString(props["resourceName"]) ?? "(unknown)"} is not in this stack; its vCPUs cannot be attributed to a region`,
                    r.urn,
                );
                continue;
            }
            add(location, r, readPool(props, r.name));
        }
        for (const [location, { vcpus, parts }] of usage) {
            if (vcpus > quota)
                report(`region ${location}: node pools need ${vcpus} vCPUs during upgrades (surge nodes included), quota is ${quota} (${parts.join(", ")})`);
        }
    },
};
