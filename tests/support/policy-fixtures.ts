// Hand-built resource props shaped like what the prod program registers (see the prod run's recorded
// ManagedCluster inputs), for single-policy tests.
import type { ResourceSpec } from "./policy-harness";

export const TAGS = { environment: "prod", region: "northeurope", owner: "chain138-platform", "cost-centre": "chain138-prod", "managed-by": "pulumi" };

export interface PoolSpec {
    name: string;
    role: string;
    count: number;
    vmSize?: string;
    zones?: string[];
}

/** The prod validator region's pools: system 1 (+1 surge node), validator 2, sentry 1, all D2s_v5 (10 vCPUs at the peak). */
export const PROD_POOLS: readonly PoolSpec[] = [
    { name: "system", role: "system", count: 1 },
    { name: "validator", role: "validator", count: 2 },
    { name: "sentry", role: "sentry", count: 1 },
];

/** A ManagedCluster as createRegionalCluster registers it. */
export function managedCluster(region: string, pools: readonly PoolSpec[] = PROD_POOLS, overrides: Record<string, unknown> = {}): ResourceSpec {
    const zones = ["1", "2", "3"];
    return {
        type: "azure-native:containerservice:ManagedCluster",
        name: `region-${region}-aks`,
        props: {
            resourceGroupName: `rg-chain138-prod-${region}`,
            resourceName: `aks-chain138-prod-${region}`,
            location: region,
            kubernetesVersion: "1.36",
            enableRBAC: true,
            disableLocalAccounts: true,
            aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [] },
            oidcIssuerProfile: { enabled: true },
            securityProfile: { workloadIdentity: { enabled: true } },
            agentPoolProfiles: pools.map((p) => ({
                name: p.name,
                mode: p.role === "system" || p.role === "admin" ? "System" : "User",
                count: p.count,
                vmSize: p.vmSize ?? "Standard_D2s_v5",
                availabilityZones: p.zones ?? zones,
                nodeLabels: { "chain138.io/role": p.role },
                enableAutoScaling: false,
                upgradeSettings: p.role === "system" || p.role === "admin" ? { maxSurge: "1" } : { maxSurge: "0", maxUnavailable: "1" },
            })),
            tags: { ...TAGS, region },
            ...overrides,
        },
    };
}
