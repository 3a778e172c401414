// The one fake Kubernetes API server of the ops tests (fleet and verify): one region's API server over HTTPS on
// 127.0.0.1 with a self-signed certificate (so the real client verifies a CA from the kubeconfig), a bearer token
// that only a fake kubelogin exec plugin hands out, and the paths, query parameters and error bodies of the real
// API server for what the tools use:
//   GET    /readyz                                                     "ok" (text/plain)
//   GET    /apis/apps/v1/namespaces/{ns}/statefulsets?labelSelector=   StatefulSetList
//   PATCH  /apis/apps/v1/namespaces/{ns}/statefulsets/{name}/scale?fieldManager=   merge patch of spec.replicas
//   GET    /api/v1/namespaces/{ns}/pods?labelSelector=&fieldSelector=  PodList
//   DELETE /api/v1/namespaces/{ns}/pods/{name}                         the StatefulSet controller recreates it
//   POST   /api/v1/namespaces/{ns}/pods/{name}[:{port}]/proxy/{path}   JSON-RPC to the node (application/json only)
//   POST   /api/v1/namespaces/{ns}/services/{name}[:{port}]/proxy/{path}   JSON-RPC to a ready endpoint
// Errors are `Status` objects with the API server's codes and reasons; selectors are parsed as the API server
// does (equality, inequality, existence; set-based terms are refused with 400) and a bad one is a 400, never
// ignored, so a client sending the wrong selector sees the wrong objects.
import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { stringify } from "yaml";

/** One Besu node of the region: a single-replica StatefulSet `besu-<name>` with pod `besu-<name>-0`. */
export interface FakeNode {
    name: string;
    role: "validator" | "sentry";
    replicas: number;
    /** Whether its pod passes readiness once it runs. */
    ready: boolean;
    /** The pod's status.phase while it is not ready (default Running: started, readiness failing). */
    phase?: string;
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

/**
 * Who answers JSON-RPC behind the proxy: `target` is `pod/<pod>` or `service/<service>` (already resolved to a
 * running endpoint); returns the response body, or undefined to never answer (a hung node). Default: the fake
 * node itself ({@link FakeNode} heights and peers, the {@link FakeChain}).
 */
export type FakeRpcBackend = (target: string, node: FakeNode, body: string) => Promise<string | undefined>;

/** A self-signed certificate for IP 127.0.0.1, usable as its own CA. */
export interface TestCertificate {
    cert: string;
    key: string;
}

/** Generates a throwaway P-256 certificate for IP 127.0.0.1 with openssl. */
export function makeCertificate(dir: string, name: string): TestCertificate {
    const keyFile = path.join(dir, `${name}.key`);
    const certFile = path.join(dir, `${name}.crt`);
    execFileSync(
        "openssl",
        [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            keyFile,
            "-out",
            certFile,
            "-days",
            "1",
            "-subj",
            `/CN=${name}`,
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
    );
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

/** A stand-in for kubelogin: logs its args, checks KUBERNETES_EXEC_INFO, prints an ExecCredential with $FAKE_TOKEN. */
export function writeExecPlugin(dir: string): string {
    const file = path.join(dir, "fake-kubelogin");
    writeFileSync(
        file,
        `#!/bin/sh
echo "$*" >> "$FAKE_EXEC_LOG"
case "$KUBERNETES_EXEC_INFO" in
  *'"kind":"ExecCredential"'*'"interactive":false'*) ;;
  *) echo "fake-kubelogin: KUBERNETES_EXEC_INFO missing or interactive" >&2; exit 3 ;;
esac
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}\\n' "$FAKE_TOKEN"
`,
    );
    chmodSync(file, 0o755);
    return file;
}

/** An AKS-style Entra ID kubeconfig whose user runs `plugin` (like kubelogin) with `env`. */
export function kubeconfigYaml(region: string, server: string, caPem: string, plugin: string, env: Record<string, string>): string {
    const name = `aks-${region}`;
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        "current-context": name,
        clusters: [{ name, cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
        contexts: [{ name, context: { cluster: name, user: `clusterUser_${name}` } }],
        users: [
            {
                name: `clusterUser_${name}`,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: plugin,
                        args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
                        env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
                        provideClusterInfo: false,
                        interactiveMode: "IfAvailable",
                    },
                },
            },
        ],
    });
}

interface ManagedField {
    manager: string;
    operation: "Update";
    apiVersion: string;
    subresource?: string;
}

interface FakeObject {
    metadata: { name: string; namespace: string; labels: Record<string, string>; managedFields?: ManagedField[] };
}

let nextSeq = 0;

const SELECTOR_LABELS = { "app.kubernetes.io/name": "besu-node", "app.kubernetes.io/instance": "besu", "app.kubernetes.io/part-of": "chain138" };
const NAMESPACE = "besu";
const RPC_SERVICE = "besu-rpc";
const RPC_PORT = 8545;

/** One region's API server. Start it with {@link FakeCluster.start}; `url` is its https address. */
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
    /** Who answers JSON-RPC behind the pod and service proxies. */
    rpc: FakeRpcBackend = async (_target, node, body) => JSON.stringify(jsonRpc(node, JSON.parse(body), this.chain));
    /** managedFields of each StatefulSet, by name, as the API server records them on writes. */
    readonly managedFields = new Map<string, ManagedField[]>();
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
    async start(tls: TestCertificate): Promise<void> {
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
        const answer = await this.route(req, url, body);
        if (answer === undefined) return; // a hung node behind the proxy: the proxy hangs too
        res.writeHead(answer.status, { "Content-Type": answer.contentType ?? "application/json" });
        res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
        this.emit("served", req.method, url.pathname);
    }

