// Bounded retries with exponential backoff and jitter for RPC reads and sends (p-retry).
import pRetry from "p-retry";
import { isCallException } from "ethers";
import { isTransientRpcError } from "../contracts/providers/rpc";

/** Per-request HTTP timeout of every relayer RPC request (relayer/chain.ts): a hung connection becomes a retryable error. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Longest delay a Node timer keeps (2^31-1 ms); a longer one fires after 1 ms (Node docs, "setTimeout"). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Retry budget shared by every retried operation. */
export interface RetryPolicy {
    retries: number;
    minTimeoutMs: number;
    signal: AbortSignal;
    log: (line: string) => void;
}

/** An error retrying cannot fix (a contract revert, a misconfiguration). */
export class PermanentError extends Error {
    override readonly name = "PermanentError";
}

/** A state the relayer waits out by trying again (a transaction still pending, a delivery not yet mined). */
export class RetryableError extends Error {
    override readonly name = "RetryableError";
}

/** Revert data carried by an ethers error, if the node returned any. */
export function revertDataOf(err: unknown): string | undefined {
    if (isCallException(err) && typeof err.data === "string" && err.data !== "0x") return err.data;
    const inner = (err as { info?: { error?: { data?: unknown } } }).info?.error?.data;
    return typeof inner === "string" && inner.startsWith("0x") && inner !== "0x" ? inner : undefined;
}

/**
 * Whether retrying may help: our own waits yes, our own permanent errors no, and a JSON-RPC failure as the
 * contract providers classify it (rate limits, timeouts, dropped connections yes; reverts, insufficient funds,
 * nonce errors and anything unrecognised no — a lane whose delivery fails pauses and tries again later).
 */
export function isTransient(err: unknown): boolean {
    if (err instanceof PermanentError) return false;
    if (err instanceof RetryableError) return true;
    return revertDataOf(err) === undefined && isTransientRpcError(err);
}

/** Short one-line description of an error for logs (never includes request bodies, which may hold signed txs). */
export function describe(err: unknown): string {
    if (err instanceof Error) {
        const code = (err as { code?: unknown }).code;
        const short = (err as { shortMessage?: unknown }).shortMessage;
        const text = typeof short === "string" ? short : err.message.split("\n")[0];
        return typeof code === "string" ? `${code}: ${text}` : text;
    }
    return String(err);
}

/**
 * Worst-case wall time of one {@link withRetry} whose attempts each end within `attemptMs` (the HTTP timeout for a
 * single request): every attempt times out and every backoff draws p-retry's largest jitter, capped as below.
 */
export function retryBoundMs(policy: Pick<RetryPolicy, "retries" | "minTimeoutMs">, attemptMs: number): number {
    let backoff = 0;
    for (let n = 0; n < policy.retries; n++) backoff += Math.min(2 * policy.minTimeoutMs * 2 ** n, policy.minTimeoutMs * 32);
    return (policy.retries + 1) * attemptMs + backoff;
}

/**
 * Runs `fn` until it succeeds, retrying transient failures up to `policy.retries` times (bound: {@link retryBoundMs}).
 * A transient RPC failure that outlasts the retries comes back as a {@link RetryableError} that says what failed
 * (`what`: the chain, its redacted endpoint and the operation), with the node's error as its cause: the transport's
 * own message names at most a host and port. Anything else (our own errors, reverts with their data) is rethrown as is.
 */
export async function withRetry<T>(what: string, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
    let attempts = 0;
    try {
        return await retried(what, policy, () => {
            attempts += 1;
            return fn();
        });
    } catch (err) {
        if (err instanceof PermanentError || err instanceof RetryableError || policy.signal.aborted || !isTransient(err)) throw err;
        throw new RetryableError(`${what} failed after ${attempts} attempt(s): ${describe(err)}`, { cause: err });
    }
}

function retried<T>(what: string, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
    return pRetry(fn, {
        retries: policy.retries,
        minTimeout: policy.minTimeoutMs,
        maxTimeout: policy.minTimeoutMs * 32,
        factor: 2,
        randomize: true,
        signal: policy.signal,
        shouldRetry: ({ error }) => isTransient(error),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            if (isTransient(error) && retriesLeft > 0) {
                policy.log(`retry: ${what} failed (attempt ${attemptNumber}, ${retriesLeft} left): ${describe(error)}`);
            }
        },
    });
}
