// `chain138:clusters`: Kubernetes clusters the operator already has, each a "region" of Chain 138 instead of an AKS
// cluster. Those regions get the same Besu chart, node keys, genesis and peer lists; no Azure resource is made for them.
//
// Platform rules this relies on (each cited where it is used):
// - NodePort range: a Service's nodePort must lie in the API server's --service-node-port-range, 30000-32767 unless
//   the cluster says otherwise (kubernetes.io/docs/concepts/services-networking/service/#type-nodeport; kube-apiserver
//   reference, --service-node-port-range). So each node's P2P port, which is its NodePort, must be in that range.
// - Besu's node allowlist matches an inbound peer on (id, source IP, advertised P2P port) (components/besu/peers.ts),
//   and a node advertises its own --p2p-port: so with NodePorts every node listens on the very port it is reached on
//   (node i of the region on firstPort + i), and the enode URL says that port.
// - A NodePort Service with externalTrafficPolicy Local (which keeps the peer's source IP for that allowlist) answers
//   only on the Kubernetes nodes that run one of its pods (kubernetes.io/docs/tutorials/services/source-ip/, "Source IP
//   for Services with Type=NodePort"). So each Besu node is pinned to the Kubernetes node whose address peers dial.
// - A Service's nodePort is allocated cluster-wide: two Services cannot share one, hence a port per Besu node.
import { z } from "zod";
import { isIpv4 } from "../components/besu/keys";

/** A region name: the same shape as an Azure location (node names are `<region>-validator-<i>`). */
export const OWN_CLUSTER_NAME = /^[a-z][a-z0-9]{1,39}$/;

/** The API server's default NodePort range (kube-apiserver --service-node-port-range). */
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

const ipv4 = z.string().refine(isIpv4, "must be an IPv4 address like 203.0.113.10");

/**
 * How the nodes of a cluster are reached by the other regions' nodes. The address must be reachable from every other
 * region (a public address for clusters in different networks).
 */
