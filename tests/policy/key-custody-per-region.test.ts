// key-custody-per-region on stacks described as the engine reports them (inputs and their property dependencies):
// the program's layout passes; a cross-region grant, a grant above one vault, a Secret with two regions' keys and a
// key written to another region's vault are each refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keyCustodyPerRegion } from "../../policy/policies/key-custody-per-region";
import { validateStack, type ResourceSpec } from "../support/policy-harness";

// Azure built-in roles (Security): Key Vault Secrets User reads secret contents; Reader is a control-plane role.
const SECRETS_USER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6";
const READER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7";
const REGIONS = ["eastus", "westus"];

const vault = (region: string): ResourceSpec => ({
    type: "azure-native:keyvault:Vault",
    name: `besu-${region}-key-vault`,
    props: { location: region, vaultName: `kv138-${region}` },
});
const identity = (region: string): ResourceSpec => ({
    type: "azure-native:managedidentity:UserAssignedIdentity",
    name: `region-${region}-node-key-reader`,
    props: { location: region },
});
const grant = (name: string, identityRegion: string, vaultRegion: string, role = SECRETS_USER): ResourceSpec => ({
    type: "azure-native:authorization:RoleAssignment",
    name,
    // A first preview: ids and principal ids are unknown; the dependencies say where they come from.
    props: { roleDefinitionId: role },
    propertyDependsOn: { principalId: [`region-${identityRegion}-node-key-reader`], scope: [`besu-${vaultRegion}-key-vault`] },
});
const nodeKey = (node: string, vaultRegion: string): ResourceSpec => ({
    type: "pulumi-nodejs:dynamic:Resource",
    name: `besu-${node}-key`,
    props: { label: node, rotation: "1" },
    propertyDependsOn: { vaultUrl: [`besu-${vaultRegion}-key-vault`] },
});
const program = (): ResourceSpec[] => [
    ...REGIONS.flatMap((r) => [vault(r), identity(r), grant(`region-${r}-node-key-read`, r, r), nodeKey(`${r}-validator-0`, r)]),
    // The writer: a literal object id (the identity running `pulumi up`), granted each vault on its own.
    ...REGIONS.map((r) => ({
        type: "azure-native:authorization:RoleAssignment",
        name: `besu-${r}-key-writer`,
        props: {
            principalId: "99999999-8888-7777-6666-555555555555",
            roleDefinitionId: SECRETS_USER.replace("4633458b-17de-408a-b874-0445c86b69e6", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"),
        },
        propertyDependsOn: { scope: [`besu-${r}-key-vault`] },
    })),
];

test("each region's keys in its vault, read by its own identity: no violation", async () => {
    assert.deepEqual(await validateStack(keyCustodyPerRegion, program()), []);
    assert.equal(keyCustodyPerRegion.enforcementLevel, "mandatory");
});

test("an identity granted another region's vault is refused, and so is one reading two regions", async () => {
    const violations = await validateStack(keyCustodyPerRegion, [...program(), grant("eastus-reads-westus", "eastus", "westus")]);
    assert.deepEqual(
        violations.map((v) => v.message),
        [
            "eastus-reads-westus: identity region-eastus-node-key-reader of eastus is granted Key Vault Secrets User on besu-westus-key-vault, the vault of westus",
            "region-eastus-node-key-reader: reads the node-key vaults of eastus, westus; one region's vault at most",
        ],
    );
    // A control-plane role on a vault reads no secret.
    assert.deepEqual(await validateStack(keyCustodyPerRegion, [...program(), grant("reader", "eastus", "westus", READER)]), []);
});

test("a Key Vault data role above a single vault (resource group, subscription) is refused", async () => {
    const wide: ResourceSpec = {
        type: "azure-native:authorization:RoleAssignment",
        name: "keys-group-reader",
        props: { roleDefinitionId: SECRETS_USER, scope: "/subscriptions/s/resourceGroups/chain138-keys-eastus", principalId: "someone" },
    };
    const violations = await validateStack(keyCustodyPerRegion, [...program(), wide]);
    assert.equal(violations.length, 1);
    assert.match(
        violations[0].message,
        /^keys-group-reader: Key Vault Secrets User on "\/subscriptions\/s\/resourceGroups\/chain138-keys-eastus" reaches every vault below it/,
    );
    // Matched by the vault's name when the scope is a known string (a later preview).
    const named = {
        ...wide,
        name: "named",
        props: { ...wide.props, scope: "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv138-westus" },
    };
    const byName = await validateStack(keyCustodyPerRegion, [
        ...program(),
        { ...named, propertyDependsOn: { principalId: ["region-eastus-node-key-reader"] } },
    ]);
    assert.match(byName[0].message, /^named: identity region-eastus-node-key-reader of eastus is granted Key Vault Secrets User on besu-westus-key-vault/);
});

test("a Kubernetes Secret holding node keys of two regions is refused; one region's is not this policy's concern", async () => {
    const secret = (name: string, entries: string[]): ResourceSpec => ({
        type: "kubernetes:core/v1:Secret",
        name,
        props: { stringData: Object.fromEntries(entries.map((e) => [e, "redacted"])) },
    });
    const violations = await validateStack(keyCustodyPerRegion, [
        ...program(),
        secret("all-keys", ["eastus-validator-0.key", "westus-sentry-0.key"]),
        secret("one-region", ["eastus-validator-0.key", "eastus-validator-1.key"]),
    ]);
    assert.deepEqual(
        violations.map((v) => v.message),
        ["all-keys: holds node keys of eastus, westus; a store holds one region's keys at most"],
    );
});

test("a node key written to another region's vault is refused", async () => {
    const violations = await validateStack(keyCustodyPerRegion, [...program(), nodeKey("eastus-validator-1", "westus")]);
    assert.deepEqual(
        violations.map((v) => v.message),
        ["besu-eastus-validator-1-key: the key of a eastus node is written to besu-westus-key-vault, the vault of westus"],
    );
});
