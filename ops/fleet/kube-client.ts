// A small typed Kubernetes API client for the fleet tool: node:https, the cluster's CA, exec-plugin tokens.
import https from "node:https";
import pRetry from "p-retry";
import { z } from "zod";
import { ExecCredentialCache, runExecPlugin, type ExecCredential } from "./exec-credential";
import type { ClusterAccess } from "./kubeconfig";
import { podListSchema, scaleSchema, statefulSetListSchema, statusSchema, type Pod, type Scale, type StatefulSet } from "./kube-types";

/** Bounds of every call; each call is at most `(retries + 1)` attempts of `timeoutMs` plus backoff. */

/** The field manager of the fleet tool's writes (Kubernetes records it in managedFields). */
export const FLEET_FIELD_MANAGER = "chain138-fleet";

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

/** Exec credential caches keyed by what the plugin is given, as client-go keys its exec authenticators. */
export class ExecCredentialPool {
    private readonly caches = new Map<string, ExecCredentialCache>();

    for(access: ClusterAccess, timeoutMs: number): ExecCredentialCache {
        if (access.auth.kind !== "exec") throw new Error("ExecCredentialPool.for needs an exec user");
        const exec = access.auth.exec;
        const info = { server: access.server.href, caPem: access.caPem, tlsServerName: access.tlsServerName };
        // The cluster is part of the key only when the plugin is told about it.
        const key = JSON.stringify([exec, exec.provideClusterInfo ? [info.server, info.caPem?.toString("base64"), info.tlsServerName] : null]);
        let cache = this.caches.get(key);
        if (cache === undefined) {
            cache = new ExecCredentialCache(() => runExecPlugin(exec, info, `cluster ${access.server.host}`, timeoutMs));
            this.caches.set(key, cache);
        }
        return cache;
    }
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

interface RawResponse {
    status: number;
    body: string;
}

/** Kubernetes API of one cluster. Call `close()` when done so idle keep-alive sockets go away. */
export class KubeClient {
    private readonly agent: https.Agent;
    private readonly credentials: ExecCredentialCache | undefined;

