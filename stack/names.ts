// Names the program creates in every region's cluster and its tools (verify, fleet) look up there.
// One module so the two cannot drift; tests/unit/stack-names.test.ts renders the real chart with helm and
// checks that these names find what it creates.

/** The besu-node chart's release and namespace in every validator region. */
export const BESU_RELEASE = "besu";
export const BESU_NAMESPACE = "besu";

/** AKS node pool names (the inline profile's `name`, an AgentPool's `agentPoolName`) per role in a validator region. */
export const POOL_NAMES = { system: "system", validator: "validators", sentry: "sentries" } as const;

/**
 * Node label and taint key that pin each role's pods to its pool: the program puts `<key>=<role>` on every pool
 * (components/cluster.ts), the chart selects and tolerates it (charts/besu-node/values.yaml `scheduling`), and the
 * policy pack reads it off the pools.
 */
export const POOL_ROLE_LABEL = "chain138.io/role";

/** Ports of every Besu node (charts/besu-node/values.yaml `p2p.port`, `rpc.httpPort`, `metrics.port`). */
export const BESU_P2P_PORT = 30303;
export const BESU_RPC_PORT = 8545;
export const BESU_METRICS_PORT = 9545;

/** Labels the chart puts on every node's StatefulSet and pod (charts/besu-node/templates/_helpers.tpl). */
export const BESU_LABELS = { "app.kubernetes.io/name": "besu-node", "app.kubernetes.io/part-of": "chain138" } as const;
/** A labelSelector matching every Besu node of the release (Kubernetes "Labels and Selectors": `k=v,k=v` is AND). */
export const BESU_SELECTOR = Object.entries(BESU_LABELS)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
/** The label holding a node's role, `validator` or `sentry`. */
export const BESU_ROLE_LABEL = "app.kubernetes.io/component";
/** The label holding a node's name (`<region>-validator-<i>`), on its StatefulSet and pod. */
export const BESU_NODE_LABEL = "chain138.io/node";

/** The ClusterIP Service in front of the sentries' JSON-RPC (chart helper `besu-node.rpcServiceName`). */
export const BESU_RPC_SERVICE = `${BESU_RELEASE}-rpc`;

/** A node's StatefulSet: `<release>-<node>` (chart helper `besu-node.nodeName`). */
export function besuStatefulSetName(nodeName: string): string {
    return `${BESU_RELEASE}-${nodeName}`;
}

/** A node's only pod: StatefulSet pods are `<statefulset>-<ordinal>` (StatefulSet docs, "Pod Identity"), one replica. */
export function besuPodName(nodeName: string): string {
    return `${besuStatefulSetName(nodeName)}-0`;
}

/** The internal load balancer in front of the sentries' JSON-RPC (chart template service-rpc-internal.yaml). */
export const BESU_RPC_INTERNAL_SERVICE = `${BESU_RPC_SERVICE}-internal`;
/** The attester service's HTTP port (attester/config.ts default), on its region's internal load balancer. */
export const ATTESTER_PORT = 8547;
/** Host number of a region's attester in its internal-lb /28 (the RPC endpoint is .4). */
export const ATTESTER_LB_HOST = 5;
/** The subnet of every VNet that holds its internal load balancers' static IPs (RPC in the regions, remote-write in the hub). */
export const LB_SUBNET = "internal-lb";
/** The public JSON-RPC gateway (chart template rpc-gateway.yaml): Deployment, Service, ConfigMap, NetworkPolicy. */
export const BESU_RPC_GATEWAY = `${BESU_RELEASE}-rpc-gateway`;
/** The gateway's TLS Secret (kubernetes.io/tls, created by Pulumi). */
export const BESU_RPC_TLS_SECRET = `${BESU_RELEASE}-rpc-tls`;
/** The operator's publicly trusted certificate for the gateway's host name (kubernetes.io/tls, created by Pulumi). */
export const BESU_RPC_PUBLIC_TLS_SECRET = `${BESU_RELEASE}-rpc-public-tls`;
/** The public endpoint's port (HTTPS). */
export const RPC_PUBLIC_PORT = 443;

/** Azure resource names of a region's cluster and its network: `<kind>-chain138-<environment>-<region>` (rg, aks, vnet, …). */
export function azureName(kind: string, environment: string, region: string): string {
    return `${kind}-chain138-${environment}-${region}`;
}

/** Default prefix of BesuNetwork's per-region resource group holding the static P2P and egress IPs. */
export const P2P_RESOURCE_GROUP_PREFIX = "chain138-p2p";

/** BesuNetwork's resource group of `region`'s static public IPs: `<prefix>-<region>`. */
export function p2pResourceGroupName(region: string, prefix: string = P2P_RESOURCE_GROUP_PREFIX): string {
    return `${prefix}-${region}`;
}
/** BesuNetwork's resource group of `region`'s node-key vault: `chain138-keys-<region>` (nothing else lives there). */
export function keyVaultResourceGroupName(region: string): string {
    return `chain138-keys-${region}`;
}
/** Namespace of the regional metrics agent in every validator region. */
export const AGENT_NAMESPACE = "chain138-monitoring";

/**
 * Scrape job names of the regional agent; the admin region's alert rules and dashboards select series by them
 * (monitoring/rules/chain138.rules.yaml, monitoring/dashboards/*.json).
 */
export const MONITORING_JOBS = {
    besu: "chain138-besu",
    kubelet: "kubelet",
    cadvisor: "cadvisor",
    kubeletResource: "kubelet-resource",
    /** The signer exporter (ops/signer-exporter): qbft_getSignerMetrics per validator. */
    signers: "chain138-signers",
} as const;

/** Pod labels of the signer exporter (components/monitoring/signer-exporter.ts), which the agent's job keeps. */
export const SIGNER_EXPORTER_LABELS = { "app.kubernetes.io/name": "signer-exporter", "app.kubernetes.io/part-of": "chain138" } as const;

/** Labels the agent adds to every series: which region, which Besu role and node (monitoring/rules use them). */
export const MONITORING_LABELS = { region: "region", role: "role", node: "node", podReady: "pod_ready", kubernetesNode: "kubernetes_node" } as const;

/** TCP port of the admin region's remote-write receiver (the authenticating proxy in front of Prometheus). */
export const REMOTE_WRITE_PORT = 9091;
/** Path of Prometheus's remote-write receiver (`--web.enable-remote-write-receiver`). */
export const REMOTE_WRITE_PATH = "/api/v1/write";

/** The hub peerings (components/hub-peering.ts): `hub-peering-<region>-to-hub` and `hub-peering-<region>-from-hub`. */
export const HUB_PEERING_PREFIX = "hub-peering";
