// The client-go exec credential flow, bounded: run the kubeconfig's plugin (kubelogin), read an ExecCredential.
//
// Why not @kubernetes/client-node's own ExecAuth (node_modules/@kubernetes/client-node/dist/exec_auth.js, 2.0.1,
// `getCredential`): it runs the plugin with an async `child_process.spawn(command, args, {env})` — not a sync
// spawn, but with no timeout and nothing that kills it (a kubelogin waiting on Entra ID would hang the tool and
// outlive it) — leaves the plugin's stdin an open pipe, sets no KUBERNETES_EXEC_INFO, ignores `interactiveMode`,
// starts one plugin per concurrent request (no shared in-flight run), keeps its token cache in each KubeConfig
// (dist/config.js constructor: `new ExecAuth()`) keyed by user name and uses a token up to the second it expires,
// never drops a token the API server rejected, rejects a failed run with bare stderr (no command, no cluster),
// and on bad output rejects with JSON.parse's error, which quotes stdout (the token). So kube-client.ts hides
// `exec` from the users the library sees and hands them to {@link ExecPluginAuth}, registered with
// `KubeConfig.addAuthenticator`, which runs this module: spawn in its own process group, rejected at the
// deadline with the group sent SIGTERM then SIGKILL, a 1 MiB output cap, stdin /dev/null, one run shared by every
// caller and every cluster with the same exec config.
// The protocol is Kubernetes docs, "Authenticating" → "client-go credential plugins" (ExecCredential,
// client.authentication.k8s.io/v1 and v1beta1, KUBERNETES_EXEC_INFO, interactiveMode).
import { spawn } from "node:child_process";
import type { KubeConfig, User } from "@kubernetes/client-node";
import type https from "node:https";
import { z } from "zod";

/** The library's Authenticator interface (config.d.ts `addAuthenticator`; auth.d.ts is not re-exported by its index). */
type Authenticator = Parameters<KubeConfig["addAuthenticator"]>[0];

/** The `users[].user.exec` block of a kubeconfig (client-go's ExecConfig). */
export interface ExecConfig {
    /** ExecCredential API version the plugin speaks, e.g. `client.authentication.k8s.io/v1beta1`. */
    apiVersion: string;
    command: string;
    args: string[];
    /** Extra environment for the plugin, on top of ours. */
    env: { name: string; value: string }[];
    /** Whether the plugin is handed the cluster (server, CA) in KUBERNETES_EXEC_INFO. */
    provideClusterInfo: boolean;
    /** `Never`, `IfAvailable` or `Always`; we never have a terminal, so `Always` cannot work. */
    interactiveMode: string | undefined;
}

/** The exec block as the library keeps it (`User.exec` is the raw YAML object, typed `any`). */
export const execConfigSchema = z
    .object({
        apiVersion: z.string(),
        command: z.string().min(1),
        args: z.array(z.string()).nullish(),
        env: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
        provideClusterInfo: z.boolean().nullish(),
        interactiveMode: z.string().nullish(),
    })
    .transform((exec): ExecConfig => ({
        apiVersion: exec.apiVersion,
        command: exec.command,
        args: exec.args ?? [],
        env: exec.env ?? [],
        provideClusterInfo: exec.provideClusterInfo ?? false,
        interactiveMode: exec.interactiveMode ?? undefined,
    }));

/** What a plugin may print (an ExecCredential is a few KiB); more is a failure, not a memory problem. */
const MAX_PLUGIN_OUTPUT = 1024 * 1024;
/** How long a timed-out plugin has between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 1000;

/** API versions of ExecCredential we speak (v1alpha1 was removed from client-go in 1.24). */
const SUPPORTED_API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

/** What the plugin returned: a bearer token or a client certificate, and when it expires. */
export type ExecCredential = ({ kind: "token"; token: string } | { kind: "clientCertificate"; certPem: Buffer; keyPem: Buffer }) & {
    expiresAt: Date | undefined;
};

/** The cluster as handed to plugins with `provideClusterInfo: true`. */
export interface ExecClusterInfo {
    server: string;
    caPem: Buffer | undefined;
    tlsServerName: string | undefined;
}

const credentialSchema = z.object({
    apiVersion: z.string(),
    kind: z.literal("ExecCredential"),
    status: z.object({
        token: z.string().nullish(),
        clientCertificateData: z.string().nullish(),
        clientKeyData: z.string().nullish(),
        expirationTimestamp: z.string().nullish(),
    }),
});

