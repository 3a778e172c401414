// The policy fixtures (tests/support/policy-fixtures.ts) against the program: every field a policy reads of a
// region's cluster and pools is what a mock run of index.ts with Pulumi.prod.yaml registers. A fixture named
// `validator` while the program says `validators` would make single-policy tests check a stack nobody deploys.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { runProgram, TEST_DEPLOYER_KEY, type RecordedResource } from "../../devkit/mock-program";
import { agentPool, managedCluster, PROD_POOLS } from "../support/policy-fixtures";

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL = "azure-native:containerservice:AgentPool";
/** Pool fields the policies read (policy/lib/pools.ts readPool) plus the taints that keep other pods off. */
const POOL_FIELDS = ["mode", "count", "vmSize", "availabilityZones", "nodeLabels", "nodeTaints", "enableAutoScaling", "upgradeSettings"];
/** ManagedCluster fields the policies read (aks-hardening, admin-region-no-besu, vcpu-quota, zones-used, required-tags). */
const CLUSTER_FIELDS = ["location", "resourceName", "enableRBAC", "disableLocalAccounts", "aadProfile", "oidcIssuerProfile", "securityProfile"];

let resources: RecordedResource[];
before(async () => {
    resources = (await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } })).resources;
});

/** A pool's name and the fields above; zones unset and empty read alike (asStringArray). */
function poolView(pool: Record<string, unknown>): Record<string, unknown> {
    const view: Record<string, unknown> = { name: pool["name"] ?? pool["agentPoolName"] };
    for (const field of POOL_FIELDS) view[field] = pool[field];
    view["availabilityZones"] ??= [];
    return view;
}

const clusterIn = (region: string) => resources.find((r) => r.type === MANAGED_CLUSTER && r.inputs["location"] === region)!;
const programPools = (cluster: RecordedResource) =>
    resources.filter((r) => r.type === AGENT_POOL && r.inputs["resourceName"] === cluster.inputs["resourceName"]);

for (const [region, zonal] of [
    ["northeurope", true],
    ["ukwest", false],
] as const) {
    test(`${region}: the fixture's pools are the program's (names, modes, counts, sizes, zones, labels, taints, upgrade settings)`, () => {
        const cluster = clusterIn(region);
        const pools = zonal ? PROD_POOLS : PROD_POOLS.map((p) => ({ ...p, zones: [] }));
        const program = [...(cluster.inputs["agentPoolProfiles"] as Record<string, unknown>[]), ...programPools(cluster).map((r) => r.inputs)].map(poolView);
        const fixture = (managedCluster(region, pools).props["agentPoolProfiles"] as Record<string, unknown>[]).map(poolView);
        assert.deepEqual(fixture, program);
    });

    test(`${region}: the fixture's standalone AgentPools are the program's, name and cluster included`, () => {
        const cluster = clusterIn(region);
        const program = programPools(cluster).map((r) => ({ type: r.type, name: r.name, resourceName: r.inputs["resourceName"], ...poolView(r.inputs) }));
        const fixture = PROD_POOLS.filter((p) => p.role !== "system")
            .map((p) => agentPool(region, p, zonal ? undefined : []))
            .map((spec) => ({ type: spec.type, name: spec.name, resourceName: spec.props["resourceName"], ...poolView(spec.props) }));
        assert.deepEqual(fixture, program);
    });
}

test("the fixture cluster has the program's values for every ManagedCluster field the policies read, and its tag keys", () => {
    const cluster = clusterIn("japaneast");
    const fixture = managedCluster("japaneast").props;
    for (const field of CLUSTER_FIELDS) assert.deepEqual(fixture[field], cluster.inputs[field], field);
    assert.deepEqual(Object.keys(fixture["tags"] as object).sort(), Object.keys(cluster.inputs["tags"] as object).sort());
    assert.equal(fixture["kubernetesVersion"], cluster.inputs["kubernetesVersion"]);
});
