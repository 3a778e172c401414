import assert from "node:assert/strict";
import { test } from "node:test";
import { adminRegionNoBesu } from "../../policy/policies/admin-region-no-besu";
import { renderBesuChart } from "../support/policy-chart";
import { agentPool, managedCluster, PROD_POOLS } from "../support/policy-fixtures";
import { k8sProvider, validateResource, type ResourceSpec } from "../support/policy-harness";

const ADMIN_POOLS = [{ name: "system", role: "admin", count: 2, vmSize: "Standard_D4s_v5" }];

test("the admin cluster with its admin pool only passes", async () => {
    assert.deepEqual(await validateResource(adminRegionNoBesu, managedCluster("westeurope", ADMIN_POOLS)), []);
});

test("a validator pool in the admin region's cluster is a violation naming cluster, pool and region", async () => {
    const cluster = managedCluster("westeurope", [...ADMIN_POOLS, PROD_POOLS.find((p) => p.role === "validator")!]);
    const violations = await validateResource(adminRegionNoBesu, cluster);
    assert.deepEqual(
        violations.map((v) => v.message),
        ['region-westeurope-aks: pool "validators" has chain138.io/role=validator in admin region westeurope; validators and sentries never run there'],
    );
});

test("the admin region comes from policy config", async () => {
    const northeurope = managedCluster("northeurope");
    assert.deepEqual(await validateResource(adminRegionNoBesu, northeurope), []);
    const violations = await validateResource(adminRegionNoBesu, northeurope, { adminRegion: "northeurope" });
    assert.equal(violations.length, 2, "validator and sentry pools");
});

test("a standalone sentry AgentPool on the admin cluster is a violation", async () => {
    const pool = agentPool(
        "westeurope",
        PROD_POOLS.find((p) => p.role === "sentry")!,
    );
    const violations = await validateResource(adminRegionNoBesu, pool);
    assert.equal(violations.length, 1);
    assert.match(violations[0].message, /^region-westeurope-pool-sentries: pool "sentries" has chain138.io\/role=sentry in admin region westeurope/);
    assert.deepEqual(await validateResource(adminRegionNoBesu, { ...pool, props: { ...pool.props, resourceName: "aks-chain138-prod-northeurope" } }), []);
});

test("Besu StatefulSets through a regional provider pass; through the admin cluster's provider they are violations", async () => {
    const statefulSets = renderBesuChart().filter((r) => r.type === "kubernetes:apps/v1:StatefulSet");
    assert.equal(statefulSets.length, 3);
    const regional = k8sProvider("region-japaneast-k8s", "chain138:index:RegionDeployment");
    for (const sts of statefulSets) assert.deepEqual(await validateResource(adminRegionNoBesu, { ...sts, provider: regional }), []);
    // Either signal marks the admin provider: created under AdminRegion, or named after the admin region.
    for (const admin of [k8sProvider("k8s", "chain138:index:AdminRegion"), k8sProvider("admin-westeurope-k8s")]) {
        const violations = await validateResource(adminRegionNoBesu, { ...statefulSets[0], provider: admin });
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /^besu-japaneast:besu-[\w-]+: Besu StatefulSet .* targets the admin cluster \(westeurope\)$/);
    }
});

test("the besu-node chart installed through the admin provider is a violation", async () => {
    const chart: ResourceSpec = { type: "kubernetes:helm.sh/v4:Chart", name: "besu-chart", props: { chart: "/work/charts/besu-node", name: "besu" } };
    assert.deepEqual(await validateResource(adminRegionNoBesu, { ...chart, provider: k8sProvider("region-uksouth-k8s") }), []);
    const violations = await validateResource(adminRegionNoBesu, { ...chart, provider: k8sProvider("admin-westeurope-k8s") });
    assert.equal(violations.length, 1);
});

test("BesuNetwork node keys for the admin region are violations; other regions' pass", async () => {
    const key = (label: string): ResourceSpec => ({ type: "pulumi-nodejs:dynamic:Resource", name: `besu-${label}-key`, props: { label, rotation: "1" } });
    assert.deepEqual(await validateResource(adminRegionNoBesu, key("northeurope-validator-0")), []);
    const violations = await validateResource(adminRegionNoBesu, key("westeurope-validator-1"));
    assert.deepEqual(
        violations.map((v) => v.message),
        ['besu-westeurope-validator-1-key: BesuNetwork creates a validator key "westeurope-validator-1" for admin region westeurope'],
    );
});
