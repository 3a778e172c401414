import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_DNS_SERVICE_IP, CLUSTER_POD_CIDR, CLUSTER_SERVICE_CIDR, PoolPlan, PoolRole, RegionPlan } from "../config/fleet-config";
import { MAINTENANCE_CONFIG_NAMES } from "../regions/maintenance";
import { POOL_ROLE_LABEL } from "../stack/names";
import { kubeconfigForLogin, KubeloginMode } from "./kubeconfig";
import { azureName } from "../stack/names";

/** AKS create is "a few minutes" typically, 13–15 min at the tail, 34 min on bad days (docs/latencies.md). */
export const AKS_TIMEOUTS: pulumi.CustomTimeouts = { create: "45m", update: "45m", delete: "45m" };

/** Label (and taint key) that pins Besu workloads to their pool. */
export const ROLE_LABEL = POOL_ROLE_LABEL;

/** Settings every cluster of the fleet shares; component args extend this. */
export interface ClusterSettings {
    /** Stack name; part of every Azure resource name. */
    environment: string;
    kubernetesVersion: string;
    /** Tags for every Azure resource of the region (environment, region, owner, cost-centre). */
    tags: Record<string, string>;
    /** Entra ID groups bound to cluster-admin (local accounts are disabled). Default: none. */
    aksAdminGroupObjectIds?: string[];
    /** How the Kubernetes provider's kubelogin gets tokens. Default: azurecli. */
    kubeloginMode?: KubeloginMode;
    /**
     * Entra object IDs granted AKS RBAC Cluster Admin on the cluster: the identity running this update (first) and
     * every configured one. Required: with local accounts off nobody else could reach the API.
     */
    clusterAdminObjectIds: string[];
    /** The subscription the stack deploys into (role definitions are named under it). */
    subscriptionId: string;
}

export interface RegionalClusterArgs extends ClusterSettings {
    /** The region's resolved plan: location, zones, CIDRs, node pools and maintenance window. */
    plan: RegionPlan;
    /** Extra inbound rules for the node subnet's NSG (default none). */
    securityRules?: pulumi.Input<pulumi.Input<azureInputs.network.SecurityRuleArgs>[]>;
    /**
     * Scopes (ARM ids) beyond the node subnet where the control-plane identity needs Network Contributor
     * before the cluster exists, e.g. the resource group of static IPs its load balancer uses. Default none.
     */
    networkScopes?: { name: string; scope: pulumi.Input<string> }[];
    /** Public IPs (ARM ids) to use as the cluster's only outbound addresses. Default: AKS-managed. */
    outboundIpIds?: pulumi.Input<string>[];
    /**
     * A second subnet for internal load balancers (name, CIDR), created after the node subnet with the same NSG, and
     * granted to the control-plane identity like the node subnet (AKS internal-lb.md: the cluster identity needs
     * read/join on an LB's subnet). Default none.
     */
    loadBalancerSubnet?: { name: string; cidr: string };
    /**
     * Turn on the Azure Key Vault provider for the Secrets Store CSI driver (AKS add-on `azureKeyvaultSecretsProvider`,
     * AKS "Use the Azure Key Vault provider for Secrets Store CSI Driver"): Besu pods mount their node key from the
     * region's vault with it. Default false.
     */
    keyVaultSecretsProvider?: boolean;
}

/** Everything a region's cluster consists of, for the component that owns it. */
export interface RegionalCluster {
    resourceGroup: resources.ResourceGroup;
    networkSecurityGroup: network.NetworkSecurityGroup;
    virtualNetwork: network.VirtualNetwork;
    nodeSubnet: network.Subnet;
    /** The internal load balancers' subnet, when asked for. */
    loadBalancerSubnet?: network.Subnet;
    identity: managedidentity.UserAssignedIdentity;
    cluster: containerservice.ManagedCluster;
    /** The user pools (validators, sentries), created one after another after the cluster. */
    agentPools: containerservice.AgentPool[];
    maintenance: containerservice.MaintenanceConfiguration[];
    /** Entra ID kubeconfig for unattended use; always a secret. */
    kubeconfig: pulumi.Output<string>;
    /** Succeeds once the deploying identity can use the cluster's API (Azure RBAC propagated). */
    apiAccess: command.local.Command;
    provider: k8s.Provider;
}

