// A trickling or flooding endpoint: one that answers a byte at a time forever, or with an endless body. The rule
// this relies on is Node's (docs "http: request.setTimeout"): a socket timeout fires after that long *idle*; a byte
// every 100 ms keeps it from ever firing. ethers v6's own transport (lib.commonjs/utils/geturl.js) bounds a request
// only that way and buffers any body size, so both endpoints would hold an operation (and its memory) for as long
// as they choose. boundedGetUrl (contracts/providers/rpc.ts) is a deadline from connect to last byte plus a body cap,
// and it closes the socket when it gives up. The servers here are real HTTP servers on 127.0.0.1.
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { after, it } from "node:test";
import { FetchRequest } from "ethers";
import { boundedGetUrl } from "../../contracts/providers/rpc";

/** How long the test servers keep going if nobody stops them: far beyond every bound tested here. */
const SERVER_KEEPS_GOING_MS = 60_000;

interface Endpoint {
    readonly url: string;
    /** Resolves when the client's socket closes. */
    readonly clientGone: Promise<void>;
}

const servers: Server[] = [];
after(async () => {
    for (const s of servers) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
    }
});

async function endpoint(respond: (res: ServerResponse, stop: () => boolean) => void): Promise<Endpoint> {
    let gone: () => void = () => undefined;
    const clientGone = new Promise<void>((resolve) => (gone = resolve));
    const server = createServer((req, res) => {
        let closed = false;
        req.socket.once("close", () => {
            closed = true;
            gone();
        });
        req.resume();
        req.once("end", () => respond(res, () => closed));
    });
    server.on("connection", (socket: Socket) => socket.setNoDelay(true));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, clientGone };
}

/** Headers, then one byte every 100 ms (never idle for long), until the client leaves or a minute passes. */
const trickle = (res: ServerResponse, stop: () => boolean): void => {
    res.writeHead(200, { "content-type": "application/json" });
    const started = Date.now();
    const tick = setInterval(() => {
        if (stop() || Date.now() - started > SERVER_KEEPS_GOING_MS) {
            clearInterval(tick);
            res.end();
        } else res.write(" ");
    }, 100);
};

/** An endless body, 64 KiB at a time, as fast as the client reads. */
const flood = (res: ServerResponse, stop: () => boolean): void => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const started = Date.now();
    const pump = (): void => {
        while (!stop() && Date.now() - started < SERVER_KEEPS_GOING_MS) if (!res.write(chunk)) return void res.once("drain", pump);
        res.end();
    };
    pump();
};

function post(url: string): FetchRequest {
    const request = new FetchRequest(url);
    request.body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] });
    request.setHeader("content-type", "application/json");
    return request;
}

/** Settles after `ms` with "still running": the operation outlived a bound it should have kept. */
const stillRunningAfter = (ms: number) => new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms).unref());

it("a trickling endpoint: ethers' idle timeout never fires, boundedGetUrl ends the request at its deadline and closes the socket", async () => {
    const timeoutMs = 400;
    // The platform rule first, independently of our code: ethers' transport with the same timeout is still waiting
    // well after it (each byte restarts the idle timer).
    const control = await endpoint(trickle);
    const unbounded = post(control.url);
    unbounded.timeout = timeoutMs;
    const outcome = await Promise.race([
        unbounded.send().then(
            () => "answered" as const,
            () => "failed" as const,
        ),
        stillRunningAfter(timeoutMs * 5),
    ]);
    assert.equal(outcome, "still running", "ethers' own transport gave up on a trickling endpoint: the rule this module guards against no longer holds");
    unbounded.cancel();

    const slow = await endpoint(trickle);
    const request = post(slow.url);
    request.getUrlFunc = boundedGetUrl(timeoutMs, 1024 * 1024);
    request.retryFunc = async () => false;
    const started = Date.now();
    const bounded = await Promise.race([
        request.send().then(
            () => "answered" as const,
            (e: Error) => e,
        ),
        stillRunningAfter(timeoutMs * 10),
    ]);
    assert.ok(bounded instanceof Error, `boundedGetUrl did not end the request: ${String(bounded)}`);
    assert.match(bounded.message, /timeout/i);
    assert.ok(Date.now() - started < timeoutMs * 10);
    const closed = await Promise.race([slow.clientGone.then(() => "closed" as const), stillRunningAfter(2000)]);
    assert.equal(closed, "closed", "the socket to the trickling endpoint is still open after the request gave up");
});

it("an endless body fails at the size cap, with the socket closed, instead of filling memory", async () => {
    const maxBytes = 4 * 1024 * 1024;
    const server = await endpoint(flood);
    const request = post(server.url);
    request.getUrlFunc = boundedGetUrl(30_000, maxBytes);
    request.retryFunc = async () => false;
    const heapBefore = process.memoryUsage().heapUsed;
    const result = await Promise.race([
        request.send().then(
            () => "answered" as const,
            (e: Error) => e,
        ),
        stillRunningAfter(20_000),
    ]);
    assert.ok(result instanceof Error, `boundedGetUrl did not stop an endless body: ${String(result)}`);
    assert.match(result.message, new RegExp(`larger than ${maxBytes} bytes`));
    const closed = await Promise.race([server.clientGone.then(() => "closed" as const), stillRunningAfter(2000)]);
    assert.equal(closed, "closed", "the socket to the flooding endpoint is still open after the request gave up");
    // Held at most the cap (plus one chunk) while reading: far below what a minute of flood would be.
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, "memory grew far beyond the body cap");
});
