// The one way ops tools (npm run fleet, npm run verify) reach a region's Kubernetes API.
//
// Why @kubernetes/client-node: it is the Kubernetes project's maintained JavaScript client, and its KubeConfig
// does what a kubeconfig means — contexts, clusters and users (node_modules/@kubernetes/client-node/dist/
// config_types.js), the cluster CA from `certificate-authority(-data)`, `tls-server-name`, static tokens and
// client certificates (config.js `applyHTTPSOptions`, `applyAuthorizationHeader`), an https.Agent per cluster and
// user (config.js `createAgent`) — so neither tool parses kubeconfigs or builds TLS options itself any more.
// `applyToHTTPSOptions` (config.js) turns the current context into node:https request options; the requests are
// ours, so every call keeps one deadline (connect to last byte), a body-size cap and bounded retries (p-retry) of
// transient failures (network error, timeout, 429, 5xx), and errors name the cluster, method and path. The
// generated API classes (dist/gen/apis) are not used: their proxy operations (CoreV1Api
// `connectPostNamespacedPodProxyWithPath` and the Service one) take no request body, so JSON-RPC cannot go through
// them, and one request path for every call keeps one timeout, retry and error policy.
//
// What it relies on from the platform:
// - AKS kubeconfigs with Entra ID authenticate through kubelogin, an exec credential plugin (Kubernetes docs,
//   "Authenticating" → "client-go credential plugins"; the ExecCredential of "Client Authentication (v1)",
//   kubernetes.io/docs/reference/config-api/client-authentication.v1/, and of v1beta1). The library's own exec
//   runner (dist/exec_auth.js) has no timeout, see exec-credential.ts: users with `exec` are handed to our bounded
//   ExecPluginAuth through the library's `addAuthenticator` hook (dist/config.js) instead.
// - Legacy `auth-provider` users (azure, gcp, oidc) are refused: dist/azure_auth.js and dist/gcp_auth.js run their
//   `cmd-path` with a synchronous `execSync` and no timeout, which would freeze the event loop; AKS replaced the
//   azure auth-provider with kubelogin (`kubelogin convert-kubeconfig`).
// - Besu's JSON-RPC is reached through the API server's proxy subresources, `pods/{name}:{port}/proxy/` and
//   `services/{name}:{port}/proxy/` (Kubernetes API reference, Pod and Service "proxy" operations): the POST goes
//   through unchanged, with our Content-Type application/json.
// - Writes carry `?fieldManager=` so the API server records the tool in managedFields (Kubernetes API reference,
//   "Common Parameters" → fieldManager, optional for non-apply patches; ManagedFieldsEntry: manager, operation
//   Update, subresource `scale`).
import { KubeConfig, type User } from "@kubernetes/client-node";
import https from "node:https";
import pRetry from "p-retry";
import { z } from "zod";
import { ExecPluginAuth, execConfigSchema } from "./exec-credential";
import { podListSchema, scaleSchema, statefulSetListSchema, statusSchema, type Pod, type Scale, type StatefulSet } from "./kube-types";

/** Bounds of every call; each call is at most `(retries + 1)` attempts of `timeoutMs` plus backoff. */
export interface KubeClientOptions {
    /** Per-attempt timeout, connect to last byte. */
    timeoutMs: number;
    /** Extra attempts after a transient failure (network error, timeout, 429, 5xx). */
    retries: number;
    /** First backoff delay; doubles per retry. */
    retryDelayMs: number;
    /** Timeout of the exec credential plugin (kubelogin may call Entra ID). */
    execTimeoutMs: number;
}

/** A failed API call; `transient` failures are retried. The message names the method, URL and answer. */
export class KubeApiError extends Error {
    override readonly name = "KubeApiError";
    constructor(
        message: string,
        readonly status: number | undefined,
        readonly transient: boolean,
    ) {
        super(message);
    }
}

/** One call of a JSON-RPC batch. */
export interface JsonRpcCall {
    method: string;
    params: unknown[];
}

/** One answer of a JSON-RPC batch, in call order. */
export type JsonRpcAnswer = { ok: true; result: unknown } | { ok: false; error: string };

const jsonRpcResponseSchema = z.object({
    id: z.union([z.number(), z.string(), z.null()]),
    result: z.unknown().optional(),
    error: z.object({ code: z.number(), message: z.string() }).nullish(),
});

/** The exec credentials of one run, shared by all its clients (one kubelogin run serves every AKS cluster). */
export class KubeCredentials {
    readonly exec: ExecPluginAuth;
    constructor(execTimeoutMs: number) {
        this.exec = new ExecPluginAuth(execTimeoutMs);
    }
}

