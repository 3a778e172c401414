// The result of a fleet command and how it is printed: one block per region in region order, then a summary.
import type { QbftQuorum } from "../../stack/qbft";
import type { StopVerdict } from "./quorum";
import type { NodeStatus } from "./region-state";

export type FleetCommand = "start" | "stop" | "status";

/** One region's outcome. `ok` is false when its API failed or a ready pod's JSON-RPC did not answer. */
export interface RegionReport {
    region: string;
    ok: boolean;
    /** What a start/stop changed, e.g. `scaled 3 of 3 StatefulSets to 0`. */
    action: string | undefined;
    /** Why the region failed (its API, its kubeconfig, its credential). */
    error: string | undefined;
    nodes: NodeStatus[];
}

/** Everything a command found and did; also the `--json` document. */
export interface FleetReport {
    command: FleetCommand;
    stack: string;
    ok: boolean;
    /** The quorum guard refused the stop (nothing was changed). */
    refused: boolean;
    /** The stop went ahead against the guard because of `--force`. */
    forced: boolean;
    rule: QbftQuorum;
    /** The guard's verdict (stop only). */
    guard: Omit<StopVerdict, "rule"> | undefined;
    regions: RegionReport[];
    summary: {
        regions: number;
        ok: number;
        failed: string[];
        /** Genesis validators of the listed regions that are scaled up and ready. */
        validatorsRunning: number;
        /** Genesis validators of the listed regions. */
        validatorsListed: number;
        /** JSON-RPC queries of ready pods that failed. */
        rpcErrors: number;
    };
}

const dash = (value: number | undefined) => (value === undefined ? "-" : String(value));

/** Text lines for a terminal. */
export function renderText(report: FleetReport): string[] {
    if (report.refused && report.guard !== undefined) {
        return [`REFUSED by the quorum guard: ${report.guard.message}`, "nothing was stopped; --force stops anyway"];
    }
    const lines: string[] = [];
    for (const region of report.regions) {
        const head = region.ok ? "ok" : region.error !== undefined ? `FAILED: ${region.error}` : "FAILED: JSON-RPC of a ready pod did not answer";
        lines.push(`== ${region.region}: ${head}`);
        if (region.action !== undefined) lines.push(`   ${region.action}`);
        for (const node of region.nodes) {
            const pod = node.pod === undefined ? "no pod" : node.podReady ? "pod ready" : "pod not ready";
            const rpc = node.rpcError !== undefined ? `rpc error: ${node.rpcError}` : `block ${dash(node.blockNumber)}  peers ${dash(node.peers)}`;
            lines.push(`   ${node.role.padEnd(9)} ${node.node.padEnd(30)} replicas ${node.readyReplicas}/${node.replicas}  ${pod.padEnd(13)} ${rpc}`);
        }
    }
    const { summary, rule } = report;
    const failed = summary.failed.length > 0 ? `, ${summary.failed.length} failed (${summary.failed.join(", ")})` : "";
    lines.push(`summary: ${report.command} on ${summary.regions} region(s): ${summary.ok} ok${failed}`);
    lines.push(
        `validators running in these regions: ${summary.validatorsRunning} of ${summary.validatorsListed}; ` +
            `the fleet has ${rule.validators}, QBFT needs ${rule.quorum} running`,
    );
    if (summary.rpcErrors > 0) lines.push(`JSON-RPC failed on ${summary.rpcErrors} ready pod(s)`);
    if (report.guard !== undefined) lines.push(`quorum guard: ${report.guard.message}`);
    return lines;
}

/** The `--json` document. */
export function renderJson(report: FleetReport): string {
    return JSON.stringify(report, (_key, value: unknown) => (value === undefined ? null : value), 2);
}
