// `npm run fleet`: start / stop / status against fake per-region Kubernetes API servers (HTTPS, bearer
// tokens from a fake kubelogin), the quorum guard, partial failures and the --json document.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { after, afterEach, describe, it } from "node:test";
import type { FleetReport } from "../../ops/fleet/report";
import { startFakeFleet, type FakeFleet, type RegionSpec } from "../support/fleet-harness";

const REPO_ROOT = path.join(__dirname, "..", "..");
const FOUR = ["northeurope", "uksouth", "francecentral", "swedencentral"];

let fleet: FakeFleet | undefined;
afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
});

async function start(specs: (RegionSpec | string)[], options: { sameLogin?: boolean } = {}): Promise<FakeFleet> {
    fleet = await startFakeFleet(
        specs.map((spec) => (typeof spec === "string" ? { name: spec } : spec)),
        options,
    );
    return fleet;
}

/** Region names of the `== <region>: …` headers, in printed order. */
const headers = (lines: string[]) => lines.filter((line) => line.startsWith("== ")).map((line) => /^== ([^:]+):/.exec(line)![1]);
const headerOf = (lines: string[], region: string) => lines.find((line) => line.startsWith(`== ${region}:`));
const patches = (f: FakeFleet, region: string) => f.clusters.get(region)!.requests.filter((request) => request.method === "PATCH");
const replicas = (f: FakeFleet, region: string) => f.clusters.get(region)!.nodes.map((node) => node.replicas);

describe("fleet status", () => {
    it("prints every region in stack order with pods, block height and peers, then a summary", async () => {
        const f = await start(FOUR);
        const { code, out, err } = await f.run(["status", "all"]);
        assert.equal(code, 0, err.join("\n"));
        assert.deepEqual(headers(out), FOUR);
        for (const region of FOUR) assert.equal(headerOf(out, region), `== ${region}: ok`);
        const validator = out.find((line) => line.includes("uksouth-validator-1"));
        assert.match(validator ?? "", /validator\s+uksouth-validator-1\s+replicas 1\/1\s+pod ready\s+block 1001\s+peers 7/);
        assert.match(out.find((line) => line.includes("uksouth-sentry-0")) ?? "", /sentry\s+uksouth-sentry-0 .* block 1000\s+peers 9/);
        // The label selector leaves out StatefulSets that are not the chart's.
        assert.ok(!out.some((line) => line.includes("log-shipper")));
        assert.ok(out.includes("summary: status on 4 region(s): 4 ok"));
        assert.ok(out.includes("validators running in these regions: 8 of 8; the fleet has 8, QBFT needs 6 running"));
    });

    it("runs the exec plugin once per region with the kubeconfig's args, and the fake API accepts its token", async () => {
        const f = await start(FOUR);
        const { code } = await f.run(["status", "all"]);
        assert.equal(code, 0);
        const runs = f.execRuns();
        assert.equal(runs.length, 4);
        for (const run of runs) assert.equal(run, "get-token --login azurecli --server-id 6dae42f8-4368-4678-94ff-3960e28e3630");
    });

    it("logs in once for regions whose kubeconfigs share an exec user", async () => {
        const f = await start(FOUR, { sameLogin: true });
        const { code } = await f.run(["status", "all"]);
        assert.equal(code, 0);
        assert.equal(f.execRuns().length, 1);
    });

    it("prints named regions in stack order, whatever order they were named in", async () => {
        const f = await start(FOUR);
        const { code, out } = await f.run(["status", "swedencentral", "northeurope"]);
        assert.equal(code, 0);
        assert.deepEqual(headers(out), ["northeurope", "swedencentral"]);
        assert.equal(f.clusters.get("uksouth")!.requests.length, 0);
    });

    it("keeps region order when the first region answers last", async () => {
        const f = await start(FOUR);
        const [first, ...others] = FOUR.map((region) => f.clusters.get(region)!);
        const served: string[] = [];
        // The first region's answers wait until every other region has answered all its JSON-RPC calls
        // (one per node), so it finishes last.
        let release: () => void = () => undefined;
        first.hold = new Promise<void>((resolve) => (release = resolve));
        let waiting = others.length;
        for (const cluster of [first, ...others]) {
            cluster.on("served", (method: string) => {
                if (method !== "POST") return;
                served.push(cluster.region);
                const done = served.filter((region) => region === cluster.region).length === cluster.nodes.length;
                if (cluster !== first && done && --waiting === 0) release();
            });
        }
        const { code, out } = await f.run(["status", "all"]);
        assert.equal(code, 0);
        assert.equal(served.at(-1), FOUR[0], `completion order: ${served.join(", ")}`);
        assert.notDeepEqual([...new Set(served)], FOUR);
        assert.deepEqual(headers(out), FOUR);
    });

    it("fails a region whose ready pod does not answer JSON-RPC, and exits non-zero", async () => {
        const f = await start(FOUR);
        f.clusters.get("francecentral")!.node("francecentral-sentry-0").rpcBroken = true;
        const { code, out } = await f.run(["status", "all", "--retries", "0"]);
        assert.equal(code, 1);
        assert.equal(headerOf(out, "francecentral"), "== francecentral: FAILED: JSON-RPC of a ready pod did not answer");
        assert.match(
            out.find((line) => line.includes("francecentral-sentry-0")) ?? "",
            /rpc error: POST .*\/pods\/besu-francecentral-sentry-0-0:8545\/proxy\/: HTTP 502/,
        );
        assert.ok(out.includes("JSON-RPC failed on 1 ready pod(s)"));
    });
});

