// One Azure Key Vault per validator region, holding that region's node keys and nothing else.
//
// Settings (azure-native keyvault.Vault, API properties as in Azure's VaultProperties reference):
//  - enableRbacAuthorization: data actions are authorised by Azure RBAC and access policies are ignored ("When
//    true, the key vault will use Role Based Access Control (RBAC) for authorization of data actions"), so a role
//    assignment scoped to this vault is the only way to read a key (Key Vault "Azure RBAC for Key Vault data plane").
//  - enableSoftDelete + softDeleteRetentionInDays 90 + enablePurgeProtection: "only the Key Vault service may
//    initiate a hard, irrecoverable deletion. The setting is effective only if soft delete is also enabled. Enabling
//    this functionality is irreversible" (VaultProperties.enablePurgeProtection). A deleted key stays recoverable.
//  - networkAcls defaultAction Deny, bypass None: the firewall admits only the listed addresses (Key Vault "Configure
//    Azure Key Vault firewalls and virtual networks": with the firewall on, only the allowed IPv4 ranges, networks
//    and, with bypass, trusted services reach the data plane). Listed: the region's egress IP (its AKS nodes, where
//    the CSI driver's provider pods fetch the key, leave through that one address) and `writerCidrs` (the machine
//    running `pulumi up`, which writes the keys).
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as resources from "@pulumi/azure-native/resources";
import { createHash } from "node:crypto";
import { keyVaultResourceGroupName } from "../../stack/names";

/** Built-in roles (Azure docs, "Azure built-in roles for Security"). */
export const KEY_VAULT_SECRETS_USER_ROLE = "4633458b-17de-408a-b874-0445c86b69e6"; // read secret contents
export const KEY_VAULT_SECRETS_OFFICER_ROLE = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"; // any action on secrets

/**
 * The vault's name: globally unique DNS label, 3–24 characters, letters, digits and hyphens, starting with a letter
 * (Key Vault naming rules). Derived from subscription, environment and region so that two stacks never collide and a
 * re-run finds its own vault; with purge protection a deleted vault's name stays taken for the retention period.
 */
export function keyVaultName(subscriptionId: string, environment: string, region: string): string {
    return `kv138-${createHash("sha256").update(`${subscriptionId}/${environment}/${region}`).digest("hex").slice(0, 18)}`;
}

/** One region's vault, as the rest of the program needs it. */
export interface RegionKeyVault {
    region: string;
    /** ARM id: the scope of every grant on it. */
    id: pulumi.Output<string>;
    /** Vault name (what a SecretProviderClass names). */
    name: pulumi.Output<string>;
    /** `https://<name>.vault.azure.net/` */
    url: pulumi.Output<string>;
    /** Entra tenant of the vault (a SecretProviderClass names it). */
    tenantId: string;
    /** The writer's grant: keys are written only once it exists. */
    writerGrant: authorization.RoleAssignment;
}

/** Arguments of {@link createRegionKeyVault}. */
export interface RegionKeyVaultArgs {
    region: string;
    environment: string;
    subscriptionId: string;
    tenantId: string;
    /** Object id of the identity running `pulumi up`: it writes the keys (Key Vault Secrets Officer on this vault). */
    writerObjectId: string;
    /** Sources admitted by the vault's firewall (IPv4 CIDRs; the region's egress IP is added). */
    writerCidrs: pulumi.Input<string[]>;
    /** The region's egress IPv4 address. */
    egressIp: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** Key Vault IP rules take an address or a CIDR range; a /32 is written as the address. */
function ipRule(cidr: string): { value: string } {
    return { value: cidr.endsWith("/32") ? cidr.slice(0, -3) : cidr };
}

/** The region's resource group and vault, and the writer's grant on that vault alone. */
export function createRegionKeyVault(name: string, args: RegionKeyVaultArgs, parent: pulumi.Resource): RegionKeyVault {
    const group = new resources.ResourceGroup(
        `${name}-${args.region}-keys`,
        { resourceGroupName: keyVaultResourceGroupName(args.region), location: args.region, tags: { ...args.tags, region: args.region } },
        { parent },
    );
    const vault = new keyvault.Vault(
        `${name}-${args.region}-key-vault`,
        {
            resourceGroupName: group.name,
            vaultName: keyVaultName(args.subscriptionId, args.environment, args.region),
            location: args.region,
            properties: {
                tenantId: args.tenantId,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: 90,
                enablePurgeProtection: true,
                enabledForDeployment: false,
                enabledForDiskEncryption: false,
                enabledForTemplateDeployment: false,
                publicNetworkAccess: "Enabled",
                networkAcls: {
                    defaultAction: "Deny",
                    bypass: "None",
                    ipRules: pulumi.all([args.writerCidrs, args.egressIp]).apply(([cidrs, egress]) => [...new Set([`${egress}/32`, ...cidrs])].map(ipRule)),
                },
            },
            tags: { ...args.tags, region: args.region, "chain138-keys": args.region },
        },
        { parent },
    );
    const writerGrant = new authorization.RoleAssignment(
        `${name}-${args.region}-key-writer`,
        {
            principalId: args.writerObjectId,
            roleDefinitionId: `/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_OFFICER_ROLE}`,
            scope: vault.id,
        },
        { parent },
    );
    return {
        region: args.region,
        id: vault.id,
        name: vault.name,
        url: vault.properties.apply((p) => p.vaultUri ?? ""),
        tenantId: args.tenantId,
        writerGrant,
    };
}
