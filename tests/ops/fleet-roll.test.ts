// `npm run fleet -- roll`: a chart change under updateStrategy OnDelete (every region's templates updated, no pod
// restarted) applied region by region against fake clusters whose StatefulSet controller recreates a deleted pod
// from the current template (Kubernetes StatefulSet "Update strategies": OnDelete).
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { startFakeFleet, type FakeFleet } from "../support/fleet-harness";

const REGIONS = ["northeurope", "uksouth", "japaneast"];
let fleet: FakeFleet | undefined;
afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
});

/** Three healthy regions making blocks, whose templates just changed (a new revision everywhere). */
async function changed(): Promise<FakeFleet> {
    fleet = await startFakeFleet(REGIONS.map((name) => ({ name })));
    for (const cluster of fleet.clusters.values()) {
        cluster.updateRevision = "rev-2";
        for (const node of cluster.nodes) node.advancing = true;
    }
    return fleet;
}

const deletes = (f: FakeFleet, region: string) => f.clusters.get(region)!.requests.filter((r) => r.method === "DELETE");
const FAST = ["--poll", "0.05", "--region-timeout", "5"];

describe("fleet roll", () => {
    it("restarts one region at a time, the next only once the previous has rejoined", async () => {
        const f = await changed();
        const { code, out, err } = await f.run(["roll", "all", ...FAST]);
        assert.equal(code, 0, err.join("\n"));
        assert.deepEqual(
            out.filter((line) => line.startsWith("== ")),
            REGIONS.map((region) => `== ${region}: restarted ${region}-validator-0, ${region}-validator-1, ${region}-sentry-0`),
        );
        for (const [i, region] of REGIONS.entries()) {
            assert.equal(deletes(f, region).length, 3, region);
            if (i === 0) continue;
            // Every delete of this region comes after the previous region was seen ready on the new revision.
            const previous = f.clusters.get(REGIONS[i - 1])!;
            const lastDelete = Math.max(...deletes(f, REGIONS[i - 1]).map((r) => r.seq));
            const firstHere = Math.min(...deletes(f, region).map((r) => r.seq));
            const checksBetween = previous.requests.filter((r) => r.method === "GET" && r.path.endsWith("/pods") && r.seq > lastDelete && r.seq < firstHere);
            assert.ok(checksBetween.length >= 2, `${region} restarted before ${REGIONS[i - 1]} was checked back`);
        }
        assert.ok(f.clusters.get("japaneast")!.nodes.every((n) => n.revision === "rev-2" && n.ready));
    });

    it("stops at a region that does not rejoin, leaving the later regions untouched", async () => {
        const f = await changed();
        f.clusters.get("uksouth")!.nodes[1].neverReady = true;
        const { code, err } = await f.run(["roll", "all", "--poll", "0.05", "--region-timeout", "4"]);
        assert.equal(code, 1);
        assert.ok(
            err.some((line) => /uksouth did not rejoin within 4s: uksouth-validator-1 is not ready; stopping the roll/.test(line)),
            err.join("\n"),
        );
        assert.equal(deletes(f, "japaneast").length, 0, "the roll went on past a broken region");
    });

    it("refuses to take a region down when the rest could not keep the QBFT quorum", async () => {
        const f = await changed();
        // uksouth is stopped: 4 of 6 validators run, and QBFT needs ⌈2·6/3⌉ = 4.
        for (const node of f.clusters.get("uksouth")!.nodes) node.replicas = 0;
        const { code, err } = await f.run(["roll", "northeurope", ...FAST]);
        assert.equal(code, 1);
        assert.match(
            err.join("\n"),
            /== northeurope: not restarted, the chain is not healthy enough: stopping northeurope \(2\) leaves 2 of 6 validators running; QBFT needs at least 4/,
        );
        assert.equal(deletes(f, "northeurope").length, 0);
    });

    it("leaves regions already on the current revision alone", async () => {
        fleet = await startFakeFleet(REGIONS.map((name) => ({ name })));
        const { code, out } = await fleet.run(["roll", "all", ...FAST]);
        assert.equal(code, 0);
        assert.deepEqual(
            out,
            REGIONS.map((region) => `== ${region}: up to date`),
        );
        for (const region of REGIONS) assert.equal(deletes(fleet, region).length, 0);
    });
});
