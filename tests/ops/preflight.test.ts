// `npm run preflight` end to end through the real Azure SDK clients against a loopback fake ARM
// (tests/support/fake-arm.ts: documented paths, api-versions and bodies, HTTPS with its own CA, a bearer token).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { stackConfig, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { runPreflight } from "../../ops/preflight/main";
import type { PreflightReport } from "../../ops/preflight/report";
import { makeCertificate, type TestCertificate } from "../support/fake-kube-api";
import { healthyArmState, OWNER_ROLE, startFakeArm, type FakeArm, type FakeArmState } from "../support/fake-arm";

const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
const OBJECT_ID = "99999999-8888-7777-6666-555555555555";
const OWNER = OWNER_ROLE;
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
// Wave 1 deploys belgiumcentral, koreasouth and japaneast; uksouth (wave 2) gets only its P2P IPs now.
const REGIONS = ["belgiumcentral", "koreasouth", "japaneast", "uksouth"];
const ADMIN = "westeurope";

let dir: string;
let certificate: TestCertificate;
let configFile: string;

/** The stack's config as `pulumi config --json --show-secrets` prints it: prod's file with four regions. */
function writeConfig(overrides: Record<string, unknown> = {}, name = "config.json"): string {
    const { config, secretKeys } = stackConfig({
        stack: "prod",
        overrides: { regions: REGIONS, rollout: { waves: [REGIONS.slice(0, 3), REGIONS.slice(3)], deployWaves: 1 }, ...overrides },
        secrets: { deployerKey: TEST_DEPLOYER_KEY },
    });
    const json = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, { value, secret: secretKeys.includes(key) }]));
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(json));
    return file;
}

function healthyState(): FakeArmState {
    const state = healthyArmState(SUBSCRIPTION, OBJECT_ID, [...REGIONS, ADMIN]);
    // Azure built-in Contributor: everything but authorization writes and deletes.
    state.roleDefinitions[CONTRIBUTOR] = {
        roleName: "Contributor",
        actions: ["*"],
        notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"],
    };
    return state;
}

interface Run {
    code: number;
    out: string;
    err: string;
    report?: PreflightReport;
    ms: number;
}

async function preflight(arm: FakeArm, extra: string[] = [], json = true): Promise<Run> {
    let out = "";
    let err = "";
    const started = Date.now();
    const code = await runPreflight(
        ["-s", "prod", "--config", configFile, "--subscription", SUBSCRIPTION, ...(json ? ["--json"] : []), ...extra],
        { out: (t) => (out += t), err: (t) => (err += t) },
        { credential: arm.credential, transport: { endpoint: arm.endpoint, ca: arm.ca }, env: {} },
    );
    return { code, out, err, ms: Date.now() - started, report: json && code !== 2 ? (JSON.parse(out) as PreflightReport) : undefined };
}

async function withArm<T>(state: FakeArmState, body: (arm: FakeArm) => Promise<T>): Promise<T> {
    const arm = await startFakeArm(certificate, state);
    try {
        return await body(arm);
    } finally {
        await arm.close();
    }
}

/** Failed checks per group name, as "<check>: <detail>". */
function failures(report: PreflightReport): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const g of [report.subscription, ...report.regions]) {
        const failed = g.checks.filter((c) => c.status === "fail").map((c) => `${c.name}: ${c.detail}`);
        if (failed.length > 0) out[g.name] = failed;
    }
    return out;
}

