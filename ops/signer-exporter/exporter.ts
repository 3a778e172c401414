// The signer exporter: polls a Besu node's qbft_getSignerMetrics and eth_blockNumber (ops/signer-exporter/rpc.ts) and
// serves the result in Prometheus's text format (prom-client) on /metrics. Besu exports no per-validator QBFT metric of
// its own; this is what the "validator not signing" alert and the overview's proposing panels read.
//
// Failure is a value, not a crash: when no node answers, `chain138_signer_exporter_up` is 0 and the per-validator series
// are dropped (stale proposals must not look current); the next poll tries again.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Gauge, Registry } from "prom-client";
import { readSigners, rpcClient, type RpcClient, type SignerSnapshot } from "./rpc";

/** The exporter's metric names (components/monitoring/metric-names.ts cites them to this file). */
export const SIGNER_METRICS = {
    up: "chain138_signer_exporter_up",
    lastSuccess: "chain138_signer_exporter_last_success_timestamp_seconds",
    head: "chain138_qbft_head_block_number",
    window: "chain138_qbft_signer_window_blocks",
    proposed: "chain138_qbft_validator_proposed_blocks",
    lastProposed: "chain138_qbft_validator_last_proposed_block",
} as const;

/** Options of {@link startSignerExporter}. */
export interface SignerExporterOptions {
    /** JSON-RPC URLs with the QBFT API, tried in order each poll until one answers (any node sees the same chain). */
    readonly rpcUrls: readonly string[];
    /** Blocks before the head each poll counts proposals over. */
    readonly windowBlocks: number;
    readonly intervalMs: number;
    /** Bound of each RPC call (DNS, connect, answer). */
    readonly timeoutMs: number;
    /** Validator address (any case) → node name, for the `node` label. */
    readonly nodeNames?: Readonly<Record<string, string>>;
    /** Listen address; default 0.0.0.0:9548. Port 0 picks a free port. */
    readonly host?: string;
    readonly port?: number;
    readonly log?: (line: string) => void;
}

/** A running exporter. */
export interface SignerExporter {
    /** The port /metrics is served on. */
    readonly port: number;
    /** Resolves after the first poll (success or not) has been recorded. */
    readonly firstPoll: Promise<void>;
    stop(): Promise<void>;
}

/** The exporter's gauges on a registry of their own (no process metrics: they would collide across exporters). */
function gauges(registry: Registry) {
    const registers = [registry];
    return {
        up: new Gauge({ name: SIGNER_METRICS.up, help: "1 if the last poll of qbft_getSignerMetrics succeeded, else 0", registers }),
        lastSuccess: new Gauge({ name: SIGNER_METRICS.lastSuccess, help: "Unix time of the last successful poll", registers }),
        head: new Gauge({ name: SIGNER_METRICS.head, help: "Head block number (eth_blockNumber) at the last successful poll", registers }),
        window: new Gauge({ name: SIGNER_METRICS.window, help: "Blocks the proposal counts cover: [head - window, head)", registers }),
        proposed: new Gauge({
            name: SIGNER_METRICS.proposed,
            help: "Blocks each validator proposed in the window (qbft_getSignerMetrics proposedBlockCount)",
            labelNames: ["validator", "node"],
            registers,
        }),
        lastProposed: new Gauge({
            name: SIGNER_METRICS.lastProposed,
            help: "Number of the last block each validator proposed in the window, 0 if none (lastProposedBlockNumber)",
            labelNames: ["validator", "node"],
            registers,
        }),
    };
}

/** Starts polling and serving; stop() ends both. */
export async function startSignerExporter(options: SignerExporterOptions): Promise<SignerExporter> {
    if (options.rpcUrls.length === 0) throw new Error("signer exporter: no RPC URL given");
    for (const [key, value, min] of [
        ["windowBlocks", options.windowBlocks, 1],
        ["intervalMs", options.intervalMs, 1000],
        ["timeoutMs", options.timeoutMs, 100],
    ] as const) {
        if (!Number.isSafeInteger(value) || value < min) throw new Error(`signer exporter: ${key} must be a whole number ≥ ${min}; got ${value}`);
    }
    // A poll tries every URL in turn: it must end before the next one is due.
    if (options.timeoutMs * 3 * options.rpcUrls.length > options.intervalMs * 2) {
        throw new Error(`signer exporter: timeoutMs ${options.timeoutMs} × 3 calls × ${options.rpcUrls.length} URLs does not fit in two intervals`);
    }
    const log = options.log ?? (() => {});
    const clients: RpcClient[] = options.rpcUrls.map((url) => rpcClient(url, options.timeoutMs));
    const names = new Map(Object.entries(options.nodeNames ?? {}).map(([address, node]) => [address.toLowerCase(), node]));
    const registry = new Registry();
    const g = gauges(registry);
    g.up.set(0);

    const record = (snapshot: SignerSnapshot) => {
        g.proposed.reset();
        g.lastProposed.reset();
        for (const signer of snapshot.signers) {
            const labels = { validator: signer.address, node: names.get(signer.address) ?? "" };
            g.proposed.set(labels, signer.proposedBlockCount);
            g.lastProposed.set(labels, signer.lastProposedBlockNumber);
        }
        g.head.set(snapshot.head);
        g.window.set(snapshot.toBlock - snapshot.fromBlock);
        g.lastSuccess.set(Date.now() / 1000);
        g.up.set(1);
    };
    const poll = async () => {
        const failures: string[] = [];
        for (const client of clients) {
            try {
                record(await readSigners(client, options.windowBlocks));
                return;
            } catch (e) {
                failures.push((e as Error).message);
            }
        }
        g.up.set(0);
        g.proposed.reset();
        g.lastProposed.reset();
        log(`poll failed: ${failures.join("; ")}`);
    };

    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const loop = async () => {
        await poll();
        if (!stopped) timer = setTimeout(() => void loop(), options.intervalMs);
    };
    const firstPoll = loop();

    const server: Server = createServer((req, res) => {
        if (req.method !== "GET") return void res.writeHead(405).end();
        if (req.url === "/healthz") return void res.writeHead(200).end("ok\n");
        if (req.url !== "/metrics") return void res.writeHead(404).end();
        registry.metrics().then(
            (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
            (e: unknown) => res.writeHead(500).end(String(e)),
        );
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 9548, options.host ?? "0.0.0.0", resolve);
    });
    const port = (server.address() as AddressInfo).port;
    log(`serving /metrics on port ${port}, polling ${options.rpcUrls.join(", ")} every ${options.intervalMs} ms`);
    return {
        port,
        firstPoll,
        async stop() {
            stopped = true;
            clearTimeout(timer);
            await firstPoll;
            clearTimeout(timer);
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
