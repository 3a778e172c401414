/**
 * Discrete-event schedules of one resource graph: the engine's way (start each resource as soon
 * as its dependencies finish, at most `parallel` at once, Azure writes through ARM's token
 * bucket), the seeds' way (phase barriers), and one at a time.
 */
import type { Phase } from "./latencies";

export interface SimTask {
    readonly id: string;
    readonly name: string;
    /** Timeline row (a region, the admin region, a chain). */
    readonly row: string;
    readonly phase: Phase;
    /** Seconds of work once started. */
    readonly duration: number;
    /** Ids this task waits for. */
    readonly deps: readonly string[];
    /** Whether starting it is an ARM write (subject to throttling). */
    readonly armWrite: boolean;
    /**
     * Besides `deps`, wait until enough of these have finished: the weights of the finished ones reach `needed` (a
     * QBFT chain makes blocks once ⌈2n/3⌉ validators run, whichever regions they are in).
     */
    readonly quorum?: { readonly deps: readonly string[]; readonly weights: readonly number[]; readonly needed: number };
}

export interface ScheduledTask {
    readonly task: SimTask;
    /** When it took a parallel slot. */
    readonly start: number;
    /** When ARM accepted it (after any 429 + Retry-After waits). */
    readonly accepted: number;
    readonly end: number;
    readonly throttled: number;
}

export interface Schedule {
    readonly makespan: number;
    readonly tasks: ScheduledTask[];
    /** HTTP 429s answered by the throttling model. */
    readonly throttled: number;
}

/** ARM's write token bucket (per subscription and principal): 200 tokens, 10 per second (docs/latencies.md). */
export interface ThrottleModel {
    readonly capacity: number;
    readonly refillPerSecond: number;
}

export const ARM_WRITES: ThrottleModel = { capacity: 200, refillPerSecond: 10 };

/**
 * The token bucket as a virtual schedule (GCRA): `nextFree` is when the bucket would be full
 * of debt. Accepted requests only ever move it forward, so a retry booked for later and a
 * request arriving now are judged consistently.
 */
class TokenBucket {
    private nextFree = 0;
    private readonly interval: number;
    private readonly burst: number;

    constructor(model: ThrottleModel) {
        this.interval = 1 / model.refillPerSecond;
        this.burst = (model.capacity - 1) * this.interval;
    }

    /** Takes a token at `now`, or says how many seconds to wait (the Retry-After ARM would send). */
    take(now: number): { ok: true } | { ok: false; retryAfter: number } {
        const earliest = this.nextFree - this.burst;
        if (now + 1e-9 >= earliest) {
            this.nextFree = Math.max(now, this.nextFree) + this.interval;
            return { ok: true };
        }
        return { ok: false, retryAfter: Math.max(1, Math.ceil(earliest - now)) };
    }
}

/** Checks the graph: known dependencies, no cycles. Returns ids in a topological order. */
export function topologicalOrder(tasks: readonly SimTask[]): string[] {
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const order: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (id: string, path: string[]) => {
        if (state.get(id) === "done") return;
        if (state.get(id) === "visiting") throw new Error(`dependency cycle: ${[...path, id].join(" → ")}`);
        const task = byId.get(id);
        if (!task) throw new Error(`${path[path.length - 1]} depends on unknown ${id}`);
        state.set(id, "visiting");
        for (const dep of [...task.deps, ...(task.quorum?.deps ?? [])]) visit(dep, [...path, id]);
        state.set(id, "done");
        order.push(id);
    };
    for (const task of tasks) visit(task.id, []);
    return order;
}

/**
 * The engine's schedule: a task starts when all its dependencies have finished and one of
 * `parallel` slots is free (registration order breaks ties); an ARM write that finds the
 * bucket empty holds its slot and retries after Retry-After.
 */
