import assert from "node:assert/strict";
import { test } from "node:test";
import { zonesUsed } from "../../policy/policies/zones-used";
import { agentPool, managedCluster, PROD_POOLS } from "../support/policy-fixtures";
import { validateStack, type ResourceSpec } from "../support/policy-harness";

test("zonal pools in a zonal region, and regional pools in a region without zones, pass", async () => {
    assert.deepEqual(await validateStack(zonesUsed, [managedCluster("japaneast")]), []);
    const regional = PROD_POOLS.map((p) => ({ ...p, zones: [] }));
    assert.deepEqual(await validateStack(zonesUsed, [managedCluster("ukwest", regional)]), [], "ukwest has no zones");
});

test("a pool without zones in a zonal region is reported", async () => {
    const pools = PROD_POOLS.map((p) => (p.role === "validator" ? { ...p, zones: [] } : p));
    assert.deepEqual(
        (await validateStack(zonesUsed, [managedCluster("japaneast", pools)])).map((v) => v.message),
        ['region-japaneast-aks: pool "validators" uses no availability zones although japaneast has them'],
    );
    assert.equal(zonesUsed.enforcementLevel, "advisory");
});

test("a standalone AgentPool without zones on a cluster in a zonal region is reported; in a region without zones it is not", async () => {
    const validators = PROD_POOLS.find((p) => p.role === "validator")!;
    const pool = (region: string): ResourceSpec => agentPool(region, validators, []);
    const regional = PROD_POOLS.map((p) => ({ ...p, zones: [] }));
    const messages = (await validateStack(zonesUsed, [managedCluster("japaneast"), pool("japaneast"), managedCluster("ukwest", regional), pool("ukwest")])).map(
        (v) => v.message,
    );
    assert.deepEqual(messages, ['region-japaneast-pool-validators: pool "validators" uses no availability zones although japaneast has them']);
});
