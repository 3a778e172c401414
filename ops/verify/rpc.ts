// JSON-RPC to a Besu node or chain: straight over HTTP (--rpc URLs) or through the Kubernetes API proxy.
import type { KubernetesProbe } from "./kube-probe";

/** Calls one JSON-RPC method; rejects with a message naming the endpoint and method. */
export type RpcCall = (method: string, params: unknown[], timeoutMs: number) => Promise<unknown>;

/** A named JSON-RPC endpoint (`via` says how it is reached, for the report). */
export interface RpcEndpoint {
    call: RpcCall;
    via: string;
}

interface JsonRpcResponse {
    result?: unknown;
    error?: { code?: number; message?: string };
}

function decode(text: string, what: string): unknown {
    let response: JsonRpcResponse;
    try {
        response = JSON.parse(text) as JsonRpcResponse;
    } catch {
        throw new Error(`${what}: not a JSON-RPC response: ${text.trim().slice(0, 120)}`);
    }
    if (response.error !== undefined) throw new Error(`${what}: error ${response.error.code ?? "?"} ${response.error.message ?? ""}`.trim());
    if (!("result" in response)) throw new Error(`${what}: response has no result`);
    return response.result;
}

/** "timed out after N ms" for aborts, else the underlying cause. */
function describeFetchError(error: unknown, timeoutMs: number): string {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") return `timed out after ${timeoutMs} ms`;
    return e.cause?.code ?? e.cause?.message ?? e.message;
}

let nextId = 1;
function body(method: string, params: unknown[]): string {
    return JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params });
}

/** An endpoint at a plain HTTP(S) URL. */
export function httpRpc(url: string): RpcEndpoint {
    return {
        via: url,
        call: async (method, params, timeoutMs) => {
            const what = `${method} at ${url}`;
            let res: Response;
            try {
                res = await fetch(url, {
                    method: "POST",
                    headers: { "content-type": "application/json" },
                    body: body(method, params),
                    signal: AbortSignal.timeout(timeoutMs),
                });
            } catch (error) {
                throw new Error(`${what}: ${describeFetchError(error, timeoutMs)}`);
            }
            let text: string;
            try {
                text = await res.text();
            } catch (error) {
                throw new Error(`${what}: ${describeFetchError(error, timeoutMs)}`);
            }
            if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
            return decode(text, what);
        },
    };
}

/** An endpoint behind the Kubernetes API proxy path `proxyPath` (service or pod proxy). */
export function kubeProxyRpc(probe: KubernetesProbe, proxyPath: string): RpcEndpoint {
    return {
        via: `k8s ${proxyPath}`,
        call: async (method, params, timeoutMs) => decode(await probe.post(proxyPath, body(method, params), timeoutMs), `${method} via ${proxyPath}`),
    };
}

/** Parses a hex quantity result (`0x1a`), naming the method when it is not one. */
export function quantity(value: unknown, method: string): number {
    if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) throw new Error(`${method} returned ${JSON.stringify(value)}, not a hex quantity`);
    return Number.parseInt(value, 16);
}
