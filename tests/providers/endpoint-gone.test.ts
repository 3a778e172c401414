// The RPC endpoint disappears mid-operation: the provider operation fails within its documented bound
// (docs/bounds.md, computed from the modules' exported constants), naming the chain, the operation and the
// redacted endpoint, never the API key in the URL's path; no network detection is retried behind our back;
// and failing over and over against a dead endpoint keeps memory flat and leaves no timer or socket behind.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, it } from "node:test";
import { freePort, startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploymentInputs } from "../../devkit/provider-inputs";
import { contractDeploymentProvider as provider } from "../../contracts/providers/contract-deployment";
import { receiptWaitBoundMs } from "../../contracts/providers/receipt";
import { RPC_DEFAULTS, rpcCall, rpcCallBoundMs } from "../../contracts/providers/rpc";
import { startFlakyRpc } from "../support/relayer-flaky-rpc";

const ROOT = path.resolve(__dirname, "../..");
const SECRET = "SECRETKEY";

let node: AnvilNode;

before(async () => {
    node = await startAnvil({ chainId: 1 });
});
after(async () => node?.stop());

it("a deployment whose endpoint goes away after the broadcast fails within the receipt wait's bound, naming chain, operation and redacted endpoint", async () => {
    let cutAt = 0;
    let close = (): void => undefined;
    // Cut at the first receipt poll: the transaction is on the node, its receipt never reaches us.
    const proxy = await startFlakyRpc(node.rpcUrl, {
        fault: (_n, methods) => {
            if (!methods.includes("eth_getTransactionReceipt") || cutAt !== 0) return "none";
            cutAt = Date.now();
            close();
            return "drop";
        },
    });
    close = () => void proxy.close();
    const rpcUrl = `${proxy.url}/v3/${SECRET}`;
    const inputs = deploymentInputs({ chainName: "mainnet", rpcUrl, chainId: 1, deployerKey: node.accounts[3].privateKey }, "WETH9", [], "endpoint-gone");
    const bound = receiptWaitBoundMs(inputs.receiptTimeoutSeconds * 1000);
    await assert.rejects(provider.create(inputs), (error: Error) => {
        const elapsed = Date.now() - cutAt;
        assert.ok(cutAt > 0, "the endpoint was cut at the receipt wait");
        assert.ok(elapsed < bound, `failed ${elapsed} ms after the cut; bound ${bound} ms`);
        assert.match(error.message, /WETH9 deployment: waiting for transaction 0x[0-9a-f]{64}: /, "names the operation");
        assert.ok(error.message.includes(`chain mainnet (${proxy.url}/…)`), `names chain and redacted endpoint: ${error.message}`);
        assert.match(error.message, /eth_getTransactionReceipt\(0x[0-9a-f]{64}\) failed/);
        assert.ok(!error.message.includes(SECRET), "the API key in the URL path is never shown");
        assert.ok(!inspect(error, { depth: 10 }).includes(SECRET), "nor anywhere in the error and its causes");
        return true;
    });
    // The broadcast did reach the node: the failure was in the wait, not before it.
    assert.equal(await node.provider().getTransactionCount(node.accounts[3].address), 1);
});

it("a dead endpoint triggers no network detection: only the calls we make, each bounded", async () => {
    // Every request that reaches the endpoint, by JSON-RPC method; each one's connection is dropped.
    const seen: string[] = [];
    const proxy = await startFlakyRpc(node.rpcUrl, {
        fault: (_n, methods) => {
            seen.push(...methods);
            return "drop";
        },
    });
    const target = { name: "mainnet", rpcUrl: `${proxy.url}/v3/${SECRET}`, chainId: 1 };
    const logged: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
    try {
        const started = Date.now();
        await assert.rejects(
            rpcCall(target, "eth_blockNumber", (p) => p.getBlockNumber()),
            (error: Error) => error.message.startsWith(`chain mainnet (${proxy.url}/…): eth_blockNumber failed`) && !error.message.includes(SECRET),
        );
        assert.ok(Date.now() - started < rpcCallBoundMs(), "the call fails within its bound");
        const afterFailure = seen.length;
        // ethers would retry detection every second, forever: give it a few chances to show up.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        assert.equal(seen.length, afterFailure, "nothing is sent once the call has failed");
        assert.deepEqual(
            seen.filter((m) => m === "eth_chainId" || m === "net_version"),
            [],
            "no network detection",
        );
        assert.deepEqual(new Set(seen), new Set(["eth_blockNumber"]));
        assert.equal(seen.length, RPC_DEFAULTS.retries + 1, "every attempt of the one call, no more");
        assert.deepEqual(
            logged.filter((line) => /detect network/.test(line)),
            [],
        );
    } finally {
        console.log = log;
        await proxy.close();
    }
});

