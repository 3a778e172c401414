// JSON-RPC 2.0 over HTTP to one Besu node, every call bounded by a timeout, and the two calls the signer exporter
// makes with their results validated: eth_blockNumber and qbft_getSignerMetrics.
//
// qbft_getSignerMetrics (Besu docs, "Private network API methods" › QBFT › qbft_getSignerMetrics; source
// hyperledger/besu consensus/common/.../jsonrpc/AbstractGetSignerMetricsMethod.java and
// ethereum/api/.../results/SignerMetricResult.java): params [fromBlockNumber, toBlockNumber] (block parameters; from is
// inclusive, to exclusive and capped at the head; from < to or INVALID_PARAMS); result an array of
// {address, proposedBlockCount, lastProposedBlockNumber}, the two numbers as hex quantities, one entry per proposer in
// the range plus every validator of the range's last block (count 0x0 when it proposed none). The QBFT API group must
// be enabled on the node (--rpc-http-api QBFT; the chart's validatorApis has it).
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { z } from "zod";

/** A JSON-RPC hex quantity (`0x0`, `0x1f`) as a safe integer. */
const quantity = z
    .string()
    .regex(/^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/, "a hex quantity like 0x1f")
    .transform((hex) => Number.parseInt(hex, 16))
    .refine(Number.isSafeInteger, "beyond 2^53");

const signerMetricSchema = z.object({
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte address"),
    proposedBlockCount: quantity,
    lastProposedBlockNumber: quantity,
});
export type SignerMetric = z.infer<typeof signerMetricSchema>;

const errorSchema = z.object({ code: z.number(), message: z.string() });

/** A JSON-RPC endpoint of one node. */
export interface RpcClient {
    readonly url: string;
    call(method: string, params: unknown[]): Promise<unknown>;
}

/** Rejects with a message naming `what` when `promise` takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The URL to dial: a DNS name is resolved (IPv4) and replaced by its address, so the request's Host header is the
 * node's IP. Besu answers JSON-RPC only for Host values in its allowlist (--host-allowlist; Besu docs, CLI options),
 * and the chart lists the pod IP there, not the pod's DNS name (charts/besu-node/templates/_helpers.tpl hostAllowlist).
 */
async function dialUrl(url: URL, timeoutMs: number): Promise<URL> {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) !== 0) return url;
    const { address } = await within(lookup(host, { family: 4 }), timeoutMs, `resolve ${host}`);
    const dial = new URL(url.href);
    dial.hostname = address;
    return dial;
}

/** A client of `url` (http only: the node's RPC inside the cluster) whose every call takes at most `timeoutMs`. */
export function rpcClient(url: string, timeoutMs: number): RpcClient {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        throw new Error(`signer exporter: RPC URL "${url}" is not a URL`);
    }
    if (parsed.protocol !== "http:") throw new Error(`signer exporter: RPC URL "${url}" must be http://host:port`);
    if (parsed.username !== "" || parsed.password !== "") throw new Error(`signer exporter: RPC URL of ${parsed.hostname} must not carry credentials`);
    let id = 0;
    return {
        url,
        async call(method, params) {
            const dial = await dialUrl(parsed, timeoutMs);
            const response = await fetch(dial, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
                signal: AbortSignal.timeout(timeoutMs),
            }).catch((e: unknown) => {
                // undici says only "fetch failed"; the cause (ECONNREFUSED, timeout…) is what an operator needs.
                const cause = (e as { cause?: { code?: string; message?: string } }).cause;
                throw new Error(`${method} at ${parsed.host}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
            });
            if (!response.ok) throw new Error(`${method} at ${parsed.host}: HTTP ${response.status}`);
            const body = (await response.json()) as Record<string, unknown>;
            if (body["error"] !== undefined) {
                const error = errorSchema.safeParse(body["error"]);
                throw new Error(`${method} at ${parsed.host}: ${error.success ? `${error.data.code} ${error.data.message}` : "malformed error"}`);
            }
            if (!("result" in body)) throw new Error(`${method} at ${parsed.host}: no result in the response`);
            return body["result"];
        },
    };
}

/** The proposer Besu reports for the genesis block (Besu docs, qbft_getSignerMetrics note): not a validator. */
const GENESIS_PROPOSER = "0x0000000000000000000000000000000000000000";

/** What one poll read: the head, the window [fromBlock, toBlock) and each signer's proposals in it. */
export interface SignerSnapshot {
    readonly head: number;
    readonly fromBlock: number;
    readonly toBlock: number;
    readonly signers: readonly SignerMetric[];
}

/** Reads the head and the signer metrics of the `windowBlocks` blocks before it. */
export async function readSigners(client: RpcClient, windowBlocks: number): Promise<SignerSnapshot> {
    const headResult = quantity.safeParse(await client.call("eth_blockNumber", []));
    if (!headResult.success) throw new Error(`eth_blockNumber at ${client.url}: ${z.prettifyError(headResult.error)}`);
    const head = headResult.data;
    const fromBlock = Math.max(0, head - windowBlocks);
    // Besu refuses from >= to (INVALID_PARAMS): at genesis there is no window yet.
    if (fromBlock >= head) return { head, fromBlock, toBlock: head, signers: [] };
    const hex = (n: number) => `0x${n.toString(16)}`;
    const parsed = z.array(signerMetricSchema).safeParse(await client.call("qbft_getSignerMetrics", [hex(fromBlock), hex(head)]));
    if (!parsed.success) throw new Error(`qbft_getSignerMetrics at ${client.url}: ${z.prettifyError(parsed.error)}`);
    const signers = parsed.data.filter((s) => s.address.toLowerCase() !== GENESIS_PROPOSER).map((s) => ({ ...s, address: s.address.toLowerCase() }));
    return { head, fromBlock, toBlock: head, signers };
}
