/**
 * Deploy-time simulator: `npm run simulate -- -s prod [--parallel 128] [--runs 200] [--out timeline.svg]`.
 * Runs the real program offline (mock runtime), then schedules its resource graph with sourced
 * latencies three ways — the engine's dependency graph, the seeds' phase barriers, one at a
 * time — under ARM's write throttling, and prints ratios. Figures are a model, not a promise.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { tasksFrom } from "../sim/graph";
import { LATENCY_TABLE, LatencyRow, sampleLatency, Scenario, seededRandom } from "../sim/latencies";
import { RecordedResource, REPO_ROOT, runProgram, TEST_DEPLOYER_KEY } from "../devkit/mock-program";
import { mainnetOnlyScenario } from "../devkit/mainnet-scenario";
import { ARM_WRITES, criticalPath, scheduleDag, schedulePhases, scheduleSequential, SimTask } from "../sim/schedule";
import { renderTimeline } from "../sim/timeline";

const { values } = parseArgs({
    options: {
        stack: { type: "string", short: "s", default: "prod" },
        parallel: { type: "string", default: "128" },
        runs: { type: "string", default: "200" },
        out: { type: "string" },
        // The one-command deploy (issue 13): prod's fleet plus only mainnet configured, so both suites, the lane and
        // the relayer join the graph, Chain 138's suite behind its readiness gate. --no-contracts: the fleet alone.
        contracts: { type: "boolean", default: true },
    },
    allowNegative: true,
});
const stack = values.stack!;
const parallel = positiveInteger("--parallel", values.parallel!);
const runs = positiveInteger("--runs", values.runs!);
const out = values.out ?? path.join(REPO_ROOT, `simulate-${stack}.svg`);

function positiveInteger(flag: string, text: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got "${text}"`);
    return value;
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function row(cells: string[]): string {
    return cells.map((cell, i) => (i === 0 ? cell.padEnd(16) : cell.padStart(14))).join(" | ");
}

function compare(label: string, tasks: SimTask[]): { dag: number; phases: number; sequential: number; throttled: number } {
    const dag = scheduleDag(tasks, parallel);
    const phases = schedulePhases(tasks, parallel);
    const sequential = scheduleSequential(tasks);
    console.log(
        row([
            label,
            minutes(dag.makespan),
            minutes(phases.makespan),
            minutes(sequential.makespan),
            `${(phases.makespan / dag.makespan).toFixed(2)}×`,
            `${(sequential.makespan / dag.makespan).toFixed(1)}×`,
            String(dag.throttled),
        ]),
    );
    return { dag: dag.makespan, phases: phases.makespan, sequential: sequential.makespan, throttled: dag.throttled };
}

async function main(): Promise<void> {
    // The deployer key only satisfies config validation; nothing is sent anywhere.
    const withContracts = values.contracts === true && stack !== "dev";
    const run = await runProgram(withContracts ? mainnetOnlyScenario({}, stack) : { stack, secrets: { deployerKey: TEST_DEPLOYER_KEY } });
    const resources: RecordedResource[] = run.resources;
    console.log(
        `stack ${stack}${withContracts ? " + only mainnet in chains (Chain 138 from the fleet), ccip, relayer" : ""}: ${resources.length} resources, --parallel ${parallel}, ARM writes: ${ARM_WRITES.capacity} burst, ${ARM_WRITES.refillPerSecond}/s (429 + Retry-After)`,
    );
    console.log("");
    console.log(row(["latencies", "DAG (engine)", "phase barriers", "sequential", "barrier/DAG", "sequential/DAG", "429s (DAG)"]));
    for (const scenario of ["min", "typical", "tail"] as Scenario[]) {
        compare(
            `all ${scenario}`,
            tasksFrom(resources, (latency: LatencyRow) => latency[scenario]),
        );
    }

    // Per-resource draws: regions no longer finish a phase together, which is what barriers pay for.
    const samples = { dag: [] as number[], phases: [] as number[], sequential: [] as number[] };
    for (let seed = 1; seed <= runs; seed++) {
        const random = seededRandom(seed);
        const tasks = tasksFrom(resources, (latency) => sampleLatency(latency, random));
        samples.dag.push(scheduleDag(tasks, parallel).makespan);
        samples.phases.push(schedulePhases(tasks, parallel).makespan);
        samples.sequential.push(scheduleSequential(tasks).makespan);
    }
    for (const list of Object.values(samples)) list.sort((a, b) => a - b);
    for (const [label, q] of [
        ["sampled median", 0.5],
        ["sampled p90", 0.9],
    ] as const) {
        const dag = quantile(samples.dag, q);
        const phases = quantile(samples.phases, q);
        const sequential = quantile(samples.sequential, q);
        console.log(
            row([label, minutes(dag), minutes(phases), minutes(sequential), `${(phases / dag).toFixed(2)}×`, `${(sequential / dag).toFixed(1)}×`, "-"]),
        );
    }
    console.log(`(sampled: ${runs} seeded runs; each resource draws 9 in 10 between min and typical, 1 in 10 between typical and tail)`);

    const bridgeable = bridgeMilestone(resources);
    if (bridgeable.size > 0) {
        const at = (tasks: SimTask[]) =>
            Math.max(
                ...scheduleDag(tasks, parallel)
                    .tasks.filter((entry) => bridgeable.has(entry.task.id))
                    .map((entry) => entry.end),
            );
        const draws: number[] = [];
        for (let seed = 1; seed <= runs; seed++) {
            const random = seededRandom(seed);
            draws.push(at(tasksFrom(resources, (latency) => sampleLatency(latency, random))));
        }
        draws.sort((a, b) => a - b);
        console.log("");
        console.log(
            `a bridged transfer is possible after (both suites, the lane and the relayer; Chain 138's suite after ⌈2n/3⌉ validators' regions): ` +
                `typical ${minutes(at(tasksFrom(resources, (latency) => latency.typical)))}, sampled median ${minutes(quantile(draws, 0.5))}, p90 ${minutes(quantile(draws, 0.9))} ` +
                `(the seeds claimed 20–40 min for the fleet alone, "ultra parallel")`,
        );
    }

    console.log("");
    console.log("--parallel sweep (typical latencies, DAG schedule):");
    const typical = tasksFrom(resources, (latency) => latency.typical);
    for (const cap of [4, 16, 32, 64, 128, 256]) {
        const schedule = scheduleDag(typical, cap);
        console.log(`  --parallel ${String(cap).padStart(3)}: ${minutes(schedule.makespan)}, ${schedule.throttled} throttled writes`);
    }

    const critical = criticalPath(typical);
    console.log("");
    console.log(`critical path (typical, ${minutes(critical.length)}; no schedule beats it):`);
    for (const task of critical.path.filter((entry) => entry.duration > 0)) console.log(`  ${String(task.duration).padStart(4)} s  ${task.name}`);

    writeFileSync(
        out,
        renderTimeline(`${stack}: typical latencies, --parallel ${parallel}`, [
            { label: "dependency graph (pulumi up)", schedule: scheduleDag(typical, parallel) },
            { label: "phase barriers (infra → kubernetes → besu → contracts)", schedule: schedulePhases(typical, parallel) },
        ]),
    );
    console.log("");
    console.log(`timeline: ${out}`);
    console.log("latency sources (min/typical/tail):");
    for (const [name, latency] of Object.entries(LATENCY_TABLE))
        console.log(`  ${name}: ${latency.min}/${latency.typical}/${latency.tail} s — ${latency.source}`);
}

/**
 * What must exist before a user can bridge: every ContractDeployment (dynamic resources with a salt), every CCIP lane
 * (dynamic resources with sides) and the relayer's Deployment. Ownership hand-over is not needed to bridge.
 */
function bridgeMilestone(resources: readonly RecordedResource[]): Set<string> {
    const needed = resources.filter(
        (r) =>
            (r.type === "pulumi-nodejs:dynamic:Resource" && ("salt" in r.inputs || "sides" in r.inputs)) ||
            (r.type === "kubernetes:apps/v1:Deployment" && r.name.startsWith("ccip-relayer")),
    );
    return new Set(needed.map((r) => r.urn));
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
