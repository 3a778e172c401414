// Mandatory: every cluster with validators has both AKS-managed maintenance schedules (auto-upgrade and node
// OS), and in no hour of the week do the clusters in an open window put more validators at risk than QBFT
// tolerates (f = ⌊(n−1)/3⌋ of the n validators in the stack). Without the schedules AKS upgrades each cluster
// on its own timetable, and 24 clusters can drain more than f validators at once: the chain halts.
// A cluster's validators at risk: what its validator pools may drain at once (maxSurge + maxUnavailable nodes,
// one validator per node). Rules: AKS "Use planned maintenance" (articles/aks/planned-maintenance.md).
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { qbftQuorum } from "../../stack/qbft";
import { HOURS_PER_WEEK, MAINTENANCE_CONFIG_NAMES, MAINTENANCE_WINDOW_HOURS, WEEKDAYS, describeHour, openHours, type Weekday } from "../../regions/maintenance";
import { clusterIndex, clusterOf, clusterPools, readPool, upgradeNodes, type PoolView } from "../lib/pools";
import { asNumber, asRecord, asString, at } from "../lib/read";
import { POOL_ROLE_LABEL } from "../lib/besu";
import { AGENT_POOL } from "../lib/types";

export const MAINTENANCE_CONFIGURATION = "azure-native:containerservice:MaintenanceConfiguration";
const VALIDATOR_ROLE = { key: POOL_ROLE_LABEL, value: "validator" };

interface ClusterView {
    readonly resource: PolicyResource;
    validators: number;
    atRisk: number;
    readonly hours: Map<string, number[]>;
}

/** Hours of the week a MaintenanceConfiguration's window is open, or a reason it cannot be read. */
function windowHours(props: Record<string, unknown>): number[] | string {
    const window = asRecord(props["maintenanceWindow"]);
    const weekly = asRecord(at(window, "schedule", "weekly"));
    if (window === undefined || weekly === undefined) return "has no weekly maintenanceWindow (only weekly schedules can be checked)";
    const day = asString(weekly["dayOfWeek"]);
    const interval = asNumber(weekly["intervalWeeks"]);
    const duration = asNumber(window["durationHours"]);
    const start = /^(\d{2}):(\d{2})$/.exec(asString(window["startTime"]) ?? "");
    const offset = asString(window["utcOffset"]) ?? "+00:00";
    if (!WEEKDAYS.includes(day as Weekday)) return `dayOfWeek "${day}" is not a weekday`;
    if (interval !== 1) return `intervalWeeks ${interval} (only weekly windows, intervalWeeks 1, can be checked)`;
    if (duration === undefined || duration < MAINTENANCE_WINDOW_HOURS)
        return `durationHours ${duration} is below AKS's recommended ${MAINTENANCE_WINDOW_HOURS}`;
    if (start === null || start[2] !== "00") return `startTime "${asString(window["startTime"])}" is not on the hour (HH:00)`;
    if (offset !== "+00:00") return `utcOffset "${offset}" (only UTC windows can be checked)`;
    return openHours({ dayOfWeek: day as Weekday, startHour: Number(start[1]), durationHours: duration });
}

function addValidators(cluster: ClusterView, pool: PoolView): void {
    if (pool.labels[VALIDATOR_ROLE.key] !== VALIDATOR_ROLE.value) return;
    const batch = (upgradeNodes(pool.maxSurge, pool.nodes, "10%") ?? pool.nodes) + (upgradeNodes(pool.maxUnavailable, pool.nodes, "0") ?? pool.nodes);
    cluster.validators += pool.nodes;
    cluster.atRisk += Math.min(pool.nodes, batch);
}

export const maintenanceWindows: StackValidationPolicy = {
    name: "maintenance-windows-within-fault-budget",
    description: "Clusters with validators have both AKS maintenance schedules, staggered so no hour puts more than f validators at risk.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = clusterIndex(args.resources);
        // Keyed by URN; named by the cluster's resourceName when known.
        const clusters = new Map<string, ClusterView & { name: string }>();
        for (const r of index.byUrn.values()) {
            const view = {
                resource: r,
                name: asString((r.props as Record<string, unknown>)["resourceName"]) ?? r.name,
                validators: 0,
                atRisk: 0,
                hours: new Map<string, number[]>(),
            };
            for (const pool of clusterPools(r.props as Record<string, unknown>)) addValidators(view, pool);
            clusters.set(r.urn, view);
        }
        const viewOf = (r: PolicyResource) => {
            const cluster = clusterOf(r, index);
            return cluster === undefined ? undefined : clusters.get(cluster.urn);
        };
        for (const r of args.resources.filter((x) => x.type === AGENT_POOL)) {
            const cluster = viewOf(r);
            if (cluster !== undefined) addValidators(cluster, readPool(r.props, r.name));
        }
        for (const r of args.resources.filter((x) => x.type === MAINTENANCE_CONFIGURATION)) {
            const props = r.props as Record<string, unknown>;
            const cluster = viewOf(r);
            const configName = asString(props["configName"]) ?? "(unnamed)";
            if (cluster === undefined) continue;
            const hours = windowHours(props);
            if (typeof hours === "string") report(`${r.name}: ${configName} ${hours}`, r.urn);
            else cluster.hours.set(configName, hours);
        }
        const total = [...clusters.values()].reduce((sum, cluster) => sum + cluster.validators, 0);
        if (total === 0) return;
        const tolerated = qbftQuorum(total).faultTolerance;
        const atRisk = new Array<number>(HOURS_PER_WEEK).fill(0);
        const openAt = Array.from({ length: HOURS_PER_WEEK }, () => [] as string[]);
        for (const cluster of clusters.values()) {
            const name = cluster.name;
            if (cluster.validators === 0) continue;
            const missing = MAINTENANCE_CONFIG_NAMES.filter((config) => !cluster.hours.has(config));
            if (missing.length > 0) {
                report(
                    `${cluster.resource.name}: runs ${cluster.validators} validator(s) but has no ${missing.join(" or ")}; AKS would upgrade it at any time`,
                    cluster.resource.urn,
                );
            }
            for (const hour of new Set([...cluster.hours.values()].flat())) {
                atRisk[hour] += cluster.atRisk;
                openAt[hour].push(name);
            }
        }
        const worst = atRisk.indexOf(Math.max(...atRisk));
        if (atRisk[worst] > tolerated) {
            report(
                `${describeHour(worst)}: ${atRisk[worst]} validators at risk in clusters under maintenance (${openAt[worst].join(", ")}); ` +
                    `QBFT tolerates ${tolerated} of ${total}: stagger the windows`,
            );
        }
    },
};
