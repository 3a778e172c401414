// Chain access for the contract providers: one JsonRpcProvider per chain, every call through p-limit
// (bounded in-flight RPC calls per chain) and p-retry (exponential backoff with jitter on transient faults).
//
// This module is serialised into Pulumi state with the providers (pulumi.runtime.serializeFunction), so:
// npm packages that the serialiser cannot capture (ESM-only p-retry/p-limit) are `require`d at call time,
// and shared state lives on globalThis under Symbol.for keys — each dynamic resource's provider is
// deserialised separately, but they all run in one process and must share one limiter and one cache.
//
// Every wait here and in the relayer is bounded: docs/bounds.md lists each with its attempts, per-attempt
// timeout and total deadline ({@link rpcCallBoundMs} is the unit the provider bounds are counted in).
import type { LimitFunction } from "p-limit";
import { FetchRequest, JsonRpcProvider, Network, makeError, type FetchGetUrlFunc, type GetUrlResponse } from "ethers";

/** Which chain an operation targets; `name` is what error messages say. */
export interface ChainTarget {
    readonly name: string;
    readonly rpcUrl: string;
    readonly chainId: number;
    /** The chain's node minimum gas price (decimal wei); senders' fees clear it (contracts/fees.ts). Default 0. */
    readonly minGasPriceWei?: string;
    /**
     * PEM certificate(s) an https `rpcUrl` must chain to, instead of Node's public roots: the fleet's own RPC endpoint
     * presents a certificate of the stack's private CA (components/rpc-tls.ts). Default: the public roots.
     */
    readonly caCertificate?: string;
}

/** The chain fields every single-chain provider's inputs carry (ContractDeployment, SuiteGovernance). */
export interface ChainInputs {
    chainName: string;
    rpcUrl: string;
    rpcCaCertificate?: string;
    chainId: number;
    minGasPriceWei?: string;
}

/** The {@link ChainTarget} of a provider's chain inputs. */
export function chainTargetOf(inputs: ChainInputs): ChainTarget {
    return {
        name: inputs.chainName,
        rpcUrl: inputs.rpcUrl,
        chainId: inputs.chainId,
        minGasPriceWei: inputs.minGasPriceWei,
        caCertificate: inputs.rpcCaCertificate,
    };
}

/** Tuning of RPC access (defaults suit both a public endpoint and a local chain). */
export const RPC_DEFAULTS = {
    /** In-flight JSON-RPC calls per chain. */
    concurrency: 8,
    /** Retries of one call on a transient fault (so at most retries + 1 attempts). */
    retries: 6,
    minDelayMs: 100,
    maxDelayMs: 4000,
    /** HTTP timeout of one JSON-RPC request: connect to the last body byte (see {@link boundedGetUrl}). */
    requestTimeoutMs: 15000,
    /** Largest response body accepted; a bigger one fails the attempt instead of filling memory. */
    maxResponseBytes: 64 * 1024 * 1024,
} as const;

/**
 * An HTTP(S) transport for ethers' FetchRequest that ends every request within `timeoutMs` and `maxBytes`, and
 * closes its socket when it gives up. ethers' own (utils/geturl) uses `request.setTimeout`, an idle timeout that a
 * trickling endpoint never trips, rejects on it without destroying the request, so each timed-out attempt against
 * an endpoint that holds connections open leaves a socket behind, and buffers bodies of any size.
 * Shared by the providers (client()) and the relayer (relayer/chain.ts).
 */