describe("fleet stop and start", () => {
    it("stops one region with a merge patch on /scale and leaves the others alone", async () => {
        const f = await start(FOUR);
        const { code, out, err } = await f.run(["stop", "uksouth"]);
        assert.equal(code, 0, err.join("\n"));
        assert.deepEqual(replicas(f, "uksouth"), [0, 0, 0]);
        // As its own field manager: the chart leaves spec.replicas unset, so this tool, not Pulumi's server-side
        // apply, owns the field and the next `pulumi up` keeps the region stopped.
        assert.deepEqual(
            patches(f, "uksouth").map((p) => [p.path, p.query, p.contentType]),
            ["uksouth-validator-0", "uksouth-validator-1", "uksouth-sentry-0"].map((node) => [
                `/apis/apps/v1/namespaces/besu/statefulsets/besu-${node}/scale`,
                "?fieldManager=chain138-fleet",
                "application/merge-patch+json",
            ]),
        );
        // …which the API server records in each StatefulSet's managedFields.
        for (const node of ["uksouth-validator-0", "uksouth-validator-1", "uksouth-sentry-0"]) {
            assert.deepEqual(
                f.clusters
                    .get("uksouth")!
                    .managedFields.get(`besu-${node}`)
                    ?.map((field) => [field.manager, field.subresource]),
                [["chain138-fleet", "scale"]],
            );
        }
        for (const region of ["northeurope", "francecentral", "swedencentral"]) {
            assert.deepEqual(patches(f, region), []);
            assert.deepEqual(replicas(f, region), [1, 1, 1]);
        }
        assert.deepEqual(headers(out), ["uksouth"]);
        assert.ok(out.includes("   scaled 3 of 3 StatefulSets to 0"));
        assert.ok(out.some((line) => line.startsWith("quorum guard: stopping uksouth (2) leaves 6 of 8 validators running")));
    });

    it("refuses a stop that would leave fewer validators than QBFT needs, and changes nothing", async () => {
        const f = await start(FOUR);
        const { code, out, err } = await f.run(["stop", "uksouth", "swedencentral"]);
        assert.equal(code, 2);
        assert.deepEqual(out, []);
        assert.match(
            err[0],
            /^REFUSED by the quorum guard: stopping uksouth \(2\), swedencentral \(2\) leaves 4 of 8 validators running; QBFT needs at least 6 /,
        );
        for (const region of FOUR) assert.deepEqual(patches(f, region), []);
    });

    it("stops anyway with --force, warning loudly", async () => {
        const f = await start(FOUR);
        const { code, err } = await f.run(["stop", "uksouth", "swedencentral", "--force"]);
        assert.equal(code, 0);
        assert.ok(err.some((line) => line.includes("--force: overriding the QBFT quorum guard")));
        assert.ok(err.some((line) => line.includes("leaves 4 of 8 validators running")));
        assert.deepEqual(replicas(f, "uksouth"), [0, 0, 0]);
        assert.deepEqual(replicas(f, "swedencentral"), [0, 0, 0]);
    });

    it("start scales a stopped region back to one replica per node", async () => {
        const f = await start(FOUR);
        assert.equal((await f.run(["stop", "francecentral"])).code, 0);
        const { code, out } = await f.run(["start", "francecentral"]);
        assert.equal(code, 0);
        assert.deepEqual(replicas(f, "francecentral"), [1, 1, 1]);
        assert.ok(out.includes("   scaled 3 of 3 StatefulSets to 1"));
        assert.match(out.find((line) => line.includes("francecentral-validator-0")) ?? "", /replicas 1\/1\s+pod ready\s+block 1000/);
        // Starting what runs is a no-op.
        const again = await f.run(["start", "francecentral"]);
        assert.ok(again.out.includes("   scaled 0 of 3 StatefulSets to 1 (3 already at 1)"));
    });
});