    /**
     * `credentials` is shared between the clients of one run: like client-go, one plugin run serves every
     * cluster with the same exec config (all AKS clusters share kubelogin's server id, so 24 regions
     * need one login, not 24).
     */
    constructor(
        private readonly access: ClusterAccess,
        private readonly options: KubeClientOptions,
        credentials: ExecCredentialPool = new ExecCredentialPool(),
    ) {
        this.agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: access.caPem, servername: access.tlsServerName });
        if (access.auth.kind === "exec") this.credentials = credentials.for(access, options.execTimeoutMs);
    }

    /** StatefulSets in `namespace` matching the equality-based `labelSelector`. */
    async getStatefulSets(namespace: string, labelSelector: string): Promise<StatefulSet[]> {
        const query = new URLSearchParams({ labelSelector });
        const list = await this.call("GET", `/apis/apps/v1/namespaces/${enc(namespace)}/statefulsets?${query}`, statefulSetListSchema);
        return list.items;
    }

    /**
     * Sets `spec.replicas` through the `/scale` subresource (a merge patch touches nothing else), as field manager
     * {@link FLEET_FIELD_MANAGER}: the chart leaves replicas unset, so this tool, not Pulumi, owns the field.
     */
    scaleStatefulSet(namespace: string, name: string, replicas: number): Promise<Scale> {
        const query = new URLSearchParams({ fieldManager: FLEET_FIELD_MANAGER });
        const path = `/apis/apps/v1/namespaces/${enc(namespace)}/statefulsets/${enc(name)}/scale?${query}`;
        return this.call("PATCH", path, scaleSchema, { contentType: "application/merge-patch+json", data: { spec: { replicas } } });
    }

    /** Deletes a pod (its StatefulSet recreates it from the current template), as field manager of the fleet tool. */
    async deletePod(namespace: string, name: string): Promise<void> {
        await this.call("DELETE", `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`, z.unknown());
    }

    /** Pods in `namespace` matching `labelSelector`. */
    async listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
        const query = new URLSearchParams({ labelSelector });
        const list = await this.call("GET", `/api/v1/namespaces/${enc(namespace)}/pods?${query}`, podListSchema);
        return list.items;
    }

    /**
     * A JSON-RPC batch POSTed to `pod:port` through the API server's pod proxy: validator RPC has no
     * Service and the NetworkPolicy keeps it in-cluster, so the API server is the way in.
     */
    async proxyJsonRpc(namespace: string, pod: string, port: number, calls: JsonRpcCall[]): Promise<JsonRpcAnswer[]> {
        const path = `/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}:${port}/proxy/`;
        const batch = calls.map((call, id) => ({ jsonrpc: "2.0", id, method: call.method, params: call.params }));
        const answers = await this.call("POST", path, z.array(jsonRpcResponseSchema), { contentType: "application/json", data: batch });
        return calls.map((call, id): JsonRpcAnswer => {
            const answer = answers.find((candidate) => candidate.id === id);
            if (answer === undefined) return { ok: false, error: `${call.method}: no answer in the batch response` };
            if (answer.error) return { ok: false, error: `${call.method}: JSON-RPC error ${answer.error.code}: ${answer.error.message}` };
            return { ok: true, result: answer.result };
        });
    }

    close(): void {
        this.agent.destroy();
    }

    private call<T>(method: string, path: string, schema: z.ZodType<T>, body?: { contentType: string; data: unknown }): Promise<T> {
        const url = new URL(path, this.access.server);
        const what = `${method} ${url.origin}${url.pathname}`;
        return pRetry(
            async () => {
                const credential = await this.credential();
                const response = await this.send(method, url, credential, body);
                if (response.status === 401 && this.credentials !== undefined) {
                    // The token may have been revoked or expired early: run the plugin again on the retry.
                    this.credentials.invalidate();
                    throw new KubeApiError(`${what}: HTTP 401 Unauthorized with the exec plugin's token`, 401, true);
                }
                if (response.status < 200 || response.status >= 300) {
                    const transient = response.status === 429 || response.status >= 500;
                    throw new KubeApiError(`${what}: HTTP ${response.status}${detail(response.body)}`, response.status, transient);
                }
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
            },
            {
                retries: this.options.retries,
                minTimeout: this.options.retryDelayMs,
                factor: 2,
                shouldRetry: ({ error }) => error instanceof KubeApiError && error.transient,
            },
        );
    }

    private async credential(): Promise<ExecCredential | undefined> {
        if (this.credentials === undefined) return undefined;
        try {
            return await this.credentials.get();
        } catch (error) {
            // Not retried here: the plugin has its own timeout and a login failure rarely heals in a second.
            throw new KubeApiError((error as Error).message, undefined, false);
        }
    }

    private send(method: string, url: URL, credential: ExecCredential | undefined, body: { contentType: string; data: unknown } | undefined): Promise<RawResponse> {
        const what = `${method} ${url.origin}${url.pathname}`;
        const headers: Record<string, string> = { Accept: "application/json" };
        const auth = this.access.auth;
        let cert: Buffer | undefined;
        let key: Buffer | undefined;
        if (credential?.kind === "token") headers.Authorization = `Bearer ${credential.token}`;
        if (credential?.kind === "clientCertificate") [cert, key] = [credential.certPem, credential.keyPem];
        if (auth.kind === "token") headers.Authorization = `Bearer ${auth.token}`;
        if (auth.kind === "clientCertificate") [cert, key] = [auth.certPem, auth.keyPem];
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body.data));
        if (body !== undefined && payload !== undefined) {
            headers["Content-Type"] = body.contentType;
            headers["Content-Length"] = String(payload.length);
        }
        const timeoutMs = this.options.timeoutMs;
        return new Promise((resolve, reject) => {
            let settled = false;
            const fail = (message: string, transient = true) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                request.destroy();
                reject(new KubeApiError(`${what}: ${message}`, undefined, transient));
            };
            const request = https.request(
                url,
                { method, headers, agent: this.agent, ca: this.access.caPem, servername: this.access.tlsServerName, cert, key },
                (response) => {
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
                },
            );
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