/** Just the shared cluster settings out of a component's args (so extra fields don't leak into the cluster). */
export function clusterSettings(args: ClusterSettings): ClusterSettings {
    return {
        environment: args.environment,
        kubernetesVersion: args.kubernetesVersion,
        tags: args.tags,
        aksAdminGroupObjectIds: args.aksAdminGroupObjectIds,
        kubeloginMode: args.kubeloginMode,
        clusterAdminObjectIds: args.clusterAdminObjectIds,
        subscriptionId: args.subscriptionId,
    };
}

/** Azure names for one region's resources (stack/names.ts: the tools look the same names up). */
export { azureName };

/**
 * Built-in Azure roles (Azure docs, "Azure built-in roles"): Network Contributor, and "Azure Kubernetes
 * Service RBAC Cluster Admin" ("Lets you manage all resources in the cluster").
 */
export const NETWORK_CONTRIBUTOR_ROLE = "4d97b98b-1d4f-4787-a291-c67834d212e7";
export const AKS_RBAC_CLUSTER_ADMIN_ROLE = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";

/**
 * How long the access gate waits for the deployer's cluster-admin role to take effect. Azure RBAC: "it can
 * take up to 10 minutes for changes to take effect" (Azure RBAC troubleshooting, "Role assignment changes are
 * not being detected"); 15 minutes leaves margin and still fails a run that will never get access.
 */
export const API_ACCESS_TIMEOUT_SECONDS = 900;

/** A role definition's id in the deploying subscription. */
type RoleId = (role: string) => pulumi.Output<string>;

/**
 * Resource group → NSG → VNet → subnet → control-plane identity with its network grants → AKS (system
 * pool inline) → user pools one after another → maintenance windows; and, for the Kubernetes provider, a
 * cluster-admin grant to the deploying identity and a gate that waits until that grant works.
 */
export function createRegionalCluster(name: string, args: RegionalClusterArgs, parent: pulumi.Resource): RegionalCluster {
    const opts = { parent };
    const { resourceGroup, networkSecurityGroup, virtualNetwork, nodeSubnet, loadBalancerSubnet } = createNetwork(name, args, opts);
    const roleId: RoleId = (role) => pulumi.output(`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`);
    const scopes = [
        ...(loadBalancerSubnet ? [{ name: "lb-subnet-access", scope: loadBalancerSubnet.id as pulumi.Input<string> }] : []),
        ...(args.networkScopes ?? []),
    ];
    const { identity, networkGrants } = createClusterIdentity(name, { ...args, networkScopes: scopes }, resourceGroup, nodeSubnet, roleId, opts);
    const clusterName = azureName("aks", args.environment, args.plan.name);
    const systemPool = args.plan.pools.find((pool) => pool.role === "system" || pool.role === "admin");
    if (systemPool === undefined) throw new pulumi.ResourceError(`region ${args.plan.name}: no system pool in the plan`, parent);
    const cluster = createManagedCluster(name, args, { clusterName, resourceGroup, nodeSubnet, identity, systemPool }, { ...opts, dependsOn: networkGrants });
    const agentPools = createUserPools(name, args, cluster, resourceGroup, nodeSubnet, systemPool, opts);
    const maintenance = createMaintenanceWindows(name, args.plan, cluster, resourceGroup, agentPools.at(-1) ?? cluster, opts);
    const kubeconfig = clusterKubeconfig(clusterName, cluster, resourceGroup, args.kubeloginMode ?? "azurecli", parent);
    const apiAccess = grantApiAccess(name, clusterName, cluster, kubeconfig, args.clusterAdminObjectIds, roleId, parent);
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true, deleteUnreachable: true }, { ...opts, dependsOn: [apiAccess] });
    return {
        resourceGroup,
        networkSecurityGroup,
        virtualNetwork,
        nodeSubnet,
        loadBalancerSubnet,
        identity,
        cluster,
        agentPools,
        maintenance,
        kubeconfig,
        apiAccess,
        provider,
    };
}

