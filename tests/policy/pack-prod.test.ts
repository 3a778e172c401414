// The whole pack over the real prod program (index.ts under mocks, Pulumi.prod.yaml): no blocking violation,
// and the pack really sees what it polices. A mutated copy of the same resources shows the checks bite.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { POLICIES } from "../../policy/policies";
import { isBlocking, runPack, toPolicySpecs } from "../support/policy-program";
import type { ResourceSpec } from "../support/policy-harness";
import { runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

let specs: ResourceSpec[];

before(async () => {
    const run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
    specs = toPolicySpecs(run.resources);
});

const ofType = (type: string) => specs.filter((s) => s.type === type);

test("the prod program passes every mandatory policy of the pack", async () => {
    assert.equal(ofType("azure-native:containerservice:ManagedCluster").length, 25, "24 regions + admin");
    assert.equal(ofType("azure-native:network:NetworkSecurityGroup").length, 25);
    assert.ok(ofType("pulumi-nodejs:dynamic:Resource").length >= 48, "node keys");
    const charts = ofType("kubernetes:helm.sh/v4:Chart");
    assert.ok(charts.length >= 24 && charts.every((c) => c.provider !== undefined), "every chart resolved to its cluster's provider");
    const findings = await runPack(specs);
    assert.deepEqual(findings.filter(isBlocking), []);
    // Advisory findings are allowed, but today there are none; print them if that changes.
    assert.deepEqual(findings, []);
});

test("the same resources with a validator pool in westeurope, a Besu chart on the admin provider and an open NSG fail", async () => {
    const adminProvider = specs.find((s) => s.type === "kubernetes:helm.sh/v4:Chart" && s.name.startsWith("admin-"))?.provider;
    assert.ok(adminProvider);
    const mutated = specs.map((s): ResourceSpec => {
        if (s.type === "azure-native:containerservice:ManagedCluster" && s.props["location"] === "westeurope") {
            const pools = [
                ...(s.props["agentPoolProfiles"] as object[]),
                { name: "validator", count: 2, vmSize: "Standard_D2s_v5", nodeLabels: { "chain138.io/role": "validator" } },
            ];
            return { ...s, props: { ...s.props, agentPoolProfiles: pools } };
        }
        if (s.type === "kubernetes:helm.sh/v4:Chart" && s.name === "region-japaneast-besu-chart") return { ...s, provider: adminProvider };
        // uksouth's key reader granted japaneast's vault.
        if (s.name === "region-uksouth-node-key-read") {
            const japaneast = specs.find((v) => v.type === "azure-native:keyvault:Vault" && v.props["location"] === "japaneast")!;
            return { ...s, dependsOn: [...(s.dependsOn ?? []).filter((name) => !name.endsWith("-key-vault")), japaneast.name] };
        }
        if (s.type === "azure-native:network:NetworkSecurityGroup" && s.name === "region-uksouth-nsg") {
            const rules = [{ name: "oops", direction: "Inbound", access: "Allow", sourceAddressPrefix: "*", destinationPortRange: "30303" }];
            return { ...s, props: { ...s.props, securityRules: rules } };
        }
        return s;
    });
    const blocking = (await runPack(mutated)).filter(isBlocking);
    const byPolicy = (name: string) => blocking.filter((f) => f.policy === name).map((f) => f.message);
    assert.deepEqual(byPolicy("admin-region-no-besu").length, 2, "the pool and the chart");
    assert.match(
        byPolicy("vcpu-quota-per-region").join("\n"),
        /^region westeurope: node pools need 14 vCPUs during upgrades \(surge nodes included\), quota is 10/,
    );
    assert.match(
        byPolicy("key-custody-per-region").join("\n"),
        /region-uksouth-node-key-read: identity region-uksouth-node-key-reader of uksouth is granted Key Vault Secrets User on besu-japaneast-key-vault, the vault of japaneast/,
    );
    assert.deepEqual(byPolicy("nsg-p2p-from-fleet-only"), [
        'region-uksouth-nsg: rule "oops" admits port 30303 from "*"; only the fleet\'s addresses may reach P2P',
    ]);
});

// The policies that key on a pool's role label (chain138.io/role) must recognise the program's own pools: each
// violation below is made from resources the program registers (standalone AgentPools named `validators` and
// `sentries`, its maintenance windows), not hand-built ones, and each must be reported.
test("program-shaped violations: the program's own pools, moved or changed, and a region without its windows, are reported", async () => {
    const byName = (name: string) => specs.find((s) => s.name === name)!;
    const resourceNameOf = (region: string) =>
        ofType("azure-native:containerservice:ManagedCluster").find((s) => s.props["location"] === region)!.props["resourceName"];
    const validators = byName("region-japaneast-pool-validators");
    assert.equal(validators.type, "azure-native:containerservice:AgentPool");
    const onAdmin: ResourceSpec = {
        ...validators,
        name: "admin-westeurope-pool-validators",
        urn: validators.urn?.replace(/region-japaneast-pool-validators$/, "admin-westeurope-pool-validators"),
        props: { ...validators.props, resourceName: resourceNameOf("westeurope") },
    };
    const uksouth = resourceNameOf("uksouth");
    const mutated = [
        ...specs
            .filter((s) => !(s.type === "azure-native:containerservice:MaintenanceConfiguration" && s.props["resourceName"] === uksouth))
            .map((s): ResourceSpec => {
                if (s.name === "region-northeurope-pool-sentries") return { ...s, props: { ...s.props, count: 2 } };
                if (s.name === "region-koreacentral-pool-validators") return { ...s, props: { ...s.props, availabilityZones: undefined } };
                return s;
            }),
        onAdmin,
    ];
    const findings = await runPack(mutated);
    const byPolicy = (name: string) => findings.filter((f) => f.policy === name).map((f) => f.message);
    assert.deepEqual(byPolicy("admin-region-no-besu"), [
        'admin-westeurope-pool-validators: pool "validators" has chain138.io/role=validator in admin region westeurope; validators and sentries never run there',
    ]);
    const quota = byPolicy("vcpu-quota-per-region");
    assert.equal(quota.length, 2, quota.join("\n"));
    assert.match(
        quota.find((m) => m.startsWith("region northeurope:")) ?? "",
        /need 12 vCPUs .*region-northeurope-pool-sentries\/sentries 2×Standard_D2s_v5=4/,
    );
    assert.ok(
        quota.some((m) => m.startsWith("region westeurope:")),
        quota.join("\n"),
    );
    assert.deepEqual(byPolicy("maintenance-windows-within-fault-budget"), [
        "region-uksouth-aks: runs 2 validator(s) but has no aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule; AKS would upgrade it at any time",
    ]);
    assert.deepEqual(byPolicy("zones-used-where-available"), [
        'region-koreacentral-pool-validators: pool "validators" uses no availability zones although koreacentral has them',
    ]);
});

test("every policy has a unique name, a description and a level", () => {
    assert.equal(new Set(POLICIES.map((p) => p.name)).size, POLICIES.length);
    for (const p of POLICIES) {
        assert.ok(p.description.length > 20, p.name);
        assert.ok(p.enforcementLevel !== undefined, p.name);
    }
});
