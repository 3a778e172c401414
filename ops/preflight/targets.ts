// What `pulumi up` will create in each region, from the validated fleet (config/fleet-config.ts) and the program's
// own naming: the numbers preflight holds the subscription's quotas and offers against.
import type { FleetConfig, PoolPlan, RegionPlan } from "../../config/fleet-config";
import { besuPublicIps } from "../../components/besu/public-ips";
import { azureName, keyVaultResourceGroupName, p2pResourceGroupName } from "../../stack/names";

/** One region to check. */
export interface RegionTarget {
    plan: RegionPlan;
    kind: "validator" | "admin";
    /** Whether this stack deploys the region's cluster (its rollout wave is selected); P2P IPs exist for every region. */
    deployed: boolean;
    /** The stack's resource group of the cluster, its VNet and node subnet (`rg-chain138-<env>-<region>`). */
    clusterResourceGroup: string;
    clusterName: string;
    /** BesuNetwork's resource group of the region's static IPs (validator regions). */
    p2pResourceGroup?: string;
    /** Standard public IPs the program allocates in the region (see {@link plannedPublicIps}). */
    publicIps: number;
    /**
     * Resource groups where the deploying identity creates role assignments (components/cluster.ts): Network
     * Contributor for the cluster identity on the node subnet and (validator regions) on the P2P IPs' group, and AKS
     * RBAC Cluster Admin on the cluster; the subnet and the cluster live in the cluster's group.
     */
    roleAssignmentGroups: string[];
}

/**
 * Standard public IPs in a region. Validator regions: BesuNetwork's static IPs (components/besu/public-ips.ts), one of
 * which is the cluster's only outbound address. The admin cluster's outbound is AKS-managed:
 * loadBalancerProfile.managedOutboundIPs.count, "The desired number of IPv4 outbound IPs created/managed by Azure for the
 * cluster load balancer … The default value is 1" (@azure/arm-containerservice reference,
 * ManagedClusterLoadBalancerProfileManagedOutboundIPs.count), a Standard public IP in the node resource group.
 */
export const ADMIN_MANAGED_OUTBOUND_IPS = 1;

export function plannedPublicIps(fleet: FleetConfig, kind: RegionTarget["kind"], region: string): number {
    if (kind === "admin") return ADMIN_MANAGED_OUTBOUND_IPS;
    return besuPublicIps({
        region,
        validatorCount: fleet.validatorsPerRegion,
        sentryCount: fleet.sentriesPerRegion,
        publicRpc: fleet.rpcAllowedCidrs.length > 0,
    }).length;
}

/** Every configured region in config order (validator regions, then the admin region), or those named in `only`. */
export function regionTargets(fleet: FleetConfig, only: readonly string[]): RegionTarget[] {
    const deployed = new Set(fleet.deployedRegions.map((p) => p.name));
    const all: RegionTarget[] = fleet.validatorRegions.map((plan) => {
        const p2pResourceGroup = p2pResourceGroupName(plan.name);
        const clusterResourceGroup = azureName("rg", fleet.environment, plan.name);
        return {
            plan,
            kind: "validator",
            deployed: deployed.has(plan.name),
            clusterResourceGroup,
            clusterName: azureName("aks", fleet.environment, plan.name),
            p2pResourceGroup,
            publicIps: plannedPublicIps(fleet, "validator", plan.name),
            // The node-key vault and its writer's grant exist for every configured region (BesuNetwork), deployed or not.
            roleAssignmentGroups: deployed.has(plan.name)
                ? [clusterResourceGroup, p2pResourceGroup, keyVaultResourceGroupName(plan.name)]
                : [keyVaultResourceGroupName(plan.name)],
        };
    });
    if (fleet.admin !== undefined) {
        const plan = fleet.admin;
        const clusterResourceGroup = azureName("rg", fleet.environment, plan.name);
        all.push({
            plan,
            kind: "admin",
            deployed: true,
            clusterResourceGroup,
            clusterName: azureName("aks", fleet.environment, plan.name),
            publicIps: plannedPublicIps(fleet, "admin", plan.name),
            roleAssignmentGroups: [clusterResourceGroup],
        });
    }
    const unknown = only.filter((r) => !all.some((t) => t.plan.name === r));
    if (unknown.length > 0)
        throw new Error(`--region ${unknown.join(", ")}: not configured in this stack (regions: ${all.map((t) => t.plan.name).join(", ")})`);
    return only.length === 0 ? all : all.filter((t) => only.includes(t.plan.name));
}

/** Nodes of a pool while it upgrades: its count plus its surge nodes (PoolPlan.maxSurge). */
export function peakNodes(pool: PoolPlan): number {
    return pool.count + pool.maxSurge;
}
