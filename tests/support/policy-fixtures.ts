// Hand-built resource props shaped like what the prod program registers, for single-policy tests. Pool names
// come from the program (stack/names.ts), and tests/policy/fixtures-match-program.test.ts checks every field
// a policy reads against a mock run of the real program. For brevity all pools are inline profiles here; the
// program declares validators and sentries as standalone AgentPools (`agentPool` below builds those).
import { POOL_NAMES } from "../../stack/names";
import type { ResourceSpec } from "./policy-harness";

export const TAGS = { environment: "prod", region: "northeurope", owner: "chain138-platform", "cost-centre": "chain138-prod", "managed-by": "pulumi" };

export interface PoolSpec {
    name: string;
    role: string;
    count: number;
    vmSize?: string;
    zones?: string[];
}

/** The prod validator region's pools: system 1 (+1 surge node), validators 2, sentries 1, all D2s_v5 (10 vCPUs at the peak). */
export const PROD_POOLS: readonly PoolSpec[] = [
    { name: POOL_NAMES.system, role: "system", count: 1 },
    { name: POOL_NAMES.validator, role: "validator", count: 2 },
    { name: POOL_NAMES.sentry, role: "sentry", count: 1 },
];

const isSystem = (role: string) => role === "system" || role === "admin";

/** A pool's properties as the program writes them (inline profile or AgentPool; components/cluster.ts). */
function poolProps(p: PoolSpec, zones: string[]): Record<string, unknown> {
    return {
        mode: isSystem(p.role) ? "System" : "User",
        count: p.count,
        vmSize: p.vmSize ?? "Standard_D2s_v5",
        availabilityZones: p.zones ?? zones,
        nodeLabels: { "chain138.io/role": p.role },
        nodeTaints: p.role === "system" ? ["CriticalAddonsOnly=true:NoSchedule"] : p.role === "admin" ? [] : [`chain138.io/role=${p.role}:NoSchedule`],
        enableAutoScaling: false,
        upgradeSettings: isSystem(p.role) ? { maxSurge: "1" } : { maxSurge: "0", maxUnavailable: "1" },
    };
}

/** A standalone AgentPool of `region`'s cluster, as the program registers validators and sentries. */
export function agentPool(region: string, p: PoolSpec, zones: string[] = ["1", "2", "3"]): ResourceSpec {
    return {
        type: "azure-native:containerservice:AgentPool",
        name: `region-${region}-pool-${p.name}`,
        props: {
            resourceGroupName: `rg-chain138-prod-${region}`,
            resourceName: `aks-chain138-prod-${region}`,
            agentPoolName: p.name,
            ...poolProps(p, zones),
            tags: { ...TAGS, region },
        },
    };
}

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
            agentPoolProfiles: pools.map((p) => ({ name: p.name, ...poolProps(p, zones) })),
            tags: { ...TAGS, region },
            ...overrides,
        },
    };
}