/** The region's resource group, NSG, VNet and node subnet. */
function createNetwork(name: string, args: RegionalClusterArgs, opts: pulumi.CustomResourceOptions) {
    const { plan, environment } = args;
    const resourceGroup = new resources.ResourceGroup(
        `${name}-rg`,
        { resourceGroupName: azureName("rg", environment, plan.name), location: plan.name, tags: args.tags },
        opts,
    );
    const networkSecurityGroup = new network.NetworkSecurityGroup(
        `${name}-nsg`,
        {
            resourceGroupName: resourceGroup.name,
            networkSecurityGroupName: azureName("nsg", environment, plan.name),
            location: plan.name,
            securityRules: args.securityRules ?? [],
            tags: args.tags,
        },
        opts,
    );
    const virtualNetwork = new network.VirtualNetwork(
        `${name}-vnet`,
        {
            resourceGroupName: resourceGroup.name,
            virtualNetworkName: azureName("vnet", environment, plan.name),
            location: plan.name,
            addressSpace: { addressPrefixes: [plan.vnetCidr] },
            tags: args.tags,
        },
        // Subnets are separate resources; without this the VNet would try to delete them on update.
        { ...opts, ignoreChanges: ["subnets"] },
    );
    const nodeSubnet = new network.Subnet(
        `${name}-nodes`,
        {
            resourceGroupName: resourceGroup.name,
            virtualNetworkName: virtualNetwork.name,
            subnetName: "nodes",
            addressPrefix: plan.subnetCidr,
            networkSecurityGroup: { id: networkSecurityGroup.id },
        },
        opts,
    );
    // Subnets of one VNet one after another: a subnet PUT leaves the VNet "Updating", and a concurrent PUT on it (or a
    // peering referencing it) fails with ReferencedResourceNotProvisioned / AnotherOperationInProgress
    // (hashicorp/terraform-provider-azurerm #2605; Azure-Samples/azuresandbox #329).
    const loadBalancerSubnet =
        args.loadBalancerSubnet === undefined
            ? undefined
            : new network.Subnet(
                  `${name}-${args.loadBalancerSubnet.name}`,
                  {
                      resourceGroupName: resourceGroup.name,
                      virtualNetworkName: virtualNetwork.name,
                      subnetName: args.loadBalancerSubnet.name,
                      addressPrefix: args.loadBalancerSubnet.cidr,
                      networkSecurityGroup: { id: networkSecurityGroup.id },
                  },
                  { ...opts, dependsOn: [nodeSubnet] },
              );

    return { resourceGroup, networkSecurityGroup, virtualNetwork, nodeSubnet, loadBalancerSubnet };
}

