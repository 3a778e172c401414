// Child process for tests/providers/endpoint-gone.test.ts: runs ContractDeployment create against a dead
// endpoint ITERATIONS times, sampling heapUsed and RSS after a forced GC, then prints one JSON line and returns
// without process.exit, so it only exits if nothing (timer, socket) is left behind. Run with --expose-gc.
//   DEAD_RPC_URL=<url nothing listens on>  ITERATIONS=<n>
//   HUNG=1: instead, an endpoint of its own that accepts connections and never answers (DEAD_RPC_URL's path kept)
import { createServer, type Socket } from "node:net";
import { contractDeploymentProvider } from "../../contracts/providers/contract-deployment";
import { RPC_DEFAULTS, rpcCallBoundMs } from "../../contracts/providers/rpc";
import { deploymentInputs } from "../../devkit/provider-inputs";

// A shorter retry budget, so that 30 failures take seconds rather than minutes: the same code paths run
// (every attempt and backoff), only fewer and shorter. The process is this test's alone.
// A hung endpoint waits out every attempt's HTTP timeout: a short one keeps that to a fraction of a second.
Object.assign(RPC_DEFAULTS as { retries: number; minDelayMs: number; maxDelayMs: number; requestTimeoutMs: number }, {
    retries: 2,
    minDelayMs: 10,
    maxDelayMs: 40,
    requestTimeoutMs: 300,
});

/** A TCP endpoint that takes every connection and never answers; `stop` drops them all. */
async function hungEndpoint(): Promise<{ port: number; stop: () => Promise<void> }> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => undefined);
        // Read (and ignore) requests, so that a client closing its end closes ours: what is left open is the client's.
        socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
        port,
        stop: () => {
            for (const socket of sockets) socket.destroy();
            return new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

async function main(): Promise<void> {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error("run with --expose-gc");
    const iterations = Number(process.env.ITERATIONS ?? "30");
    const hung = process.env.HUNG === "1" ? await hungEndpoint() : undefined;
    const url = new URL(process.env.DEAD_RPC_URL ?? "");
    if (hung !== undefined) url.port = String(hung.port);
    const inputs = deploymentInputs({ chainName: "mainnet", rpcUrl: url.toString(), chainId: 1, deployerKey: `0x${"11".repeat(32)}` }, "WETH9");
    const report = {
        heapUsed: [] as number[],
        rss: [] as number[],
        errors: [] as string[],
        elapsedMs: [] as number[],
        boundMs: rpcCallBoundMs(),
        port: Number(url.port),
        resources: [] as string[],
    };
    for (let i = 0; i < iterations; i++) {
        const started = Date.now();
        await contractDeploymentProvider.create!(inputs).then(
            () => report.errors.push("unexpectedly succeeded"),
            (error: unknown) => report.errors.push(error instanceof Error ? error.message : String(error)),
        );
        report.elapsedMs.push(Date.now() - started);
        gc();
        const usage = process.memoryUsage();
        report.heapUsed.push(usage.heapUsed);
        report.rss.push(usage.rss);
    }
    // Let closed sockets finish closing before looking.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Looked at while the hung endpoint still holds its connections open: our side must have closed every one.
    report.resources = process.getActiveResourcesInfo().filter((r) => hung === undefined || r !== "TCPServerWrap");
    await hung?.stop();
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
