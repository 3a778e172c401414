// The real program on the real Pulumi engine (CLI from toolchain/pulumi-cli/ensure-pulumi, file backend) against two
// local anvil chains: what an operator does with the dev stack, end to end.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "ethers";
import { CREATE2_PROXY } from "../../contracts/providers/create2";
import { runTargets } from "../../ops/targets/main";
import { chainOfUrn } from "../../ops/targets/regions";
import { runVerify } from "../../ops/verify/main";
import type { VerifyReport } from "../../ops/verify/report";
import { startRelayer, type Relayer } from "../../relayer";
import { DEV_KEYS, bridgeWeth9, devRelayerChains, type BridgeChain } from "../../scripts/dev-bridge";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { createDevStack, devStackChains, expectedContracts, onChain, tail, type DevStack } from "../support/e2e-stack";
import { REPO_ROOT } from "../../ops/shared/pulumi-workspace";
import { parseStackOutputs } from "../../stack/outputs";

const UP = ["up", "--yes", "--skip-preview", "--parallel", "128"];
const DEPLOYMENT_TYPE = "pulumi-nodejs:dynamic:Resource";
const keyHex = DEV_KEYS.deployer.slice(2).toLowerCase();
/** A ContractDeployment (not a CcipLane or SuiteGovernance, the other dynamic resources): it has a contractName input. */
const isContractDeployment = (r: { type: string; inputs?: Record<string, unknown> }) =>
    r.type === DEPLOYMENT_TYPE && typeof r.inputs?.["contractName"] === "string";

const blockNumber = (chain: BridgeChain) => onChain(chain, (p) => p.getBlockNumber());
const codeAt = (chain: BridgeChain, address: string) => onChain(chain, (p) => p.getCode(address));

/** Transactions to the CREATE2 proxy (every ContractDeployment goes through it) from block `from` on. */
const create2CallsSince = (chain: BridgeChain, from: number) =>
    onChain(chain, async (p) => {
        let calls = 0;
        for (let n = from, latest = await p.getBlockNumber(); n <= latest; n++) {
            const block = await p.getBlock(n, true);
            calls += (block?.prefetchedTransactions ?? []).filter((tx) => tx.to?.toLowerCase() === CREATE2_PROXY).length;
        }
        return calls;
    });

const names = devStackChains();
assert.deepEqual(
    names.map((c) => c.chainId).sort((a, b) => a - b),
    [1, 138],
    "Pulumi.dev.yaml is expected to configure chains 1 and 138",
);

