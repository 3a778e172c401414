// How verify talks to a region's Kubernetes API: an interface (tests point the real implementation at a
// loopback fake API server) and the real implementation, a `kubectl proxy` on a loopback port.
//
// Why kubectl: AKS kubeconfigs authenticate through the kubelogin exec plugin and pin the cluster CA;
// kubectl runs the plugin, caches the token and verifies the CA, so verify needs no Kubernetes client
// library (none is installed) and never handles a token itself. Why `kubectl proxy` rather than one
// `kubectl get --raw` per call: one process per region instead of one per request (2 cores), and plain
// fetch with our own headers — `kubectl create --raw` sends no Content-Type, which JSON-RPC servers may refuse.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Raw access to one cluster's API server. */
export interface KubernetesProbe {
    /** GETs an API path (e.g. `/readyz`, `/api/v1/namespaces/besu/pods`) and returns the body. */
    get(apiPath: string, timeoutMs: number): Promise<string>;
    /** POSTs a JSON body to an API path (a service or pod proxy) and returns the body. */
    post(apiPath: string, body: string, timeoutMs: number): Promise<string>;
    /** Releases what the probe holds. */
    close(): Promise<void>;
}

/** A probe over plain HTTP to a base URL (a `kubectl proxy`, or a fake API server in tests). */
export class HttpKubernetesProbe implements KubernetesProbe {
    constructor(
        private readonly baseUrl: string,
        private readonly label: string,
    ) {}

    get(apiPath: string, timeoutMs: number): Promise<string> {
        return this.request("GET", apiPath, undefined, timeoutMs);
    }

    post(apiPath: string, body: string, timeoutMs: number): Promise<string> {
        return this.request("POST", apiPath, body, timeoutMs);
    }

    async close(): Promise<void> {}

    private async request(method: string, apiPath: string, body: string | undefined, timeoutMs: number): Promise<string> {
        const what = `${this.label}: ${method} ${apiPath}`;
        let res: Response;
        try {
            res = await fetch(new URL(apiPath, this.baseUrl), {
                method,
                body,
                headers: body === undefined ? {} : { "content-type": "application/json" },
                signal: AbortSignal.timeout(timeoutMs),
            });
        } catch (error) {
            throw new Error(`${what}: ${describeFetchError(error, timeoutMs)}`);
        }
        const text = await res.text();
        if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.trim().slice(0, 200)}`);
        return text;
    }
}

/** "timed out after N ms" for aborts, else the underlying cause. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") return `timed out after ${timeoutMs} ms`;
    return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** Options of {@link startKubectlProxy}. */
export interface KubectlProxyOptions {
    /** Used in errors, e.g. the region. */
    label: string;
    /** kubectl binary. Default `$KUBECTL`, else `kubectl` on PATH. */
    kubectl?: string;
    /** How long kubectl may take to start serving. Default 15 s. */
    startTimeoutMs?: number;
}

/**
 * Starts `kubectl proxy --port=0` with `kubeconfigYaml` (written to a 0600 temp file, removed on close)
 * and returns a probe through it. The proxy listens on 127.0.0.1 only.
 */
export async function startKubectlProxy(kubeconfigYaml: string, options: KubectlProxyOptions): Promise<KubernetesProbe> {
    const dir = mkdtempSync(path.join(tmpdir(), "verify-kube-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml, { mode: 0o600 });
    const kubectl = options.kubectl ?? process.env.KUBECTL ?? "kubectl";
    const child = spawn(kubectl, ["proxy", "--port=0", "--address=127.0.0.1", "--kubeconfig", kubeconfig], { stdio: ["ignore", "pipe", "pipe"] });
    // If verify exits without closing (an uncaught error), still remove the kubeconfig and the proxy.
    const onExit = () => {
        child.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
    };
    process.once("exit", onExit);
    const stop = async (): Promise<void> => {
        process.removeListener("exit", onExit);
        if (child.exitCode === null && child.signalCode === null) {
            const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
            child.kill("SIGTERM");
            await gone;
        }
        rmSync(dir, { recursive: true, force: true });
    };
    try {
        const port = await servingPort(child, options.startTimeoutMs ?? 15_000);
        const probe = new HttpKubernetesProbe(`http://127.0.0.1:${port}`, options.label);
        return { get: (p, t) => probe.get(p, t), post: (p, b, t) => probe.post(p, b, t), close: stop };
    } catch (error) {
        await stop();
        throw new Error(`${options.label}: kubectl proxy: ${(error as Error).message}`);
    }
}

// kubectl prints "Starting to serve on 127.0.0.1:<port>" once it listens.
function servingPort(child: ChildProcess, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => reject(new Error(`did not start serving within ${timeoutMs} ms`)), timeoutMs);
        child.stdout?.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const match = /Starting to serve on [^\s]*:(\d+)/.exec(stdout);
            if (match) {
                clearTimeout(timer);
                resolve(Number(match[1]));
            }
        });
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.once("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`exited with ${code}: ${stderr.trim().split("\n").pop() ?? ""}`));
        });
    });
}
