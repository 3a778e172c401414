// Mandatory: the admin region runs monitoring, logs and backups, never validators or sentries.
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { DEFAULT_ADMIN_REGION, hasRegionToken, isAdminProvider } from "../lib/admin";
import { BESU_ROLES, isBesuWorkload, POOL_ROLE_LABEL } from "../lib/besu";
import { clusterPools, readPool } from "../lib/pools";
import { asRecord, asString, asStringMap, at } from "../lib/read";
import { AGENT_POOL, DYNAMIC_RESOURCE, HELM_CHART_TYPES, MANAGED_CLUSTER } from "../lib/types";

export interface AdminRegionConfig {
    /** The admin-only region. Default westeurope. */
    adminRegion?: string;
}

function adminRegionOf(args: ResourceValidationArgs): string {
    return args.getConfig<AdminRegionConfig>().adminRegion ?? DEFAULT_ADMIN_REGION;
}

function checkPools(args: ResourceValidationArgs, admin: string, report: ReportViolation): void {
    const props = args.props as Record<string, unknown>;
    const inAdmin =
        args.type === MANAGED_CLUSTER
            ? asString(props["location"]) === admin
            : // A standalone AgentPool only names its cluster (`aks-chain138-<env>-<region>`); in a first preview that
              // name is unknown, and the pool's own logical name (`<component>-<region>-pool-…`) still says the region.
              hasRegionToken(asString(props["resourceName"]) ?? args.name, admin);
    if (!inAdmin) return;
    const pools = args.type === MANAGED_CLUSTER ? clusterPools(props) : [readPool(props, args.name)];
    for (const pool of pools) {
        const role = pool.labels[POOL_ROLE_LABEL];
        if (role !== undefined && BESU_ROLES.includes(role)) {
            report(`${args.name}: pool "${pool.name}" has ${POOL_ROLE_LABEL}=${role} in admin region ${admin}; validators and sentries never run there`);
        }
    }
}

function checkKubernetes(args: ResourceValidationArgs, admin: string, report: ReportViolation): void {
    if (!isAdminProvider(args.provider, admin)) return;
    const props = args.props as Record<string, unknown>;
    if (HELM_CHART_TYPES.includes(args.type)) {
        const chart = asString(props["chart"]) ?? "";
        if (/(^|[/\\])besu-node[/\\]?$/.test(chart)) {
            report(`${args.name}: chart "${chart}" is installed through the admin cluster's provider (${admin})`);
        }
        return;
    }
    const labels = { ...asStringMap(at(props, "metadata", "labels")), ...asStringMap(at(props, "spec", "template", "metadata", "labels")) };
    if (isBesuWorkload(labels)) {
        report(`${args.name}: Besu ${args.type.split(":").pop()} (labels ${JSON.stringify(labels)}) targets the admin cluster (${admin})`);
    }
}

function checkNodeKey(args: ResourceValidationArgs, admin: string, report: ReportViolation): void {
    // BesuNetwork node keys are dynamic resources labelled `<region>-<validator|sentry>-<i>` (components/besu/network.ts).
    const label = asString(asRecord(args.props)?.["label"]);
    const match = label === undefined ? null : /^(.+)-(validator|sentry)-\d+$/.exec(label);
    if (match !== null && match[1] === admin) {
        report(`${args.name}: BesuNetwork creates a ${match[2]} key "${label}" for admin region ${admin}`);
    }
}

export const adminRegionNoBesu: ResourceValidationPolicy = {
    name: "admin-region-no-besu",
    description: "No validator or sentry pool, Besu workload or node key in the admin region.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { adminRegion: { type: "string", default: DEFAULT_ADMIN_REGION, description: "The admin-only region." } },
    },
    validateResource: (args, report) => {
        const admin = adminRegionOf(args);
        if (args.type === MANAGED_CLUSTER || args.type === AGENT_POOL) checkPools(args, admin, report);
        else if (args.type.startsWith("kubernetes:")) checkKubernetes(args, admin, report);
        else if (args.type === DYNAMIC_RESOURCE) checkNodeKey(args, admin, report);
    },
};
