// Child process for tests/relayer/endpoint-gone-memory.test.ts: runs the real relayer service (startRelayer) with the
// options in RELAYER_OPTIONS (JSON; chain selectors as decimal strings) until its log shows FAILURES failed deliveries,
// sampling heapUsed and RSS after a forced GC every SAMPLE_EVERY of them; then stops the relayer, prints one JSON line
// and returns without process.exit, so it only exits if the relayer left nothing (timer, socket) behind.
// Run with --expose-gc. Its own process, so the memory measured is the relayer's alone.
import { setTimeout as sleep } from "node:timers/promises";
import { startRelayer, type RelayerChain, type RelayerOptions } from "../../relayer/index";

type ChainJson = Omit<RelayerChain, "chainSelector"> & { chainSelector: string };

export interface RelayerChildReport {
    heapUsed: number[];
    rss: number[];
    /** Failed delivery log lines: the first few and the last. */
    failures: string[];
    failureCount: number;
    scanFailureCount: number;
    /** Every log line that carried the secret marker (none expected). */
    leaked: string[];
    /** Milliseconds from the first to the last counted failure. */
    spanMs: number;
    resources: string[];
}

async function main(): Promise<void> {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error("run with --expose-gc");
    const target = Number(process.env.FAILURES ?? "100");
    const sampleEvery = Number(process.env.SAMPLE_EVERY ?? "10");
    const secret = process.env.SECRET_MARKER ?? "";
    const parsed = JSON.parse(process.env.RELAYER_OPTIONS ?? "{}") as Omit<RelayerOptions, "chains" | "log"> & { chains: ChainJson[] };
    const report: RelayerChildReport = { heapUsed: [], rss: [], failures: [], failureCount: 0, scanFailureCount: 0, leaked: [], spanMs: 0, resources: [] };
    let firstFailureAt = 0;
    const log = (line: string): void => {
        if (secret !== "" && line.includes(secret)) report.leaked.push(line);
        if (/^lane \S+: delivery of #\d+ failed/.test(line)) {
            report.failureCount += 1;
            if (firstFailureAt === 0) firstFailureAt = Date.now();
            report.spanMs = Date.now() - firstFailureAt;
            if (report.failures.length < 5) report.failures.push(line);
            else report.failures[5] = line;
        } else if (/: scanning failed, will retry: /.test(line)) {
            report.scanFailureCount += 1;
        }
    };
    const relayer = await startRelayer({ ...parsed, chains: parsed.chains.map((c) => ({ ...c, chainSelector: BigInt(c.chainSelector) })), log });
    let nextSample = sampleEvery;
    // Bounded: the parent kills this process if it runs past its own deadline.
    while (report.failureCount < target) {
        await sleep(20);
        if (report.failureCount >= nextSample) {
            nextSample += sampleEvery;
            gc();
            const usage = process.memoryUsage();
            report.heapUsed.push(usage.heapUsed);
            report.rss.push(usage.rss);
        }
    }
    await relayer.stop();
    // Let closed sockets finish closing before looking.
    await sleep(200);
    report.resources = process.getActiveResourcesInfo();
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