/** The control plane's identity, and its grants on the node subnet (and `args.networkScopes`). */
function createClusterIdentity(
    name: string,
    args: RegionalClusterArgs,
    resourceGroup: resources.ResourceGroup,
    nodeSubnet: network.Subnet,
    roleId: RoleId,
    opts: pulumi.CustomResourceOptions,
) {
    const { plan, environment } = args;
    // A system-assigned identity exists only with the cluster, too late for the grants AKS needs while
    // creating it. AKS service permissions: with a custom VNet the cluster identity needs
    // Microsoft.Network/virtualNetworks/subnets/join/action and read on the subnet, and "these permissions are
    // not automatically assigned" (only the Azure CLI adds them; MicrosoftDocs/azure-docs #69777 is this setup
    // failing with LinkedAuthorizationFailed). So: a user-assigned identity granted before the cluster.
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-aks-identity`,
        { resourceGroupName: resourceGroup.name, resourceName: azureName("id", environment, plan.name), location: plan.name, tags: args.tags },
        opts,
    );
    const networkGrants = [{ name: "subnet-access", scope: nodeSubnet.id as pulumi.Input<string> }, ...(args.networkScopes ?? [])].map(
        (grant) =>
            new authorization.RoleAssignment(
                `${name}-${grant.name}`,
                {
                    principalId: identity.principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: roleId(NETWORK_CONTRIBUTOR_ROLE),
                    scope: grant.scope,
                },
                opts,
            ),
    );

    return { identity, networkGrants };
}

/** The AKS cluster with its system pool inline. */
function createManagedCluster(
    name: string,
    args: RegionalClusterArgs,
    parts: {
        clusterName: string;
        resourceGroup: resources.ResourceGroup;
        nodeSubnet: network.Subnet;
        identity: managedidentity.UserAssignedIdentity;
        systemPool: PoolPlan;
    },
    opts: pulumi.CustomResourceOptions,
): containerservice.ManagedCluster {
    const { plan, environment } = args;
    const { clusterName, resourceGroup, nodeSubnet, identity, systemPool } = parts;
    return new containerservice.ManagedCluster(
        `${name}-aks`,
        {
            resourceGroupName: resourceGroup.name,
            resourceName: clusterName,
            location: plan.name,
            dnsPrefix: `c138-${environment}-${plan.name}`.slice(0, 54),
            nodeResourceGroup: azureName("rg", environment, `${plan.name}-nodes`),
            kubernetesVersion: args.kubernetesVersion,
            sku: { name: "Base", tier: "Standard" },
            identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
            enableRBAC: true,
            disableLocalAccounts: true,
            aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.aksAdminGroupObjectIds ?? [] },
            oidcIssuerProfile: { enabled: true },
            securityProfile: { workloadIdentity: { enabled: true } },
            // Rotation polling stays off: a node key never changes under a running node (a rotation is a new secret).
            addonProfiles: args.keyVaultSecretsProvider
                ? { azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "false" } } }
                : undefined,
            autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
            networkProfile: {
                networkPlugin: "azure",
                networkPluginMode: "overlay",
                networkDataplane: "cilium",
                networkPolicy: "cilium",
                podCidr: CLUSTER_POD_CIDR,
                serviceCidr: CLUSTER_SERVICE_CIDR,
                dnsServiceIP: CLUSTER_DNS_SERVICE_IP,
                loadBalancerSku: "standard",
                outboundType: "loadBalancer",
                loadBalancerProfile: args.outboundIpIds === undefined ? undefined : { outboundIPs: { publicIPs: args.outboundIpIds.map((id) => ({ id })) } },
            },
            // Only the system pool is inline: the SDK's doc of this property says "The Azure API does not
            // currently allow this property to be updated directly. Instead, additional agent pools can be
            // defined via the AgentPool resource" (pulumi-azure-native #2719: "Adding agent pools to an existing
            // cluster is not allowed through managed cluster operations").
            agentPoolProfiles: [{ name: systemPool.name, ...poolProperties(systemPool, plan, nodeSubnet.id) }],
            tags: args.tags,
        },
        { ...opts, customTimeouts: AKS_TIMEOUTS },
    );
}

/** The user pools (validators, sentries), one after another. */
function createUserPools(
    name: string,
    args: RegionalClusterArgs,
    cluster: containerservice.ManagedCluster,
    resourceGroup: resources.ResourceGroup,
    nodeSubnet: network.Subnet,
    systemPool: PoolPlan,
    opts: pulumi.CustomResourceOptions,
): containerservice.AgentPool[] {
    const { plan } = args;
    // AKS runs one operation at a time per cluster ("OperationNotAllowed" otherwise), so the user pools are
    // created one after another, and the maintenance windows after the last of them.
    const agentPools: containerservice.AgentPool[] = [];
    for (const pool of plan.pools.filter((candidate) => candidate !== systemPool)) {
        agentPools.push(
            new containerservice.AgentPool(
                `${name}-pool-${pool.name}`,
                // cluster.name, not the plain string: the pool then depends on the cluster itself (a replaced cluster
                // replaces its pools). The policy pack finds the cluster through that dependency in a first preview.
                {
                    resourceGroupName: resourceGroup.name,
                    resourceName: cluster.name,
                    agentPoolName: pool.name,
                    ...poolProperties(pool, plan, nodeSubnet.id),
                    tags: args.tags,
                },
                {
                    ...opts,
                    customTimeouts: AGENT_POOL_TIMEOUTS,
                    dependsOn: agentPools.length > 0 ? [agentPools[agentPools.length - 1]] : [cluster],
                    // A pool's VM size cannot change in place (AKS "Resize node pools": create a new pool). The
                    // quota has no room for old and new pool at once, so the old one goes first.
                    replaceOnChanges: ["vmSize"],
                    deleteBeforeReplace: true,
                },
            ),
        );
    }
    return agentPools;
}

/** The planned-maintenance windows (regions/maintenance.ts), after `after` and one after the other. */
function createMaintenanceWindows(
    name: string,
    plan: RegionPlan,
    cluster: containerservice.ManagedCluster,
    resourceGroup: resources.ResourceGroup,
    after: pulumi.Resource,
    opts: pulumi.CustomResourceOptions,
): containerservice.MaintenanceConfiguration[] {
    const maintenance: containerservice.MaintenanceConfiguration[] = [];
    for (const configName of MAINTENANCE_CONFIG_NAMES) {
        const previous: pulumi.Resource = maintenance.at(-1) ?? after;
        maintenance.push(
            new containerservice.MaintenanceConfiguration(
                `${name}-${configName}`,
                {
                    resourceGroupName: resourceGroup.name,
                    resourceName: cluster.name,
                    configName,
                    maintenanceWindow: {
                        schedule: { weekly: { dayOfWeek: plan.maintenance.dayOfWeek, intervalWeeks: 1 } },
                        durationHours: plan.maintenance.durationHours,
                        startTime: `${String(plan.maintenance.startHour).padStart(2, "0")}:00`,
                        utcOffset: "+00:00",
                    },
                },
                { ...opts, dependsOn: [previous] },
            ),
        );
    }

    return maintenance;
}

/** The cluster's user kubeconfig for `mode`'s kubelogin login, as a secret. */
function clusterKubeconfig(
    clusterName: string,
    cluster: containerservice.ManagedCluster,
    resourceGroup: resources.ResourceGroup,
    mode: KubeloginMode,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
        { resourceGroupName: resourceGroup.name, resourceName: cluster.name, format: "exec" },
        { parent },
    );
    return pulumi.secret(
        credentials.kubeconfigs.apply((kubeconfigs) => {
            if (kubeconfigs.length === 0) throw new Error(`cluster ${clusterName}: Azure returned no user credentials`);
            const yamlText = Buffer.from(kubeconfigs[0].value, "base64").toString("utf8");
            return kubeconfigForLogin(yamlText, mode, clusterName);
        }),
    );
}

/** Cluster-admin grants for the configured principals, and the gate that waits until the deployer's works. */
function grantApiAccess(
    name: string,
    clusterName: string,
    cluster: containerservice.ManagedCluster,
    kubeconfig: pulumi.Output<string>,
    clusterAdminObjectIds: string[],
    roleId: RoleId,
    parent: pulumi.Resource,
): command.local.Command {
    const opts = { parent };
    // Local accounts are off and authorization is Azure RBAC: without a data-plane role the identity running
    // `pulumi up` gets 403 on its first Kubernetes call, whatever it may do in ARM. One grant per principal, named by
    // it, so a run by another configured identity keeps everyone else's grant.
    const admins = [...new Set(clusterAdminObjectIds.map((id) => id.toLowerCase()))];
    if (admins.length === 0) throw new pulumi.ResourceError(`cluster ${clusterName}: nobody would be able to use its API (no cluster admin principal)`, parent);
    const adminGrants = admins.map(
        (principalId) =>
            new authorization.RoleAssignment(
                `${name}-cluster-admin-${principalId}`,
                { principalId, roleDefinitionId: roleId(AKS_RBAC_CLUSTER_ADMIN_ROLE), scope: cluster.id },
                opts,
            ),
    );
    const deployerAccess = adminGrants[0];
    return new command.local.Command(
        `${name}-api-access`,
        {
            create: "bash scripts/wait-for-cluster-access.sh",
            // The kubeconfig goes in on stdin (a secret input, so encrypted in state), never on a command line.
            stdin: kubeconfig,
            // The principal is here so that a run by another identity (whose grant replaces this one) waits again.
            environment: { CLUSTER: clusterName, PRINCIPAL_ID: admins[0], ACCESS_TIMEOUT_SECONDS: String(API_ACCESS_TIMEOUT_SECONDS) },
        },
        { ...opts, dependsOn: [deployerAccess], customTimeouts: { create: `${API_ACCESS_TIMEOUT_SECONDS + 120}s` } },
    );
}

/** A user pool is ~4 min, ~9 min at the tail (Azure/AKS #1439). */
export const AGENT_POOL_TIMEOUTS: pulumi.CustomTimeouts = { create: "30m", update: "30m", delete: "30m" };

/** The properties an inline profile and a standalone AgentPool share. */
function poolProperties(pool: PoolPlan, plan: RegionPlan, subnetId: pulumi.Input<string>) {
    const system = pool.role === "system" || pool.role === "admin";
    return {
        mode: system ? "System" : "User",
        count: pool.count,
        vmSize: pool.vmSize,
        osType: "Linux",
        osSKU: "AzureLinux",
        type: "VirtualMachineScaleSets",
        enableAutoScaling: false,
        vnetSubnetID: subnetId,
        availabilityZones: plan.zones.length > 0 ? plan.zones : undefined,
        nodeLabels: { [ROLE_LABEL]: pool.role },
        nodeTaints: poolTaints(pool.role),
        // System pools surge (AKS refuses maxUnavailable on them); user pools drain one node at a time.
        upgradeSettings: system ? { maxSurge: String(pool.maxSurge) } : { maxSurge: String(pool.maxSurge), maxUnavailable: String(pool.maxUnavailable) },
    } satisfies Omit<azureInputs.containerservice.ManagedClusterAgentPoolProfileArgs, "name">;
}

function poolTaints(role: PoolRole): string[] {
    switch (role) {
        case "system":
            return ["CriticalAddonsOnly=true:NoSchedule"];
        case "validator":
        case "sentry":
            return [`${ROLE_LABEL}=${role}:NoSchedule`];
        case "admin":
            return [];
    }
}

/** Sends a cluster's control-plane logs and metrics to the admin region's Log Analytics workspace. */
export function sendDiagnostics(
    name: string,
    cluster: containerservice.ManagedCluster,
    workspaceId: pulumi.Input<string>,
    parent: pulumi.Resource,
): monitor.DiagnosticSetting {
    return new monitor.DiagnosticSetting(
        `${name}-diagnostics`,
        {
            name: "chain138-admin-logs",
            resourceUri: cluster.id,
            workspaceId,
            logs: ["kube-apiserver", "kube-audit-admin", "kube-controller-manager", "guard"].map((category) => ({
                category,
                enabled: true,
            })),
            metrics: [{ category: "AllMetrics", enabled: true }],
        },
        { parent },
    );
}
