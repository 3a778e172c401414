// `npm run verify` over loopback JSON-RPC servers: healthy regions pass; a hung node times out per check and
// its region fails while the run finishes; lying nodes fail saying what differs; --json; block ordering.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { buildReport, runVerify } from "../../ops/verify/main";
import { parseVerifyArgs } from "../../ops/verify/args";
import { parseOutputs } from "../../ops/verify/outputs";
import type { KubernetesProbe } from "../../ops/verify/kube-probe";
import { renderText, type VerifyReport } from "../../ops/verify/report";
import { startFakeBesu, type FakeBesu } from "../support/ops-fake-besu";
import { GENESIS_VALIDATORS, REGIONS, fleetOutputsJson, healthyNodes, rpcFlags } from "../support/ops-fleet-fixture";

const dir = mkdtempSync(path.join(tmpdir(), "ops-verify-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function outputsFile(name: string, outputs: Record<string, unknown>): string {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(outputs));
    return file;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await runVerify(argv, { out: (t) => (out += t + "\n"), err: (t) => (err += t + "\n") });
    return { code, out, err };
}

const FAST = ["--sample", "30", "--timeout", "2000", "--max-lag", "5"];

describe("verify: healthy fleet", () => {
    let besu: FakeBesu;
    before(async () => {
        besu = await startFakeBesu(Object.assign({}, ...REGIONS.map(healthyNodes)));
    });
    after(() => besu.stop());

    it("passes every region and exits 0, blocks in region order, then the summary", async () => {
        const { code, out } = await run(["--outputs", outputsFile("healthy.json", fleetOutputsJson(REGIONS)), ...rpcFlags(REGIONS, besu.url), ...FAST]);
        assert.equal(code, 0, out);
        const starts = REGIONS.map((r) => out.indexOf(`region ${r}: ok`));
        assert.ok(starts.every((s) => s >= 0) && starts.every((s, i) => i === 0 || s > starts[i - 1]), out);
        assert.ok(out.indexOf("summary") > starts[starts.length - 1]);
        assert.match(out, /eastasia-validator-0 peers\s+6 peers, expected ≥ 5 \(every other validator\)/);
        assert.match(out, /eastasia rpc peers\s+2 peers, expected ≥ 2 \(its region's validators\)/);
        assert.match(out, /japaneast-validator-1 validators\s+6 validators = configured set/);
        assert.match(out, /verify: all checks passed/);
        // Each node was sampled twice for its head.
        assert.equal(besu.calls.get("koreacentral/rpc")!.filter((m) => m === "eth_blockNumber").length, 2);
        // The RPC sentry does not serve the QBFT API, so it is never asked for it.
        assert.ok(!besu.calls.get("koreacentral/rpc")!.includes("qbft_getValidatorsByBlockNumber"));
    });
});

describe("verify: a hung node and lying nodes", () => {
    let besu: FakeBesu;
    let result: { code: number; out: string; err: string };
    let report: VerifyReport;
    const [swappedOut, ...keep] = GENESIS_VALIDATORS.map((a) => a.toLowerCase());
    const stranger = "0x00000000000000000000000000000000000000aa";
    before(async () => {
        besu = await startFakeBesu({
            ...healthyNodes("eastasia"),
            ...healthyNodes("japaneast"),
            "japaneast/validator-0": { peers: 5, validators: [], head: 1000, hang: true },
            ...healthyNodes("koreacentral"),
            "koreacentral/validator-0": { peers: 1, validators: GENESIS_VALIDATORS, head: 1000 },
            "koreacentral/validator-1": { peers: 5, validators: [...keep, stranger], head: 1000 },
            "koreacentral/rpc": { peers: 2, validators: [], head: 900, advancing: false },
        });
        // A generous per-check timeout: healthy nodes must not time out on a loaded CI machine (only the hung one does).
        const argv = ["--outputs", outputsFile("liars.json", fleetOutputsJson(REGIONS)), ...rpcFlags(REGIONS, besu.url), "--sample", "30", "--timeout", "1500"];
        result = await run(argv);
        report = JSON.parse((await run([...argv, "--json"])).out) as VerifyReport;
    });
    after(() => besu.stop());

    const detail = (region: string, check: string) => report.regions.find((g) => g.name === region)!.checks.find((c) => c.name === check);

    it("finishes, exits 1 and names the failed regions; the healthy one passes", () => {
        assert.equal(result.code, 1);
        assert.match(result.out, /verify: FAILED \(japaneast, koreacentral\)/);
        assert.equal(report.regions.find((g) => g.name === "eastasia")!.ok, true);
    });

    it("fails the hung node's checks with a per-check timeout", () => {
        for (const check of ["peers", "head", "validators"]) {
            const c = detail("japaneast", `japaneast-validator-0 ${check}`)!;
            assert.equal(c.status, "fail");
            assert.match(c.detail, /timed out after 1500 ms/);
        }
        assert.equal(detail("japaneast", "japaneast-validator-1 peers")!.status, "pass");
    });

    it("says which validators differ from the configured set", () => {
        const c = detail("koreacentral", "koreacentral-validator-1 validators")!;
        assert.equal(c.status, "fail");
        assert.match(c.detail, new RegExp(`missing ${swappedOut}`));
        assert.match(c.detail, new RegExp(`not configured ${stranger}`));
        assert.doesNotMatch(c.detail, /pending votes/, "a stranger is no pending vote");
    });

    it("names a difference that is exactly the pending QBFT votes, and how to cast them", async () => {
        const fleet = fleetOutputsJson(["koreacentral"]);
        const outputs = { ...fleet, besu: { ...fleet.besu, validatorChanges: { add: [GENESIS_VALIDATORS[0]], remove: [stranger] } } };
        const { out } = await run([
            "--outputs",
            outputsFile("votes.json", outputs),
            ...rpcFlags(["koreacentral"], besu.url),
            "--sample",
            "30",
            "--timeout",
            "1500",
            "--json",
        ]);
        const checks = (JSON.parse(out) as VerifyReport).regions[0].checks;
        const c = checks.find((check) => check.name === "koreacentral-validator-1 validators")!;
        assert.equal(c.status, "fail");
        assert.match(c.detail, /these are the pending votes of besu\.validatorChanges: run `npm run fleet -- votes --apply`/);
    });

    it("says a node has too few peers, with the expectation", () => {
        const c = detail("koreacentral", "koreacentral-validator-0 peers")!;
        assert.equal(c.status, "fail");
        assert.equal(c.detail, "1 peers, expected ≥ 5 (every other validator)");
    });

    it("says a stale head does not advance and trails the fleet head", () => {
        assert.match(detail("koreacentral", "koreacentral rpc head")!.detail, /block 900 → 900 .*not advancing/);
        const lag = detail("koreacentral", "koreacentral rpc lag")!;
        assert.equal(lag.status, "fail");
        assert.match(lag.detail, new RegExp(`^${report.fleetHead! - 900} blocks behind fleet head ${report.fleetHead}`));
        assert.equal(detail("eastasia", "eastasia rpc lag")!.status, "pass");
    });
});

describe("verify --json", () => {
    let besu: FakeBesu;
    before(async () => {
        besu = await startFakeBesu(healthyNodes("eastasia"));
    });
    after(() => besu.stop());

    it("prints the report object: stack, ok, fleetHead, regions with ordered checks, contracts", async () => {
        const { code, out } = await run([
            "-s",
            "staging",
            "--outputs",
            outputsFile("one.json", fleetOutputsJson(["eastasia"])),
            ...rpcFlags(["eastasia"], besu.url),
            ...FAST,
            "--json",
        ]);
        assert.equal(code, 0);
        const report = JSON.parse(out) as VerifyReport;
        assert.deepEqual(Object.keys(report), ["stack", "ok", "fleetHead", "regions", "contracts"]);
        assert.equal(report.stack, "staging");
        assert.equal(report.ok, true);
        assert.equal(report.fleetHead, 1001);
        assert.deepEqual(report.contracts, []);
        assert.deepEqual(
            report.regions[0].checks.map((c) => [c.name, c.status]),
            [
                ["kubernetes api", "skip"],
                ["besu pods ready", "skip"],
                ["eastasia-validator-0 peers", "pass"],
                ["eastasia-validator-0 head", "pass"],
                ["eastasia-validator-0 validators", "pass"],
                ["eastasia-validator-1 peers", "pass"],
                ["eastasia-validator-1 head", "pass"],
                ["eastasia-validator-1 validators", "pass"],
                ["eastasia rpc peers", "pass"],
                ["eastasia rpc head", "pass"],
                ["eastasia-validator-0 lag", "pass"],
                ["eastasia-validator-1 lag", "pass"],
                ["eastasia rpc lag", "pass"],
            ],
        );
        for (const c of report.regions[0].checks) assert.equal(typeof c.detail, "string");
    });
});

describe("verify: output order does not follow completion order", () => {
    let besu: FakeBesu;
    before(async () => {
        besu = await startFakeBesu({ ...healthyNodes("eastasia"), ...healthyNodes("japaneast") });
    });
    after(() => besu.stop());

    it("prints eastasia before japaneast although japaneast finishes first", async () => {
        const closed: string[] = [];
        let japaneastDone!: () => void;
        const japaneastClosed = new Promise<void>((resolve) => (japaneastDone = resolve));
        // In-test probes: eastasia's API answers only once japaneast's checks are all done (probe closed).
        const openProbe = async (region: string): Promise<KubernetesProbe> => ({
            get: async (apiPath) => {
                if (region === "eastasia") await japaneastClosed;
                if (apiPath === "/readyz") return "ok";
                const pods = ["validator-0", "validator-1", "sentry-0"].map((n) => ({
                    metadata: { name: `besu-${region}-${n}-0` },
                    status: { conditions: [{ type: "Ready", status: "True" }] },
                }));
                return JSON.stringify({ items: pods });
            },
            post: async (apiPath, body) => {
                const node = apiPath.includes("/services/") ? "rpc" : /besu-[a-z]+-(validator-\d+)-0/.exec(apiPath)![1];
                return (await besu.answer(`${region}/${node}`, body))!;
            },
            close: async () => {
                closed.push(region);
                if (region === "japaneast") japaneastDone();
            },
        });
        const outputs = parseOutputs(fleetOutputsJson(["eastasia", "japaneast"], { kubeconfigs: { eastasia: "x", japaneast: "y" } }), "test");
        const report = await buildReport(outputs, parseVerifyArgs([...FAST]), { openProbe });
        assert.deepEqual(closed, ["japaneast", "eastasia"]);
        assert.deepEqual(
            report.regions.map((g) => g.name),
            ["eastasia", "japaneast"],
        );
        assert.equal(report.ok, true, JSON.stringify(report, null, 1));
        const text = renderText(report);
        assert.ok(text.indexOf("region eastasia: ok") < text.indexOf("region japaneast: ok"), text);
    });
});

describe("verify: bad input", () => {
    it("rejects an --rpc key that is no checked region or validator, naming it", async () => {
        const { code, err } = await run([
            "--outputs",
            outputsFile("bad-rpc.json", fleetOutputsJson(["eastasia"])),
            "--rpc",
            "eastasia-validator-7=http://127.0.0.1:1",
        ]);
        assert.equal(code, 2);
        assert.match(err, /--rpc eastasia-validator-7: not a checked region or validator/);
    });

    it("names the missing output key", async () => {
        const { code, err } = await run(["--outputs", outputsFile("no-besu.json", { regions: {} })]);
        assert.equal(code, 2);
        assert.match(err, /no-besu\.json: not this program's stack outputs: .*besu: /);
        const fleetWithoutBesu = { ...fleetOutputsJson(["eastasia"]), besu: undefined };
        const missing = await run(["--outputs", outputsFile("no-besu-2.json", fleetWithoutBesu)]);
        assert.equal(missing.code, 2);
        assert.match(missing.err, /not this program's stack outputs: besu: /);
    });

    it("fails a region with no kubeconfig and no --rpc route, saying how to give one", async () => {
        const { code, out } = await run(["--outputs", outputsFile("no-route.json", fleetOutputsJson(["eastasia"])), ...FAST]);
        assert.equal(code, 1);
        assert.match(out, /FAIL\s+kubernetes api\s+no kubeconfig for eastasia in the stack outputs/);
        assert.match(out, /eastasia-validator-0 rpc\s+no route: give --rpc eastasia-validator-0=<url> or a kubeconfig for eastasia/);
    });
});