describe("fleet with a failing region", () => {
    const failures = [
        { failure: "http500" as const, flags: ["--retries", "1"], culprit: /HTTP 500: etcdserver: request timed out/ },
        { failure: "refused" as const, flags: ["--retries", "1"], culprit: /ECONNREFUSED/ },
        { failure: "hang" as const, flags: ["--retries", "0", "--timeout", "2"], culprit: /no answer within 2000 ms/ },
    ];
    for (const { failure, flags, culprit } of failures) {
        it(`${failure}: status reports the region failed and the others ok`, async () => {
            const f = await start(["northeurope", { name: "uksouth", failure }, "francecentral", "swedencentral"]);
            const { code, out } = await f.run(["status", "all", ...flags]);
            assert.equal(code, 1);
            assert.deepEqual(headers(out), FOUR);
            assert.match(
                headerOf(out, "uksouth")!,
                /^== uksouth: FAILED: GET https:\/\/127\.0\.0\.1:\d+\/(apis\/apps\/v1\/namespaces\/besu\/statefulsets|api\/v1\/namespaces\/besu\/pods): /,
            );
            assert.match(headerOf(out, "uksouth")!, culprit);
            for (const region of ["northeurope", "francecentral", "swedencentral"]) assert.equal(headerOf(out, region), `== ${region}: ok`);
            assert.ok(out.includes("summary: status on 4 region(s): 3 ok, 1 failed (uksouth)"));
        });

        it(`${failure}: the guard counts the region's validators as not running`, async () => {
            const f = await start(["northeurope", { name: "uksouth", failure }, "francecentral", "swedencentral"]);
            // With uksouth up this stop is allowed (see above); with it down only 4 of 8 would remain.
            const { code, err } = await f.run(["stop", "francecentral", ...flags]);
            assert.equal(code, 2);
            assert.match(err[0], /leaves 4 of 8 validators running; QBFT needs at least 6 .*; 6 run now; unreachable, counted as not running: uksouth$/);
            assert.deepEqual(patches(f, "francecentral"), []);
        });
    }

    it("a stop goes ahead in the reachable target and reports the failing one", async () => {
        const six = ["northeurope", "uksouth", "francecentral", "swedencentral", "norwayeast", "polandcentral"];
        const f = await start(six.map((name) => (name === "uksouth" ? { name, failure: "http500" as const } : name)));
        // 12 validators need 8; uksouth's 2 are not counted, so stopping francecentral leaves 8.
        const { code, out } = await f.run(["stop", "uksouth", "francecentral", "--retries", "0"]);
        assert.equal(code, 1);
        assert.deepEqual(headers(out), ["uksouth", "francecentral"]);
        assert.match(headerOf(out, "uksouth")!, /FAILED: .*HTTP 500/);
        assert.equal(headerOf(out, "francecentral"), "== francecentral: ok");
        assert.deepEqual(replicas(f, "francecentral"), [0, 0, 0]);
    });
});

