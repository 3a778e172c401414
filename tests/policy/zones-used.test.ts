import assert from "node:assert/strict";
import { test } from "node:test";
import { zonesUsed } from "../../policy/policies/zones-used";
import { managedCluster, PROD_POOLS } from "../support/policy-fixtures";
import { validateResource } from "../support/policy-harness";

test("zonal pools in a zonal region, and regional pools in a region without zones, pass", async () => {
    assert.deepEqual(await validateResource(zonesUsed, managedCluster("japaneast")), []);
    const regional = PROD_POOLS.map((p) => ({ ...p, zones: [] }));
    assert.deepEqual(await validateResource(zonesUsed, managedCluster("ukwest", regional)), [], "ukwest has no zones");
});

test("a pool without zones in a zonal region is reported", async () => {
    const pools = PROD_POOLS.map((p) => (p.role === "validator" ? { ...p, zones: [] } : p));
    assert.deepEqual((await validateResource(zonesUsed, managedCluster("japaneast", pools))).map((v) => v.message), [
        "region-japaneast-aks: pool \"validator\" uses no availability zones although japaneast has them",
    ]);
    assert.equal(zonesUsed.enforcementLevel, "advisory");
});
