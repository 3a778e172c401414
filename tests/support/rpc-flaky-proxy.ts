// A JSON-RPC proxy on 127.0.0.1 that injects faults in front of a real node: HTTP 429s, dropped
// connections (socket destroyed without a response) and JSON-RPC -32005 errors, by a fixed schedule.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Fault schedule: each applies to every `every`-th request (counted from 1); 0 disables it. */
export interface FaultSchedule {
    http429Every: number;
    dropEvery: number;
    rpcLimitEvery: number;
}

export interface FlakyProxy {
    readonly url: string;
    /** Faults injected so far, by kind. */
    readonly injected: { http429: number; dropped: number; rpcLimit: number; forwarded: number };
    stop(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** Starts the proxy in front of `upstream`. */
export async function startFlakyProxy(upstream: string, schedule: FaultSchedule): Promise<FlakyProxy> {
    const injected = { http429: 0, dropped: 0, rpcLimit: 0, forwarded: 0 };
    let count = 0;
    const hits = (every: number) => every > 0 && count % every === 0;
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
        void (async () => {
            const payload = await body(req);
            count += 1;
            if (hits(schedule.http429Every)) {
                injected.http429 += 1;
                res.writeHead(429, { "content-type": "text/plain", "retry-after": "0" }).end("Too Many Requests");
                return;
            }
            if (hits(schedule.dropEvery)) {
                injected.dropped += 1;
                req.socket.destroy();
                return;
            }
            if (hits(schedule.rpcLimitEvery)) {
                injected.rpcLimit += 1;
                const idOf = (JSON.parse(payload.toString()) as { id?: unknown }).id ?? null;
                res.writeHead(200, { "content-type": "application/json" }).end(
                    JSON.stringify({ jsonrpc: "2.0", id: idOf, error: { code: -32005, message: "limit exceeded" } }),
                );
                return;
            }
            injected.forwarded += 1;
            const upstreamRes = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: payload });
            res.writeHead(upstreamRes.status, { "content-type": "application/json" }).end(Buffer.from(await upstreamRes.arrayBuffer()));
        })().catch(() => req.socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        injected,
        stop: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