export const ownClusterP2pSchema = z.discriminatedUnion("service", [
    z.strictObject({
        /** One NodePort Service per Besu node: node i of the region (validators, then sentries) on `firstPort + i`. */
        service: z.literal("NodePort"),
        /**
         * Per Besu node, in order: the Kubernetes node it runs on (`host`, its kubernetes.io/hostname label) and that node's
         * address every other region can reach (kind: the node container's IP on the shared docker network).
         */
        nodes: z.array(z.strictObject({ host: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a Kubernetes node name"), address: ipv4 })).min(1),
        firstPort: z.number().int().min(1).max(65535).default(30303),
    }),
    z.strictObject({
        /**
         * One LoadBalancer Service per node on an address the operator's load balancer can assign
         * (spec.loadBalancerIP, e.g. MetalLB), one address per node in order: validators, then sentries.
         */
        service: z.literal("LoadBalancer"),
        addresses: z.array(ipv4).min(1),
    }),
]);

export const ownClusterSchema = z.strictObject({
    /** Kubeconfig YAML of the cluster (its current context is used). A credential: the `clusters` key is set with --secret. */
    kubeconfig: z.string().min(1),
    p2p: ownClusterP2pSchema,
    /**
     * The one address the cluster's outbound P2P connections leave from (a NAT gateway). Peers admit this region's nodes
     * arriving from it. Not needed with NodePort when pods leave from their own node's address (the CNI's usual
     * masquerade): each node's enode admits it. Required with LoadBalancer (a load balancer's frontends are not where a
     * cluster's own connections leave from).
     */
    egressAddress: ipv4.optional(),
    /** Storage class of Besu's data volumes. Default: the cluster's default storage class. */
    storageClass: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a Kubernetes storage class name")
        .optional(),
});

export type OwnClusterConfig = z.infer<typeof ownClusterSchema>;

/** One own cluster, validated: where each of its nodes is reached. */
export interface OwnClusterPlan {
    readonly name: string;
    /** Kubeconfig YAML (plain here; the loaded config makes it a secret Output). */
    readonly kubeconfig: string;
    readonly service: "NodePort" | "LoadBalancer";
    /** Per node of the region (validators, then sentries): its P2P address and port, and with NodePort its Kubernetes node. */
    readonly nodes: readonly { readonly address: string; readonly port: number; readonly host?: string }[];
    /** The address peers see this region's outbound connections from (NodePort default: the first node's address). */
    readonly egressAddress: string;
    readonly storageClass?: string;
}

/**
 * Validates `clusters` against the fleet's shape. Problems name the key; values (kubeconfigs) are never quoted.
 * `validatorsPerRegion`/`sentriesPerRegion` give the node count of every region.
 */
export function ownClusterPlans(
    clusters: Record<string, OwnClusterConfig>,
    shape: { validatorsPerRegion: number; sentriesPerRegion: number; p2pPort: number },
    ns: string,
    problems: string[],
): OwnClusterPlan[] {
    const nodeCount = shape.validatorsPerRegion + shape.sentriesPerRegion;
    const plans: OwnClusterPlan[] = [];
    const endpoints = new Map<string, string>();
    // By name: the CLI may hand objects over with keys in any order, and node order follows this order.
    for (const [name, cluster] of Object.entries(clusters).sort(([a], [b]) => a.localeCompare(b))) {
        const key = `${ns}:clusters.${name}`;
        if (!OWN_CLUSTER_NAME.test(name)) {
            problems.push(`${ns}:clusters: "${name}" is not a region name (lowercase letters and digits, 2-40, starting with a letter)`);
            continue;
        }
        let nodes: { address: string; port: number; host?: string }[];
        if (cluster.p2p.service === "NodePort") {
            const { firstPort } = cluster.p2p;
            if (cluster.p2p.nodes.length !== nodeCount) {
                problems.push(
                    `${key}.p2p.nodes: lists ${cluster.p2p.nodes.length} nodes but the region has ${nodeCount} ` +
                        `(${shape.validatorsPerRegion} validators + ${shape.sentriesPerRegion} sentries), one {host, address} each`,
                );
            }
            nodes = cluster.p2p.nodes.map((node, i) => ({ address: node.address, port: firstPort + i, host: node.host }));
            const last = firstPort + nodeCount - 1;
            if (firstPort < DEFAULT_NODE_PORT_RANGE.min || last > DEFAULT_NODE_PORT_RANGE.max) {
                problems.push(
                    `${key}.p2p.firstPort: the region's ${nodeCount} nodes would use NodePorts ${firstPort}-${last}, outside Kubernetes' ` +
                        `default NodePort range ${DEFAULT_NODE_PORT_RANGE.min}-${DEFAULT_NODE_PORT_RANGE.max}`,
                );
            }
        } else {
            const { addresses } = cluster.p2p;
            if (addresses.length !== nodeCount) {
                problems.push(
                    `${key}.p2p.addresses: lists ${addresses.length} addresses but the region has ${nodeCount} nodes ` +
                        `(${shape.validatorsPerRegion} validators + ${shape.sentriesPerRegion} sentries), one address each`,
                );
            }
            nodes = addresses.map((address) => ({ address, port: shape.p2pPort }));
            if (cluster.egressAddress === undefined) {
                problems.push(`${key}.egressAddress: required with p2p.service LoadBalancer: the address this cluster's outbound connections leave from`);
            }
        }
        for (const node of nodes) {
            const endpoint = `${node.address}:${node.port}`;
            const other = endpoints.get(endpoint);
            if (other !== undefined) problems.push(`${key}.p2p: P2P endpoint ${endpoint} is also used by ${other}`);
            else endpoints.set(endpoint, `${ns}:clusters.${name}`);
        }
        plans.push({
            name,
            kubeconfig: cluster.kubeconfig,
            service: cluster.p2p.service,
            nodes,
            egressAddress: cluster.egressAddress ?? (cluster.p2p.service === "NodePort" ? (cluster.p2p.nodes[0]?.address ?? "") : ""),
            storageClass: cluster.storageClass,
        });
    }
    return plans;
}