export function scheduleDag(
    tasks: readonly SimTask[],
    parallel: number,
    throttle: ThrottleModel = ARM_WRITES,
    alreadyDone: ReadonlySet<string> = new Set(),
): Schedule {
    if (parallel < 1) throw new Error(`parallel must be at least 1, got ${parallel}`);
    const pending = (ids: readonly string[]) => ids.filter((dep) => !alreadyDone.has(dep));
    topologicalOrder(
        tasks
            .filter((task) => !alreadyDone.has(task.id))
            .map((task) => ({ ...task, deps: pending(task.deps), quorum: task.quorum && { ...task.quorum, deps: pending(task.quorum.deps) } })),
    );
    const bucket = new TokenBucket(throttle);
    // A quorum counts as one more dependency, met once the finished weight reaches `needed`.
    const quorums = new Map<string, { have: number; needed: number; met: boolean; weightOf: Map<string, number> }>();
    const quorumDependents = new Map<string, string[]>();
    for (const task of tasks) {
        if (task.quorum === undefined) continue;
        const weightOf = new Map(task.quorum.deps.map((dep, i) => [dep, task.quorum!.weights[i]]));
        const have = task.quorum.deps.filter((dep) => alreadyDone.has(dep)).reduce((sum, dep) => sum + weightOf.get(dep)!, 0);
        quorums.set(task.id, { have, needed: task.quorum.needed, met: have >= task.quorum.needed, weightOf });
        for (const dep of pending(task.quorum.deps)) quorumDependents.set(dep, [...(quorumDependents.get(dep) ?? []), task.id]);
    }
    const remaining = new Map(tasks.map((task) => [task.id, pending(task.deps).length + (quorums.get(task.id)?.met === false ? 1 : 0)]));
    const dependents = new Map<string, string[]>();
    for (const task of tasks) for (const dep of task.deps) dependents.set(dep, [...(dependents.get(dep) ?? []), task.id]);
    const index = new Map(tasks.map((task, i) => [task.id, i]));
    const byId = new Map(tasks.map((task) => [task.id, task]));

    const ready: string[] = tasks.filter((task) => remaining.get(task.id) === 0).map((task) => task.id);
    const running: { id: string; end: number }[] = [];
    const done: ScheduledTask[] = [];
    let now = 0;
    let throttled = 0;

    while (ready.length > 0 || running.length > 0) {
        ready.sort((a, b) => index.get(a)! - index.get(b)!);
        while (running.length < parallel && ready.length > 0) {
            const task = byId.get(ready.shift()!)!;
            let accepted = now;
            let retries = 0;
            if (task.armWrite) {
                for (let answer = bucket.take(accepted); !answer.ok; answer = bucket.take(accepted)) {
                    accepted += answer.retryAfter;
                    retries++;
                }
            }
            throttled += retries;
            const end = accepted + task.duration;
            running.push({ id: task.id, end });
            done.push({ task, start: now, accepted, end, throttled: retries });
        }
        running.sort((a, b) => a.end - b.end);
        const next = running.shift()!;
        now = Math.max(now, next.end);
        const released = [...(dependents.get(next.id) ?? [])];
        for (const waiting of quorumDependents.get(next.id) ?? []) {
            const quorum = quorums.get(waiting)!;
            if (quorum.met) continue;
            quorum.have += quorum.weightOf.get(next.id)!;
            if (quorum.have >= quorum.needed) {
                quorum.met = true;
                released.push(waiting);
            }
        }
        for (const dependent of released) {
            const left = remaining.get(dependent)! - 1;
            remaining.set(dependent, left);
            if (left === 0) ready.push(dependent);
        }
    }
    return { makespan: Math.max(0, ...done.map((entry) => entry.end)), tasks: done, throttled };
}

export const PHASE_ORDER: readonly Phase[] = ["infra", "kubernetes", "besu", "contracts"];

/**
 * The seeds' schedule: all infrastructure, then all Kubernetes, then all Besu, then the
 * contracts, each phase waiting for the previous one to finish everywhere.
 */
export function schedulePhases(tasks: readonly SimTask[], parallel: number, throttle: ThrottleModel = ARM_WRITES): Schedule {
    const phaseOf = (task: SimTask) => (task.phase === "local" ? "infra" : task.phase);
    const rank = new Map(tasks.map((task) => [task.id, PHASE_ORDER.indexOf(phaseOf(task))]));
    for (const task of tasks) {
        for (const dep of task.deps) {
            if (rank.get(dep)! > rank.get(task.id)!) throw new Error(`${task.name} (${phaseOf(task)}) depends on a later phase's ${dep}`);
        }
    }
    let offset = 0;
    let throttled = 0;
    const all: ScheduledTask[] = [];
    const finished = new Set<string>();
    for (const phase of PHASE_ORDER) {
        const inPhase = tasks.filter((task) => phaseOf(task) === phase);
        const schedule = scheduleDag(inPhase, parallel, throttle, finished);
        for (const entry of schedule.tasks) {
            all.push({ ...entry, start: entry.start + offset, accepted: entry.accepted + offset, end: entry.end + offset });
        }
        offset += schedule.makespan;
        throttled += schedule.throttled;
        for (const task of inPhase) finished.add(task.id);
    }
    return { makespan: offset, tasks: all, throttled };
}

/** One task at a time, in dependency order. */
export function scheduleSequential(tasks: readonly SimTask[]): Schedule {
    const byId = new Map(tasks.map((task) => [task.id, task]));
    let now = 0;
    const all = topologicalOrder(tasks).map((id) => {
        const task = byId.get(id)!;
        const entry = { task, start: now, accepted: now, end: now + task.duration, throttled: 0 };
        now = entry.end;
        return entry;
    });
    return { makespan: now, tasks: all, throttled: 0 };
}

/** The longest chain of dependencies by duration: the floor no amount of parallelism beats. */
export function criticalPath(tasks: readonly SimTask[]): { length: number; path: SimTask[] } {
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const finish = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    for (const id of topologicalOrder(tasks)) {
        const task = byId.get(id)!;
        let best: string | undefined;
        for (const dep of task.deps) if (best === undefined || finish.get(dep)! > finish.get(best)!) best = dep;
        if (task.quorum !== undefined) {
            // The dependency that completes the quorum: finished weights in finish order until they reach `needed`.
            const byFinish = task.quorum.deps
                .map((dep, i) => ({ dep, weight: task.quorum!.weights[i] }))
                .sort((a, b) => finish.get(a.dep)! - finish.get(b.dep)!);
            let have = 0;
            const completing = byFinish.find((entry) => (have += entry.weight) >= task.quorum!.needed)?.dep;
            if (completing !== undefined && (best === undefined || finish.get(completing)! > finish.get(best)!)) best = completing;
        }
        finish.set(id, task.duration + (best === undefined ? 0 : finish.get(best)!));
        via.set(id, best);
    }
    let last: string | undefined;
    for (const [id, value] of finish) if (last === undefined || value > finish.get(last)!) last = id;
    const path: SimTask[] = [];
    for (let id = last; id !== undefined; id = via.get(id)) path.unshift(byId.get(id)!);
    return { length: last === undefined ? 0 : finish.get(last)!, path };
}
