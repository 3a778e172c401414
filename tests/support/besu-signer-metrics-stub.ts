// A JSON-RPC front for a real anvil that answers the one method anvil lacks, qbft_getSignerMetrics, the way Besu does,
// and forwards every other call (eth_blockNumber…) to anvil unchanged.
//
// Faithful to Besu (hyperledger/besu consensus/common/src/main/java/org/hyperledger/besu/consensus/common/jsonrpc/
// AbstractGetSignerMetricsMethod.java, ethereum/api/.../results/SignerMetricResult.java; Besu docs "Private network
// API methods" › qbft_getSignerMetrics): params [from?, to?] as block parameters, from defaulting to head − 100 (not
// below 0), to defaulting to the head and capped at it, from inclusive and to exclusive, from ≥ to answered with
// INVALID_PARAMS (-32602 "Invalid params"); one entry per proposer of the range plus every validator of the range's
// last block with count 0; numbers as hex quantities; the genesis block's proposer is the zero address.
// Which validator proposed which block is the test's schedule (`proposerOf`), as QBFT's block headers would tell Besu.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export interface SignerMetricsStub {
    readonly url: string;
    /** Calls of qbft_getSignerMetrics received, with their params. */
    readonly calls: unknown[][];
    close(): Promise<void>;
}

async function forward(upstream: string, body: string): Promise<string> {
    const response = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(5000) });
    return response.text();
}

/** Besu's BlockParameter: a number (hex or decimal string), or earliest / latest / pending. */
function blockNumber(param: unknown, head: number): number {
    if (param === "earliest") return 0;
    if (param === "latest" || param === "pending") return head;
    if (typeof param === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(param)) return Number(param);
    throw new Error(`bad block parameter ${JSON.stringify(param)}`);
}

export async function startSignerMetricsStub(
    upstream: string,
    validators: readonly string[],
    proposerOf: (block: number) => string,
): Promise<SignerMetricsStub> {
    const calls: unknown[][] = [];
    const server: Server = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
            void (async () => {
                const request = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
                if (request.method !== "qbft_getSignerMetrics") {
                    res.writeHead(200, { "content-type": "application/json" }).end(await forward(upstream, body));
                    return;
                }
                const params = request.params ?? [];
                calls.push(params);
                const head = Number(
                    (
                        JSON.parse(await forward(upstream, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }))) as {
                            result: string;
                        }
                    ).result,
                );
                const from = params[0] === undefined ? Math.max(0, head - 100) : blockNumber(params[0], head);
                const requestedTo = params[1] === undefined ? head : blockNumber(params[1], head);
                const to = requestedTo <= head ? requestedTo : head;
                const reply = (payload: Record<string, unknown>) =>
                    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: request.id, ...payload }));
                if (from >= to) {
                    reply({ error: { code: -32602, message: "Invalid params" } });
                    return;
                }
                const metrics = new Map<string, { count: number; last: number }>();
                for (let block = from; block < to; block++) {
                    const proposer = block === 0 ? ZERO_ADDRESS : proposerOf(block);
                    const entry = metrics.get(proposer) ?? { count: 0, last: 0 };
                    metrics.set(proposer, { count: entry.count + 1, last: block });
                    if (block === to - 1) for (const v of validators) if (!metrics.has(v)) metrics.set(v, { count: 0, last: 0 });
                }
                const hex = (n: number) => `0x${n.toString(16)}`;
                reply({
                    result: [...metrics].map(([address, m]) => ({ address, proposedBlockCount: hex(m.count), lastProposedBlockNumber: hex(m.last) })),
                });
            })().catch((e: unknown) => res.writeHead(500).end(String(e)));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://localhost:${port}`,
        calls,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}
