// AKS "Upgrade node pools with rolling upgrades" (articles/aks/upgrade-aks-node-pools-rolling.md): "You can't set
// max unavailable on system node pools"; "When maxUnavailable is 0, AKS requires maxSurge to be greater than 0";
// maxSurge defaults to 10% and maxUnavailable to 0 (AgentPoolUpgradeSettings).
import assert from "node:assert/strict";
import { test } from "node:test";
import { aksUpgradeSettings } from "../../policy/policies/aks-upgrade-settings";
import { managedCluster } from "../support/policy-fixtures";
import { validateResource, type ResourceSpec } from "../support/policy-harness";

const withSettings = (role: string, upgradeSettings: Record<string, string> | undefined): ResourceSpec => {
    const cluster = managedCluster("uksouth", [{ name: "pool", role, count: 2 }]);
    const profiles = cluster.props["agentPoolProfiles"] as Record<string, unknown>[];
    profiles[0] = { ...profiles[0], upgradeSettings };
    return cluster;
};

test("the prod layout passes: System pools surge, user pools drain one node at a time", async () => {
    assert.deepEqual(await validateResource(aksUpgradeSettings, managedCluster("uksouth")), []);
});

test("maxUnavailable on a System pool is refused, whatever its value", async () => {
    const messages = (await validateResource(aksUpgradeSettings, withSettings("system", { maxSurge: "0", maxUnavailable: "1" }))).map((v) => v.message);
    assert.deepEqual(messages, [
        'region-uksouth-aks: pool "pool" is a System pool and sets maxUnavailable "1"; AKS does not allow maxUnavailable on system node pools (use maxSurge)',
    ]);
    assert.equal((await validateResource(aksUpgradeSettings, withSettings("system", { maxSurge: "1", maxUnavailable: "0" }))).length, 1);
});

test("maxSurge 0 with maxUnavailable 0 (or unset) is refused on any pool; either one above 0 passes", async () => {
    for (const settings of [{ maxSurge: "0" }, { maxSurge: "0", maxUnavailable: "0" }, { maxSurge: "0%", maxUnavailable: "0%" }] as Record<string, string>[]) {
        const messages = (await validateResource(aksUpgradeSettings, withSettings("validator", settings))).map((v) => v.message);
        assert.equal(messages.length, 1, JSON.stringify(settings));
        assert.match(messages[0], /AKS requires maxSurge > 0 when maxUnavailable is 0/);
    }
    for (const settings of [undefined, { maxSurge: "0", maxUnavailable: "1" }, { maxSurge: "33%" }, { maxSurge: "0", maxUnavailable: "50%" }] as (
        Record<string, string> | undefined
    )[]) {
        assert.deepEqual(await validateResource(aksUpgradeSettings, withSettings("validator", settings)), [], JSON.stringify(settings));
    }
});

test("a standalone AgentPool is checked the same way", async () => {
    const pool: ResourceSpec = {
        type: "azure-native:containerservice:AgentPool",
        name: "region-uksouth-pool-validators",
        props: {
            resourceName: "aks-chain138-prod-uksouth",
            agentPoolName: "validators",
            mode: "User",
            count: 2,
            vmSize: "Standard_D2s_v5",
            upgradeSettings: { maxSurge: "0" },
        },
    };
    const messages = (await validateResource(aksUpgradeSettings, pool)).map((v) => v.message);
    assert.deepEqual(messages, [
        'region-uksouth-pool-validators: pool "validators": maxSurge and maxUnavailable are both 0; AKS requires maxSurge > 0 when maxUnavailable is 0',
    ]);
});
