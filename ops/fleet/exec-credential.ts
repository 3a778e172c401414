// The client-go exec credential flow: run the kubeconfig's plugin (kubelogin), read an ExecCredential.
import { execFile } from "node:child_process";
import { z } from "zod";
import type { ExecConfig } from "./kubeconfig";

/** API versions of ExecCredential we speak (v1alpha1 was removed from client-go in 1.24). */
const SUPPORTED_API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

/** What the plugin returned: a bearer token or a client certificate, and when it expires. */
export type ExecCredential = (
    | { kind: "token"; token: string }
    | { kind: "clientCertificate"; certPem: Buffer; keyPem: Buffer }
) & { expiresAt: Date | undefined };

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
            new Error(`${who}: exec plugin ${exec.command} needs an interactive terminal; convert the kubeconfig to a non-interactive login (kubelogin convert-kubeconfig -l azurecli)`),
        );
    }
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

    return new Promise((resolve, reject) => {
        const child = execFile(exec.command, exec.args, { env, timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
            if (error !== null) {
                const code = (error as NodeJS.ErrnoException).code;
                const why =
                    code === "ENOENT"
                        ? `${exec.command} is not on PATH`
                        : error.killed
                          ? `no answer within ${timeoutMs} ms`
                          : `exit ${String(code)}: ${stderr.trim().slice(-500) || "no stderr"}`;
                return reject(new Error(`${who}: exec plugin ${exec.command} failed: ${why}`));
            }
            try {
                resolve(parseCredential(stdout, exec.apiVersion, `${who}: exec plugin ${exec.command}`));
            } catch (parseError) {
                reject(parseError);
            }
        });
        child.stdin?.end();
    });
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