describe("dev stack: pulumi up, re-preview, policy, secrets, destroy", { concurrency: false }, () => {
    const anvils: AnvilNode[] = [];
    let stack: DevStack;
    let relayer: Relayer | undefined;
    let relayerDir: string | undefined;

    before(async () => {
        const nodes = await Promise.all(names.map((c) => startAnvil({ chainId: c.chainId })));
        anvils.push(...nodes);
        stack = await createDevStack(Object.fromEntries(names.map((c, i) => [c.name, nodes[i].rpcUrl])));
    });
    after(async () => {
        await relayer?.stop();
        if (relayerDir !== undefined) rmSync(relayerDir, { recursive: true, force: true });
        await Promise.all(anvils.map((a) => a.stop()));
        stack?.remove();
    });

    it("pulumi up deploys the whole suite on both chains and keeps the deployer key out of its output", async () => {
        const up = await stack.workspace.run(UP);
        assert.equal(up.code, 0, tail(up));
        assert.ok(!`${up.stdout}${up.stderr}`.toLowerCase().includes(keyHex), "the deployer key appears in `pulumi up` output");

        const contracts = await stack.contracts();
        assert.deepEqual(Object.keys(contracts).sort(), stack.chains.map((c) => c.name).sort());
        for (const chain of stack.chains) {
            assert.deepEqual(Object.keys(contracts[chain.name]).sort(), expectedContracts(chain), `contracts on ${chain.name}`);
            for (const [contract, address] of Object.entries(contracts[chain.name])) {
                assert.notEqual(await codeAt(chain, address), "0x", `${contract} on ${chain.name} has no code at ${address}`);
            }
        }
    });

    it("the CCIP wiring carries WETH9 from chain 1 to chain 138 through the relayer", async () => {
        const contracts = await stack.contracts();
        const source = stack.chains.find((c) => c.chainId === 1)!;
        const destination = stack.chains.find((c) => c.chainId === 138)!;
        relayerDir = mkdtempSync(path.join(tmpdir(), "chain138-e2e-relayer-"));
        relayer = await startRelayer({
            chains: devRelayerChains(stack.chains, contracts),
            attesterKeys: [...DEV_KEYS.attesters],
            relayerKey: DEV_KEYS.relayer,
            stateFile: path.join(relayerDir, "state.json"),
            pollIntervalMs: 200,
            log: () => undefined,
        });
        const result = await bridgeWeth9({ source, destination, contracts, relayer, userKey: DEV_KEYS.user, amountWei: parseEther("1") });
        assert.equal(result.sourceBalance, 0n, "the bridged WETH9 left the user on chain 1");
        assert.equal(result.destinationBalance, parseEther("1"), "the user holds the bridged WETH9 on chain 138");
    });

    it("npm run verify finds the suite wired on chain: code, MultiSig ownership, router lanes, bridge allowlists", async () => {
        const outputsFile = path.join(stack.workspace.dir, "..", "outputs.json");
        const outputsJson = await stack.workspace.runOk(["stack", "output", "--json", "--show-secrets"]);
        writeFileSync(outputsFile, outputsJson);
        // The real CLI's outputs are the outputs contract every tool parses, nothing more and nothing less.
        const raw = JSON.parse(outputsJson) as unknown;
        assert.deepEqual(parseStackOutputs(raw, "pulumi stack output -s dev"), raw);
        let json = "";
        const errors: string[] = [];
        const chainRpc = stack.chains.flatMap((c) => ["--chain-rpc", `${c.name}=${c.rpcUrl}`]);
        const code = await runVerify(["--outputs", outputsFile, ...chainRpc, "--json"], { out: (t) => (json += t), err: (t) => errors.push(t) });
        assert.notEqual(json, "", `verify printed no report (exit ${code}): ${errors.join("\n")}`);
        const report = JSON.parse(json) as VerifyReport;
        const failed = report.contracts.flatMap((g) => g.checks.filter((c) => c.status !== "pass").map((c) => `${g.name}: ${c.name}: ${c.detail}`));
        assert.deepEqual(failed, []);
        assert.equal(code, 0, errors.join("\n"));
        assert.deepEqual(report.contracts.map((g) => g.name).sort(), stack.chains.map((c) => c.name).sort());
        for (const group of report.contracts) {
            for (const kind of ["owner", "lane", "bridge"])
                assert.ok(
                    group.checks.some((c) => c.name.toLowerCase().includes(kind)),
                    `${group.name} has ${kind} checks: ${group.checks.map((c) => c.name).join(", ")}`,
                );
        }
    });

    it("a second preview finds nothing to change", async () => {
        const preview = await stack.workspace.run(["preview", "--expect-no-changes"]);
        assert.equal(preview.code, 0, tail(preview));
    });

    it("the policy pack passes the dev stack's preview", async () => {
        const preview = await stack.workspace.run(["preview", "--policy-pack", path.join(REPO_ROOT, "policy")]);
        assert.equal(preview.code, 0, tail(preview));
        // PACK_NAME of policy/index.ts, version from policy/package.json.
        assert.match(
            preview.stdout,
            /Policies:\s*\n\s*✅ chain138@v0\.1\.0 \(local: [^)]*policy\)/,
            `the preview ran the policy pack and it passed:\n${tail(preview)}`,
        );
    });

    it("state holds the deployer key only as ciphertext", async () => {
        const text = await stack.exportText();
        assert.ok(!text.toLowerCase().includes(keyHex), "the deployer key is in `pulumi stack export` in plain text");
        const deployments = (await stack.resources()).filter((r) => r.type === DEPLOYMENT_TYPE);
        assert.ok(deployments.length > 0);
        for (const resource of deployments) {
            const key = resource.inputs?.["deployerKey"];
            assert.ok(typeof key === "object" && key !== null && "ciphertext" in key, `${resource.urn}: deployerKey input is not a secret`);
        }
        const outputs = await stack.workspace.runOk(["stack", "output", "--json", "--show-secrets"]);
        assert.ok(!outputs.toLowerCase().includes(keyHex), "a stack output carries the deployer key");
    });

    it("pulumi destroy leaves an empty stack", async () => {
        const destroy = await stack.workspace.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroy.code, 0, tail(destroy));
        assert.deepEqual(
            (await stack.resources()).map((r) => r.type).filter((t) => t !== "pulumi:pulumi:Stack" && t !== "pulumi:providers:pulumi-nodejs"),
            [],
        );
        await stack.workspace.runOk(["stack", "rm", "--yes"]);
    });
});