    private async route(req: IncomingMessage, url: URL, body: string): Promise<Answer | undefined> {
        // Authentication comes first on a real API server, for every path: a wrong token is a 401 Status.
        if (req.headers.authorization !== `Bearer ${this.token}`) return status(401, "Unauthorized", "Unauthorized");
        if (this.failure === "http500") return status(500, "etcdserver: request timed out", "InternalError");
        const method = req.method ?? "";
        const path = url.pathname;
        if (path === "/readyz") return method === "GET" ? { status: 200, body: "ok", contentType: "text/plain; charset=utf-8" } : methodNotAllowed();

        const collection = /^\/(api\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/(pods|statefulsets)$/.exec(path);
        if (collection) {
            if (method !== "GET") return methodNotAllowed();
            const [, group, ns, resource] = collection;
            if ((resource === "pods") !== (group === "api/v1")) return notFound(path);
            const labels = parseLabelSelector(url.searchParams.get("labelSelector"));
            if (typeof labels === "string") return status(400, `unable to parse requirement: ${labels}`, "BadRequest");
            const fields = parseFieldSelector(url.searchParams.get("fieldSelector"), resource);
            if (typeof fields === "string") return status(400, fields, "BadRequest");
            const all: FakeObject[] = ns !== NAMESPACE ? [] : resource === "pods" ? this.pods() : this.statefulSets();
            const items = all.filter((item) => labels(item.metadata.labels) && fields(item));
            const kind = resource === "pods" ? "PodList" : "StatefulSetList";
            return { status: 200, body: { kind, apiVersion: group === "api/v1" ? "v1" : "apps/v1", metadata: { resourceVersion: "1" }, items } };
        }

        const scale = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/statefulsets\/([^/]+)\/scale$/.exec(path);
        if (scale) {
            if (method !== "PATCH") return methodNotAllowed();
            const name = decodeURIComponent(scale[2]);
            const node = scale[1] === NAMESPACE ? this.nodes.find((candidate) => `besu-${candidate.name}` === name) : undefined;
            if (node === undefined) return status(404, `statefulsets.apps "${name}" not found`, "NotFound");
            if (req.headers["content-type"] !== "application/merge-patch+json")
                return status(
                    415,
                    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
                    "UnsupportedMediaType",
                );
            const replicas = (JSON.parse(body) as { spec?: { replicas?: unknown } }).spec?.replicas;
            if (typeof replicas !== "number") return status(422, "spec.replicas must be a number", "Invalid");
            node.replicas = replicas;
            // Without ?fieldManager= the API server names the manager after the User-Agent.
            const manager = url.searchParams.get("fieldManager") ?? (req.headers["user-agent"] ?? "unknown").split("/")[0];
            const fields = (this.managedFields.get(name) ?? []).filter((field) => field.manager !== manager || field.subresource !== "scale");
            this.managedFields.set(name, [...fields, { manager, operation: "Update", apiVersion: "autoscaling/v1", subresource: "scale" }]);
            return {
                status: 200,
                // autoscaling/v1 ScaleSpec.replicas is `omitempty` (k8s.io/api autoscaling/v1 types.go): a real API server
                // answers a scale to 0 with `spec: {}` (seen against kube-apiserver v1.34 in tests/e2e/kube-client-real.test.ts).
                body: {
                    kind: "Scale",
                    apiVersion: "autoscaling/v1",
                    metadata: { name, namespace: NAMESPACE },
                    spec: replicas === 0 ? {} : { replicas },
                    status: { replicas },
                },
            };
        }

        const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services)\/([^/]+)\/proxy(\/.*)?$/.exec(path);
        if (proxy) return this.proxy(method, req, proxy[1], proxy[2], decodeURIComponent(proxy[3]), body);

        const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
        if (pod) {
            if (method !== "DELETE") return methodNotAllowed();
            const name = decodeURIComponent(pod[2]);
            // The StatefulSet controller recreates the pod from the current template; it is ready a little later.
            const node = pod[1] === NAMESPACE ? this.nodes.find((candidate) => `besu-${candidate.name}-0` === name && candidate.replicas > 0) : undefined;
            if (node === undefined) return status(404, `pods "${name}" not found`, "NotFound");
            node.revision = this.updateRevision;
            node.ready = false;
            node.restarting = 2;
            return { status: 200, body: { kind: "Pod", apiVersion: "v1", metadata: { name, namespace: NAMESPACE } } };
        }
        return notFound(path);
    }

