// `npm run fleet -- roll <region…|all> -s <stack>`: applies a fleet-wide chart change region by region.
//
// Why: the chart's StatefulSets use updateStrategy OnDelete, so a change of config, image or allowlist updates
// every region's templates at once but restarts no pod (a PodDisruptionBudget does not limit a StatefulSet rollout,
// so with RollingUpdate all 48 validators would restart together and blocks stop until 32 are back). This command
// restarts one region's outdated pods at a time and goes on only once the region has rejoined: every node ready on
// the new revision, with peers, its head advancing and within the lag of the fleet head. Before each region it
// refuses when taking that region down would leave fewer running validators than QBFT needs.
import { setTimeout as sleep } from "node:timers/promises";
import { qbftQuorum } from "../../stack/qbft";
import { checkStop, type RegionValidators } from "./quorum";
import { BESU_NAMESPACE } from "../../stack/names";
import { isRunningValidator, MAX_LAG_BLOCKS, readRegionNodes, type NodeStatus } from "./region-state";
import { regionRunner } from "./run";
import type { FleetOutputs } from "./stack-outputs";
import type { KubeClientOptions } from "../shared/kube-client";

export interface RollOptions {
    /** How long one region may take to rejoin (default 15 min). */
    regionTimeoutMs: number;
    /** Pause between checks while a region rejoins (default 5 s). */
    pollMs: number;
    /** A node counts as caught up within this many blocks of the fleet head (default 5). */
    maxLagBlocks: number;
}

export const ROLL_DEFAULTS: RollOptions = { regionTimeoutMs: 15 * 60_000, pollMs: 5000, maxLagBlocks: MAX_LAG_BLOCKS };

export interface RollResult {
    ok: boolean;
    lines: string[];
}

/** Why a region has not rejoined yet, or undefined once it has. */
function notRejoined(nodes: NodeStatus[], previousHeads: Map<string, number>, fleetHead: number, maxLag: number): string | undefined {
    for (const node of nodes) {
        if (!node.podReady) return `${node.node} is not ready`;
        if (node.outdated) return `${node.node} still runs the old revision`;
        if ((node.peers ?? 0) < 1) return `${node.node} has no peers`;
        if (node.blockNumber === undefined) return `${node.node} did not answer eth_blockNumber`;
        const before = previousHeads.get(node.node);
        if (before === undefined || node.blockNumber <= before) return `${node.node}'s head is not advancing`;
        if (fleetHead - node.blockNumber > maxLag) return `${node.node} is ${fleetHead - node.blockNumber} blocks behind the fleet head`;
    }
    return undefined;
}

export async function runRoll(outputs: FleetOutputs, targets: string[], client: KubeClientOptions, options: RollOptions = ROLL_DEFAULTS): Promise<RollResult> {
    const runner = regionRunner(outputs, client);
    const lines: string[] = [];
    const rule = qbftQuorum(outputs.validatorCount);
    try {
        for (const region of targets) {
            const all = await runner.eachRegion(outputs.regions, (c) => readRegionNodes(c, true));
            const states: RegionValidators[] = outputs.regions.map((name, i) => {
                const seen = all[i];
                return { region: name, reachable: seen.ok, running: seen.ok ? seen.value.filter(isRunningValidator).map((n) => n.node) : [] };
            });
            const mine = all[outputs.regions.indexOf(region)];
            if (!mine.ok) return { ok: false, lines: [...lines, `== ${region}: cannot read the region: ${mine.error}; stopping the roll`] };
            const outdated = mine.value.filter((node) => node.outdated && node.pod !== undefined);
            if (outdated.length === 0) {
                lines.push(`== ${region}: up to date`);
                continue;
            }
            const guard = checkStop(rule, states, [region]);
            if (!guard.allowed) return { ok: false, lines: [...lines, `== ${region}: not restarted, the chain is not healthy enough: ${guard.message}`] };

            const [deleted] = await runner.eachRegion([region], (c) => Promise.all(outdated.map((node) => c.deletePod(BESU_NAMESPACE, node.pod!))));
            if (!deleted.ok) return { ok: false, lines: [...lines, `== ${region}: deleting pods failed: ${deleted.error}; stopping the roll`] };
            lines.push(`== ${region}: restarted ${outdated.map((n) => n.node).join(", ")}`);

            const deadline = Date.now() + options.regionTimeoutMs;
            // Each node's head when first seen back; it must move past it (not merely past the last poll).
            const heads = new Map<string, number>();
            let why: string | undefined = "not checked yet";
            while (why !== undefined) {
                if (Date.now() > deadline) {
                    return {
                        ok: false,
                        lines: [
                            ...lines,
                            `   ${region} did not rejoin within ${Math.round(options.regionTimeoutMs / 1000)}s: ${why}; stopping the roll (later regions untouched)`,
                        ],
                    };
                }
                await sleep(options.pollMs);
                const now = await runner.eachRegion(outputs.regions, (c) => readRegionNodes(c, true));
                const regionNow = now[outputs.regions.indexOf(region)];
                const others = now.filter((r, i) => r.ok && outputs.regions[i] !== region).flatMap((r) => (r.ok ? r.value : []));
                const fleetHead = Math.max(
                    0,
                    ...others.map((n) => n.blockNumber ?? 0),
                    ...(regionNow.ok ? regionNow.value.map((n) => n.blockNumber ?? 0) : []),
                );
                why = regionNow.ok ? notRejoined(regionNow.value, heads, fleetHead, options.maxLagBlocks) : regionNow.error;
                if (regionNow.ok)
                    for (const n of regionNow.value)
                        if (n.blockNumber !== undefined && n.podReady && !n.outdated && !heads.has(n.node)) heads.set(n.node, n.blockNumber);
            }
            lines.push(`   ${region} rejoined: every node ready on the new revision, with peers, head advancing, within ${options.maxLagBlocks} blocks`);
        }
        return { ok: true, lines };
    } finally {
        runner.close();
    }
}
