import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_DNS_SERVICE_IP, CLUSTER_POD_CIDR, CLUSTER_SERVICE_CIDR, PoolPlan, PoolRole, RegionPlan } from "../config/fleet-config";
import { kubeconfigForLogin, KubeloginMode } from "./kubeconfig";

/** AKS create is "a few minutes" typically, 13–15 min at the tail, 34 min on bad days (LATENCIES.md). */
export const AKS_TIMEOUTS: pulumi.CustomTimeouts = { create: "45m", update: "45m", delete: "45m" };

/** Label (and taint key) that pins Besu workloads to their pool. */
export const ROLE_LABEL = "chain138.io/role";

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
}

export interface RegionalClusterArgs extends ClusterSettings {
    /** The region's resolved plan: location, zones, CIDRs and node pools. */
    plan: RegionPlan;
    /** Extra inbound rules for the node subnet's NSG (default none). */
    securityRules?: pulumi.Input<pulumi.Input<azureInputs.network.SecurityRuleArgs>[]>;
    /**
     * Runs before the cluster is created, once the region's resource group exists: returns the
     * control-plane identity to use and what the cluster must wait for (e.g. that identity's
     * role assignments). Default: a system-assigned identity and nothing to wait for.
     */
    prepareIdentity?: (resourceGroup: resources.ResourceGroup) => ClusterIdentity;
    /** Public IPs (ARM ids) to use as the cluster's only outbound addresses. Default: AKS-managed. */
    outboundIpIds?: pulumi.Input<string>[];
}

/** A user-assigned control-plane identity and the resources the cluster must wait for. */
export interface ClusterIdentity {
    identityId: pulumi.Input<string>;
    dependsOn: pulumi.Resource[];
}

/** Everything a region's cluster consists of, for the component that owns it. */
export interface RegionalCluster {
    resourceGroup: resources.ResourceGroup;
    networkSecurityGroup: network.NetworkSecurityGroup;
    virtualNetwork: network.VirtualNetwork;
    nodeSubnet: network.Subnet;
    cluster: containerservice.ManagedCluster;
    /** Entra ID kubeconfig for unattended use; always a secret. */
    kubeconfig: pulumi.Output<string>;
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
    };
}

/** Azure names for one region's resources: `<kind>-chain138-<environment>-<region>`. */
export function azureName(kind: string, environment: string, region: string): string {
    return `${kind}-chain138-${environment}-${region}`;
}

/**
 * Resource group → NSG → VNet → subnet → AKS (every pool inline) → Kubernetes provider.
 * Pools are declared inside the cluster: AKS runs one operation at a time per cluster, so
 * separate AgentPools would queue behind each other (~4 min each); one PUT is the shortest path.
 */
export function createRegionalCluster(name: string, args: RegionalClusterArgs, parent: pulumi.Resource): RegionalCluster {
    const { plan, environment } = args;
    const opts = { parent };

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

    const identity = args.prepareIdentity?.(resourceGroup);
    const clusterName = azureName("aks", environment, plan.name);
    const cluster = new containerservice.ManagedCluster(
        `${name}-aks`,
        {
            resourceGroupName: resourceGroup.name,
            resourceName: clusterName,
            location: plan.name,
            dnsPrefix: `c138-${environment}-${plan.name}`.slice(0, 54),
            nodeResourceGroup: azureName("rg", environment, `${plan.name}-nodes`),
            kubernetesVersion: args.kubernetesVersion,
            sku: { name: "Base", tier: "Standard" },
            identity:
                identity === undefined
                    ? { type: "SystemAssigned" }
                    : { type: "UserAssigned", userAssignedIdentities: [identity.identityId] },
            enableRBAC: true,
            disableLocalAccounts: true,
            aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.aksAdminGroupObjectIds ?? [] },
            oidcIssuerProfile: { enabled: true },
            securityProfile: { workloadIdentity: { enabled: true } },
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
                loadBalancerProfile:
                    args.outboundIpIds === undefined
                        ? undefined
                        : { outboundIPs: { publicIPs: args.outboundIpIds.map((id) => ({ id })) } },
            },
            agentPoolProfiles: plan.pools.map((pool) => poolProfile(pool, plan, nodeSubnet.id)),
            tags: args.tags,
        },
        { ...opts, customTimeouts: AKS_TIMEOUTS, dependsOn: identity?.dependsOn ?? [] },
    );

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
        { resourceGroupName: resourceGroup.name, resourceName: cluster.name, format: "exec" },
        { parent },
    );
    const kubeconfig = pulumi.secret(
        credentials.kubeconfigs.apply((kubeconfigs) => {
            if (kubeconfigs.length === 0) throw new Error(`cluster ${clusterName}: Azure returned no user credentials`);
            const yamlText = Buffer.from(kubeconfigs[0].value, "base64").toString("utf8");
            return kubeconfigForLogin(yamlText, args.kubeloginMode ?? "azurecli", clusterName);
        }),
    );
    const provider = new k8s.Provider(
        `${name}-k8s`,
        { kubeconfig, enableServerSideApply: true, deleteUnreachable: true },
        opts,
    );
    return { resourceGroup, networkSecurityGroup, virtualNetwork, nodeSubnet, cluster, kubeconfig, provider };
}

function poolProfile(
    pool: PoolPlan,
    plan: RegionPlan,
    subnetId: pulumi.Input<string>,
): azureInputs.containerservice.ManagedClusterAgentPoolProfileArgs {
    return {
        name: pool.name,
        mode: pool.role === "system" || pool.role === "admin" ? "System" : "User",
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
        // No surge node: the vCPU quota has no headroom for one; upgrades drain one node at a time.
        upgradeSettings: { maxSurge: "0", maxUnavailable: "1" },
    };
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
