// Maintenance windows against QBFT's fault budget: with n validators QBFT tolerates f = ⌊(n−1)/3⌋ faulty ones, and
// AKS upgrades a cluster only inside its aksManagedAutoUpgradeSchedule / aksManagedNodeOSUpgradeSchedule windows
// (AKS "Use planned maintenance"), draining per validator pool at most maxSurge + maxUnavailable nodes at a time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { maintenanceWindows, MAINTENANCE_CONFIGURATION } from "../../policy/policies/maintenance-windows";
import { managedCluster, PROD_POOLS, type PoolSpec } from "../support/policy-fixtures";
import { validateStack, type ResourceSpec } from "../support/policy-harness";

function window(region: string, configName: string, dayOfWeek: string, startHour: number, durationHours = 4): ResourceSpec {
    return {
        type: MAINTENANCE_CONFIGURATION,
        name: `region-${region}-${configName}`,
        props: {
            resourceName: `aks-chain138-prod-${region}`,
            configName,
            maintenanceWindow: {
                schedule: { weekly: { dayOfWeek, intervalWeeks: 1 } },
                durationHours,
                startTime: `${String(startHour).padStart(2, "0")}:00`,
                utcOffset: "+00:00",
            },
        },
    };
}
const both = (region: string, day: string, hour: number) => [
    window(region, "aksManagedAutoUpgradeSchedule", day, hour),
    window(region, "aksManagedNodeOSUpgradeSchedule", day, hour),
];

/** A region whose validator pool drains `batch` validators at once (maxUnavailable). */
function region(name: string, validators: number, batch = 1): ResourceSpec {
    const pools: PoolSpec[] = PROD_POOLS.filter((p) => p.role !== "sentry").map((p) => (p.role === "validator" ? { ...p, count: validators } : p));
    const cluster = managedCluster(name, pools);
    const profiles = cluster.props["agentPoolProfiles"] as Record<string, unknown>[];
    profiles[1] = { ...profiles[1], upgradeSettings: { maxSurge: "0", maxUnavailable: String(batch) } };
    return cluster;
}

test("disjoint windows pass", async () => {
    const specs = [region("uksouth", 2), region("northeurope", 2), ...both("uksouth", "Monday", 0), ...both("northeurope", "Monday", 4)];
    assert.deepEqual(await validateStack(maintenanceWindows, specs), []);
});

test("a cluster with validators but without both schedules is named", async () => {
    const specs = [
        region("uksouth", 2),
        region("northeurope", 2),
        window("uksouth", "aksManagedAutoUpgradeSchedule", "Monday", 0),
        ...both("northeurope", "Monday", 4),
    ];
    const messages = (await validateStack(maintenanceWindows, specs)).map((v) => v.message);
    assert.deepEqual(messages, ["region-uksouth-aks: runs 2 validator(s) but has no aksManagedNodeOSUpgradeSchedule; AKS would upgrade it at any time"]);
});

test("overlapping windows that put more than f validators at risk fail, naming the hour and the clusters", async () => {
    // 4 validators: f = 1. Each pool drains 2 at once, so one open cluster is already too many.
    const specs = [region("uksouth", 2, 2), region("northeurope", 2, 2), ...both("uksouth", "Sunday", 22), ...both("northeurope", "Monday", 8)];
    const messages = (await validateStack(maintenanceWindows, specs)).map((v) => v.message);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /^Monday 00:00 UTC: 2 validators at risk in clusters under maintenance \(aks-chain138-prod-uksouth\); QBFT tolerates 1 of 4/);
    // Draining one at a time, the same windows pass; overlapping them (Sunday 22:00–02:00 wraps into Monday) does not.
    const oneAtATime = [region("uksouth", 2), region("northeurope", 2)];
    assert.deepEqual(await validateStack(maintenanceWindows, [...oneAtATime, ...both("uksouth", "Sunday", 22), ...both("northeurope", "Monday", 8)]), []);
    const wrapped = (await validateStack(maintenanceWindows, [...oneAtATime, ...both("uksouth", "Sunday", 22), ...both("northeurope", "Monday", 1)])).map(
        (v) => v.message,
    );
    assert.match(wrapped[0] ?? "", /^Monday 01:00 UTC: 2 validators at risk .*aks-chain138-prod-uksouth, aks-chain138-prod-northeurope/);
});

test("windows shorter than AKS's four hours, or not weekly in UTC, are reported", async () => {
    const specs = [
        region("uksouth", 4),
        window("uksouth", "aksManagedAutoUpgradeSchedule", "Monday", 0, 2),
        window("uksouth", "aksManagedNodeOSUpgradeSchedule", "Funday", 0),
    ];
    const messages = (await validateStack(maintenanceWindows, specs)).map((v) => v.message);
    assert.ok(
        messages.some((m) => /durationHours 2 is below AKS's recommended 4/.test(m)),
        messages.join("\n"),
    );
    assert.ok(
        messages.some((m) => /dayOfWeek "Funday" is not a weekday/.test(m)),
        messages.join("\n"),
    );
});
