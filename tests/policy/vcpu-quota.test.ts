import assert from "node:assert/strict";
import { test } from "node:test";
import { vcpuQuota } from "../../policy/policies/vcpu-quota";
import { managedCluster, PROD_POOLS } from "../support/policy-fixtures";
import { validateStack, type ResourceSpec } from "../support/policy-harness";

test("the prod region layout (1 system + 1 surge + 2 + 1 × D2s_v5 = 10 vCPUs) fits the default quota of 10", async () => {
    assert.deepEqual(await validateStack(vcpuQuota, [managedCluster("northeurope"), managedCluster("uksouth")]), []);
});

test("one more sentry node (12 vCPUs) is a violation naming region, total, quota and pools", async () => {
    const pools = PROD_POOLS.map((p) => (p.role === "sentry" ? { ...p, count: 2 } : p));
    const violations = await validateStack(vcpuQuota, [managedCluster("northeurope", pools)]);
    assert.equal(violations.length, 1);
    assert.match(
        violations[0].message,
        /^region northeurope: node pools need 12 vCPUs during upgrades \(surge nodes included\), quota is 10 \(.*region-northeurope-aks\/sentries 2×Standard_D2s_v5=4\)$/,
    );
    assert.deepEqual(await validateStack(vcpuQuota, [managedCluster("northeurope", pools)], { vcpuQuotaPerRegion: 12 }), []);
});

test("a VM size missing from regions/vm-sizes.ts is a violation", async () => {
    const pools = PROD_POOLS.map((p) => (p.role === "validator" ? { ...p, vmSize: "Standard_M416ms_v2" } : p));
    const violations = await validateStack(vcpuQuota, [managedCluster("uksouth", pools)]);
    assert.equal(violations.length, 1);
    assert.match(violations[0].message, /pool "validators" uses VM size "Standard_M416ms_v2", which regions\/vm-sizes.ts does not know/);
});

test("a standalone AgentPool counts against its cluster's region", async () => {
    const pool: ResourceSpec = {
        type: "azure-native:containerservice:AgentPool",
        name: "extra",
        props: {
            resourceGroupName: "rg-chain138-prod-uksouth",
            resourceName: "aks-chain138-prod-uksouth",
            agentPoolName: "extra",
            count: 1,
            vmSize: "Standard_D2s_v5",
        },
    };
    const violations = await validateStack(vcpuQuota, [managedCluster("uksouth"), pool, managedCluster("northeurope")]);
    assert.deepEqual(
        violations.map((v) => v.message.split(" (")[0]),
        ["region uksouth: node pools need 14 vCPUs during upgrades"],
    );
});

test("in a first preview an AgentPool's resourceName is unknown: it is attributed through its dependency on the cluster", async () => {
    const pool: ResourceSpec = {
        type: "azure-native:containerservice:AgentPool",
        name: "region-uksouth-pool-extra",
        props: { agentPoolName: "extra", count: 1, vmSize: "Standard_D2s_v5" },
        propertyDependsOn: { resourceName: ["region-uksouth-aks"] },
    };
    const messages = (await validateStack(vcpuQuota, [managedCluster("uksouth"), pool, managedCluster("northeurope")])).map((v) => v.message.split(" (")[0]);
    assert.deepEqual(messages, ["region uksouth: node pools need 14 vCPUs during upgrades"]);
});

// AKS: a surge node is an extra VM while a pool upgrades ("AKS configures upgrades to surge with one extra node by
// default", rolling node pool upgrades doc), and every VM counts against the regional vCPU quota.
test("surge nodes count against the quota: explicit counts, percentages rounded up, and the 10% default", async () => {
    const withSystem = (upgradeSettings: Record<string, string> | undefined, count = 2) => {
        const cluster = managedCluster("uksouth", [{ name: "system", role: "system", count }]);
        const profiles = cluster.props["agentPoolProfiles"] as Record<string, unknown>[];
        profiles[0] = { ...profiles[0], upgradeSettings };
        return cluster;
    };
    // 2 nodes + 3 surge = 10 vCPUs: fits; 2 + 4 = 12: does not.
    assert.deepEqual(await validateStack(vcpuQuota, [withSystem({ maxSurge: "3" })]), []);
    assert.equal((await validateStack(vcpuQuota, [withSystem({ maxSurge: "4" })])).length, 1);
    // 150% of 2 nodes = 3 surge nodes (fits); 151% rounds up to 4 (does not).
    assert.deepEqual(await validateStack(vcpuQuota, [withSystem({ maxSurge: "150%" })]), []);
    assert.equal((await validateStack(vcpuQuota, [withSystem({ maxSurge: "151%" })])).length, 1);
    // Unset: AKS's default of 10% is still one node. 5 nodes + 1 = 12 vCPUs.
    assert.equal((await validateStack(vcpuQuota, [withSystem(undefined, 5)])).length, 1);
    assert.deepEqual(await validateStack(vcpuQuota, [withSystem(undefined, 4)]), []);
});
