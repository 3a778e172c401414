// Probes and metrics: GET /healthz for Kubernetes probes, GET /metrics in Prometheus' text format (prom-client).
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Registry } from "prom-client";

export class RelayerMetrics {
    readonly registry = new Registry();
    readonly deliveries = new Counter({
        name: "relayer_deliveries_total",
        help: "Messages settled per lane: delivered, receiver_failed (recorded failed by the router), skipped (found delivered)",
        labelNames: ["lane", "outcome"],
        registers: [this.registry],
    });
    readonly lastDelivered = new Gauge({
        name: "relayer_lane_last_delivered_sequence",
        help: "Last delivered sequence number per lane",
        labelNames: ["lane"],
        registers: [this.registry],
    });
    readonly pending = new Gauge({
        name: "relayer_lane_pending_messages",
        help: "Scanned, undelivered messages per lane",
        labelNames: ["lane"],
        registers: [this.registry],
    });
    readonly paused = new Gauge({
        name: "relayer_lane_paused",
        help: "1 while the lane backs off after a failure",
        labelNames: ["lane"],
        registers: [this.registry],
    });
    readonly shortfalls = new Counter({
        name: "relayer_attestation_shortfalls_total",
        help: "Delivery attempts that got fewer signatures than the lane threshold",
        labelNames: ["lane"],
        registers: [this.registry],
    });
    readonly reorgs = new Counter({
        name: "relayer_source_reorgs_total",
        help: "Pending messages whose source block was reorged away",
        labelNames: ["chain"],
        registers: [this.registry],
    });
    readonly scanned = new Gauge({
        name: "relayer_source_scanned_block",
        help: "Block up to which each source chain is scanned",
        labelNames: ["chain"],
        registers: [this.registry],
    });
    /** Last time each source loop finished an iteration (ms). */
    readonly loopAt = new Map<string, number>();
}

/**
 * Serves /healthz (200 while every source loop went round within `staleMs`, else 503 naming the stale ones) and
 * /metrics on host:port; resolves once listening.
 */
export function serveMetrics(metrics: RelayerMetrics, sources: readonly string[], staleMs: number, host: string, port: number): Promise<Server> {
    const server = createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://relayer");
        if (req.method === "GET" && url.pathname === "/healthz") {
            const stale = sources.filter((s) => Date.now() - (metrics.loopAt.get(s) ?? 0) > staleMs);
            res.writeHead(stale.length === 0 ? 200 : 503, { "content-type": "text/plain" });
            res.end(stale.length === 0 ? "ok\n" : `no progress within ${staleMs} ms: ${stale.join(", ")}\n`);
            return;
        }
        if (req.method === "GET" && url.pathname === "/metrics") {
            metrics.registry.metrics().then(
                (body) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body),
                () => res.writeHead(500).end(),
            );
            return;
        }
        res.writeHead(404).end();
    });
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            resolve(server);
        });
    });
}
