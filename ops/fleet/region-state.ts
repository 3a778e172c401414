// One region's Besu nodes as seen through its Kubernetes API: StatefulSets, pods, block height and peers.
import { BESU_NAMESPACE, BESU_NODE_LABEL, BESU_ROLE_LABEL, BESU_RPC_PORT, BESU_SELECTOR } from "../../stack/names";
import type { KubeClient } from "../shared/kube-client";
import { podIsReady, type Pod, type StatefulSet } from "../shared/kube-types";

/** A node counts as caught up within this many blocks of the fleet head (as `npm run verify`'s default lag). */
export const MAX_LAG_BLOCKS = 5;
/** The field manager of the fleet tool's writes (Kubernetes records it in managedFields). */
export const FLEET_FIELD_MANAGER = "chain138-fleet";

/** One Besu node (one single-replica StatefulSet) and what is known about it. */
export interface NodeStatus {
    /** Node name from the `chain138.io/node` label, e.g. `uksouth-validator-0`. */
    node: string;
    statefulSet: string;
    role: "validator" | "sentry" | "unknown";
    /** spec.replicas: 1 = started, 0 = stopped. */
    replicas: number;
    readyReplicas: number;
    /** The node's pod, when one exists. */
    pod: string | undefined;
    podReady: boolean;
    /** Latest block (eth_blockNumber), when the pod is ready and answered. */
    blockNumber: number | undefined;
    /** Connected peers (net_peerCount), when the pod is ready and answered. */
    peers: number | undefined;
    /** Why the JSON-RPC query of a ready pod failed. */
    rpcError: string | undefined;
    /**
     * The pod runs an older revision of its StatefulSet's template (label controller-revision-hash ≠ the set's
     * status.updateRevision): under updateStrategy OnDelete it restarts onto the new one only when deleted.
     */
    outdated: boolean;
}

/** Whether the node counts as a running validator for the quorum guard: scaled up and ready. */
export function isRunningValidator(node: NodeStatus): boolean {
    return node.role === "validator" && node.replicas >= 1 && node.readyReplicas >= 1;
}

/** Reads the region's Besu StatefulSets and pods; with `rpc`, asks each ready pod for its height and peers. */
export async function readRegionNodes(client: KubeClient, rpc: boolean): Promise<NodeStatus[]> {
    const [sets, pods] = await Promise.all([client.getStatefulSets(BESU_NAMESPACE, BESU_SELECTOR), client.listPods(BESU_NAMESPACE, BESU_SELECTOR)]);
    const nodes = sets.map((set) => nodeOf(set, pods)).sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.node.localeCompare(b.node));
    if (rpc) {
        // One pod at a time within a region; regions themselves run in parallel.
        for (const node of nodes) if (node.pod !== undefined && node.podReady) await queryRpc(client, node, node.pod);
    }
    return nodes;
}

/** Scales every Besu StatefulSet of the region to `replicas`; returns how many needed a change. */
export async function scaleRegion(client: KubeClient, replicas: number): Promise<{ changed: number; total: number }> {
    const sets = await client.getStatefulSets(BESU_NAMESPACE, BESU_SELECTOR);
    if (sets.length === 0) throw new Error(`no StatefulSets match ${BESU_SELECTOR} in namespace ${BESU_NAMESPACE}; is the besu-node chart installed?`);
    const changing = sets.filter((set) => (set.spec.replicas ?? 1) !== replicas);
    await Promise.all(changing.map((set) => client.scaleStatefulSet(BESU_NAMESPACE, set.metadata.name, replicas, FLEET_FIELD_MANAGER)));
    return { changed: changing.length, total: sets.length };
}

function nodeOf(set: StatefulSet, pods: Pod[]): NodeStatus {
    const labels = set.metadata.labels ?? {};
    const node = labels[BESU_NODE_LABEL] ?? set.metadata.name;
    const roleLabel = labels[BESU_ROLE_LABEL];
    const role = roleLabel === "validator" || roleLabel === "sentry" ? roleLabel : "unknown";
    // Single-replica StatefulSet: its only pod is `<name>-0`.
    const pod = pods.find((candidate) => candidate.metadata.name === `${set.metadata.name}-0`);
    const revision = pod?.metadata.labels?.["controller-revision-hash"];
    const updateRevision = set.status?.updateRevision ?? undefined;
    return {
        node,
        statefulSet: set.metadata.name,
        role,
        replicas: set.spec.replicas ?? 1,
        readyReplicas: set.status?.readyReplicas ?? 0,
        pod: pod?.metadata.name,
        podReady: pod !== undefined && podIsReady(pod),
        blockNumber: undefined,
        peers: undefined,
        rpcError: undefined,
        outdated: pod !== undefined && updateRevision !== undefined && revision !== updateRevision,
    };
}

async function queryRpc(client: KubeClient, node: NodeStatus, pod: string): Promise<void> {
    try {
        const [block, peers] = await client.proxyJsonRpc(BESU_NAMESPACE, pod, BESU_RPC_PORT, [
            { method: "eth_blockNumber", params: [] },
            { method: "net_peerCount", params: [] },
        ]);
        const errors: string[] = [];
        if (block.ok) node.blockNumber = quantity(block.result, "eth_blockNumber", errors);
        else errors.push(block.error);
        if (peers.ok) node.peers = quantity(peers.result, "net_peerCount", errors);
        else errors.push(peers.error);
        if (errors.length > 0) node.rpcError = errors.join("; ");
    } catch (error) {
        node.rpcError = (error as Error).message;
    }
}

/** A JSON-RPC QUANTITY ("0x1a") as a number. */
function quantity(value: unknown, method: string, errors: string[]): number | undefined {
    if (typeof value === "string" && /^0x[0-9a-f]+$/i.test(value)) return Number.parseInt(value, 16);
    errors.push(`${method}: answered ${JSON.stringify(value)}, not a hex quantity`);
    return undefined;
}

function roleOrder(role: NodeStatus["role"]): number {
    return role === "validator" ? 0 : role === "sentry" ? 1 : 2;
}