interface ChildReport {
    heapUsed: number[];
    rss: number[];
    errors: string[];
    resources: string[];
    elapsedMs: number[];
    boundMs: number;
    port: number;
}

/**
 * Runs tests/support/endpoint-gone-child.ts (its own process, so the memory measurement is the operation's alone)
 * and checks what every variant must show: each create failed within its rpcCall's bound, naming chain, operation
 * and redacted endpoint; heap and RSS after GC flat; nothing left running, so the child exited by itself.
 */
async function failRepeatedly(env: Record<string, string>, iterations: number): Promise<ChildReport> {
    const port = await freePort();
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(ROOT, "tests/support/endpoint-gone-child.ts")], {
        cwd: ROOT,
        env: { ...process.env, ...env, DEAD_RPC_URL: `http://127.0.0.1:${port}/v3/${SECRET}`, ITERATIONS: String(iterations) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // A safety net only: a child that keeps a timer or socket alive never exits by itself.
    const killer = setTimeout(() => child.kill("SIGKILL"), 200_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    clearTimeout(killer);
    assert.equal(signal, null, `the child exits by itself once done (stderr: ${stderr})`);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as ChildReport;
    assert.equal(report.errors.length, iterations);
    for (const message of report.errors) {
        assert.ok(message.startsWith(`chain mainnet (http://127.0.0.1:${report.port}/…): eth_chainId failed`), message);
        assert.ok(!message.includes(SECRET), message);
    }
    // Each failure came within the bound of its one rpcCall (under the child's shortened retry budget). The bound
    // counts waits; the create's own work (init code, keccak) and timer lag on a loaded machine come on top.
    const notWaitingMs = 500;
    for (const ms of report.elapsedMs) assert.ok(ms < report.boundMs + notWaitingMs, `${ms} ms against a bound of ${report.boundMs} ms`);
    const MB = 1024 * 1024;
    const growth = (series: number[]) => series[series.length - 1] - series[4];
    assert.ok(growth(report.heapUsed) < 20 * MB, `heapUsed grew ${(growth(report.heapUsed) / MB).toFixed(1)} MB: ${report.heapUsed.join(", ")}`);
    assert.ok(growth(report.rss) < 20 * MB, `RSS grew ${(growth(report.rss) / MB).toFixed(1)} MB: ${report.rss.join(", ")}`);
    // Only stdio may be left once the operations have failed: no timer, socket or DNS request.
    assert.deepEqual(
        report.resources.filter((r) => !/^(TTYWrap|PipeWrap|WriteWrap|FSReqCallback)$/.test(r)),
        [],
        report.resources.join(", "),
    );
    return report;
}

it("failing over and over against a dead endpoint keeps memory flat and leaves nothing running", { timeout: 240_000 }, async () => {
    await failRepeatedly({}, 30);
});

// ethers' own transport left the socket of every timed-out attempt open (contracts/providers/rpc.ts boundedGetUrl).
it(
    "an endpoint that takes connections and never answers: each attempt ends at the HTTP timeout, its socket closed, memory flat",
    { timeout: 240_000 },
    async () => {
        const report = await failRepeatedly({ HUNG: "1" }, 10);
        for (const message of report.errors) assert.match(message, /timeout/i, message);
    },
);