/** A request body and its media type. */
export interface KubeBody {
    contentType: string;
    data: string;
}

/** What one request may override: its deadline (verify's --timeout is per check). */
export interface CallOptions {
    timeoutMs?: number;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

interface RawResponse {
    status: number;
    body: string;
}

/**
 * Loads `kubeconfigYaml` with the library and checks it is usable unattended and safely: `source` names it in
 * errors (e.g. `kubeconfig of uksouth`), which never quote the document (it holds credentials).
 */
function loadKubeconfig(kubeconfigYaml: string, source: string, credentials: KubeCredentials): { kc: KubeConfig; server: URL; user: User } {
    const kc = new KubeConfig();
    try {
        kc.loadFromString(kubeconfigYaml);
    } catch (error) {
        // js-yaml's message quotes the offending lines after the first: keep only the first.
        throw new Error(`${source}: not a kubeconfig (${(error as Error).message.split("\n")[0]})`);
    }
    if (kc.getCurrentContext() === undefined && kc.getContexts().length === 1) kc.setCurrentContext(kc.getContexts()[0].name);
    const contextName = kc.getCurrentContext();
    if (!contextName) throw new Error(`${source}: no current-context and ${kc.getContexts().length} contexts`);
    const context = kc.getContextObject(contextName);
    if (context === null) throw new Error(`${source}: current-context "${contextName}" is not among its contexts`);
    const cluster = kc.getCluster(context.cluster);
    if (cluster === null) throw new Error(`${source}: context "${contextName}" names cluster "${context.cluster}", which is not defined`);
    const user = kc.getUser(context.user);
    if (user === null) throw new Error(`${source}: context "${contextName}" names user "${context.user}", which is not defined`);

    let server: URL;
    try {
        server = new URL(cluster.server);
    } catch {
        throw new Error(`${source}: cluster "${context.cluster}" has an invalid server URL`);
    }
    // Bearer tokens go only over verified TLS: no plain http, no skipped verification.
    if (server.protocol !== "https:") throw new Error(`${source}: server ${server.origin} is not https`);
    if (cluster.skipTLSVerify) throw new Error(`${source}: insecure-skip-tls-verify is set; the ops tools always verify the API server`);
    if (user.authProvider) {
        throw new Error(
            `${source}: user "${user.name}" uses the auth-provider "${String(user.authProvider.name)}", which is not supported; convert the kubeconfig to an exec plugin (kubelogin convert-kubeconfig -l azurecli)`,
        );
    }
    if (!user.exec) {
        if (!user.token && !user.certData && !user.certFile) throw new Error(`${source}: user "${user.name}" has no exec plugin, token or client certificate`);
        return { kc, server, user };
    }
    const exec = execConfigSchema.safeParse(user.exec);
    if (!exec.success) {
        const issue = exec.error.issues[0];
        throw new Error(`${source}: user "${user.name}": exec is not a valid ExecConfig (${issue.path.join(".") || "(root)"}: ${issue.message})`);
    }
    // The library's built-in ExecAuth claims every user with `exec` before any added authenticator is asked
    // (config.js applyAuthorizationHeader), so the users it sees have none: ours is then the one that matches.
    const bare: User = { ...user, exec: undefined };
    kc.loadFromOptions({
        clusters: kc.getClusters(),
        contexts: kc.getContexts(),
        users: kc.getUsers().map((entry) => (entry === user ? bare : entry)),
        currentContext: contextName,
    });
    const caPem = cluster.caData ? Buffer.from(cluster.caData, "base64") : undefined;
    credentials.exec.register(bare, exec.data, { server: server.href, caPem, tlsServerName: cluster.tlsServerName }, `cluster ${server.host}`);
    kc.addAuthenticator(credentials.exec);
    return { kc, server, user: bare };
}

/** Kubernetes API of one cluster. Call `close()` when done so idle keep-alive sockets go away. */
export class KubeClient {
    private readonly kc: KubeConfig;
    private readonly server: URL;
    private readonly user: User;
    private readonly agents = new Set<https.Agent>();

    /**
     * Throws (naming `source`) when the kubeconfig cannot be used. `credentials` is shared between the clients
     * of one run. `label` (e.g. the region) starts every error message when given.
     */
    constructor(
        kubeconfigYaml: string,
        source: string,
        private readonly options: KubeClientOptions,
        private readonly credentials: KubeCredentials = new KubeCredentials(options.execTimeoutMs),
        private readonly label?: string,
    ) {
        ({ kc: this.kc, server: this.server, user: this.user } = loadKubeconfig(kubeconfigYaml, source, credentials));
    }

