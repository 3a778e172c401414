// `npm run preflight -- -s prod` reads the stack's config through the real Pulumi CLI (`pulumi config --json
// --show-secrets`, Pulumi.yaml's values and the secret deployer key included) and checks all 25 prod regions against
// the fake ARM of tests/support/fake-arm.ts. Like `npm run preflight`, it runs the CLI in the project directory: here
// a private workspace holding a copy of Pulumi.prod.yaml on a fresh file backend.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { runPreflight } from "../../ops/preflight/main";
import type { PreflightReport } from "../../ops/preflight/report";
import { openPulumiWorkspace, REPO_ROOT, type PulumiWorkspace } from "../../ops/shared/pulumi-workspace";
import { healthyArmState, startFakeArm, type FakeArm } from "../support/fake-arm";
import { makeCertificate } from "../support/fake-kube-api";

const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
const OBJECT_ID = "99999999-8888-7777-6666-555555555555";
const prod = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
const PROD_REGIONS = prod.config["chain138:regions"] as string[];

describe("npm run preflight -- -s prod through the real Pulumi CLI", { timeout: 300_000 }, () => {
    let root: string;
    let workspace: PulumiWorkspace;
    let arm: FakeArm;
    const saved = { cwd: process.cwd(), env: { ...process.env } };

    before(async () => {
        root = mkdtempSync(path.join(tmpdir(), "chain138-preflight-"));
        workspace = openPulumiWorkspace({ stack: "prod", dir: path.join(root, "project"), stateDir: path.join(root, "state") });
        await workspace.runOk(["stack", "init", "prod"]);
        // Through stdin, never argv.
        await workspace.runOk(["config", "set", "--secret", "chain138:deployerKey"], { input: TEST_DEPLOYER_KEY });
        arm = await startFakeArm(makeCertificate(root, "fake-arm"), healthyArmState(SUBSCRIPTION, OBJECT_ID, [...PROD_REGIONS, "westeurope"]));
    });
    after(async () => {
        process.chdir(saved.cwd);
        process.env = saved.env;
        await arm?.close();
        rmSync(root, { recursive: true, force: true });
    });

    it("checks the 24 validator regions in config order, then the admin region, and passes a subscription that holds them", async () => {
        // The CLI's environment (PATH, backend, passphrase) and the project directory, as in the deploy workflow.
        process.env = { ...process.env, ...workspace.env };
        process.chdir(workspace.dir);
        let out = "";
        let err = "";
        const code = await runPreflight(
            ["-s", "prod", "--subscription", SUBSCRIPTION, "--json"],
            { out: (t) => (out += t), err: (t) => (err += t) },
            { credential: arm.credential, transport: { endpoint: arm.endpoint, ca: arm.ca }, env: {} },
        );
        assert.equal(code, 0, `${err}\n${out.slice(0, 4000)}`);
        const report = JSON.parse(out) as PreflightReport;
        assert.deepEqual(
            report.regions.map((g) => g.name),
            [...PROD_REGIONS, "westeurope (admin)"],
        );
        // Pulumi.prod.yaml deploys both waves: every validator region's cluster is checked, not only its IPs.
        for (const g of report.regions)
            assert.ok(
                g.checks.some((c) => c.name === "Kubernetes 1.36"),
                g.name,
            );
        assert.ok(!out.includes(TEST_DEPLOYER_KEY.slice(2)), "the deployer key is never printed");
    });
});