before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "preflight-"));
    certificate = makeCertificate(dir, "fake-arm");
    configFile = writeConfig();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run preflight against a fake ARM", () => {
    it("passes a subscription that can hold the fleet: blocks in config order, every check named, exit 0", async () => {
        await withArm(healthyState(), async (arm) => {
            const run = await preflight(arm);
            assert.equal(run.code, 0, run.out + run.err);
            const report = run.report!;
            assert.deepEqual(
                report.regions.map((g) => g.name),
                [...REGIONS, `${ADMIN} (admin)`],
            );
            assert.deepEqual(failures(report), {});
            const belgium = report.regions[0].checks.map((c) => c.name);
            assert.deepEqual(belgium, [
                "vCPUs (regional)",
                "vCPUs standardDSv5Family",
                "VM size Standard_D2s_v5",
                "public IPs (Standard)",
                "Kubernetes 1.36",
                "role assignments in rg-chain138-prod-belgiumcentral",
                "role assignments in chain138-p2p-belgiumcentral",
                "role assignments in chain138-keys-belgiumcentral",
            ]);
            // 1 system + 1 surge + 2 validators + 1 sentry, all 2-vCPU D2s_v5: the 10-vCPU budget of the README.
            assert.match(report.regions[0].checks[0].detail, /^needs 10 vCPUs/);
            // 2 validators + 1 sentry + the egress IP.
            assert.match(report.regions[0].checks[3].detail, /^needs 4 IPs/);
            // Nothing exists yet: the rights come from the Owner assignment on the subscription.
            assert.match(report.regions[0].checks[5].detail, /granted at the subscription/);
            // uksouth is in wave 2: only its IPs and its node-key vault (with the writer's grant) are created now.
            assert.deepEqual(
                report.regions[3].checks.map((c) => [c.name, c.status]),
                [
                    ["cluster", "skip"],
                    ["public IPs (Standard)", "pass"],
                    ["role assignments in chain138-keys-uksouth", "pass"],
                ],
            );
            // The admin region: D4s_v5 ×1 + its surge node; one AKS-managed outbound IP.
            assert.match(report.regions[4].checks[0].detail, /^needs 8 vCPUs/);
            assert.match(report.regions[4].checks.find((c) => c.name === "public IPs (Standard)")!.detail, /^needs 1 IPs/);
            // Every call went to a route with its documented api-version (the fake refuses others with 400).
            assert.ok(arm.requests.every((r) => r.apiVersion !== null));
        });
    });

    it("reports a restricted size, an exhausted quota, a missing version, zone limits and an unregistered provider in the right place", async () => {
        const state = healthyState();
        // belgiumcentral: Dsv5 not available for this subscription in the region.
        state.regions["belgiumcentral"].skus[0].restrictions.push({
            type: "Location",
            values: ["belgiumcentral"],
            restrictionInfo: { locations: ["belgiumcentral"] },
            reasonCode: "NotAvailableForSubscription",
        });
        // koreasouth: AKS offers no 1.36 there.
        state.regions["koreasouth"].kubernetesVersions = [
            { version: "1.34", patchVersions: ["1.34.9"] },
            { version: "1.35", patchVersions: ["1.35.5"] },
        ];
        // japaneast: half the regional quota already used by something else; zone 3 restricted for D2s_v5.
        state.regions["japaneast"].computeUsages[0].currentValue = 5;
        state.regions["japaneast"].skus[0].restrictions.push({
            type: "Zone",
            values: ["japaneast"],
            restrictionInfo: { locations: ["japaneast"], zones: ["3"] },
            reasonCode: "NotAvailableForSubscription",
        });
        // uksouth (IPs only): its Standard public IP quota is nearly used up.
        state.regions["uksouth"].networkUsages[1].currentValue = 8;
        state.providers["Microsoft.OperationalInsights"] = "NotRegistered";
        await withArm(state, async (arm) => {
            const run = await preflight(arm);
            assert.equal(run.code, 1, run.err);
            const found = failures(run.report!);
            assert.deepEqual(Object.keys(found).sort(), [SUBSCRIPTION, "belgiumcentral", "japaneast", "koreasouth", "uksouth"].sort());
            assert.deepEqual(found[SUBSCRIPTION], [
                "provider Microsoft.OperationalInsights: NotRegistered: register it with `az provider register --namespace Microsoft.OperationalInsights`",
            ]);
            assert.deepEqual(found["belgiumcentral"], [
                "VM size Standard_D2s_v5: restricted in belgiumcentral for this subscription (NotAvailableForSubscription)",
            ]);
            assert.equal(found["koreasouth"].length, 1);
            assert.match(found["koreasouth"][0], /^Kubernetes 1\.36: AKS does not offer 1\.36 in koreasouth \(offered: 1\.34, 1\.35\)/);
            assert.equal(found["japaneast"].length, 2);
            assert.match(
                found["japaneast"][0],
                /^vCPUs \(regional\): needs 10 vCPUs .* but only 5 are free: Total Regional vCPUs limit 10, 5 used by other resources; request a limit of 15/,
            );
            assert.match(
                found["japaneast"][1],
                /^VM size Standard_D2s_v5: not available in every zone the pools use \(1, 2, 3\) in japaneast: zone 3: NotAvailableForSubscription/,
            );
            assert.deepEqual(found["uksouth"], [
                "public IPs (Standard): needs 4 IPs (one per Besu node + the region's egress IP) but only 2 are free: Public IP Addresses - Standard limit 10, 8 used by other resources; request a limit of 12 or free 2 IPs",
            ]);
            // The text form: one block per region in config order, then the summary naming the failed groups.
            const text = await preflight(arm, [], false);
            assert.equal(text.code, 1);
            const blocks = [...text.out.matchAll(/^(subscription|region) ([^:\s]+)/gm)].map((m) => m[2]);
            assert.deepEqual(blocks, [SUBSCRIPTION, ...REGIONS, ADMIN]);
            assert.match(text.out, /preflight: FAILED \(11111111-2222-3333-4444-555555555555, belgiumcentral, koreasouth, japaneast, uksouth\)$/);
        });
    });

    it("counts what a deployed stack already holds as its own, and reads rights at groups that exist", async () => {
        const state = healthyState();
        for (const region of REGIONS.slice(0, 3)) {
            // The deployed cluster's pools hold 8 vCPUs, the whole current usage; its IPs are the stack's own.
            state.regions[region].computeUsages[0].currentValue = 8;
            state.regions[region].computeUsages[1].currentValue = 8;
            state.regions[region].networkUsages[1] = { name: "StandardSkuPublicIpAddresses", currentValue: 4, limit: 4 };
            state.groups[`rg-chain138-prod-${region}`] = {
                publicIps: [],
                permissions: [{ actions: ["*"], notActions: [] }],
                clusters: {
                    [`aks-chain138-prod-${region}`]: {
                        pools: [
                            { name: "system", count: 1, vmSize: "Standard_D2s_v5" },
                            { name: "validators", count: 2, vmSize: "Standard_D2s_v5" },
                            { name: "sentries", count: 1, vmSize: "Standard_D2s_v5" },
                        ],
                    },
                },
            };
            state.groups[`chain138-p2p-${region}`] = {
                publicIps: [`${region}-egress`, `${region}-validator-0-p2p`, `${region}-validator-1-p2p`, `${region}-sentry-0-p2p`],
                // Contributor only here: it may not write role assignments.
                permissions: [
                    {
                        actions: ["*"],
                        notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"],
                    },
                ],
                clusters: {},
            };
        }
        await withArm(state, async (arm) => {
            const run = await preflight(arm, ["--region", "belgiumcentral", "--region", "japaneast"]);
            assert.equal(run.code, 1);
            assert.deepEqual(
                run.report!.regions.map((g) => g.name),
                ["belgiumcentral", "japaneast"],
            );
            for (const region of ["belgiumcentral", "japaneast"]) {
                const checks = run.report!.regions.find((g) => g.name === region)!.checks;
                assert.match(checks.find((c) => c.name === "vCPUs (regional)")!.detail, /limit 10, 8 used \(8 by this stack\)/);
                assert.equal(checks.find((c) => c.name === "public IPs (Standard)")!.status, "pass");
                assert.match(checks.find((c) => c.name === `role assignments in rg-chain138-prod-${region}`)!.detail, /granted at rg-chain138-prod-/);
                assert.deepEqual(failures(run.report!)[region], [
                    `role assignments in chain138-p2p-${region}: the deploying identity lacks Microsoft.Authorization/roleAssignments/write at chain138-p2p-${region}; ` +
                        "the program grants Network Contributor, AKS RBAC Cluster Admin and the Key Vault Secrets Officer/User roles in the region's groups (e.g. assign it User Access Administrator or Role Based Access Control Administrator)",
                ]);
            }
        });
    });

    it("refuses rights that come only from a Contributor, or only under an ABAC condition, on the subscription", async () => {
        const contributor = healthyState();
        contributor.roleAssignments = [{ scope: `/subscriptions/${SUBSCRIPTION}`, roleDefinitionGuid: CONTRIBUTOR, principalId: OBJECT_ID }];
        // An Owner assignment on another group is not inherited by the groups the program creates.
        contributor.roleAssignments.push({
            scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/elsewhere`,
            roleDefinitionGuid: OWNER,
            principalId: OBJECT_ID,
        });
        await withArm(contributor, async (arm) => {
            const run = await preflight(arm, ["--region", "koreasouth"]);
            assert.equal(run.code, 1);
            const found = failures(run.report!)["koreasouth"];
            assert.equal(found.length, 3, "the cluster, P2P and key-vault groups");
            for (const line of found) assert.match(line, /lacks Microsoft\.Authorization\/roleAssignments\/write at the subscription \(.* does not exist yet/);
        });
        const conditional = healthyState();
        conditional.roleAssignments[0].condition = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (…))";
        await withArm(conditional, async (arm) => {
            const run = await preflight(arm, ["--region", "koreasouth"]);
            assert.equal(run.code, 1);
            for (const line of failures(run.report!)["koreasouth"]) assert.match(line, /only under an ABAC condition, which preflight does not evaluate/);
        });
    });

    it("waits out ARM's Retry-After: a throttled region completes, an endlessly throttled one fails within the bound", async () => {
        const state = healthyState();
        state.regions["belgiumcentral"].throttle = { times: 2, retryAfterSeconds: 1 };
        state.regions["koreasouth"].throttle = { times: "always", retryAfterSeconds: 1 };
        await withArm(state, async (arm) => {
            const run = await preflight(arm, ["--max-retries", "2", "--timeout", "20000"]);
            assert.equal(run.code, 1);
            const found = failures(run.report!);
            assert.deepEqual(Object.keys(found), ["koreasouth"]);
            // Its three location-scoped APIs each gave up after the retries; the others answered.
            assert.deepEqual(found["koreasouth"].map((f) => f.split(":")[0]).sort(), ["Kubernetes 1.36", "public IPs (Standard)", "vCPUs (regional)"].sort());
            for (const line of found["koreasouth"]) assert.match(line, /still throttled by ARM \(429\) after 2 retries that waited its Retry-After/);
            const throttledCalls = arm.requests.filter((r) => r.path.includes("/locations/koreasouth/"));
            // Three APIs × (1 + 2 retries), each retry after the 1 s Retry-After.
            assert.equal(throttledCalls.length, 9);
            assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
            // belgiumcentral was throttled twice and then answered: every check passed.
            assert.ok(run.report!.regions[0].ok);
        });
    });

    it("ends a call that ARM keeps throttling with a long Retry-After at --timeout, and the run at --deadline", async () => {
        const state = healthyState();
        state.regions["japaneast"].throttle = { times: "always", retryAfterSeconds: 3600 };
        await withArm(state, async (arm) => {
            const run = await preflight(arm, ["--region", "japaneast", "--timeout", "1500"]);
            assert.equal(run.code, 1);
            assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
            const found = failures(run.report!)["japaneast"];
            assert.ok(found.length >= 3);
            for (const line of found.filter((l) => !l.startsWith("vCPUs standard"))) assert.match(line, /no answer within 1500 ms \(--timeout\)/);
            const deadline = await preflight(arm, ["--region", "japaneast", "--timeout", "60000", "--deadline", "1200"]);
            assert.equal(deadline.code, 1);
            assert.ok(deadline.ms < 10_000, `took ${deadline.ms} ms`);
            assert.match(failures(deadline.report!)["japaneast"].join("\n"), /the run's deadline \(1200 ms\) passed before ARM answered/);
        });
    });

    it("holds a configured patch version to the patches AKS offers in the region", async () => {
        const patchConfig = writeConfig({ kubernetesVersion: "1.36.9" }, "patch.json");
        await withArm(healthyState(), async (arm) => {
            const run = await preflight(arm, ["--config", patchConfig, "--region", "koreasouth"]);
            assert.equal(run.code, 1);
            assert.deepEqual(failures(run.report!)["koreasouth"], [
                "Kubernetes 1.36.9: AKS offers 1.36 in koreasouth but not the patch 1.36.9 (patches: 1.36.1, 1.36.2)",
            ]);
            const offered = await preflight(arm, ["--config", writeConfig({ kubernetesVersion: "1.36.2" }, "patch-ok.json"), "--region", "koreasouth"]);
            assert.equal(offered.code, 0, offered.out);
        });
    });

    it("exits 2 on bad arguments or config, naming the culprit", async () => {
        await withArm(healthyState(), async (arm) => {
            const unknownRegion = await preflight(arm, ["--region", "mars"]);
            assert.equal(unknownRegion.code, 2);
            assert.match(unknownRegion.err, /--region mars: not configured in this stack/);
            const badFlag = await preflight(arm, ["--concurrency", "0"]);
            assert.equal(badFlag.code, 2);
            assert.match(badFlag.err, /--concurrency 0: expected an integer/);
            const badConfig = path.join(dir, "bad.json");
            const good = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, { value: string }>;
            writeFileSync(badConfig, JSON.stringify({ ...good, "chain138:regions": { value: '["eastasia"]', secret: false } }));
            const invalid = await preflight(arm, ["--config", badConfig]);
            assert.equal(invalid.code, 2);
            assert.match(invalid.err, /QBFT needs at least 4/);
            let err = "";
            const noSubscription = await runPreflight(
                ["--config", configFile],
                { out: () => undefined, err: (t) => (err += t) },
                { credential: arm.credential, env: {} },
            );
            assert.equal(noSubscription, 2);
            assert.match(err, /no Azure subscription: pass --subscription/);
            err = "";
            const noLogin = await runPreflight(
                ["--config", configFile, "--subscription", SUBSCRIPTION],
                { out: () => undefined, err: (t) => (err += t) },
                {
                    credential: {
                        getToken: async () => {
                            throw new Error("AzureCliCredential: Please run 'az login'");
                        },
                    },
                    transport: { endpoint: arm.endpoint, ca: arm.ca },
                },
            );
            assert.equal(noLogin, 2);
            assert.match(err, /no Azure Resource Manager token .*Please run 'az login'/);
            assert.equal(arm.requests.length, 0, "nothing was asked of ARM without a token");
        });
    });
});
