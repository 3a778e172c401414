// `npm run fleet -- votes -s <stack> [--apply]`: plans the QBFT votes that bring the on-chain validator set to the
// stack's (ops/fleet/votes.ts) and, with --apply, casts the first one on every running validator.
import type { KubeClientOptions } from "../shared/kube-client";
import { BESU_NAMESPACE, BESU_RPC_PORT } from "../../stack/names";
import { MAX_LAG_BLOCKS, readRegionNodes, type NodeStatus } from "./region-state";
import { regionRunner } from "./run";
import type { FleetOutputs } from "./stack-outputs";
import { planValidatorVotes, type VotePlan } from "./votes";

export interface VotesReport {
    ok: boolean;
    /** The on-chain validator set the plan starts from. */
    current: string[];
    plan: VotePlan;
    /** With --apply: the vote cast, and the nodes that took or refused it. */
    cast?: { action: "add" | "remove"; address: string; accepted: string[]; failed: string[] };
    /** Regions that could not be read. */
    unreachable: string[];
    error?: string;
}

export async function runVotes(outputs: FleetOutputs, client: KubeClientOptions, apply: boolean): Promise<VotesReport> {
    const runner = regionRunner(outputs, client);
    try {
        const read = await runner.eachRegion(outputs.regions, (c) => readRegionNodes(c, true));
        const unreachable = outputs.regions.filter((_, i) => !read[i].ok);
        const nodes = read.flatMap((r, i) => (r.ok ? r.value.map((node) => ({ region: outputs.regions[i], node })) : []));
        const head = Math.max(0, ...nodes.map(({ node }) => node.blockNumber ?? 0));
        const inSync = (node: NodeStatus) =>
            node.podReady && (node.peers ?? 0) > 0 && node.blockNumber !== undefined && head - node.blockNumber <= MAX_LAG_BLOCKS;
        const validatorPods = nodes.filter(({ node }) => node.role === "validator" && inSync(node));
        const empty: VotePlan = { steps: [], done: [], refused: [] };
        if (validatorPods.length === 0) return { ok: false, current: [], plan: empty, unreachable, error: "no running, in-sync validator answered" };

        // The set as the chain has it now, from any in-sync validator (they all agree on a final chain).
        const asker = validatorPods[0];
        const [answer] = await runner.eachRegion([asker.region], (c) =>
            c.proxyJsonRpc(BESU_NAMESPACE, asker.node.pod!, BESU_RPC_PORT, [{ method: "qbft_getValidatorsByBlockNumber", params: ["latest"] }]),
        );
        const set = answer.ok && answer.value[0].ok ? (answer.value[0].result as string[]) : undefined;
        if (set === undefined) {
            const why = !answer.ok ? answer.error : !answer.value[0].ok ? answer.value[0].error : "";
            return { ok: false, current: [], plan: empty, unreachable, error: `reading the validator set from ${asker.node.node} failed: ${why}` };
        }
        const current = set.map((a) => a.toLowerCase());
        const ready = new Set(
            nodes
                .filter(({ node }) => inSync(node))
                .map(({ node }) => outputs.validatorNodes[node.node])
                .filter((a): a is string => a !== undefined),
        );
        // The target is the stack's validator set as configured now, against the chain's: a validator voted in after
        // launch and later dropped from config is a removal even though the launch genesis never had it.
        const desired = Object.values(outputs.validatorNodes);
        if (desired.length === 0) {
            return {
                ok: false,
                current,
                plan: empty,
                unreachable,
                error: "the stack outputs have no besu.validatorNodes (deployed before it was output); run `pulumi up` first",
            };
        }
        const changes = { add: desired.filter((a) => !current.includes(a)), remove: current.filter((a) => !desired.includes(a)) };
        const plan = planValidatorVotes(current, changes, ready);
        if (!apply || plan.steps.length === 0) return { ok: plan.refused.length === 0, current, plan, unreachable };

        // One change at a time: cast the first step on every running validator; run again once it took effect.
        const step = plan.steps[0];
        const voters = validatorPods.filter(({ node }) => current.includes(outputs.validatorNodes[node.node] ?? ""));
        const results = await Promise.all(
            voters.map(async ({ region, node }) => {
                const [r] = await runner.eachRegion([region], (c) =>
                    c.proxyJsonRpc(BESU_NAMESPACE, node.pod!, BESU_RPC_PORT, [
                        { method: "qbft_proposeValidatorVote", params: [step.address, step.action === "add"] },
                    ]),
                );
                return { node: node.node, ok: r.ok && r.value[0].ok && r.value[0].result === true };
            }),
        );
        const accepted = results.filter((r) => r.ok).map((r) => r.node);
        const failed = results.filter((r) => !r.ok).map((r) => r.node);
        return {
            ok: accepted.length >= step.votesNeeded && plan.refused.length === 0,
            current,
            plan,
            cast: { action: step.action, address: step.address, accepted, failed },
            unreachable,
            error: accepted.length < step.votesNeeded ? `only ${accepted.length} validators took the vote; ${step.votesNeeded} are needed` : undefined,
        };
    } finally {
        runner.close();
    }
}

/** The report as lines of text. */
export function renderVotes(report: VotesReport): string[] {
    const lines = [`on-chain validators: ${report.current.length}`];
    for (const done of report.plan.done) lines.push(`already in effect: ${done}`);
    report.plan.steps.forEach((s, i) =>
        lines.push(`${i + 1}. ${s.action} ${s.address}: needs ${s.votesNeeded} of ${s.validatorsBefore} validators' votes; quorum afterwards ${s.quorumAfter}`),
    );
    for (const refused of report.plan.refused) lines.push(`refused: ${refused}`);
    if (report.plan.steps.length === 0 && report.plan.refused.length === 0) lines.push("nothing to vote: the on-chain set matches the stack");
    if (report.cast) {
        lines.push(
            `cast: ${report.cast.action} ${report.cast.address} on ${report.cast.accepted.length} validator(s)${report.cast.failed.length > 0 ? `; failed on ${report.cast.failed.join(", ")}` : ""}`,
        );
        lines.push("run `votes` again once the change shows on chain (it takes effect in the blocks those validators propose)");
    }
    if (report.unreachable.length > 0) lines.push(`unreachable regions: ${report.unreachable.join(", ")}`);
    if (report.error) lines.push(`error: ${report.error}`);
    return lines;
}