    /** `{name}[:{port}]` of a pod or service: the proxy passes the POST body through to one running endpoint. */
    private async proxy(method: string, req: IncomingMessage, ns: string, resource: string, target: string, body: string): Promise<Answer | undefined> {
        const [name, port = String(RPC_PORT)] = target.split(":");
        let node: FakeNode | undefined;
        if (resource === "pods") {
            node = ns === NAMESPACE ? this.nodes.find((candidate) => `besu-${candidate.name}-0` === name && candidate.replicas > 0) : undefined;
            if (node === undefined) return status(404, `pods "${name}" not found`, "NotFound");
            if (!node.ready) return status(503, `error trying to reach service: pod ${name} is not running`, "ServiceUnavailable");
        } else {
            if (ns !== NAMESPACE || name !== RPC_SERVICE) return status(404, `services "${name}" not found`, "NotFound");
            // The RPC Service selects the region's sentries; only ready pods are endpoints.
            node = this.nodes.find((candidate) => candidate.role === "sentry" && candidate.replicas > 0 && candidate.ready);
            if (node === undefined) return status(503, `no endpoints available for service "${name}"`, "ServiceUnavailable");
        }
        if (port !== String(RPC_PORT))
            return status(503, `error trying to reach service: dial tcp 10.244.1.7:${port}: connect: connection refused`, "ServiceUnavailable");
        if (method !== "POST") return status(405, "Besu JSON-RPC takes POST", "MethodNotAllowed");
        if (node.rpcBroken) return status(502, `error trying to reach service: dial tcp 10.244.1.7:8545: connect: connection refused`, "InternalError");
        // Besu refuses JSON-RPC that does not say it is JSON; the API server passes the header through.
        if (req.headers["content-type"] !== "application/json") return { status: 415, body: "Unsupported Media Type", contentType: "text/plain" };
        const text = await this.rpc(`${resource === "pods" ? "pod" : "service"}/${name}`, node, body);
        return text === undefined ? undefined : { status: 200, body: text };
    }

    private statefulSets(): FakeObject[] {
        const sets = this.nodes.map((node) => ({
            metadata: {
                name: `besu-${node.name}`,
                namespace: NAMESPACE,
                labels: { ...SELECTOR_LABELS, "app.kubernetes.io/component": node.role, "chain138.io/node": node.name },
                managedFields: this.managedFields.get(`besu-${node.name}`) ?? [],
            },
            spec: { replicas: node.replicas },
            status: { replicas: node.replicas, readyReplicas: node.replicas > 0 && node.ready ? 1 : 0, updateRevision: this.updateRevision },
        }));
        // Not the chart's: the label selector must leave it out.
        const other = {
            metadata: { name: "log-shipper", namespace: NAMESPACE, labels: { "app.kubernetes.io/name": "log-shipper" } },
            spec: { replicas: 1 },
            status: { replicas: 1, readyReplicas: 0 },
        };
        return [...sets, other];
    }

