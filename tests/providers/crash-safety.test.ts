// Crash between send and record: a child process broadcasts a deployment and is killed before it can
// return; re-running create adopts the contract instead of deploying it twice.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, it } from "node:test";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploymentInputs, type ProviderChain } from "../../devkit/provider-inputs";
import { deployContract } from "../../contracts/providers/contract-deployment";

const ROOT = path.resolve(__dirname, "..", "..");
let node: AnvilNode;
let chain: ProviderChain;

before(async () => {
    // 2-second blocks: the kill lands while the transaction is still pending in the mempool.
    node = await startAnvil({ chainId: 138, blockTime: 2 });
    chain = { chainName: "chain138", rpcUrl: node.rpcUrl, chainId: 138, deployerKey: node.accounts[0].privateKey };
});
after(async () => node?.stop());

/** Runs create in a child that pauses right after broadcasting; kills it there; returns the broadcast hash. */
function createAndKillAfterBroadcast(inputs: unknown): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/support/provider-child.ts")], {
            cwd: ROOT,
            env: { ...process.env, PROVIDER_MODE: "create", PROVIDER_INPUTS: JSON.stringify(inputs), CHAIN138_PAUSE_AFTER_BROADCAST: "1" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => {
            stderr += d.toString();
            const match = /CHAIN138_BROADCAST (0x[0-9a-f]{64})/.exec(stderr);
            if (match) {
                child.kill("SIGKILL");
                resolve(match[1]);
            }
        });
        child.on("exit", (code, signal) => {
            if (signal !== "SIGKILL") reject(new Error(`child exited (${code}) before broadcasting: ${stderr}`));
        });
    });
}

it("a create killed after broadcast is adopted on re-run, not deployed twice", async () => {
    const deployer = node.accounts[0].address;
    const p = node.provider();
    const start = await p.getTransactionCount(deployer, "latest");
    const inputs = deploymentInputs(chain, "MultiSig", [[deployer], 1]);
    // No blocks while the crash is staged: a block landing between the checks below made this test flaky.
    await p.send("evm_setIntervalMining", [0]);
    let hash: string;
    try {
        hash = await createAndKillAfterBroadcast(inputs);
        assert.equal(await p.getTransactionCount(deployer, "latest"), start, "killed while the transaction was pending");
        assert.equal(await p.getCode(inputs.address), "0x");
    } finally {
        await p.send("evm_setIntervalMining", [2]);
    }

    const rerun = await deployContract(inputs);
    assert.equal(rerun.outs!.address, inputs.address);
    assert.equal(rerun.outs!.txHash, "", "adopted, not deployed");
    assert.notEqual(await p.getCode(inputs.address), "0x");
    assert.equal((await p.getTransactionReceipt(hash))!.status, 1, "the crashed run's transaction deployed it");
    assert.equal(await p.getTransactionCount(deployer, "latest"), start + 1, "exactly one transaction from the deployer");
    p.destroy();
});
