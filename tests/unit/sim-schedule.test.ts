// The simulator's schedules on small hand-built graphs, where the right answer is known.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { criticalPath, scheduleDag, schedulePhases, scheduleSequential, SimTask, topologicalOrder } from "../../sim/schedule";

const task = (id: string, duration: number, deps: string[] = [], phase: SimTask["phase"] = "infra", armWrite = false): SimTask => ({
    id,
    name: id,
    row: id.split("-")[0],
    phase,
    duration,
    deps,
    armWrite,
});
const NO_THROTTLE = { capacity: 1_000_000, refillPerSecond: 1_000_000 };

describe("simulator schedules", () => {
    // Two regions: a fast one and a slow one, each infra → kubernetes → besu.
    const regions = [
        task("a-infra", 100),
        task("a-k8s", 10, ["a-infra"], "kubernetes"),
        task("a-besu", 50, ["a-k8s"], "besu"),
        task("b-infra", 300),
        task("b-k8s", 10, ["b-infra"], "kubernetes"),
        task("b-besu", 200, ["b-k8s"], "besu"),
    ];

    it("starts each task when its dependencies finish: makespan is the slowest region's chain", () => {
        const schedule = scheduleDag(regions, 128, NO_THROTTLE);
        assert.equal(schedule.makespan, 510);
        const start = (id: string) => schedule.tasks.find((entry) => entry.task.id === id)!.start;
        assert.equal(start("a-besu"), 110, "region a does not wait for region b");
    });

    it("phase barriers make every region wait for the slowest in each phase", () => {
        // infra max 300, kubernetes max 10, besu max 200
        assert.equal(schedulePhases(regions, 128, NO_THROTTLE).makespan, 510);
        const skewed = [...regions.slice(0, 3).map((t) => (t.id === "a-besu" ? { ...t, duration: 400 } : t)), ...regions.slice(3)];
        // DAG: max(100+10+400, 300+10+200) = 510; barriers: 300 + 10 + 400 = 710.
        assert.equal(scheduleDag(skewed, 128, NO_THROTTLE).makespan, 510);
        assert.equal(schedulePhases(skewed, 128, NO_THROTTLE).makespan, 710);
    });

    it("sequential is the sum of all work", () => {
        assert.equal(scheduleSequential(regions).makespan, 670);
    });

    it("--parallel caps how many tasks run at once", () => {
        const independent = Array.from({ length: 10 }, (_, i) => task(`t${i}`, 60));
        assert.equal(scheduleDag(independent, 10, NO_THROTTLE).makespan, 60);
        assert.equal(scheduleDag(independent, 3, NO_THROTTLE).makespan, 240);
        const schedule = scheduleDag(independent, 3, NO_THROTTLE);
        for (const moment of [0, 59, 60, 150]) {
            const running = schedule.tasks.filter((entry) => entry.start <= moment && moment < entry.end).length;
            assert.ok(running <= 3, `${running} running at ${moment}s`);
        }
    });

    it("throttles ARM writes: a burst beyond the bucket waits for Retry-After", () => {
        const writes = Array.from({ length: 30 }, (_, i) => task(`w${i}`, 1, [], "infra", true));
        const schedule = scheduleDag(writes, 128, { capacity: 10, refillPerSecond: 1 });
        assert.ok(schedule.throttled > 0);
        const accepted = schedule.tasks.map((entry) => entry.accepted).sort((a, b) => a - b);
        // 10 at once, then one per second.
        assert.equal(accepted.filter((at) => at === 0).length, 10);
        assert.ok(accepted[29] >= 20, `the 30th write is accepted at ${accepted[29]}s`);
        // Never more than capacity + rate × t writes accepted by time t.
        for (const at of accepted) assert.ok(accepted.filter((other) => other <= at).length <= 10 + at * 1 + 1e-9);
    });

    it("finds the critical path and rejects cycles and unknown dependencies", () => {
        const critical = criticalPath(regions);
        assert.equal(critical.length, 510);
        assert.deepEqual(
            critical.path.map((t) => t.id),
            ["b-infra", "b-k8s", "b-besu"],
        );
        assert.throws(() => topologicalOrder([task("x", 1, ["y"]), task("y", 1, ["x"])]), /dependency cycle: x → y → x|dependency cycle: y → x → y/);
        assert.throws(() => topologicalOrder([task("x", 1, ["nope"])]), /x depends on unknown nope/);
        assert.throws(() => schedulePhases([task("k", 1, [], "kubernetes"), task("i", 1, ["k"], "infra")], 4), /depends on a later phase/);
    });
});