export function boundedGetUrl(timeoutMs: number, maxBytes: number, caCertificate?: string): FetchGetUrlFunc {
    return (req, signal) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time: see the header
        const http = require(req.url.startsWith("https:") ? "node:https" : "node:http") as typeof import("node:http");
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time: see the header
        const { gunzipSync } = require("node:zlib") as typeof import("node:zlib");
        return new Promise<GetUrlResponse>((resolve, reject) => {
            // `ca` replaces Node's root store for this request (tls.createSecureContext), so only that CA is trusted.
            const request = http.request(req.url, {
                method: req.method,
                headers: { ...req.headers },
                ...(caCertificate === undefined ? {} : { ca: caCertificate }),
            });
            // Declared before `fail` uses it: Pulumi's closure serialiser rejects a use ahead of the declaration.
            let timer: ReturnType<typeof setTimeout> | undefined = undefined;
            const fail = (error: Error): void => {
                clearTimeout(timer);
                request.destroy();
                reject(error);
            };
            timer = setTimeout(() => fail(makeError(`request timeout (${timeoutMs} ms)`, "TIMEOUT")), timeoutMs);
            signal?.addListener(() => fail(makeError("request cancelled", "CANCELLED")));
            request.on("error", fail);
            request.once("response", (res) => {
                const chunks: Buffer[] = [];
                let size = 0;
                res.on("data", (chunk: Buffer) => {
                    size += chunk.length;
                    if (size > maxBytes) fail(makeError(`response body larger than ${maxBytes} bytes`, "SERVER_ERROR"));
                    else chunks.push(chunk);
                });
                res.on("error", fail);
                res.on("end", () => {
                    clearTimeout(timer);
                    try {
                        const raw = Buffer.concat(chunks);
                        const body = res.headers["content-encoding"] === "gzip" && size > 0 ? gunzipSync(raw) : raw;
                        const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
                        resolve({
                            statusCode: res.statusCode ?? 0,
                            statusMessage: res.statusMessage ?? "",
                            headers,
                            body: size > 0 ? new Uint8Array(body) : null,
                        });
                    } catch (error) {
                        reject(makeError("bad response data", "SERVER_ERROR", { info: { error } }));
                    }
                });
            });
            if (req.body !== null) request.write(Buffer.from(req.body));
            request.end();
        });
    };
}

/**
 * Worst-case wall time of one {@link rpcCall} once it holds a concurrency slot: every attempt runs to the HTTP
 * timeout and every backoff draws p-retry's largest jitter (2 × minDelay × 2^n, capped at maxDelay). Against an
 * endpoint that refuses connections the attempts fail at once and only the backoff sum remains.
 */
export function rpcCallBoundMs(): number {
    let backoff = 0;
    for (let n = 0; n < RPC_DEFAULTS.retries; n++) backoff += Math.min(2 * RPC_DEFAULTS.minDelayMs * 2 ** n, RPC_DEFAULTS.maxDelayMs);
    return (RPC_DEFAULTS.retries + 1) * RPC_DEFAULTS.requestTimeoutMs + backoff;
}

/**
 * How long a call waits for one of the chain's {@link RPC_DEFAULTS.concurrency} slots before it fails: four calls' full
 * bound, so a queue behind calls that each use their whole bound still drains, and a longer queue fails instead of
 * waiting (and holding its closure's memory) for ever.
 */
export function rpcSlotWaitMs(): number {
    return 4 * rpcCallBoundMs();
}

/**
 * Runs `run` in one of `c`'s p-limit slots, or rejects once `waitMs` passed without one (p-limit queues without a
 * bound of its own). A call given up is skipped when its slot comes, so it never runs late.
 */
function withinSlot<T>(c: ChainClient, waitMs: number, run: () => Promise<T>): Promise<T> {
    let started = false;
    let abandoned = false;
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
            if (started) return;
            abandoned = true;
            reject(new Error(`waited ${waitMs} ms for one of ${c.limit.concurrency} RPC slots (${c.limit.activeCount} busy, ${c.limit.pendingCount} queued)`));
        }, waitMs);
        timer.unref?.();
        c.limit(async () => {
            if (abandoned) return undefined as T;
            started = true;
            clearTimeout(timer);
            return run();
        }).then(resolve, reject);
    });
}

/** One client per chain id, URL and trusted CA. */
function clientKey(target: ChainTarget): string {
    return `${target.chainId}@${target.rpcUrl}${target.caCertificate === undefined ? "" : `#ca:${target.caCertificate.length}:${target.caCertificate.slice(-64)}`}`;
}

interface ChainClient {
    provider: JsonRpcProvider;
    limit: LimitFunction;
    retriesObserved: number;
}

function clients(): Map<string, ChainClient> {
    const g = globalThis as Record<symbol, unknown>;
    watchEngine();
    return (g[Symbol.for("chain138.contracts.rpcClients")] ??= new Map<string, ChainClient>()) as Map<string, ChainClient>;
}

