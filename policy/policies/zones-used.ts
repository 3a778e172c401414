// Advisory: a cluster in a region with availability zones spreads every pool over them (regions/catalog.ts) — its
// inline pools and its standalone AgentPools (attributed to the cluster by name), so it is a stack policy.
import type { StackValidationPolicy } from "@pulumi/policy";
import { findRegion } from "../../regions/catalog";
import { clusterIndex, clusterOf, clusterPools, readPool } from "../lib/pools";
import { asString } from "../lib/read";
import { AGENT_POOL, MANAGED_CLUSTER } from "../lib/types";

export const zonesUsed: StackValidationPolicy = {
    name: "zones-used-where-available",
    description: "AKS pools (inline and standalone) use availability zones in regions that have them.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const clusters = clusterIndex(args.resources);
        for (const r of args.resources.filter((x) => x.type === MANAGED_CLUSTER)) {
            const props = r.props as Record<string, unknown>;
            const location = asString(props["location"]);
            const region = location === undefined ? undefined : findRegion(location);
            if (region === undefined || !region.hasZones) continue;
            for (const pool of clusterPools(props).filter((p) => p.zones.length === 0)) {
                report(`${r.name}: pool "${pool.name}" uses no availability zones although ${region.name} has them`, r.urn);
            }
        }
        for (const r of args.resources.filter((x) => x.type === AGENT_POOL)) {
            const cluster = clusterOf(r, clusters);
            const location = cluster === undefined ? undefined : asString((cluster.props as Record<string, unknown>)["location"]);
            const pool = readPool(r.props, r.name);
            if (location !== undefined && findRegion(location)?.hasZones === true && pool.zones.length === 0)
                report(`${r.name}: pool "${pool.name}" uses no availability zones although ${location} has them`, r.urn);
        }
    },
};