/**
 * Runs `exec.command` with its args and env (plus ours and KUBERNETES_EXEC_INFO, as client-go does) and
 * parses its stdout. `who` names the cluster in errors. stdout carries the token and is never quoted.
 */
export function runExecPlugin(exec: ExecConfig, cluster: ExecClusterInfo, who: string, timeoutMs: number): Promise<ExecCredential> {
    if (!SUPPORTED_API_VERSIONS.includes(exec.apiVersion)) {
        return Promise.reject(new Error(`${who}: exec plugin apiVersion "${exec.apiVersion}" is not supported (${SUPPORTED_API_VERSIONS.join(", ")})`));
    }
    // We run unattended with no terminal: a plugin that insists on one (device-code login) cannot work.
    if (exec.interactiveMode === "Always") {
        return Promise.reject(
            new Error(
                `${who}: exec plugin ${exec.command} needs an interactive terminal; convert the kubeconfig to a non-interactive login (kubelogin convert-kubeconfig -l azurecli)`,
            ),
        );
    }
    const env = pluginEnv(exec, cluster);
    return new Promise((resolve, reject) => {
        // Its own process group (detached: setsid), so that on timeout the plugin and whatever it started
        // (kubelogin → az) go together; the deadline rejects at once, whether or not they heed SIGTERM or keep
        // our pipes open. (execFile would not do: it passes no `detached` on to spawn.)
        const child = spawn(exec.command, exec.args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        let settled = false;
        let stdout = "";
        let stderr = "";
        const fail = (why: string) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            reject(new Error(`${who}: exec plugin ${exec.command} failed: ${why}`));
        };
        const killGroup = (signal: NodeJS.Signals) => {
            try {
                if (child.pid !== undefined) process.kill(-child.pid, signal);
            } catch {
                // already gone
            }
        };
        const collect = (append: (text: string) => void) => (chunk: string) => {
            append(chunk);
            if (stdout.length + stderr.length > MAX_PLUGIN_OUTPUT) {
                killGroup("SIGKILL");
                fail(`printed more than ${MAX_PLUGIN_OUTPUT} bytes`);
            }
        };
        child.stdout.setEncoding("utf8");
        child.stderr.setEncoding("utf8");
        child.stdout.on(
            "data",
            collect((text) => (stdout += text)),
        );
        child.stderr.on(
            "data",
            collect((text) => (stderr += text)),
        );
        const timer = setTimeout(() => {
            killGroup("SIGTERM");
            // A grace period to exit cleanly (kubelogin may be writing its token cache), then no choice.
            setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS).unref();
            child.stdout.destroy();
            child.stderr.destroy();
            fail(`no answer within ${timeoutMs} ms`);
        }, timeoutMs);
        child.on("error", (error: NodeJS.ErrnoException) => fail(error.code === "ENOENT" ? `${exec.command} is not on PATH` : error.message));
        child.on("close", (code, signal) => {
            if (settled) return;
            if (code !== 0) return fail(`exit ${String(code ?? signal)}: ${stderr.trim().slice(-500) || "no stderr"}`);
            settled = true;
            clearTimeout(timer);
            try {
                resolve(parseCredential(stdout, exec.apiVersion, `${who}: exec plugin ${exec.command}`));
            } catch (parseError) {
                reject(parseError);
            }
        });
    });
}

/** The plugin's environment: ours, the kubeconfig's `env`, and KUBERNETES_EXEC_INFO (never interactive). */
function pluginEnv(exec: ExecConfig, cluster: ExecClusterInfo): NodeJS.ProcessEnv {
    const spec: Record<string, unknown> = { interactive: false };
    if (exec.provideClusterInfo) {
        spec.cluster = {
            server: cluster.server,
            ...(cluster.caPem ? { "certificate-authority-data": cluster.caPem.toString("base64") } : {}),
            ...(cluster.tlsServerName ? { "tls-server-name": cluster.tlsServerName } : {}),
        };
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const { name, value } of exec.env) env[name] = value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion, kind: "ExecCredential", spec });
    return env;
}

