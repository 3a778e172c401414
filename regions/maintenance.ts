/**
 * Planned-maintenance windows for the fleet's clusters, staggered so that AKS never works on more
 * validators at once than QBFT tolerates.
 *
 * Platform rules (AKS "Use planned maintenance", articles/aks/planned-maintenance.md, ms.date 12/19/2025):
 * - Auto-upgrade (our `patch` channel) runs only in `aksManagedAutoUpgradeSchedule`, node-image upgrades
 *   (our `NodeImage` channel) only in `aksManagedNodeOSUpgradeSchedule`; "Weekly" is supported for both.
 * - "use a maintenance window with a duration of four hours or more".
 * - "you can run all three configurations simultaneously … If the windows overlap, AKS decides the running
 *   order": so each cluster gets both configurations in the same slot, and is open 4 hours a week.
 * - In-flight operations may run past the end of a window, but none starts after it.
 * Each cluster's validators at risk while it is open are bounded by its validator pool's upgrade settings
 * (AKS drains at most maxSurge + maxUnavailable nodes of a pool at a time; one validator per node).
 */

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const HOURS_PER_WEEK = 7 * 24;
/** AKS's recommended minimum window; also our slot length. */
export const MAINTENANCE_WINDOW_HOURS = 4;
const SLOTS_PER_WEEK = HOURS_PER_WEEK / MAINTENANCE_WINDOW_HOURS;

/** The AKS maintenance configuration names this program sets on every cluster. */
export const MAINTENANCE_CONFIG_NAMES = ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"] as const;

/** One weekly window in UTC. */
export interface MaintenanceWindow {
    readonly dayOfWeek: Weekday;
    /** 0–23, UTC. */
    readonly startHour: number;
    readonly durationHours: number;
}

/** A cluster as the scheduler sees it. */
export interface MaintenanceCluster {
    readonly name: string;
    /** Validators AKS may have down at once while this cluster is in maintenance. */
    readonly validatorsAtRisk: number;
}

export interface MaintenancePlan {
    readonly windows: ReadonlyMap<string, MaintenanceWindow>;
    /** The most validators at risk in any hour of the week. */
    readonly peakValidatorsAtRisk: number;
    /** An hour of the week (0 = Monday 00:00 UTC) where the peak occurs. */
    readonly peakHour: number;
}

/**
 * Spreads the clusters' windows evenly over the week's 42 four-hour slots, in the order given (so a
 * cluster's slot depends only on its position). Up to 42 clusters, no two windows overlap.
 */
export function planMaintenance(clusters: readonly MaintenanceCluster[]): MaintenancePlan {
    const windows = new Map<string, MaintenanceWindow>();
    clusters.forEach((cluster, index) => {
        const slot = clusters.length <= SLOTS_PER_WEEK ? Math.floor((index * SLOTS_PER_WEEK) / clusters.length) : index % SLOTS_PER_WEEK;
        const hourOfWeek = slot * MAINTENANCE_WINDOW_HOURS;
        windows.set(cluster.name, {
            dayOfWeek: WEEKDAYS[Math.floor(hourOfWeek / 24)],
            startHour: hourOfWeek % 24,
            durationHours: MAINTENANCE_WINDOW_HOURS,
        });
    });
    const atRisk = new Array<number>(HOURS_PER_WEEK).fill(0);
    for (const cluster of clusters) {
        for (const hour of openHours(windows.get(cluster.name)!)) atRisk[hour] += cluster.validatorsAtRisk;
    }
    const peakValidatorsAtRisk = Math.max(0, ...atRisk);
    return { windows, peakValidatorsAtRisk, peakHour: atRisk.indexOf(peakValidatorsAtRisk) };
}

/** Hours of the week (0 = Monday 00:00 UTC) a window is open, wrapping from Sunday into Monday. */
export function openHours(window: MaintenanceWindow): number[] {
    const start = WEEKDAYS.indexOf(window.dayOfWeek) * 24 + window.startHour;
    return Array.from({ length: window.durationHours }, (_, i) => (start + i) % HOURS_PER_WEEK);
}

/** "Tuesday 08:00" for an hour of the week. */
export function describeHour(hourOfWeek: number): string {
    return `${WEEKDAYS[Math.floor(hourOfWeek / 24)]} ${String(hourOfWeek % 24).padStart(2, "0")}:00 UTC`;
}
