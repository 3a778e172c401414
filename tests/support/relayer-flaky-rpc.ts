// A loopback JSON-RPC proxy in front of a node that counts requests by method and can fail some of
// them: HTTP 429, a JSON-RPC "limit exceeded" error, a dropped connection before forwarding, or a
// dropped connection after forwarding (the node acted, the client never hears back — the nastiest
// case for a sender).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = "none" | "429" | "rpc-error" | "drop" | "drop-after-forward";

export interface FlakyRpcOptions {
    /** Fault for the n-th request (0-based) and its JSON-RPC methods; default: never fail. */
    fault?: (n: number, methods: readonly string[]) => Fault;
    /** Milliseconds to hold the n-th request before handling it (a slow node); default: none. */
    delayMs?: (n: number, methods: readonly string[]) => number;
}

export interface FlakyRpc {
    url: string;
    /** Forwarded requests per JSON-RPC method (batch entries counted one by one). */
    readonly counts: Map<string, number>;
    /** Faults injected so far, by kind. */
    readonly faults: Map<Fault, number>;
    close(): Promise<void>;
}

function parseRequests(body: string): { method: string; id: unknown }[] {
    try {
        const parsed = JSON.parse(body) as { method?: unknown; id?: unknown } | { method?: unknown; id?: unknown }[];
        const list = Array.isArray(parsed) ? parsed : [parsed];
        return list.map((r) => ({ method: typeof r.method === "string" ? r.method : "?", id: r.id ?? null }));
    } catch {
        return [{ method: "?", id: null }];
    }
}

async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
}

/** Starts the proxy on a free 127.0.0.1 port in front of `target`. */
export async function startFlakyRpc(target: string, opts: FlakyRpcOptions = {}): Promise<FlakyRpc> {
    const counts = new Map<string, number>();
    const faults = new Map<Fault, number>();
    let n = 0;
    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        const body = await readBody(req);
        const requests = parseRequests(body);
        const methods = requests.map((r) => r.method);
        const delay = opts.delayMs?.(n, methods) ?? 0;
        const fault = opts.fault?.(n++, methods) ?? "none";
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        if (fault !== "none") faults.set(fault, (faults.get(fault) ?? 0) + 1);
        if (fault === "429") {
            res.writeHead(429, { "content-type": "application/json", "retry-after": "0" });
            res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32005, message: "rate limited" } }));
            return;
        }
        if (fault === "rpc-error") {
            const errors = requests.map((r) => ({ jsonrpc: "2.0", id: r.id, error: { code: -32005, message: "limit exceeded" } }));
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify(errors.length === 1 ? errors[0] : errors));
            return;
        }
        if (fault === "drop") {
            req.socket.destroy();
            return;
        }
        for (const m of methods) counts.set(m, (counts.get(m) ?? 0) + 1);
        const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
        const text = await upstream.text();
        if (fault === "drop-after-forward") {
            req.socket.destroy();
            return;
        }
        res.writeHead(upstream.status, { "content-type": "application/json" });
        res.end(text);
    };
    const server = createServer((req, res) => {
        handle(req, res).catch(() => req.socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        counts,
        faults,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
