// Where Besu's pods and disks may go, on the prod program under mocks and in the rendered chart.
// - Azure "Redundancy options for managed disks": an LRS disk attaches only to a VM in its own zone; a ZRS disk
//   replicates synchronously over the region's three zones and attaches to a VM in any of them. Premium SSD ZRS
//   is skuName Premium_ZRS for the Azure Disk CSI driver (disk.csi.azure.com).
// - Kubernetes: a CPU limit is enforced by CFS quota (throttling); memory request = limit means the container is never scheduled on memory it may not get;
//   fsGroupChangePolicy OnRootMismatch skips the recursive chown when the volume root already matches.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { before, describe, it } from "node:test";
import { RESULT_PREFIX } from "../support/program-child";
import { findRegion } from "../../regions/catalog";
import { renderBesuChart } from "../support/policy-chart";
import { ProgramRun, REPO_ROOT, runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

let run: ProgramRun;

describe("Besu placement", () => {
    before(async () => {
        run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
    });

    it("puts data disks in zonal regions on zone-redundant storage, so a pod rescheduled to another zone keeps its disk", () => {
        const charts = run.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.name.endsWith("-besu-chart"));
        assert.equal(charts.length, 24);
        for (const chart of charts) {
            const region = chart.name.replace(/^region-/, "").replace(/-besu-chart$/, "");
            const className = (chart.inputs["values"] as Record<string, Record<string, string>>)["storage"]["storageClassName"];
            const classes = run.resources.filter(
                (r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass" && r.provider.includes(`::region-${region}-k8s::`),
            );
            if (findRegion(region)!.hasZones) {
                const own = classes.find((c) => (c.inputs["metadata"] as { name: string }).name === className);
                assert.ok(own, `${region}: the chart's class ${className} is not created in the region`);
                assert.equal(own.inputs["provisioner"], "disk.csi.azure.com");
                assert.match((own.inputs["parameters"] as Record<string, string>)["skuName"], /_ZRS$/, region);
                assert.equal(own.inputs["volumeBindingMode"], "WaitForFirstConsumer");
                assert.ok(chart.dependencies.includes(own.urn), `${region}: the chart does not wait for its storage class`);
            } else {
                // No zones: the pool is regional and an LRS disk attaches to any of its nodes.
                assert.equal(classes.length, 0, region);
                assert.equal(className, "managed-csi-premium", region);
            }
        }
    });

    it("sets no CPU limit on Besu, memory request = limit, and chowns volumes only on a root mismatch", () => {
        const sets = renderBesuChart("japaneast").filter((o) => o.type === "kubernetes:apps/v1:StatefulSet");
        assert.equal(sets.length, 3);
        for (const set of sets) {
            const pod = (set.props["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
            const besu = (pod["containers"] as { name: string; resources: { requests: Record<string, string>; limits: Record<string, string> } }[]).find(
                (c) => c.name === "besu",
            )!;
            assert.equal(besu.resources.limits["cpu"], undefined, `${set.name}: CPU limit`);
            assert.equal(besu.resources.limits["memory"], besu.resources.requests["memory"], `${set.name}: memory request ≠ limit`);
            assert.equal((pod["securityContext"] as Record<string, string>)["fsGroupChangePolicy"], "OnRootMismatch");
        }
    });

    // Kubernetes: a PodDisruptionBudget limits evictions, not a StatefulSet's own rolling update; with OnDelete the
    // controller replaces a pod only when it is deleted (StatefulSet "Update strategies").
    it("never restarts Besu pods on a template change by itself: OnDelete, rolled region by region by `fleet roll`", () => {
        for (const set of renderBesuChart("japaneast").filter((o) => o.type === "kubernetes:apps/v1:StatefulSet")) {
            assert.deepEqual((set.props["spec"] as { updateStrategy: unknown }).updateStrategy, { type: "OnDelete" }, set.name);
        }
    });

    // A StatefulSet's volumeClaimTemplates are immutable (the Kubernetes provider replaces the set to change them):
    // a stack whose nodes run keeps its class by naming it, and then no class is created.
    it("uses chain138:besuStorageClass everywhere when set, creating no class of its own", async () => {
        const options = { stack: "prod", overrides: { besuStorageClass: "managed-csi-premium" } };
        const { stdout } = await promisify(execFile)(
            process.execPath,
            [
                "--import",
                "tsx",
                path.join(REPO_ROOT, "tests", "support", "program-child.ts"),
                JSON.stringify(options),
                "kubernetes:helm.sh/v4:Chart,kubernetes:storage.k8s.io/v1:StorageClass",
            ],
            {
                cwd: REPO_ROOT,
                maxBuffer: 64 * 1024 * 1024,
                timeout: 240_000,
            },
        );
        const recorded = JSON.parse(
            stdout
                .split("\n")
                .find((l) => l.startsWith(RESULT_PREFIX))!
                .slice(RESULT_PREFIX.length),
        ) as { type: string; name: string; inputs: Record<string, unknown> }[];
        assert.equal(recorded.filter((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass").length, 0);
        const charts = recorded.filter((r) => r.name.endsWith("-besu-chart"));
        assert.equal(charts.length, 24);
        for (const chart of charts)
            assert.equal((chart.inputs["values"] as Record<string, Record<string, string>>)["storage"]["storageClassName"], "managed-csi-premium");
    });
});
