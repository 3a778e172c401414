// Advisory: a cluster in a region with availability zones spreads every pool over them (regions/catalog.ts).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { findRegion } from "../../regions/catalog";
import { clusterPools } from "../lib/pools";
import { asString } from "../lib/read";
import { MANAGED_CLUSTER } from "../lib/types";

export const zonesUsed: ResourceValidationPolicy = {
    name: "zones-used-where-available",
    description: "AKS pools use availability zones in regions that have them.",
    enforcementLevel: "advisory",
    validateResource: (args, report) => {
        if (args.type !== MANAGED_CLUSTER) return;
        const props = args.props as Record<string, unknown>;
        const location = asString(props["location"]);
        const region = location === undefined ? undefined : findRegion(location);
        if (region === undefined || !region.hasZones) return;
        for (const pool of clusterPools(props).filter((p) => p.zones.length === 0)) {
            report(`${args.name}: pool "${pool.name}" uses no availability zones although ${location} has them`);
        }
    },
};