function parseCredential(stdout: string, apiVersion: string, who: string): ExecCredential {
    let json: unknown;
    try {
        json = JSON.parse(stdout);
    } catch {
        throw new Error(`${who}: printed something that is not JSON (an ExecCredential was expected)`);
    }
    const checked = credentialSchema.safeParse(json);
    if (!checked.success) throw new Error(`${who}: printed JSON that is not an ExecCredential with a status`);
    const { status } = checked.data;
    if (checked.data.apiVersion !== apiVersion) {
        throw new Error(`${who}: answered apiVersion ${checked.data.apiVersion}, the kubeconfig asked for ${apiVersion}`);
    }
    let expiresAt: Date | undefined;
    if (status.expirationTimestamp) {
        expiresAt = new Date(status.expirationTimestamp);
        if (Number.isNaN(expiresAt.getTime())) throw new Error(`${who}: expirationTimestamp "${status.expirationTimestamp}" is not a date`);
    }
    if (status.token) return { kind: "token", token: status.token, expiresAt };
    if (status.clientCertificateData && status.clientKeyData) {
        return { kind: "clientCertificate", certPem: Buffer.from(status.clientCertificateData), keyPem: Buffer.from(status.clientKeyData), expiresAt };
    }
    throw new Error(`${who}: ExecCredential has neither status.token nor clientCertificateData/clientKeyData`);
}

/**
 * One cluster's credential: the plugin runs once and its answer is reused until shortly before it
 * expires or until the API server rejects it (`invalidate`); concurrent callers share one run.
 */
export class ExecCredentialCache {
    private pending: Promise<ExecCredential> | undefined;

    constructor(
        private readonly fetch: () => Promise<ExecCredential>,
        private readonly now: () => number = Date.now,
    ) {}

    get(): Promise<ExecCredential> {
        const pending = this.pending;
        if (pending !== undefined) {
            return pending.then((credential) => (this.fresh(credential) ? credential : this.refresh(pending)));
        }
        return this.refresh(undefined);
    }

    /** Drops `credential` so the next `get` runs the plugin again (after a 401). */
    invalidate(): void {
        this.pending = undefined;
    }

    private fresh(credential: ExecCredential): boolean {
        // Renew a little early so a token does not expire between here and the API server.
        return credential.expiresAt === undefined || credential.expiresAt.getTime() - 30_000 > this.now();
    }

    private refresh(stale: Promise<ExecCredential> | undefined): Promise<ExecCredential> {
        if (this.pending !== stale) return this.get();
        const next = this.fetch();
        this.pending = next;
        // A failed run is not cached: the next call tries again.
        next.catch(() => {
            if (this.pending === next) this.pending = undefined;
        });
        return next;
    }
}

/**
 * The library side of the exec flow: `KubeConfig` asks each registered authenticator whether it serves a user
 * and lets it fill in the request options. Credentials are cached by what the plugin is given, as client-go keys
 * its exec authenticators, so one plugin run serves every cluster with the same exec config (all AKS clusters
 * share kubelogin's server id: 24 regions need one login, not 24).
 */
export class ExecPluginAuth implements Authenticator {
    private readonly caches = new Map<string, ExecCredentialCache>();
    private readonly users = new Map<User, ExecCredentialCache>();

    constructor(private readonly timeoutMs: number) {}

    /** Registers `user` (whose `exec` the library must not see) as served by `exec` against `cluster`. */
    register(user: User, exec: ExecConfig, cluster: ExecClusterInfo, who: string): void {
        // The cluster is part of the key only when the plugin is told about it.
        const key = JSON.stringify([exec, exec.provideClusterInfo ? [cluster.server, cluster.caPem?.toString("base64"), cluster.tlsServerName] : null]);
        let cache = this.caches.get(key);
        if (cache === undefined) {
            cache = new ExecCredentialCache(() => runExecPlugin(exec, cluster, who, this.timeoutMs));
            this.caches.set(key, cache);
        }
        this.users.set(user, cache);
    }

    isAuthProvider(user: User): boolean {
        return this.users.has(user);
    }

    async applyAuthentication(user: User, opts: https.RequestOptions): Promise<void> {
        const credential = await this.users.get(user)!.get();
        if (credential.kind === "token") opts.headers = { ...opts.headers, Authorization: `Bearer ${credential.token}` };
        else [opts.cert, opts.key] = [credential.certPem, credential.keyPem];
    }

    /** Drops `user`'s credential so the next request runs the plugin again (after a 401). */
    invalidate(user: User): void {
        this.users.get(user)?.invalidate();
    }
}