    /** StatefulSets in `namespace` matching `labelSelector`. */
    async getStatefulSets(namespace: string, labelSelector: string): Promise<StatefulSet[]> {
        const list = await this.json("GET", `/apis/apps/v1/namespaces/${enc(namespace)}/statefulsets`, statefulSetListSchema, { labelSelector });
        return list.items;
    }

    /**
     * Sets `spec.replicas` through the `/scale` subresource (a merge patch touches nothing else), as field manager
     * `fieldManager`: the chart leaves replicas unset, so the fleet tool, not Pulumi, owns the field.
     */
    scaleStatefulSet(namespace: string, name: string, replicas: number, fieldManager: string): Promise<Scale> {
        const path = `/apis/apps/v1/namespaces/${enc(namespace)}/statefulsets/${enc(name)}/scale`;
        return this.json(
            "PATCH",
            path,
            scaleSchema,
            { fieldManager },
            { contentType: "application/merge-patch+json", data: JSON.stringify({ spec: { replicas } }) },
        );
    }

    /** Deletes a pod (its StatefulSet recreates it from the current template). */
    async deletePod(namespace: string, name: string): Promise<void> {
        await this.json("DELETE", `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`, z.unknown());
    }

    /** Pods in `namespace` matching `labelSelector`. */
    async listPods(namespace: string, labelSelector: string, call: CallOptions = {}): Promise<Pod[]> {
        const list = await this.json("GET", `/api/v1/namespaces/${enc(namespace)}/pods`, podListSchema, { labelSelector }, undefined, call);
        return list.items;
    }

    /** GETs a non-resource path (e.g. `/readyz`) and returns its body. */
    async getText(path: string, call: CallOptions = {}): Promise<string> {
        return (await this.call("GET", path, {}, undefined, call)).body;
    }

    /**
     * POSTs a JSON-RPC request (one call or a batch, already serialised) through the API server's proxy at
     * `proxyPath` (`…/pods/{pod}:{port}/proxy/` or `…/services/{service}:{port}/proxy/`) and returns the body.
     */
    async postJsonRpc(proxyPath: string, request: string, call: CallOptions = {}): Promise<string> {
        return (await this.call("POST", proxyPath, {}, { contentType: "application/json", data: request }, call)).body;
    }

    /**
     * A JSON-RPC batch POSTed to `pod:port` through the pod proxy: validator RPC has no Service and the
     * NetworkPolicy keeps it in-cluster, so the API server is the way in.
     */
    async proxyJsonRpc(namespace: string, pod: string, port: number, calls: JsonRpcCall[]): Promise<JsonRpcAnswer[]> {
        const path = podProxyPath(namespace, pod, port);
        const batch = calls.map((call, id) => ({ jsonrpc: "2.0", id, method: call.method, params: call.params }));
        const answers = await this.json("POST", path, z.array(jsonRpcResponseSchema), {}, { contentType: "application/json", data: JSON.stringify(batch) });
        return calls.map((call, id): JsonRpcAnswer => {
            const answer = answers.find((candidate) => candidate.id === id);
            if (answer === undefined) return { ok: false, error: `${call.method}: no answer in the batch response` };
            if (answer.error) return { ok: false, error: `${call.method}: JSON-RPC error ${answer.error.code}: ${answer.error.message}` };
            return { ok: true, result: answer.result };
        });
    }

    close(): void {
        for (const agent of this.agents) agent.destroy();
        this.agents.clear();
    }

    private async json<T>(
        method: string,
        path: string,
        schema: z.ZodType<T>,
        query: Record<string, string> = {},
        body?: KubeBody,
        call: CallOptions = {},
    ): Promise<T> {
        const response = await this.call(method, path, query, body, call);
        const what = this.what(method, new URL(path, this.server));
        let json: unknown;
        try {
            json = JSON.parse(response.body);
        } catch {
            throw new KubeApiError(`${what}: HTTP ${response.status} with a body that is not JSON`, response.status, false);
        }
        const checked = schema.safeParse(json);
        if (!checked.success) {
            const issue = checked.error.issues[0];
            throw new KubeApiError(`${what}: unexpected answer (${issue.path.join(".") || "(root)"}: ${issue.message})`, response.status, false);
        }
        return checked.data;
    }

