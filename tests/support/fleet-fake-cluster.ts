// A fake AKS API server for one region (HTTPS on 127.0.0.1): the besu namespace's StatefulSets and pods,
// the /scale subresource, and Besu JSON-RPC behind the pod proxy. Checks the bearer token on every call.
import { EventEmitter } from "node:events";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One Besu node of the region: a single-replica StatefulSet `besu-<name>` with pod `besu-<name>-0`. */
export interface FakeNode {
    name: string;
    role: "validator" | "sentry";
    replicas: number;
    /** Whether its pod passes readiness once it runs. */
    ready: boolean;
    blockNumber: number;
    peers: number;
    /** Its JSON-RPC fails behind the proxy (Besu answers 502 through the API server). */
    rpcBroken?: boolean;
    /** Template revision its pod runs (label controller-revision-hash); default the cluster's first revision. */
    revision?: string;
    /** Pod lists to answer before a restarted pod is ready again. */
    restarting?: number;
    /** Each eth_blockNumber answer is one block higher (a chain that makes blocks). */
    advancing?: boolean;
    /** Set when a restarted pod should never become ready. */
    neverReady?: boolean;
}

/** The chain every fake node reports: its validator set, and the QBFT votes nodes were asked to cast. */
export interface FakeChain {
    validators: string[];
    votes: { node: string; address: string; add: boolean }[];
}

/** How the API server misbehaves: answers 500, or accepts requests and never answers. */
export type FakeFailure = "none" | "http500" | "hang";

export interface FakeRequest {
    method: string;
    path: string;
    /** The query string, `?…` or "". */
    query: string;
    /** Order of arrival across every fake cluster of the process. */
    seq: number;
    contentType: string | undefined;
}

interface FakeStatefulSet {
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: { replicas: number };
    status: { replicas: number; readyReplicas: number };
}

let nextSeq = 0;

const SELECTOR_LABELS = { "app.kubernetes.io/name": "besu-node", "app.kubernetes.io/instance": "besu", "app.kubernetes.io/part-of": "chain138" };

export class FakeCluster extends EventEmitter {
    readonly requests: FakeRequest[] = [];
    readonly nodes: FakeNode[];
    failure: FakeFailure = "none";
    /** Requests wait for this before being answered (to force an order of completion across regions). */
    hold: Promise<void> | undefined;
    /** The chain behind the nodes' qbft_* methods (shared by every region of a fleet). */
    chain: FakeChain = { validators: [], votes: [] };
    /** The StatefulSets' status.updateRevision: set it to a new value to stand for a changed template (OnDelete). */
    updateRevision = "rev-1";
    private server: https.Server | undefined;
    private port = 0;

    constructor(
        readonly region: string,
        private readonly token: string,
        nodes: FakeNode[],
    ) {
        super();
        this.nodes = nodes;
    }

