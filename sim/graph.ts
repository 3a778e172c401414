/** Turns the recorded registrations of the real program into the simulator's task graph. */
import { knownRegions } from "../regions/catalog";
import { latencyOf, LatencyRow } from "./latencies";
import type { RecordedResource } from "../devkit/mock-program";
import { PHASE_ORDER, topologicalOrder, type SimTask } from "./schedule";
import { qbftQuorum } from "../stack/qbft";

// Longest names first, so "southeastasia" wins over "eastasia".
const REGIONS_LONGEST_FIRST = [...knownRegions()].sort((a, b) => b.length - a.length);

/** The timeline row of a resource: the region its logical name carries, else its component's name. */
export function rowOf(name: string): string {
    for (const region of REGIONS_LONGEST_FIRST) {
        if (new RegExp(`(^|-)${region}(-|$)`).test(name)) return region;
    }
    return name.split("-")[0];
}

/** `<urn>::<id>` → `<urn>` (URNs contain `::` themselves, ids do not). */
function providerUrn(reference: string): string {
    return reference.slice(0, reference.lastIndexOf("::"));
}

/**
 * One task per recorded resource; a resource waits for its dependencies and its explicit
 * provider. `durationOf` picks a latency from the resource's row (a scenario column or a draw).
 */
export function tasksFrom(resources: readonly RecordedResource[], durationOf: (row: LatencyRow) => number): SimTask[] {
    const known = new Set(resources.map((resource) => resource.urn));
    const quorum = validatorQuorum(resources);
    const tasks = resources.map((resource) => {
        const rule = latencyOf(resource.type, resource.name, resource.inputs);
        const deps = new Set(resource.dependencies.filter((dep) => known.has(dep)));
        if (resource.provider && known.has(providerUrn(resource.provider))) deps.add(providerUrn(resource.provider));
        return {
            id: resource.urn,
            name: resource.name,
            row: rowOf(resource.name),
            phase: rule.phase,
            duration: durationOf(rule.row),
            deps: [...deps],
            armWrite: resource.type.startsWith("azure-native:"),
            ...("advanceBlocks" in resource.inputs && quorum !== undefined ? { quorum } : {}),
        };
    });
    return inLatestPhase(tasks);
}

/**
 * A resource belongs to no earlier phase than what it waits for: the relayer's Kubernetes objects take the routers'
 * addresses, so in the seeds' phase schedule they run with the contracts, not before them.
 */
function inLatestPhase(tasks: SimTask[]): SimTask[] {
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const phaseOf = new Map<string, SimTask["phase"]>();
    const rank = (phase: SimTask["phase"]) => (phase === "local" ? 0 : PHASE_ORDER.indexOf(phase));
    for (const id of topologicalOrder(tasks)) {
        const task = byId.get(id)!;
        let phase = task.phase;
        for (const dep of [...task.deps, ...(task.quorum?.deps ?? [])]) if (rank(phaseOf.get(dep)!) > rank(phase)) phase = phaseOf.get(dep)!;
        phaseOf.set(id, phase);
    }
    return tasks.map((task) => ({ ...task, phase: phaseOf.get(task.id)! }));
}

/**
 * What the fleet chain's readiness gate really waits for: blocks, which need ⌈2n/3⌉ of the genesis validators running
 * (stack/qbft.ts), wherever they are. Each region's Besu chart weighs its validators; n counts every configured
 * validator (one NodeKey each), deployed or not.
 */
function validatorQuorum(resources: readonly RecordedResource[]): SimTask["quorum"] {
    const charts = resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.name.endsWith("-besu-chart"));
    const validators = resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource" && /-validator-\d+$/.test(String(r.inputs["label"] ?? ""))).length;
    if (charts.length === 0 || validators === 0) return undefined;
    const weights = charts.map((chart) => ((chart.inputs["values"] as { validators?: unknown[] } | undefined)?.validators ?? []).length);
    return { deps: charts.map((chart) => chart.urn), weights, needed: qbftQuorum(validators).quorum };
}
