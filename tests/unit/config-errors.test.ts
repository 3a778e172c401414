// Every bad stack config stops the real program with a message naming the culprit, before any resource exists.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { REPO_ROOT, RunOptions, runFailingProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

const prodFile = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
const PROD_REGIONS = prodFile.config["chain138:regions"] as string[];

/** Runs prod with `change` applied and returns the error message; asserts nothing was registered. */
async function rejected(change: Omit<RunOptions, "stack">): Promise<string> {
    const { error, resources } = await runFailingProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY }, ...change });
    assert.equal(resources.length, 0, `registered ${resources.map((r) => r.name).join(", ")} before failing`);
    assert.ok(pulumi.RunError.isInstance(error), `expected a RunError (clean exit), got ${error.constructor.name}: ${error.message}`);
    return error.message;
}

describe("bad stack config is rejected before any resource is registered", () => {
    it("the admin region listed as a validator region", async () => {
        const message = await rejected({ overrides: { regions: [...PROD_REGIONS, "westeurope"] } });
        assert.match(message, /chain138:regions: "westeurope" is the admin region/);
    });

    it("an unknown region", async () => {
        const message = await rejected({ overrides: { regions: [...PROD_REGIONS.slice(1), "marsnorth"] } });
        assert.match(message, /chain138:regions: unknown Azure region "marsnorth"/);
    });

    it("an unknown admin region", async () => {
        const message = await rejected({ overrides: { adminRegion: "westeurop" } });
        assert.match(message, /chain138:adminRegion: unknown Azure region "westeurop"/);
    });

    it("a duplicate region", async () => {
        const message = await rejected({ overrides: { regions: [...PROD_REGIONS, "japaneast"] } });
        assert.match(message, /chain138:regions: "japaneast" is listed more than once/);
    });

    it("node pools over the region's vCPU quota, with the arithmetic", async () => {
        const message = await rejected({ overrides: { nodeSizes: { system: "Standard_D2s_v5", validator: "Standard_D4s_v5", sentry: "Standard_D2s_v5" } } });
        assert.match(
            message,
            /region northeurope: node pools need 14 vCPUs during upgrades \(12 steady \+ 2 for surge nodes: system 1×Standard_D2s_v5 = 2 \+ 1 surge node = 2, validators 2×Standard_D4s_v5 = 8, sentries 1×Standard_D2s_v5 = 2\) but chain138:vcpuQuotaPerRegion is 10; request a quota of 14/,
        );
        assert.equal(message.split("\n").filter((line) => line.includes("node pools need")).length, 24, "every region is named");
    });

    it("more validators per region than the quota holds", async () => {
        const message = await rejected({ overrides: { validatorsPerRegion: 4 } });
        assert.match(message, /region uksouth: node pools need 14 vCPUs during upgrades/);
    });

    it("the admin pool over quota", async () => {
        const message = await rejected({
            overrides: { admin: { nodeSize: "Standard_D8s_v5", nodeCount: 2, monitoringChartVersion: "82.10.5", logRetentionDays: 30 } },
        });
        assert.match(message, /region westeurope: node pools need 24 vCPUs during upgrades \(16 steady \+ 8 for surge nodes/);
    });

    // AKS release calendar: 1.34's end of life was Nov 2026 (the last day of the month); after it the minor is in
    // platform support, where "Cluster creation" is "Not supported".
    it("a Kubernetes minor past its AKS end of life, naming the supported ones", async () => {
        const message = await rejected({ overrides: { kubernetesVersion: "1.34" } });
        assert.match(message, /chain138:kubernetesVersion: Kubernetes 1\.34 reached end of life in AKS on 2026-11-30 .*; supported minors: (\d\.\d+, )*1\.36/);
    });

    it("a VM size whose vCPUs are unknown", async () => {
        const message = await rejected({ overrides: { nodeSizes: { system: "Standard_D2s_v5", validator: "Standard_X9000", sentry: "Standard_D2s_v5" } } });
        assert.match(message, /chain138:nodeSizes.validator: VM size "Standard_X9000" is not in the vCPU table/);
    });

    it("fewer than 4 validators in total", async () => {
        const message = await rejected({ overrides: { regions: ["northeurope"] } });
        assert.match(message, /gives 2 validator\(s\) \(1 × 2\); QBFT needs at least 4/);
    });

    it("overlapping VNet CIDRs", async () => {
        const message = await rejected({ overrides: { vnetCidrs: { uksouth: "10.1.128.0/17" } } });
        assert.match(message, /VNet CIDR overlap: region uksouth \(10.1.128.0\/17\) overlaps region northeurope \(10.1.0.0\/16\)/);
    });

    it("a VNet overlapping the clusters' pod range", async () => {
        const message = await rejected({ overrides: { vnetCidrs: { japaneast: "192.168.32.0/19" } } });
        assert.match(message, /region japaneast \(192.168.32.0\/19\) overlaps the clusters' pod range/);
    });

    it("a VNet with no room after the nodes' /20 for the RPC load balancer's subnet", async () => {
        const message = await rejected({ overrides: { vnetCidrs: { japaneast: "10.99.0.0/20" } } });
        assert.match(message, /vnetCidrs\.japaneast: "10\.99\.0\.0\/20" is too small: a region needs a \/20 for its nodes and a \/28 after it/);
    });

    it("a misspelt key", async () => {
        const message = await rejected({ overrides: { validatorPerRegion: 2 } });
        assert.match(message, /namespace chain138: unknown key\(s\) "validatorPerRegion"/);
    });

    it("a rollout that selects more waves than exist, or places an unconfigured region", async () => {
        assert.match(await rejected({ overrides: { rollout: { deployWaves: 3 } } }), /chain138:rollout.deployWaves: 3 waves selected but only 2 exist/);
        const waves = [PROD_REGIONS.slice(0, 8), [...PROD_REGIONS.slice(8), "westus"]];
        assert.match(await rejected({ overrides: { rollout: { waves } } }), /chain138:rollout.waves\[1\]: "westus" is not in chain138:regions/);
        assert.match(await rejected({ overrides: { rollout: { waves: [PROD_REGIONS.slice(1)] } } }), /region "northeurope" is in no wave/);
    });

    it("a value that is not JSON where JSON is expected", async () => {
        const message = await rejected({ overrides: { validatorsPerRegion: "two" } });
        assert.match(message, /chain138:validatorsPerRegion: "two" is not a number, list or object/);
    });

    it("a missing deployer key, and one stored in plain text (without echoing it)", async () => {
        const missing = await runFailingProgram({ stack: "prod" });
        assert.match(missing.error.message, /chain138:deployerKey is not set/);
        assert.equal(missing.resources.length, 0);
        const plain = await rejected({ secrets: {}, overrides: { deployerKey: TEST_DEPLOYER_KEY } });
        assert.match(plain, /chain138:deployerKey is stored in plain text/);
        assert.ok(!plain.includes(TEST_DEPLOYER_KEY.slice(2)), "the key is never echoed");
        const malformed = await rejected({ secrets: { deployerKey: "0x1234" } });
        assert.match(malformed, /chain138:deployerKey: must be 0x followed by 64 hex digits \(the value is not shown\)/);
        assert.ok(!malformed.includes("1234"));
    });

    it("an explorer with a malformed API URL, or with its API key in plain text (without echoing it)", async () => {
        const badUrl = await rejected({ overrides: { explorers: { mainnet: { apiUrl: "etherscan", chainId: 1 } } } });
        assert.match(badUrl, /chain138:explorers\.mainnet\.apiUrl/);
        const plainKey = await rejected({ overrides: { explorers: { mainnet: { apiUrl: "https://api.etherscan.io/api", apiKey: "K3YVALUE", chainId: 1 } } } });
        assert.match(plainKey, /chain138:explorers: the API key of mainnet is stored in plain text/);
        assert.ok(!plainKey.includes("K3YVALUE"), "the API key is never echoed");
    });

    it("reports every problem at once", async () => {
        const message = await rejected({ overrides: { regions: [...PROD_REGIONS, "westeurope", "marsnorth", "japaneast"] } });
        assert.match(message, /"westeurope" is the admin region/);
        assert.match(message, /unknown Azure region "marsnorth"/);
        assert.match(message, /"japaneast" is listed more than once/);
    });
});
