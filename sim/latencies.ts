/**
 * Per-resource latencies for the deploy-time simulator, in seconds: min / typical / tail.
 * Figures are spreads seen in public logs and issues (docs/latencies.md), not Azure
 * promises; "derived" rows are sums of sourced steps. The simulator reports ratios.
 */

export type Scenario = "min" | "typical" | "tail";

export interface LatencyRow {
    readonly min: number;
    readonly typical: number;
    readonly tail: number;
    readonly source: string;
}

/** What a resource is, for the phase-barrier schedule and the timeline's colours. */
export type Phase = "infra" | "kubernetes" | "besu" | "contracts" | "local";

export interface LatencyRule {
    readonly phase: Phase;
    readonly row: LatencyRow;
}

const TERRAFORM_LOGS = "public Terraform apply logs";

export const LATENCY_TABLE = {
    resourceGroup: { min: 1, typical: 1, tail: 27, source: TERRAFORM_LOGS },
    network: { min: 4, typical: 10, tail: 19, source: `${TERRAFORM_LOGS} (VNet/subnet)` },
    publicIp: { min: 2, typical: 5, tail: 11, source: TERRAFORM_LOGS },
    logAnalytics: { min: 15, typical: 25, tail: 47, source: TERRAFORM_LOGS },
    storage: { min: 15, typical: 30, tail: 83, source: `${TERRAFORM_LOGS}; cloudera-labs/terraform-cdp-modules PR #39` },
    aksCluster: { min: 240, typical: 360, tail: 900, source: "Terraform logs; Azure/AKS #1439, #2980 (13–15 min tail)" },
    agentPool: { min: 180, typical: 240, tail: 540, source: "Azure/AKS #1439" },
    roleAssignment: { min: 2, typical: 5, tail: 30, source: "derived: one ARM write + replication" },
    rbacPropagation: {
        min: 30,
        typical: 120,
        tail: 600,
        source: 'Azure RBAC troubleshooting: role assignment changes "can take up to 10 minutes" (tail); min/typical assumed',
    },
    smallArm: { min: 2, typical: 5, tail: 15, source: "derived: one ARM write (diagnostic setting, blob settings)" },
    kubernetesObject: { min: 1, typical: 1, tail: 5, source: "derived: one API server write" },
    besuChart: {
        min: 60,
        typical: 150,
        tail: 300,
        source: "derived: PVC create+attach (azuredisk-csi #473, #269) + image pull + readiness; FlowFuse PR #2337",
    },
    monitoringChart: { min: 60, typical: 180, tail: 300, source: "derived as besuChart; gitlab-environment-toolkit #445" },
    localKey: { min: 0, typical: 0, tail: 0, source: "in-process key generation" },
    mainnetTx: { min: 12, typical: 12, tail: 36, source: "one mainnet block (~12 s), tail 3 blocks" },
    chain138Tx: { min: 2, typical: 2, tail: 6, source: "one Chain 138 block (2 s), tail 3 blocks" },
    chainStart: {
        min: 9,
        typical: 20,
        tail: 74,
        source: "derived: QBFT's first block once a quorum connects ~5–30 s (besu-docs qbft.md; besu #10917), round timeouts doubling 10, 20, 40 s at the tail, plus the gate's 2 more blocks of 2 s",
    },
} as const satisfies Record<string, LatencyRow>;

/** Latency and phase of one resource, from its type, name and inputs. */
export function latencyOf(type: string, name: string, inputs: Record<string, unknown>): LatencyRule {
    const t = LATENCY_TABLE;
    switch (type) {
        case "azure-native:resources:ResourceGroup":
            return { phase: "infra", row: t.resourceGroup };
        case "azure-native:network:VirtualNetwork":
        case "azure-native:network:Subnet":
        case "azure-native:network:NetworkSecurityGroup":
            return { phase: "infra", row: t.network };
        case "azure-native:network:PublicIPAddress":
            return { phase: "infra", row: t.publicIp };
        case "azure-native:operationalinsights:Workspace":
            return { phase: "infra", row: t.logAnalytics };
        case "azure-native:storage:StorageAccount":
            return { phase: "infra", row: t.storage };
        case "azure-native:containerservice:ManagedCluster":
            return { phase: "infra", row: t.aksCluster };
        case "azure-native:containerservice:AgentPool":
            return { phase: "infra", row: t.agentPool };
        case "azure-native:authorization:RoleAssignment":
            return { phase: "infra", row: t.roleAssignment };
        case "command:local:Command":
            // The only local command: the wait for the deployer's AKS RBAC role (components/cluster.ts).
            return { phase: "kubernetes", row: t.rbacPropagation };
        case "kubernetes:monitoring.coreos.com/v1:PrometheusRule":
            // Needs the CRD that kube-prometheus-stack's chart installs: it follows the charts.
            return { phase: "besu", row: t.kubernetesObject };
        case "kubernetes:helm.sh/v4:Chart":
            return { phase: "besu", row: inputs["chart"] === "kube-prometheus-stack" ? t.monitoringChart : t.besuChart };
        case "pulumi-nodejs:dynamic:Resource":
            // The readiness gate of the fleet's chain (contracts/providers/chain-ready.ts); sim/graph.ts adds its quorum.
            if ("advanceBlocks" in inputs) return { phase: "contracts", row: t.chainStart };
            if ("chainId" in inputs) return { phase: "contracts", row: Number(inputs["chainId"]) === 1 ? t.mainnetTx : t.chain138Tx };
            // A CCIP lane sends on both of its chains; the slower one (mainnet, when a side is mainnet) bounds it.
            if (Array.isArray(inputs["sides"])) {
                const onMainnet = (inputs["sides"] as { chainId?: unknown }[]).some((side) => Number(side.chainId) === 1);
                return { phase: "contracts", row: onMainnet ? t.mainnetTx : t.chain138Tx };
            }
            // A node key written to its region's vault (components/besu/vault-node-key.ts): its first write waits for the
            // writer's Key Vault grant made in the same update to propagate, like the cluster-admin grant.
            if ("vaultUrl" in inputs) return { phase: "infra", row: t.rbacPropagation };
            return { phase: "local", row: t.localKey };
    }
    if (type.startsWith("pulumi:providers:") || type.startsWith("kubernetes:")) return { phase: "kubernetes", row: t.kubernetesObject };
    // Keys and certificates of the RPC endpoints: computed by the tls provider in its own process.
    if (type.startsWith("tls:")) return { phase: "local", row: t.localKey };
    if (type.startsWith("azure-native:")) return { phase: "infra", row: t.smallArm };
    if (!type.includes(":index:")) throw new Error(`no latency for ${type} (${name}); add a row to sim/latencies.ts`);
    // Component resources do no work of their own.
    return { phase: "local", row: { min: 0, typical: 0, tail: 0, source: "component: no work" } };
}

/**
 * A seeded draw for one resource: nine in ten between min and typical, one in ten between
 * typical and tail (the "bad day" share is an assumption of the model, stated in the output).
 */
export function sampleLatency(row: LatencyRow, random: () => number): number {
    const u = random();
    return u < 0.9 ? row.min + (row.typical - row.min) * (u / 0.9) : row.typical + (row.tail - row.typical) * ((u - 0.9) / 0.1);
}

/** A small deterministic PRNG (mulberry32) so a seed always gives the same figures. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
