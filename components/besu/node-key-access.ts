// Who may read a region's node keys: that region's Besu pods, through one user-assigned identity per region.
//
// Wiring (AKS "Use Microsoft Entra Workload ID with AKS" and "Access Azure Key Vault with the Secrets Store CSI
// driver: workload identity"): the cluster's OIDC issuer (oidcIssuerProfile, on in cluster.ts) signs the Besu service
// account's tokens; a federated identity credential on the identity trusts exactly that issuer and subject
// `system:serviceaccount:<namespace>:<account>` with audience `api://AzureADTokenExchange`; the identity holds Key
// Vault Secrets User ("Read secret contents") on the region's vault alone, never a wider scope.
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { KEY_VAULT_SECRETS_USER_ROLE } from "./key-vaults";

/** The audience Entra ID expects in a federated service-account token (AKS workload identity). */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

/** Service account of the Besu pods, the subject of the region's federated credential. */
export const BESU_KEY_SERVICE_ACCOUNT = "besu-node-keys";

/** Arguments of {@link grantNodeKeyAccess}. */
export interface NodeKeyAccessArgs {
    region: string;
    environment: string;
    subscriptionId: string;
    /** Resource group of the identity (the region's cluster group). */
    resourceGroupName: pulumi.Input<string>;
    /** The cluster's OIDC issuer URL. */
    issuerUrl: pulumi.Input<string>;
    /** Namespace of the Besu service account. */
    namespace: string;
    /** ARM id of the region's key vault: the only scope granted. */
    vaultId: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** The identity, its federated credential and its one grant. */
export interface NodeKeyAccess {
    identity: managedidentity.UserAssignedIdentity;
    federation: managedidentity.FederatedIdentityCredential;
    grant: authorization.RoleAssignment;
    /** What the chart's service account and SecretProviderClasses name. */
    clientId: pulumi.Output<string>;
    serviceAccountName: string;
}

/** Creates the region's key-reader identity, federated with its Besu service account and granted its vault only. */
export function grantNodeKeyAccess(name: string, args: NodeKeyAccessArgs, parent: pulumi.Resource): NodeKeyAccess {
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-node-key-reader`,
        {
            resourceGroupName: args.resourceGroupName,
            resourceName: `id-chain138-${args.environment}-${args.region}-keys`,
            location: args.region,
            tags: args.tags,
        },
        { parent },
    );
    const federation = new managedidentity.FederatedIdentityCredential(
        `${name}-node-key-federation`,
        {
            resourceGroupName: args.resourceGroupName,
            resourceName: identity.name,
            federatedIdentityCredentialResourceName: "besu-node-keys",
            issuer: args.issuerUrl,
            subject: `system:serviceaccount:${args.namespace}:${BESU_KEY_SERVICE_ACCOUNT}`,
            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        },
        { parent },
    );
    const grant = new authorization.RoleAssignment(
        `${name}-node-key-read`,
        {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: `/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE}`,
            scope: args.vaultId,
        },
        { parent },
    );
    return { identity, federation, grant, clientId: identity.clientId, serviceAccountName: BESU_KEY_SERVICE_ACCOUNT };
}
