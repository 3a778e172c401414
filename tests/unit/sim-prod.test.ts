// The simulator on the real prod program: the engine's graph beats barriers and sequential, the
// critical path runs through an AKS cluster, and every resource type has a sourced latency.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { rowOf, tasksFrom } from "../../sim/graph";
import { sampleLatency, seededRandom } from "../../sim/latencies";
import { ProgramRun, runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { criticalPath, scheduleDag, schedulePhases, scheduleSequential } from "../../sim/schedule";
import { renderTimeline } from "../../sim/timeline";

let run: ProgramRun;

describe("simulator on the prod stack", () => {
    before(async () => {
        run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
    });

    it("maps every resource to a latency and a timeline row", () => {
        const tasks = tasksFrom(run.resources, (row) => row.typical);
        assert.equal(tasks.length, run.resources.length);
        assert.equal(rowOf("region-southeastasia-aks"), "southeastasia");
        assert.equal(rowOf("besu-eastasia-validator-0-ip"), "eastasia");
        assert.equal(new Set(tasks.map((t) => t.row)).size >= 25, true);
    });

    it("orders DAG ≤ phase barriers < sequential under sampled latencies, with a cluster on the critical path", () => {
        const random = seededRandom(7);
        const tasks = tasksFrom(run.resources, (row) => sampleLatency(row, random));
        const dag = scheduleDag(tasks, 128).makespan;
        const phases = schedulePhases(tasks, 128).makespan;
        const sequential = scheduleSequential(tasks).makespan;
        assert.ok(dag <= phases, `dag ${dag} > phases ${phases}`);
        assert.ok(phases < sequential);
        const critical = criticalPath(tasks);
        assert.ok(Math.abs(critical.length - dag) < 1e-6, "with 128 slots and no throttling the DAG schedule reaches its floor");
        assert.ok(critical.path.some((task) => task.name.endsWith("-aks")));
    });

    it("renders a timeline with one row per region", () => {
        const tasks = tasksFrom(run.resources, (row) => row.typical);
        const svg = renderTimeline("prod", [{ label: "dag", schedule: scheduleDag(tasks, 128) }]);
        assert.match(svg, /^<svg /);
        for (const region of ["westeurope", "koreasouth", "southeastasia", "eastasia"]) assert.ok(svg.includes(`>${region}</text>`), region);
    });
});

describe("simulator on the dev stack", () => {
    it("schedules the CCIP lane in the contracts phase, after the suites it wires", async () => {
        const dev = await runProgram({ stack: "dev", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
        const tasks = tasksFrom(dev.resources, (row) => row.typical);
        const lanes = tasks.filter((task) => task.name.endsWith("-lane"));
        assert.ok(lanes.length > 0, "the dev stack wires a lane");
        for (const lane of lanes) assert.equal(lane.phase, "contracts", lane.name);
        assert.ok(schedulePhases(tasks, 128).makespan >= scheduleDag(tasks, 128).makespan);
    });
});
