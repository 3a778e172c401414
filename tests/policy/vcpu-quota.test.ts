import assert from "node:assert/strict";
import { test } from "node:test";
import { vcpuQuota } from "../../policy/policies/vcpu-quota";
import { managedCluster, PROD_POOLS } from "../support/policy-fixtures";
import { validateStack, type ResourceSpec } from "../support/policy-harness";

test("the prod region layout (2+2+1 × D2s_v5 = 10 vCPUs) fits the default quota of 10", async () => {
    assert.deepEqual(await validateStack(vcpuQuota, [managedCluster("northeurope"), managedCluster("uksouth")]), []);
});

test("one more sentry node (12 vCPUs) is a violation naming region, total, quota and pools", async () => {
    const pools = PROD_POOLS.map((p) => (p.role === "sentry" ? { ...p, count: 2 } : p));
    const violations = await validateStack(vcpuQuota, [managedCluster("northeurope", pools)]);
    assert.equal(violations.length, 1);
    assert.match(violations[0].message, /^region northeurope: node pools need 12 vCPUs, quota is 10 \(.*region-northeurope-aks\/sentry 2×Standard_D2s_v5=4\)$/);
    assert.deepEqual(await validateStack(vcpuQuota, [managedCluster("northeurope", pools)], { vcpuQuotaPerRegion: 12 }), []);
});

test("a VM size missing from regions/vm-sizes.ts is a violation", async () => {
    const pools = PROD_POOLS.map((p) => (p.role === "validator" ? { ...p, vmSize: "Standard_M416ms_v2" } : p));
    const violations = await validateStack(vcpuQuota, [managedCluster("uksouth", pools)]);
    assert.equal(violations.length, 1);
    assert.match(violations[0].message, /pool "validator" uses VM size "Standard_M416ms_v2", which regions\/vm-sizes.ts does not know/);
});

test("a standalone AgentPool counts against its cluster's region", async () => {
    const pool: ResourceSpec = {
        type: "azure-native:containerservice:AgentPool",
        name: "extra",
        props: { resourceGroupName: "rg-chain138-prod-uksouth", resourceName: "aks-chain138-prod-uksouth", agentPoolName: "extra", count: 1, vmSize: "Standard_D2s_v5" },
    };
    const violations = await validateStack(vcpuQuota, [managedCluster("uksouth"), pool, managedCluster("northeurope")]);
    assert.deepEqual(violations.map((v) => v.message.split(" (")[0]), ["region uksouth: node pools need 12 vCPUs, quota is 10"]);
});
