// The provider as the SDK stores it: serialised with serializeFunction, loaded in a fresh plain-node
// process (no tsx), it deploys against anvil; the serialised text holds no key and no RPC URL.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploymentInputs, type ProviderChain } from "../../devkit/provider-inputs";
import { contractDeploymentProvider } from "../../contracts/providers/contract-deployment";
import { ccipLaneProvider } from "../../contracts/providers/ccip-lane";
import { suiteGovernanceProvider } from "../../contracts/providers/suite-governance";
import { deploySuite, governanceInputs } from "../../devkit/provider-suite";
import { attach } from "../../devkit/deploy";

const ROOT = path.resolve(__dirname, "..", "..");
let node: AnvilNode;
let chain: ProviderChain;
let dir: string;

before(async () => {
    node = await startAnvil({ chainId: 138 });
    chain = { chainName: "chain138", rpcUrl: node.rpcUrl, chainId: 138, deployerKey: node.accounts[0].privateKey };
    dir = mkdtempSync(path.join(tmpdir(), "serialised-provider-"));
});
after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
});

function runSerialised(file: string, inputs: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        // Plain node, as the dynamic provider host runs: no TypeScript loader.
        const child = spawn(process.execPath, ["-e", serialisedRunner()], {
            cwd: ROOT,
            env: { ...process.env, NODE_OPTIONS: "", PROVIDER_TEXT_FILE: file, PROVIDER_INPUTS: JSON.stringify(inputs), REPO_ROOT: ROOT },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
}

/** The loader the dynamic provider host uses (require-from-string), inlined as plain JS. */
function serialisedRunner(): string {
    return `
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");
const text = readFileSync(process.env.PROVIDER_TEXT_FILE, "utf8");
const mod = { exports: {} };
new Function("exports", "require", "module", text)(mod.exports, createRequire(path.join(process.env.REPO_ROOT, "package.json")), mod);
const provider = mod.exports.handler();
provider.create(JSON.parse(process.env.PROVIDER_INPUTS)).then(
  (r) => { process.stdout.write(JSON.stringify(r) + "\\n"); process.exit(0); },
  (e) => { process.stderr.write(String(e && e.message) + "\\n"); process.exit(1); });`;
}

it("the serialised ContractDeployment provider deploys from a fresh process and carries no secret", async () => {
    // Use the provider in this process first, so any accidental capture would have a key to leak.
    await contractDeploymentProvider.create(deploymentInputs(chain, "WETH9"));
    const serialised = await pulumi.runtime.serializeFunction(() => contractDeploymentProvider, { allowSecrets: true });
    // Exactly how the SDK serialises a dynamic provider (dynamic/index.js serializeFunctionMaybeSecret).
    assert.equal(serialised.containsSecrets, false);
    const text = serialised.text;
    assert.ok(!text.includes(chain.deployerKey.slice(2)), "deployer key in the serialised provider");
    assert.ok(!text.includes(node.rpcUrl), "RPC URL in the serialised provider");
    for (const account of node.accounts) assert.ok(!text.toLowerCase().includes(account.privateKey.slice(2).toLowerCase()));
    const file = path.join(dir, "provider.js");
    writeFileSync(file, text);

    const inputs = deploymentInputs(chain, "Multicall3");
    const run = await runSerialised(file, inputs);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { id: string; outs: Record<string, unknown> };
    assert.equal(result.outs["address"], inputs.address);
    assert.match(String(result.outs["txHash"]), /^0x[0-9a-f]{64}$/);
    assert.ok(!run.stdout.includes(chain.deployerKey.slice(2)), "key in the outputs");
    const p = node.provider();
    assert.notEqual(await p.getCode(inputs.address), "0x");
    p.destroy();
});

it("the serialised CcipLane provider carries no secret either", async () => {
    const serialised = await pulumi.runtime.serializeFunction(() => ccipLaneProvider, { allowSecrets: true });
    assert.equal(serialised.containsSecrets, false);
    assert.ok(!serialised.text.includes(chain.deployerKey.slice(2)));
    assert.ok(!serialised.text.includes(node.rpcUrl));
    assert.ok(serialised.text.includes("setLane"), "the wiring logic travels with the provider");
});

it("the serialised SuiteGovernance provider hands a suite over from a fresh process and carries no secret", async () => {
    const addresses = await deploySuite({ ...chain, chainSelector: "138" }, node.accounts[0].address, "serialised/governance");
    const serialised = await pulumi.runtime.serializeFunction(() => suiteGovernanceProvider, { allowSecrets: true });
    assert.equal(serialised.containsSecrets, false);
    assert.ok(!serialised.text.includes(chain.deployerKey.slice(2)), "deployer key in the serialised provider");
    assert.ok(!serialised.text.includes(node.rpcUrl), "RPC URL in the serialised provider");
    const file = path.join(dir, "governance.js");
    writeFileSync(file, serialised.text);

    const run = await runSerialised(file, governanceInputs({ ...chain, chainSelector: "138" }, addresses, node.accounts[0].address));
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { outs: { applied: string[] } };
    assert.ok(result.outs.applied.length > 0);
    assert.ok(!run.stdout.includes(chain.deployerKey.slice(2)), "key in the outputs");
    const p = node.provider();
    try {
        assert.equal(await attach("OracleWithCCIP", addresses.OracleWithCCIP, p).owner(), addresses.MultiSig);
    } finally {
        p.destroy();
    }
});