/** How often the provider process checks that the engine that started it is still there. */
export const ENGINE_WATCH_INTERVAL_MS = 2000;

/**
 * Inside Pulumi's dynamic-provider process: exit once the engine that started it is gone. A SIGKILLed `pulumi up`
 * (an OOM kill, a cancelled CI job) leaves its plugins running; this process would keep retrying RPC calls to
 * chains that are long gone. The engine is our parent (the launcher execs node), so a changed parent pid means it
 * died and we were re-parented. Started on the first RPC use (module top-level code does not survive the SDK's
 * closure serialisation); the timer is unref'd, so it never keeps a process alive by itself.
 */
export function watchEngine(): void {
    const g = globalThis as Record<symbol, unknown>;
    const key = Symbol.for("chain138.engineWatchdog");
    if (g[key] !== undefined || !process.argv.some((arg) => arg.includes("dynamic-provider"))) return;
    const engine = process.ppid;
    const timer = setInterval(() => {
        if (process.ppid === engine) return;
        process.stderr.write(`dynamic provider ${process.pid}: the Pulumi engine (pid ${engine}) is gone; exiting\n`);
        process.exit(1);
    }, ENGINE_WATCH_INTERVAL_MS);
    timer.unref();
    g[key] = timer;
}

/** An RPC URL safe to print: scheme, host and port only (no user info, path or query, where API keys live). */
export function redactRpcUrl(rpcUrl: string): string {
    try {
        const url = new URL(rpcUrl);
        const hidden = url.username !== "" || url.password !== "" || (url.pathname !== "/" && url.pathname !== "") || url.search !== "";
        return `${url.protocol}//${url.host}${hidden ? "/…" : ""}`;
    } catch {
        return "<unparseable RPC URL>";
    }
}

/**
 * Writes a provider log line: to the sink a test installed, else to stderr, which the engine shows as
 * the provider's diagnostics (a dynamic provider process has no engine log connection).
 */
export function providerLog(line: string): void {
    const g = globalThis as Record<symbol, unknown>;
    const sink = g[Symbol.for("chain138.contracts.log")];
    if (typeof sink === "function") {
        (sink as (line: string) => void)(line);
        return;
    }
    process.stderr.write(`${line}\n`);
}

/**
 * One HTTP request per call, ending (socket closed) within `timeoutMs`, body capped ({@link boundedGetUrl}). Without
 * maxAttempts 1 ethers retries a 429 itself, up to 12 times with delays of up to 250 ms × 2^attempt (minutes,
 * invisible and without jitter); the callers' retry policies (rpcCall here, withRetry in the relayer) do it instead.
 */
export function boundedFetchRequest(url: string, timeoutMs: number, caCertificate?: string): FetchRequest {
    const request = new FetchRequest(url);
    request.timeout = timeoutMs;
    request.getUrlFunc = boundedGetUrl(timeoutMs, RPC_DEFAULTS.maxResponseBytes, caCertificate);
    request.setThrottleParams({ maxAttempts: 1 });
    return request;
}

function client(target: ChainTarget): ChainClient {
    const key = clientKey(target);
    let found = clients().get(key);
    if (found === undefined) {
        const request = boundedFetchRequest(target.rpcUrl, RPC_DEFAULTS.requestTimeoutMs, target.caCertificate);
        const network = Network.from(target.chainId);
        const provider = new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
        provider.pollingInterval = 250;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only, required at call time: see the header
        const pLimit = (require("p-limit") as typeof import("p-limit")).default;
        found = { provider, limit: pLimit(RPC_DEFAULTS.concurrency), retriesObserved: 0 };
        clients().set(key, found);
    }
    return found;
}

/** The chain's JsonRpcProvider (shared; do not destroy). Prefer {@link rpcCall}, which retries. */
export function chainProvider(target: ChainTarget): JsonRpcProvider {
    return client(target).provider;
}

/** How many transient faults were retried on `target` in this process (for tests and logs). */
export function retriesObserved(target: ChainTarget): number {
    return clients().get(clientKey(target))?.retriesObserved ?? 0;
}

/** Whether an ethers error carries revert data from the node (a contract said no). */
function hasRevertData(error: unknown): boolean {
    const e = error as { data?: unknown; info?: { error?: { data?: unknown } } } | null;
    const data = typeof e?.data === "string" ? e.data : e?.info?.error?.data;
    return typeof data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(data);
}