    /** Listens on 127.0.0.1 with `cert`/`key`; resolves once listening. */
    async start(tls: { cert: string; key: string }): Promise<void> {
        const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => void this.handle(req, res));
        this.server = server;
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        this.port = (server.address() as AddressInfo).port;
    }

    get url(): string {
        return `https://127.0.0.1:${this.port}`;
    }

    node(name: string): FakeNode {
        const found = this.nodes.find((node) => node.name === name);
        if (found === undefined) throw new Error(`fake ${this.region}: no node ${name}`);
        return found;
    }

    /** Stops listening and drops every connection (hung ones too); the port then refuses connections. */
    async close(): Promise<void> {
        const server = this.server;
        if (server === undefined) return;
        this.server = undefined;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const body = await readBody(req);
        const url = new URL(req.url ?? "/", "https://fake");
        this.requests.push({ method: req.method ?? "", path: url.pathname, query: url.search, seq: nextSeq++, contentType: req.headers["content-type"] });
        if (this.failure === "hang") return; // never answer; close() drops the socket
        if (this.hold !== undefined) await this.hold;
        const answer = this.route(req, url, body);
        res.writeHead(answer.status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(answer.body));
        this.emit("served", req.method, url.pathname);
    }

    private route(req: IncomingMessage, url: URL, body: string): { status: number; body: unknown } {
        if (req.headers.authorization !== `Bearer ${this.token}`) return status(401, "Unauthorized");
        if (this.failure === "http500") return status(500, "etcdserver: request timed out");
        const path = url.pathname;
        const selector = url.searchParams.get("labelSelector");
        if (req.method === "GET" && path === "/apis/apps/v1/namespaces/besu/statefulsets") {
            return { status: 200, body: { kind: "StatefulSetList", apiVersion: "apps/v1", items: this.statefulSets().filter((set) => matches(set.metadata.labels, selector)) } };
        }
        if (req.method === "GET" && path === "/api/v1/namespaces/besu/pods") {
            return { status: 200, body: { kind: "PodList", apiVersion: "v1", items: this.pods().filter((pod) => matches(pod.metadata.labels, selector)) } };
        }
        const scale = /^\/apis\/apps\/v1\/namespaces\/besu\/statefulsets\/([^/]+)\/scale$/.exec(path);
        if (req.method === "PATCH" && scale) {
            if (req.headers["content-type"] !== "application/merge-patch+json") return status(415, `unsupported media type ${req.headers["content-type"]}`);
            const node = this.nodes.find((candidate) => `besu-${candidate.name}` === decodeURIComponent(scale[1]));
            if (node === undefined) return status(404, `statefulsets.apps "${scale[1]}" not found`);
            const replicas = (JSON.parse(body) as { spec?: { replicas?: unknown } }).spec?.replicas;
            if (typeof replicas !== "number") return status(422, "spec.replicas must be a number");
            node.replicas = replicas;
            return { status: 200, body: { kind: "Scale", apiVersion: "autoscaling/v1", metadata: { name: `besu-${node.name}`, namespace: "besu" }, spec: { replicas }, status: { replicas } } };
        }
        const podPath = /^\/api\/v1\/namespaces\/besu\/pods\/([^/:]+)$/.exec(path);
        if (req.method === "DELETE" && podPath) {
            // The StatefulSet controller recreates the pod from the current template; it is ready a little later.
            const node = this.nodes.find((candidate) => `besu-${candidate.name}-0` === decodeURIComponent(podPath[1]) && candidate.replicas > 0);
            if (node === undefined) return status(404, `pods "${podPath[1]}" not found`);
            node.revision = this.updateRevision;
            node.ready = false;
            node.restarting = 2;
            return { status: 200, body: { kind: "Pod", apiVersion: "v1", metadata: { name: podPath[1] } } };
        }
        const proxy = /^\/api\/v1\/namespaces\/besu\/pods\/([^/:]+):8545\/proxy\/$/.exec(path);
        if (req.method === "POST" && proxy) {
            const node = this.nodes.find((candidate) => `besu-${candidate.name}-0` === proxy[1] && candidate.replicas > 0 && candidate.ready);
            if (node === undefined) return status(503, `error trying to reach service: pod ${proxy[1]} is not running`);
            if (node.rpcBroken) return status(502, `error trying to reach service: dial tcp 10.244.1.7:8545: connect: connection refused`);
            return { status: 200, body: jsonRpc(node, JSON.parse(body), this.chain) };
        }
        return status(404, `the server could not find the requested resource (${req.method} ${path})`);
    }

    private statefulSets(): FakeStatefulSet[] {
        const sets: FakeStatefulSet[] = this.nodes.map((node) => ({
            metadata: { name: `besu-${node.name}`, namespace: "besu", labels: { ...SELECTOR_LABELS, "app.kubernetes.io/component": node.role, "chain138.io/node": node.name } },
            spec: { replicas: node.replicas },
            status: { replicas: node.replicas, readyReplicas: node.replicas > 0 && node.ready ? 1 : 0, updateRevision: this.updateRevision },
        }));
        // Not the chart's: the label selector must leave it out.
        sets.push({ metadata: { name: "log-shipper", namespace: "besu", labels: { "app.kubernetes.io/name": "log-shipper" } }, spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 1 } });
        return sets;
    }

    private pods() {
        for (const node of this.nodes) {
            if (node.restarting === undefined) continue;
            node.restarting -= 1;
            if (node.restarting <= 0) {
                node.restarting = undefined;
                node.ready = !node.neverReady;
            }
        }
        return this.nodes
            .filter((node) => node.replicas > 0)
            .map((node) => ({
                metadata: {
                    name: `besu-${node.name}-0`,
                    namespace: "besu",
                    labels: { ...SELECTOR_LABELS, "app.kubernetes.io/component": node.role, "chain138.io/node": node.name, "controller-revision-hash": node.revision ?? "rev-1" },
                },
                status: { phase: "Running", conditions: [{ type: "Ready", status: node.ready ? "True" : "False" }] },
            }));
    }
}

function status(code: number, message: string): { status: number; body: unknown } {
    return { status: code, body: { kind: "Status", apiVersion: "v1", status: "Failure", message, code } };
}

/** Equality-based selectors only (`a=b,c=d`), which is all the fleet tool sends. */
function matches(labels: Record<string, string>, selector: string | null): boolean {
    if (selector === null || selector === "") return true;
    return selector.split(",").every((term) => {
        const [key, value] = term.split("=");
        return labels[key] === value;
    });
}

function jsonRpc(node: FakeNode, request: unknown, chain: FakeChain): unknown {
    const answer = (call: { id?: unknown; method?: unknown; params?: unknown[] }) => {
        if (call.method === "eth_blockNumber") {
            if (node.advancing) node.blockNumber += 1;
            return { jsonrpc: "2.0", id: call.id, result: `0x${node.blockNumber.toString(16)}` };
        }
        if (call.method === "net_peerCount") return { jsonrpc: "2.0", id: call.id, result: `0x${node.peers.toString(16)}` };
        // Besu's QBFT API (validators serve it): the set at a block, and a vote for the blocks this node proposes.
        if (call.method === "qbft_getValidatorsByBlockNumber" && node.role === "validator") return { jsonrpc: "2.0", id: call.id, result: chain.validators };
        if (call.method === "qbft_proposeValidatorVote" && node.role === "validator") {
            const [address, add] = call.params ?? [];
            if (typeof address !== "string" || typeof add !== "boolean") return { jsonrpc: "2.0", id: call.id, error: { code: -32602, message: "Invalid params" } };
            chain.votes.push({ node: node.name, address, add });
            return { jsonrpc: "2.0", id: call.id, result: true };
        }
        return { jsonrpc: "2.0", id: call.id, error: { code: -32601, message: "Method not found" } };
    };
    return Array.isArray(request) ? request.map(answer) : answer(request as { id?: unknown; method?: unknown });
}

function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}