describe("fleet --json", () => {
    it("prints one document with the rule, each region's nodes and a summary", async () => {
        const f = await start(["northeurope", { name: "uksouth", failure: "http500" }, "francecentral", "swedencentral"]);
        const { code, out } = await f.run(["status", "all", "--json", "--retries", "0"]);
        assert.equal(code, 1);
        const report = JSON.parse(out.join("\n")) as FleetReport;
        assert.deepEqual(Object.keys(report), ["command", "stack", "ok", "refused", "forced", "rule", "guard", "regions", "summary"]);
        assert.equal(report.command, "status");
        assert.equal(report.stack, "test");
        assert.equal(report.ok, false);
        assert.deepEqual(report.rule, { validators: 8, faultTolerance: 2, quorum: 6 });
        assert.equal(report.guard, null);
        assert.deepEqual(
            report.regions.map((region) => [region.region, region.ok]),
            [
                ["northeurope", true],
                ["uksouth", false],
                ["francecentral", true],
                ["swedencentral", true],
            ],
        );
        assert.match(report.regions[1].error!, /HTTP 500/);
        assert.deepEqual(report.regions[0].nodes[0], {
            node: "northeurope-validator-0",
            statefulSet: "besu-northeurope-validator-0",
            role: "validator",
            replicas: 1,
            readyReplicas: 1,
            pod: "besu-northeurope-validator-0-0",
            podReady: true,
            blockNumber: 1000,
            peers: 7,
            rpcError: null,
            outdated: false,
        });
        assert.deepEqual(report.summary, { regions: 4, ok: 3, failed: ["uksouth"], validatorsRunning: 6, validatorsListed: 8, rpcErrors: 0 });
    });

    it("a refused stop is a document too, with the guard's numbers", async () => {
        const f = await start(FOUR);
        const { code, out } = await f.run(["stop", "northeurope", "uksouth", "--json"]);
        assert.equal(code, 2);
        const report = JSON.parse(out.join("\n")) as FleetReport;
        assert.equal(report.refused, true);
        assert.equal(report.forced, false);
        assert.equal(report.guard!.allowed, false);
        assert.equal(report.guard!.runningNow, 8);
        assert.equal(report.guard!.remaining, 4);
        assert.deepEqual(report.guard!.stopped, [
            { region: "northeurope", validators: 2 },
            { region: "uksouth", validators: 2 },
        ]);
    });
});

describe("fleet command line", () => {
    it("rejects a missing region list, an unknown region and --force outside stop", async () => {
        const f = await start(FOUR);
        const bare = await f.run(["stop"]);
        assert.equal(bare.code, 2);
        assert.match(bare.err[0], /stop needs regions or "all"/);
        const unknown = await f.run(["status", "uksouth", "westeurope", "mars"]);
        assert.equal(unknown.code, 2);
        assert.match(
            unknown.err[0],
            /not a deployed validator region of stack test: westeurope, mars; deployed: northeurope, uksouth, francecentral, swedencentral/,
        );
        assert.equal((await f.run(["status", "all", "--force"])).code, 2);
        for (const region of FOUR) assert.equal(f.clusters.get(region)!.requests.length, 0);
    });

    it("npm run fleet's script exits with the command's code", async () => {
        const f = await start(FOUR);
        const run = (args: string[]) =>
            new Promise<{ code: number | null; stdout: string }>((resolve) => {
                execFile(
                    process.execPath,
                    ["--import", "tsx", "scripts/fleet.ts", ...args, "-s", "test", "--outputs", f.outputsFile],
                    { cwd: REPO_ROOT, timeout: 60_000 },
                    (error, stdout) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout }),
                );
            });
        const ok = await run(["status", "all", "--json"]);
        assert.equal(ok.code, 0);
        assert.equal((JSON.parse(ok.stdout) as FleetReport).summary.ok, 4);
        assert.equal((await run(["stop", "all"])).code, 2);
    });
});

after(async () => {
    await fleet?.close();
});