    private what(method: string, url: URL): string {
        return `${this.label === undefined ? "" : `${this.label}: `}${method} ${url.origin}${url.pathname}`;
    }

    private call(method: string, path: string, query: Record<string, string>, body: KubeBody | undefined, call: CallOptions): Promise<RawResponse> {
        const url = new URL(path, this.server);
        for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
        const what = this.what(method, url);
        return pRetry(
            async () => {
                const response = await this.send(method, url, what, body, call.timeoutMs ?? this.options.timeoutMs);
                if (response.status === 401 && this.credentials.exec.isAuthProvider(this.user)) {
                    // The token may have been revoked or expired early: run the plugin again on the retry.
                    this.credentials.exec.invalidate(this.user);
                    throw new KubeApiError(`${what}: HTTP 401 Unauthorized with the exec plugin's token`, 401, true);
                }
                if (response.status < 200 || response.status >= 300) {
                    const transient = response.status === 429 || response.status >= 500;
                    throw new KubeApiError(`${what}: HTTP ${response.status}${detail(response.body)}`, response.status, transient);
                }
                return response;
            },
            {
                retries: this.options.retries,
                minTimeout: this.options.retryDelayMs,
                factor: 2,
                shouldRetry: ({ error }) => error instanceof KubeApiError && error.transient,
            },
        );
    }

    /** Request options from the kubeconfig (CA, server name, token or client certificate, the cached agent). */
    private async requestOptions(what: string): Promise<https.RequestOptions> {
        const opts: https.RequestOptions = {};
        try {
            await this.kc.applyToHTTPSOptions(opts);
        } catch (error) {
            // Not retried: the plugin has its own timeout and a login failure rarely heals in a second.
            throw new KubeApiError(`${what}: ${(error as Error).message}`, undefined, false);
        }
        if (opts.agent instanceof https.Agent) this.agents.add(opts.agent);
        return opts;
    }

    private async send(method: string, url: URL, what: string, body: KubeBody | undefined, timeoutMs: number): Promise<RawResponse> {
        const opts = await this.requestOptions(what);
        const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined), Accept: "application/json, */*" };
        const payload = body === undefined ? undefined : Buffer.from(body.data);
        if (body !== undefined && payload !== undefined) {
            headers["Content-Type"] = body.contentType;
            headers["Content-Length"] = String(payload.length);
        }
        return new Promise((resolve, reject) => {
            let settled = false;
            const fail = (message: string, transient = true) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                request.destroy();
                reject(new KubeApiError(`${what}: ${message}`, undefined, transient));
            };
            const request = https.request(url, { ...opts, method, headers }, (response) => {
                const chunks: Buffer[] = [];
                let size = 0;
                response.on("data", (chunk: Buffer) => {
                    size += chunk.length;
                    if (size > MAX_BODY_BYTES) return fail(`answer larger than ${MAX_BODY_BYTES} bytes`);
                    chunks.push(chunk);
                });
                response.on("error", (error) => fail(error.message));
                response.on("close", () => {
                    if (!response.complete) fail("connection closed mid-answer");
                });
                response.on("end", () => {
                    if (settled) return;
                    settled = true;
                    clearTimeout(timer);
                    resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
                });
            });
            // One deadline for the whole exchange: a server that accepts and never answers is a failure.
            const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
            request.on("error", (error: NodeJS.ErrnoException) => {
                // A certificate that does not verify will not verify on the next attempt either.
                const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(error.code ?? "");
                fail(error.code ? `${error.code} ${error.message}` : error.message, !tls);
            });
            request.end(payload);
        });
    }
}

function enc(segment: string): string {
    return encodeURIComponent(segment);
}

/** The API server's proxy to `port` of a pod (Kubernetes API reference, Pod "proxy" operations). */
export function podProxyPath(namespace: string, pod: string, port: number): string {
    return `/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}:${port}/proxy/`;
}

/** The API server's proxy to `port` of a Service (Kubernetes API reference, Service "proxy" operations). */
export function serviceProxyPath(namespace: string, service: string, port: number): string {
    return `/api/v1/namespaces/${enc(namespace)}/services/${enc(service)}:${port}/proxy/`;
}

/** The `message` of a Kubernetes Status body, or the start of any other body. */
function detail(body: string): string {
    try {
        const status = statusSchema.safeParse(JSON.parse(body));
        if (status.success && status.data.message) return `: ${status.data.message}`;
    } catch {
        // not JSON: fall through
    }
    const text = body.trim().replace(/\s+/g, " ").slice(0, 200);
    return text ? `: ${text}` : "";
}
