// `npm run targets`: region validation, failed-URN detection from event logs and state exports, and which
// regions and chains the printed command names. What its globs select is the Pulumi CLI's answer, not this
// file's: tests/e2e/targets-cli.test.ts runs the printed commands against a real stack.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { REPO_ROOT } from "../../ops/shared/pulumi-workspace";
import { failuresFromEventLog, failuresFromState } from "../../ops/targets/failures";
import { chainOfUrn, regionOfUrn } from "../../ops/targets/regions";
import { runTargets } from "../../ops/targets/main";
import { createdResource, eventLog, failedCreate, regionUrns, stackExport, urn } from "../support/ops-pulumi-events";

const dir = mkdtempSync(path.join(tmpdir(), "ops-targets-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
}

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTargets(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
}

/** The --target globs of a printed command. */
function globsOf(command: string): string[] {
    return [...command.matchAll(/--target '([^']+)'/g)].map((m) => m[1]);
}

/** The regions a printed command retries: the `region-<r>` of its RegionDeployment globs, in order. */
function regionsOf(command: string): string[] {
    return globsOf(command).flatMap((g) => /^\*\*::region-([a-z0-9]+)$/.exec(g)?.[1] ?? []);
}

/** The chains a printed command retries: the `contracts-<chain>` of its ContractSuite globs. */
function chainsOf(command: string): string[] {
    return globsOf(command).flatMap((g) => /^\*\*::contracts-([a-z0-9-]+)$/.exec(g)?.[1] ?? []);
}

/** The command the README's "Retry a failed region" shows for eastasia, joined into one line. */
function readmeRetryCommand(): string {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const block = /# 3\. run the printed command[^\n]*\n((?:.*\\\n)*.*)\n/.exec(readme);
    assert.ok(block, "README.md has no step 3 with the printed command");
    return block[1].replace(/\s*\\\n\s*/g, " ");
}

describe("targets for named regions", () => {
    it("prints one pulumi up command for the given stack and regions", async () => {
        const { code, out } = await run(["-s", "staging", "eastasia", "japaneast"]);
        assert.equal(code, 0);
        assert.equal(out.length, 1);
        assert.match(out[0], /^pulumi up -s staging --target /);
        assert.match(out[0], / --target-dependents --parallel 128 --continue-on-error$/);
        assert.deepEqual(regionsOf(out[0]), ["eastasia", "japaneast"]);
        assert.equal(globsOf(out[0]).length, 10, "five globs a region");
    });

    it("prints the command the README documents for eastasia", async () => {
        const { code, out } = await run(["-s", "prod", "eastasia"]);
        assert.equal(code, 0);
        assert.deepEqual(out, [readmeRetryCommand()]);
    });

    it("rejects an unknown region naming it", async () => {
        const { code, err } = await run(["eastasia", "atlantis"]);
        assert.equal(code, 1);
        assert.match(err.join("\n"), /unknown region\(s\): atlantis;/);
    });

    it("rejects the admin region (it has no region globs)", async () => {
        const { code, err } = await run(["westeurope"]);
        assert.equal(code, 1);
        assert.match(err.join("\n"), /westeurope is the admin region/);
    });

    it("rejects regions together with --failed, and neither", async () => {
        assert.equal((await run(["eastasia", "--failed"])).code, 2);
        assert.equal((await run([])).code, 2);
    });
});

describe("URN to region", () => {
    it("maps RegionDeployment children and BesuNetwork per-region resources, anchored", () => {
        for (const u of Object.values(regionUrns("prod", "eastasia"))) assert.equal(regionOfUrn(u), "eastasia", u);
        for (const u of Object.values(regionUrns("prod", "southeastasia"))) assert.equal(regionOfUrn(u), "southeastasia", u);
        assert.equal(regionOfUrn(urn("prod", "chain138:index:AdminRegion", "admin-westeurope")), undefined);
        assert.equal(regionOfUrn(urn("prod", "chain138:index:BesuNetwork", "besu")), undefined);
    });
});

describe("targets --failed --event-log", () => {
    const east = regionUrns("prod", "eastasia");
    const japan = regionUrns("prod", "japaneast");
    const korea = regionUrns("prod", "koreacentral");
    const southeast = regionUrns("prod", "southeastasia");
    const log = eventLog(
        [
            ...createdResource(southeast.aks),
            ...failedCreate(east.aks, "OperationNotAllowed: Another operation is in progress"),
            ...failedCreate(japan.p2p, "QuotaExceeded: public IP addresses"),
            ...createdResource(korea.namespace, ["timed out waiting for the condition"]),
        ],
        true,
    );

    it("finds every failed resource with its reason", () => {
        const { failed, complete } = failuresFromEventLog(log, "log");
        assert.equal(complete, true);
        assert.deepEqual(failed.map((f) => f.urn).sort(), [east.aks, japan.p2p, korea.namespace].sort());
        const eastFailure = failed.find((f) => f.urn === east.aks)!;
        assert.deepEqual(eastFailure.reasons, ["error: OperationNotAllowed: Another operation is in progress", "create failed"]);
    });

    it("prints the command retrying exactly the failed regions, and the failed URNs", async () => {
        const { code, out, err } = await run(["--failed", "--event-log", file("events.jsonl", log)]);
        assert.equal(code, 0, err.join("\n"));
        assert.equal(out.length, 1);
        assert.deepEqual(regionsOf(out[0]), ["eastasia", "japaneast", "koreacentral"]);
        assert.ok(err.some((l) => l.includes(east.aks) && l.includes("OperationNotAllowed")));
    });

    it("reports a failure outside any region and exits non-zero", async () => {
        const admin = urn("prod", "azure-native:storage:StorageAccount", "admin-westeurope-backups", ["chain138:index:AdminRegion"]);
        const mixed = eventLog([...failedCreate(admin, "StorageAccountAlreadyTaken"), ...failedCreate(east.aks, "boom")], true);
        const { code, out, err } = await run(["--failed", "--event-log", file("mixed.jsonl", mixed)]);
        assert.equal(code, 1);
        assert.deepEqual(regionsOf(out[0]), ["eastasia"]);
        assert.ok(err.some((l) => l.includes("not in any region") && l.includes(admin)));
    });

    it("says so when nothing failed", async () => {
        const { code, out, err } = await run(["--failed", "--event-log", file("ok.jsonl", eventLog(createdResource(east.aks), false))]);
        assert.equal(code, 1);
        assert.deepEqual(out, []);
        assert.match(err.join("\n"), /no failed resources found/);
    });

    it("warns when the log has no summary (cut-off update)", async () => {
        const cut = failedCreate(east.aks, "boom").join("\n");
        const { code, err } = await run(["--failed", "--event-log", file("cut.jsonl", cut)]);
        assert.equal(code, 0);
        assert.match(err.join("\n"), /no summaryEvent/);
    });

    it("names the file and line of a malformed event", () => {
        assert.throws(() => failuresFromEventLog('{"sequence":1}\nnot json\n', "events.jsonl"), /events\.jsonl:2: not a JSON engine event/);
    });
});

describe("targets --failed --state", () => {
    const east = regionUrns("prod", "eastasia");
    const india = regionUrns("prod", "southindia");
    const ok = regionUrns("prod", "westindia");
    const state = stackExport(
        [{ urn: ok.component }, { urn: ok.aks }, { urn: east.namespace, initErrors: ["resource besu was not ready: timed out"] }, { urn: india.component }],
        [{ urn: india.nodeKey, type: "creating" }],
    );

    it("finds resources with initErrors and pending operations", () => {
        const failed = failuresFromState(state, "state.json");
        assert.deepEqual(
            failed.map((f) => f.urn),
            [east.namespace, india.nodeKey],
        );
        assert.deepEqual(failed[1].reasons, ["pending creating (interrupted)"]);
    });

    it("prints the command retrying exactly those regions", async () => {
        const { code, out } = await run(["-s", "prod", "--state", file("state.json", state)]);
        assert.equal(code, 0);
        assert.deepEqual(regionsOf(out[0]), ["eastasia", "southindia"]);
        assert.ok(out[0].startsWith("pulumi up -s prod "));
    });

    it("rejects JSON that is not a stack export", () => {
        assert.throws(() => failuresFromState('{"version":3}', "x.json"), /x\.json: no "deployment" object/);
    });
});

describe("targets for chains", () => {
    const suite = (chain: string) => urn("dev", "chain138:index:ContractSuite", `contracts-${chain}`);
    const deployment = (chain: string, contract: string) =>
        urn("dev", "pulumi-nodejs:dynamic:Resource", `contracts-${chain}-${contract}`, ["chain138:index:ContractSuite"]);
    const lane = urn("dev", "pulumi-nodejs:dynamic:Resource", "ccip-chain138-mainnet-lane", ["chain138:index:CcipWiring"]);

    it("maps a suite and its deployments to their chain, and nothing else", () => {
        assert.equal(chainOfUrn(suite("chain138")), "chain138");
        assert.equal(chainOfUrn(deployment("chain138", "CCIPWETH9Bridge")), "chain138");
        assert.equal(chainOfUrn(deployment("base-sepolia", "WETH10")), "base-sepolia");
        assert.equal(chainOfUrn(lane), undefined);
        assert.equal(chainOfUrn(regionUrns("prod", "eastasia").aks), undefined);
    });

    it("maps a chain's SuiteGovernance to that chain, and a suite of a chain named <x>-governance to that chain", () => {
        const governance = (chain: string) => urn("dev", "pulumi-nodejs:dynamic:Resource", `contracts-${chain}-governance`, ["chain138:index:ContractSuite"]);
        assert.equal(chainOfUrn(governance("chain138")), "chain138");
        assert.equal(chainOfUrn(governance("base-sepolia")), "base-sepolia");
        assert.equal(chainOfUrn(suite("mainnet-governance")), "mainnet-governance");
        assert.equal(chainOfUrn(deployment("mainnet-governance", "WETH9")), "mainnet-governance");
    });

    it("prints literal-name globs for one chain's suite and each of its deployments, with its dependents", async () => {
        const { code, out, err } = await run(["-s", "dev", "--chain", "chain138"]);
        assert.equal(code, 0, err.join("\n"));
        assert.match(out[0], /^pulumi up -s dev --target /);
        assert.match(out[0], /--target-dependents/);
        assert.deepEqual(chainsOf(out[0]), ["chain138"]);
        assert.deepEqual(regionsOf(out[0]), []);
        // A `*` after the chain's name would reach `contracts-chain138-testnet-…` (the e2e shows which the CLI selects).
        const names = globsOf(out[0]).map((g) => g.replace(/^\*\*::/, ""));
        assert.ok(
            names.every((n) => !n.includes("*")),
            names.join(" "),
        );
        assert.ok(names.includes("contracts-chain138-WETH9") && names.includes("contracts-chain138-CCIPRouter"));
    });

    it("rejects a name that cannot be a chain", async () => {
        const { code, err } = await run(["--chain", "Main Net"]);
        assert.equal(code, 1);
        assert.match(err.join("\n"), /invalid chain name\(s\): Main Net/);
    });

    it("--failed retries the chains whose deployments failed, with the regions", async () => {
        const east = regionUrns("prod", "eastasia");
        const log = eventLog(
            [
                ...createdResource(deployment("mainnet", "WETH9")),
                ...failedCreate(deployment("chain138", "CCIPRouter"), "chain138: connect ECONNREFUSED 127.0.0.1:18138"),
                ...failedCreate(east.aks, "boom"),
            ],
            true,
        );
        const { code, out, err } = await run(["--failed", "--event-log", file("chains.jsonl", log)]);
        assert.equal(code, 0, err.join("\n"));
        assert.equal(out.length, 1);
        assert.deepEqual(regionsOf(out[0]), ["eastasia"]);
        assert.deepEqual(chainsOf(out[0]), ["chain138"]);
        assert.ok(err.some((l) => l.includes("chain chain138: 1 failed")));
    });
});