describe("dev stack: one chain down never blocks the other, and the README's retry completes it", { concurrency: false }, () => {
    let mainnet: AnvilNode | undefined;
    let chain138: AnvilNode | undefined;
    let stack: DevStack;
    let eventLog: string;
    const mainnetName = names.find((c) => c.chainId === 1)!.name;
    const chain138Name = names.find((c) => c.chainId === 138)!.name;

    before(async () => {
        [mainnet, chain138] = await Promise.all([startAnvil({ chainId: 1 }), startAnvil({ chainId: 138 })]);
        stack = await createDevStack({ [mainnetName]: mainnet.rpcUrl, [chain138Name]: chain138.rpcUrl });
        eventLog = path.join(stack.workspace.dir, "..", "up-events.jsonl");
    });
    after(async () => {
        await mainnet?.stop();
        await chain138?.stop();
        stack?.remove();
    });

    it("with chain 138 stopped, pulumi up --continue-on-error fails but deploys every contract on chain 1", async () => {
        // Stopped: every call to chain 138 is refused from here on.
        await chain138!.stop();
        // As the README says: --event-log is a debug flag of the CLI.
        const up = await stack.workspace.run([...UP, "--continue-on-error", "--event-log", eventLog], { env: { PULUMI_DEBUG_COMMANDS: "true" } });
        assert.notEqual(up.code, 0, "the update must report the stopped chain");
        assert.match(`${up.stdout}${up.stderr}`, new RegExp(chain138Name), tail(up));

        // ContractDeployments only (a chain's SuiteGovernance maps to its chain too, and waits for the lane).
        const deployments = (await stack.resources()).filter(isContractDeployment);
        const deployedOn = (chain: string) =>
            deployments
                .filter((r) => chainOfUrn(r.urn) === chain)
                .map((r) => String(r.outputs?.["contractName"] ?? r.urn))
                .sort();
        const mainnetChain = stack.chains.find((c) => c.name === mainnetName)!;
        assert.deepEqual(deployedOn(mainnetName), expectedContracts(mainnetChain), "chain 1 is complete despite chain 138");
        assert.deepEqual(deployedOn(chain138Name), [], "nothing can exist on a chain that never answered");
    });

    it("chain 138 restarted, the command `npm run targets -- --failed` prints completes the stack without redeploying chain 1", async () => {
        const mainnetChain = stack.chains.find((c) => c.name === mainnetName)!;
        const chain138Chain = stack.chains.find((c) => c.name === chain138Name)!;
        const mainnetIds = async () =>
            (await stack.resources())
                .filter((r) => isContractDeployment(r) && chainOfUrn(r.urn) === mainnetName)
                .map((r) => `${r.urn}=${r.id}`)
                .sort();
        const idsBefore = await mainnetIds();
        const firstRetryBlock = (await blockNumber(mainnetChain)) + 1;

        // The README's flow: the failed update's event log → the retry command.
        const printed: string[] = [];
        const errors: string[] = [];
        const code = await runTargets(["-s", "dev", "--failed", "--event-log", eventLog], { out: (l) => printed.push(l), err: (l) => errors.push(l) });
        assert.equal(code, 0, errors.join("\n"));
        assert.equal(printed.length, 1);
        assert.ok(
            errors.some((l) => l.includes(`chain ${chain138Name}:`)),
            errors.join("\n"),
        );
        const command = shellWords(printed[0]);
        assert.deepEqual(command.slice(0, 2), ["pulumi", "up"]);

        chain138 = await startAnvil({ chainId: 138, port: chain138!.port });
        const retry = await stack.workspace.run([...command.slice(1), "--yes", "--skip-preview"]);
        assert.equal(retry.code, 0, `${printed[0]}\n${tail(retry)}`);

        assert.deepEqual(await mainnetIds(), idsBefore, "chain 1's deployments are untouched");
        assert.equal(await create2CallsSince(mainnetChain, firstRetryBlock), 0, "the retry deployed a contract on chain 1 again");
        const contracts = await stack.contracts();
        assert.deepEqual(Object.keys(contracts[chain138Name]).sort(), expectedContracts(chain138Chain));
        for (const [contract, address] of Object.entries(contracts[chain138Name])) {
            assert.notEqual(await codeAt(chain138Chain, address), "0x", `${contract} on ${chain138Name}`);
        }
        const preview = await stack.workspace.run(["preview", "--expect-no-changes"]);
        assert.equal(preview.code, 0, `after the retry the whole stack (lanes included) is in step:\n${tail(preview)}`);
    });
});

/** Splits a printed shell command into words (single quotes only, as retryCommand writes them). */
function shellWords(command: string): string[] {
    return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}