function errorText(error: unknown, depth = 0): string {
    if (depth > 4 || error === null || error === undefined) return "";
    if (typeof error !== "object") return String(error);
    const e = error as Record<string, unknown>;
    const parts = [String(e["code"] ?? ""), String(e["message"] ?? ""), String(e["shortMessage"] ?? "")];
    const info = e["info"] as Record<string, unknown> | undefined;
    const nested = [e["cause"], e["error"], info?.["error"], info?.["responseStatus"], info?.["responseBody"]];
    return [...parts, ...nested.map((n) => errorText(n, depth + 1))].join(" ");
}

/**
 * Whether `error` is a fault worth retrying: rate limits, timeouts, dropped connections, -32005. The one classifier
 * of JSON-RPC failures, for the contract providers and the relayer (relayer/retry.ts). Final: revert data, a revert,
 * nonce and fee refusals, insufficient funds — and anything unrecognised. Not CALL_EXCEPTION as such: ethers v6
 * turns every failed eth_call/eth_estimateGas into a CALL_EXCEPTION (providers/provider-jsonrpc.ts `getRpcError` →
 * AbiCoder `getBuiltinCallException`, "missing revert data" when the node sent none), so a rate-limited read arrives
 * as CALL_EXCEPTION with the node's -32005 in `info.error`.
 */
export function isTransientRpcError(error: unknown): boolean {
    if (hasRevertData(error)) return false;
    const text = errorText(error);
    if (/nonce too low|replacement (transaction )?underpriced|insufficient funds|execution reverted/i.test(text)) return false;
    return /\b429\b|too many requests|rate limit|-32005|limit exceeded|TIMEOUT|timed? ?out|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|UND_ERR_SOCKET|other side closed|fetch failed|NETWORK_ERROR|\b50[234]\b|bad gateway|service unavailable|missing response/i.test(
        text,
    );
}

/**
 * Runs one RPC operation against `target` under the chain's concurrency limit, retrying transient
 * faults with exponential backoff and jitter. `label` names the operation in the final error.
 */
export async function rpcCall<T>(
    target: ChainTarget,
    label: string,
    fn: (provider: JsonRpcProvider) => Promise<T>,
    options: { slotWaitMs?: number } = {},
): Promise<T> {
    const c = client(target);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only, required at call time: see the header
    const pRetry = (require("p-retry") as typeof import("p-retry")).default;
    try {
        return await withinSlot(c, options.slotWaitMs ?? rpcSlotWaitMs(), () =>
            pRetry(() => fn(c.provider), {
                retries: RPC_DEFAULTS.retries,
                factor: 2,
                minTimeout: RPC_DEFAULTS.minDelayMs,
                maxTimeout: RPC_DEFAULTS.maxDelayMs,
                randomize: true,
                shouldRetry: ({ error }) => isTransientRpcError(error),
                onFailedAttempt: ({ error }) => {
                    if (isTransientRpcError(error)) c.retriesObserved += 1;
                },
            }),
        );
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(
            `chain ${target.name} (${redactRpcUrl(target.rpcUrl)}): ${label} failed: ${message.split(target.rpcUrl).join(redactRpcUrl(target.rpcUrl))}`,
            {
                cause: error,
            },
        );
    }
}

/** Fails unless the node at `target.rpcUrl` serves `target.chainId` (checked once per chain per process). */
export async function assertChainId(target: ChainTarget): Promise<void> {
    const g = globalThis as Record<symbol, unknown>;
    const checked = (g[Symbol.for("chain138.contracts.chainIdChecked")] ??= new Set<string>()) as Set<string>;
    const key = `${target.chainId}@${target.rpcUrl}`;
    if (checked.has(key)) return;
    const reported = await rpcCall(target, "eth_chainId", (p) => p.send("eth_chainId", []) as Promise<string>);
    if (BigInt(reported) !== BigInt(target.chainId)) {
        throw new Error(
            `chain ${target.name}: the RPC endpoint ${redactRpcUrl(target.rpcUrl)} serves chain id ${BigInt(reported)}, config says ${target.chainId}`,
        );
    }
    checked.add(key);
}
