// Mandatory: no single store or workload identity reaches the validator keys of more than one region (issue 17).
//  - A Key Vault data-plane role is granted on one vault, never on a resource group or subscription that holds
//    several: a role assignment applies to its scope and every resource below it (Azure RBAC, "Understand scope").
//  - A user-assigned identity of the stack is granted such a role only on vaults of its own location, and on vaults
//    of one location at most. (A principal given as a literal object id — the identity running `pulumi up`, which
//    writes the keys — is outside the stack's identities; README "Validator key custody" says what it can do.)
//  - A Kubernetes Secret holds node keys (`<region>-<validator|sentry>-<i>.key`) of one region at most.
//  - A node key (VaultNodeKey) goes to a vault of its own region.
// The vault and the identity behind an input are found through the engine's property dependencies, so the policy
// holds in a first preview, when ids and principal ids are still unknown.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asRecord, asString } from "../lib/read";
import { DYNAMIC_RESOURCE } from "../lib/types";

const VAULT = "azure-native:keyvault:Vault";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const K8S_SECRET = "kubernetes:core/v1:Secret";

/**
 * Built-in roles with Key Vault secret (or full data-plane) access (Azure built-in roles, Security): Key Vault
 * Administrator, Secrets Officer, Secrets User, Data Access Administrator (it can grant the others).
 */
export const KEY_VAULT_DATA_ROLES: Readonly<Record<string, string>> = {
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "8b54135c-b56d-4d72-a534-26097cfdc8d8": "Key Vault Data Access Administrator",
};

/** A node key's label names its region: `<region>-<validator|sentry>-<i>` (components/besu/network.ts). */
const NODE_LABEL = /^(.+)-(validator|sentry)-\d+$/;

/**
 * The resources of `type` an input property of `r` comes from; where the engine reports no property dependencies, its
 * dependencies of that type (a role assignment depends on one identity and one vault, a node key on one vault).
 */
function sourcesOf(r: PolicyResource, property: string, type: string): PolicyResource[] {
    const byProperty = r.propertyDependencies?.[property];
    return (byProperty !== undefined && byProperty.length > 0 ? byProperty : (r.dependencies ?? [])).filter((d) => d.type === type);
}

function checkRoleAssignments(resources: PolicyResource[], report: (message: string, urn?: string) => void): void {
    const vaults = resources.filter((r) => r.type === VAULT);
    const regionsOfPrincipal = new Map<string, { name: string; regions: Set<string> }>();
    for (const grant of resources.filter((r) => r.type === ROLE_ASSIGNMENT)) {
        const roleId = (asString(grant.props["roleDefinitionId"]) ?? "").split("/").pop()!.toLowerCase();
        const role = KEY_VAULT_DATA_ROLES[roleId];
        if (role === undefined) continue;
        const scope = asString(grant.props["scope"]);
        const scopeVaults = [
            ...sourcesOf(grant, "scope", VAULT),
            ...vaults.filter((v) => scope !== undefined && scope.toLowerCase().endsWith(`/vaults/${(asString(v.props["vaultName"]) ?? "").toLowerCase()}`)),
        ];
        const vault = scopeVaults[0];
        if (vault === undefined) {
            if (scope === undefined || !/\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/i.test(scope)) {
                report(
                    `${grant.name}: ${role} on "${scope ?? "(unknown scope, not a vault of this stack)"}" reaches every vault below it; grant it on one vault`,
                    grant.urn,
                );
            }
            continue;
        }
        const vaultRegion = asString(vault.props["location"]);
        for (const identity of sourcesOf(grant, "principalId", IDENTITY)) {
            const identityRegion = asString(identity.props["location"]);
            if (identityRegion !== undefined && vaultRegion !== undefined && identityRegion !== vaultRegion) {
                report(
                    `${grant.name}: identity ${identity.name} of ${identityRegion} is granted ${role} on ${vault.name}, the vault of ${vaultRegion}`,
                    grant.urn,
                );
            }
            const seen = regionsOfPrincipal.get(identity.urn) ?? { name: identity.name, regions: new Set<string>() };
            if (vaultRegion !== undefined) seen.regions.add(vaultRegion);
            regionsOfPrincipal.set(identity.urn, seen);
        }
    }
    for (const [urn, { name, regions }] of regionsOfPrincipal) {
        if (regions.size > 1) report(`${name}: reads the node-key vaults of ${[...regions].sort().join(", ")}; one region's vault at most`, urn);
    }
}

function checkSecrets(resources: PolicyResource[], report: (message: string, urn?: string) => void): void {
    for (const secret of resources.filter((r) => r.type === K8S_SECRET)) {
        const entries = [...Object.keys(asRecord(secret.props["data"]) ?? {}), ...Object.keys(asRecord(secret.props["stringData"]) ?? {})];
        const regions = new Set(entries.map((entry) => NODE_LABEL.exec(entry.replace(/\.key$/, ""))?.[1]).filter((r): r is string => r !== undefined));
        if (regions.size > 1) {
            report(`${secret.name}: holds node keys of ${[...regions].sort().join(", ")}; a store holds one region's keys at most`, secret.urn);
        }
    }
}

function checkNodeKeys(resources: PolicyResource[], report: (message: string, urn?: string) => void): void {
    for (const key of resources.filter((r) => r.type === DYNAMIC_RESOURCE)) {
        const region = NODE_LABEL.exec(asString(key.props["label"]) ?? "")?.[1];
        if (region === undefined) continue;
        for (const vault of sourcesOf(key, "vaultUrl", VAULT)) {
            const vaultRegion = asString(vault.props["location"]);
            if (vaultRegion !== undefined && vaultRegion !== region) {
                report(`${key.name}: the key of a ${region} node is written to ${vault.name}, the vault of ${vaultRegion}`, key.urn);
            }
        }
    }
}

export const keyCustodyPerRegion: StackValidationPolicy = {
    name: "key-custody-per-region",
    description: "Validator keys: each region's in its own vault, read by that region's identity alone; no Secret holds two regions' keys.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const resources = [...args.resources];
        checkRoleAssignments(resources, report);
        checkSecrets(resources, report);
        checkNodeKeys(resources, report);
    },
};
