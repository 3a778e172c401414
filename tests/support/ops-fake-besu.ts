// A loopback JSON-RPC server that plays many Besu nodes at once (one URL path per node), each told what to
// answer: peers, validator set, a head that advances per eth_blockNumber call or stays put, or no answer at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** How one fake node behaves. */
export interface FakeNode {
    peers: number;
    /** What qbft_getValidatorsByBlockNumber returns (validator nodes). */
    validators: string[];
    /** Head of the first eth_blockNumber call. */
    head: number;
    /** Whether each eth_blockNumber call returns one block more than the last. Default true. */
    advancing?: boolean;
    /** Accept requests and never answer (a hung node). */
    hang?: boolean;
}

/** A running fake: `url(path)` is the JSON-RPC URL of the node registered under `path`. */
export interface FakeBesu {
    url(path: string): string;
    /** JSON-RPC methods each path was asked, in arrival order. */
    readonly calls: Map<string, string[]>;
    /** Answers one JSON-RPC request body for `path` (the fake Kubernetes API proxies here). */
    answer(path: string, body: string): Promise<string | undefined>;
    stop(): Promise<void>;
}

interface RpcRequest {
    id: number;
    method: string;
    params: unknown[];
}

/** Starts the fake on 127.0.0.1 with `nodes` keyed by path (e.g. `eastasia/validator-0`). */
export async function startFakeBesu(nodes: Record<string, FakeNode>): Promise<FakeBesu> {
    const calls = new Map<string, string[]>();
    const heads = new Map<string, number>();
    const hung: ServerResponse[] = [];

    const answer = async (path: string, body: string): Promise<string | undefined> => {
        const node = nodes[path];
        if (node === undefined) return JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32601, message: `no fake node at /${path}` } });
        const request = JSON.parse(body) as RpcRequest;
        calls.set(path, [...(calls.get(path) ?? []), request.method]);
        if (node.hang) return undefined;
        let result: unknown;
        switch (request.method) {
            case "net_peerCount":
                result = `0x${node.peers.toString(16)}`;
                break;
            case "qbft_getValidatorsByBlockNumber":
                result = node.validators;
                break;
            case "eth_blockNumber": {
                const head = heads.has(path) ? heads.get(path)! + (node.advancing === false ? 0 : 1) : node.head;
                heads.set(path, head);
                result = `0x${head.toString(16)}`;
                break;
            }
            default:
                return JSON.stringify({ jsonrpc: "2.0", id: request.id, error: { code: -32601, message: "Method not found" } });
        }
        return JSON.stringify({ jsonrpc: "2.0", id: request.id, result });
    };

    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
            void answer((req.url ?? "/").replace(/^\/+|\/+$/g, ""), body).then((text) => {
                if (text === undefined) {
                    hung.push(res);
                    return;
                }
                res.setHeader("content-type", "application/json");
                res.end(text);
            });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("fake besu: no port");
    return {
        url: (path) => `http://127.0.0.1:${address.port}/${path}`,
        calls,
        answer,
        stop: async () => {
            for (const res of hung) res.destroy();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