    private pods(): FakeObject[] {
        for (const node of this.nodes) {
            if (node.restarting === undefined) continue;
            node.restarting -= 1;
            if (node.restarting <= 0) {
                node.restarting = undefined;
                node.ready = !node.neverReady;
            }
        }
        const pods = this.nodes
            .filter((node) => node.replicas > 0)
            .map((node) => ({
                metadata: {
                    name: `besu-${node.name}-0`,
                    namespace: NAMESPACE,
                    labels: {
                        ...SELECTOR_LABELS,
                        "app.kubernetes.io/component": node.role,
                        "chain138.io/node": node.name,
                        "controller-revision-hash": node.revision ?? "rev-1",
                    },
                },
                status: { phase: node.ready ? "Running" : (node.phase ?? "Running"), conditions: [{ type: "Ready", status: node.ready ? "True" : "False" }] },
            }));
        // Not the chart's, and never ready: a client that lists without the chart's selector counts it.
        const other = {
            metadata: { name: "log-shipper-0", namespace: NAMESPACE, labels: { "app.kubernetes.io/name": "log-shipper" } },
            status: { phase: "Pending", conditions: [{ type: "Ready", status: "False" }] },
        };
        return [...pods, other];
    }
}

interface Answer {
    status: number;
    body: unknown;
    contentType?: string;
}

function status(code: number, message: string, reason: string): Answer {
    return { status: code, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code } };
}

function notFound(path: string): Answer {
    return status(404, `the server could not find the requested resource (${path})`, "NotFound");
}

function methodNotAllowed(): Answer {
    return status(405, "the server does not allow this method on the requested resource", "MethodNotAllowed");
}

/**
 * A label selector as the API server parses it (k8s.io/apimachinery labels.Parse): terms joined by commas, each
 * `key=value`, `key==value`, `key!=value`, `key` or `!key`. Set-based terms (`in`, `notin`) are not needed by the
 * tools, so they are refused rather than half-implemented. Returns the matcher, or why it does not parse.
 */
export function parseLabelSelector(selector: string | null): ((labels: Record<string, string>) => boolean) | string {
    if (selector === null || selector.trim() === "") return () => true;
    const terms: ((labels: Record<string, string>) => boolean)[] = [];
    for (const raw of selector.split(",")) {
        const term = raw.trim();
        const match = /^(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)\s*(?:(==|=|!=)\s*([-A-Za-z0-9_.]*))?$/.exec(term);
        if (match === null) return `"${term}": not an equality-based term`;
        const [, not, key, op, value = ""] = match;
        if (not && op) return `"${term}": ! takes no value`;
        if (op === undefined) terms.push((labels) => key in labels !== Boolean(not));
        else if (op === "!=") terms.push((labels) => labels[key] !== value);
        else terms.push((labels) => labels[key] === value);
    }
    return (labels) => terms.every((term) => term(labels));
}

/** A field selector over the fields the API server supports for pods and StatefulSets (metadata.name, metadata.namespace, pods' status.phase). */
function parseFieldSelector(selector: string | null, resource: string): ((item: FakeObject) => boolean) | string {
    if (selector === null || selector.trim() === "") return () => true;
    const fields: Record<string, (item: FakeObject) => string | undefined> = {
        "metadata.name": (item) => item.metadata.name,
        "metadata.namespace": (item) => item.metadata.namespace,
        ...(resource === "pods" ? { "status.phase": (item: FakeObject) => (item as { status?: { phase?: string } }).status?.phase } : {}),
    };
    const terms: ((item: FakeObject) => boolean)[] = [];
    for (const term of selector.split(",")) {
        const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(term.trim());
        if (match === null) return `invalid selector: '${term}'; can't understand '${term}'`;
        const [, field, op, value] = match;
        const get = fields[field];
        if (get === undefined) return `field label not supported: ${field}`;
        terms.push((item) => (get(item) === value) === (op !== "!="));
    }
    return (item) => terms.every((term) => term(item));
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
            if (typeof address !== "string" || typeof add !== "boolean")
                return { jsonrpc: "2.0", id: call.id, error: { code: -32602, message: "Invalid params" } };
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
