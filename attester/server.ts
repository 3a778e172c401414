// The attester's HTTP endpoint on the private network.
//
// Authentication: a bearer token (RFC 6750) per relayer, compared in constant time. Why that suffices: the safety of the
// bridge does not rest on it. The attester signs only messages it finds on its own chain at its own depth, and a
// signature over such a message is no secret (anyone may deliver it; the router accepts each sequence once), so a
// stolen token lets a stranger do no more than a relayer: ask for signatures of real messages. The token keeps strangers
// from spending the attester's RPC quota and from probing it. TLS, where the network is not trusted, is the ingress or
// mesh's job (prod: the cluster-internal Service, or an operator's endpoint behind its own TLS).
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { describe } from "../relayer/retry";
import { messageFromJson, signRequestSchema, type AttesterInfo, type Refusal } from "./protocol";
import type { MessageSigner } from "./signer";

/** Largest request body taken (a sign request with a large payload is a few tens of KB). */
const MAX_BODY_BYTES = 512 * 1024;
/** Whole request (headers and body) deadline, and headers alone (Node http.Server requestTimeout / headersTimeout). */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

const STATUS: Record<Refusal["reason"], number> = {
    unauthorized: 401,
    "bad-request": 400,
    "not-found": 404,
    mismatch: 409,
    conflict: 409,
    "unknown-chain": 422,
    unavailable: 503,
};

export interface AttesterHttp {
    signer: MessageSigner;
    info: AttesterInfo;
    token: string;
    /** Prometheus text exposition for GET /metrics. */
    metrics: () => Promise<{ contentType: string; body: string }>;
    /** Whether every source chain answered recently (GET /healthz). */
    healthy: () => boolean;
    log: (line: string) => void;
}

const sha = (s: string): Buffer => createHash("sha256").update(s).digest();

function authorized(req: IncomingMessage, token: string): boolean {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer (.+)$/.exec(header);
    // Hashes have equal length, so timingSafeEqual compares without leaking the token's length or prefix.
    return m !== null && timingSafeEqual(sha(m[1]), sha(token));
}

function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
        let size = 0;
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY_BYTES) {
                resolve(undefined);
                req.destroy();
            } else chunks.push(c);
        });
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

async function handle(http: AttesterHttp, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://attester");
    if (req.method === "GET" && url.pathname === "/healthz") {
        const ok = http.healthy();
        res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "source chains not answering\n");
        return;
    }
    if (req.method === "GET" && url.pathname === "/metrics") {
        const m = await http.metrics();
        res.writeHead(200, { "content-type": m.contentType }).end(m.body);
        return;
    }
    if (!authorized(req, http.token)) {
        send(res, 401, { reason: "unauthorized", error: "missing or wrong bearer token" } satisfies Refusal);
        return;
    }
    if (req.method === "GET" && url.pathname === "/v1/attester") {
        send(res, 200, http.info);
        return;
    }
    if (req.method === "POST" && url.pathname === "/v1/sign") {
        const text = await readBody(req);
        if (text === undefined) return send(res, 413, { reason: "bad-request", error: `body over ${MAX_BODY_BYTES} bytes` } satisfies Refusal);
        let raw: unknown;
        try {
            raw = JSON.parse(text);
        } catch {
            return send(res, 400, { reason: "bad-request", error: "body is not JSON" } satisfies Refusal);
        }
        const parsed = signRequestSchema.safeParse(raw);
        if (!parsed.success) return send(res, 400, { reason: "bad-request", error: z.prettifyError(parsed.error) } satisfies Refusal);
        const { message, destChainSelector, blockNumber } = parsed.data;
        const outcome = await http.signer.sign(messageFromJson(message), BigInt(destChainSelector), blockNumber);
        if (outcome.ok) return send(res, 200, outcome.response);
        http.log(`refused (${outcome.refusal.reason}): ${outcome.refusal.error}`);
        return send(res, STATUS[outcome.refusal.reason], outcome.refusal);
    }
    send(res, 404, { reason: "bad-request", error: `no route ${req.method} ${url.pathname}` } satisfies Refusal);
}

/** Listens on `host:port` (0: a free port); resolves with the server once it listens. */
export function listen(http: AttesterHttp, host: string, port: number): Promise<Server> {
    const server = createServer((req, res) => {
        handle(http, req, res).catch((err: unknown) => {
            // Chain unreachable after retries, disk full: no signature, the relayer asks again later.
            http.log(`request failed: ${describe(err)}`);
            if (!res.headersSent) send(res, 503, { reason: "unavailable", error: describe(err) } satisfies Refusal);
            else res.destroy();
        });
    });
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            resolve(server);
        });
    });
}
