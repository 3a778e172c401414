// HTTP client for one Etherscan-compatible explorer API: form-encoded POST / query GET, the API key
// kept out of every message, and throttling answers retried with exponential backoff (p-retry).
import pRetry from "p-retry";
import { isRateLimit, answerText, type ApiAnswer } from "./answers";
import { maskUrl, redact } from "./redact";
import type { ExplorerConfig } from "./types";

/** Backoff for throttled or transiently failing requests. */
export interface RetryPolicy {
    /** Retries after the first attempt (default 6). */
    retries: number;
    /** First delay in ms, doubled per retry (default 2000). */
    minTimeoutMs: number;
    /** Longest delay in ms (default 30000). */
    maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, minTimeoutMs: 2_000, maxTimeoutMs: 30_000 };

/** A failure worth another attempt: throttling, HTTP 429/5xx, a dropped connection, a slow answer. */
class TransientError extends Error {}

/** The explorer kept answering "Max rate limit reached" after every retry. */
export class RateLimitedError extends Error {}

/** Talks to one explorer API. */
export class ExplorerClient {
    constructor(
        readonly chain: string,
        private readonly config: ExplorerConfig,
        private readonly retry: RetryPolicy = DEFAULT_RETRY,
        /** Bound on a single HTTP request, in ms (default 30000). */
        private readonly requestTimeoutMs = 30_000,
    ) {}

    /** The API URL as it may be printed (no key). */
    get displayUrl(): string {
        return maskUrl(this.config.apiUrl);
    }

    /** GET with query parameters (reads: getsourcecode, checkverifystatus, …). */
    get(params: Record<string, string>, signal: AbortSignal): Promise<ApiAnswer> {
        return this.withRetry("GET", params, signal);
    }

    /** POST as a form (verifysourcecode: the standard-JSON input is far too long for a URL). */
    post(params: Record<string, string>, signal: AbortSignal): Promise<ApiAnswer> {
        return this.withRetry("POST", params, signal);
    }

    private withRetry(method: "GET" | "POST", params: Record<string, string>, signal: AbortSignal): Promise<ApiAnswer> {
        const what = `${this.chain} explorer ${params.module ?? ""}.${params.action ?? ""}`;
        return pRetry(
            async () => {
                const answer = await this.once(method, params, signal);
                if (isRateLimit(answer)) throw new RateLimitedError(`${what}: still throttled after ${this.retry.retries} retries ("${answerText(answer)}")`);
                return answer;
            },
            {
                retries: this.retry.retries,
                minTimeout: this.retry.minTimeoutMs,
                maxTimeout: this.retry.maxTimeoutMs,
                factor: 2,
                randomize: true,
                signal,
                shouldRetry: ({ error }) => error instanceof TransientError || error instanceof RateLimitedError,
            },
        );
    }

    private async once(method: "GET" | "POST", params: Record<string, string>, signal: AbortSignal): Promise<ApiAnswer> {
        const url = new URL(this.config.apiUrl);
        // Etherscan V2 serves every chain from one endpoint and picks the chain by `chainid`.
        if (!url.searchParams.has("chainid")) url.searchParams.set("chainid", String(this.config.chainId));
        const fields = new URLSearchParams(params);
        if (this.config.apiKey !== undefined) fields.set("apikey", this.config.apiKey);
        let body: string | undefined;
        if (method === "GET") for (const [k, v] of fields) url.searchParams.set(k, v);
        else body = fields.toString();

        const where = `${this.chain} explorer (${maskUrl(url.toString())})`;
        const scrub = (text: string): string => redact(text, [this.config.apiKey]);
        let response: Response;
        try {
            response = await fetch(url, {
                method,
                headers: method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : undefined,
                body,
                signal: AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]),
            });
        } catch (error) {
            if (signal.aborted) throw signal.reason;
            const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
            throw new TransientError(scrub(`${where}: request failed: ${why}`));
        }
        const text = await response.text();
        if (response.status === 429 || response.status >= 500) {
            throw new TransientError(scrub(`${where}: HTTP ${response.status}: ${text.slice(0, 200)}`));
        }
        if (!response.ok) throw new Error(scrub(`${where}: HTTP ${response.status}: ${text.slice(0, 200)}`));
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch {
            throw new Error(scrub(`${where}: answered non-JSON: ${text.slice(0, 200)}`));
        }
        if (typeof parsed !== "object" || parsed === null || !("status" in parsed) || !("result" in parsed)) {
            throw new Error(scrub(`${where}: not an Etherscan-style answer: ${text.slice(0, 200)}`));
        }
        const p = parsed as { status: unknown; message?: unknown; result: unknown };
        return { status: String(p.status), message: typeof p.message === "string" ? p.message : "", result: p.result };
    }
}
