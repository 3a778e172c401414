// End to end: the suite deployed on two real anvil chains (ids 1 and 138), verified through two fake
// explorers that compile each submission with solc and compare it with the chain.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadArtifact, loadSolcInput, type SolcInputRecord } from "../../contracts/artifacts";
import { verifyAll, type DeployedContract, type ExplorersConfig, type VerifyAllOptions } from "../../ops/explorer";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { startFakeExplorer, type FakeExplorer, type FakeExplorerOptions } from "../support/explorer-fake";
import { stopSolcWorker } from "../support/explorer-solc";
import { deployExplorerSuite } from "../support/explorer-suite";

const REPO = path.resolve(__dirname, "..", "..");
const MAINNET_KEY = "mainnet-key-0123456789abcdef";
// Fast polls and backoff; a generous per-contract deadline because the first submission waits
// for the fake explorer's solc compile of the whole suite (~15 s on a busy machine, more under load).
const FAST: VerifyAllOptions = { pollIntervalMs: 25, timeoutMs: 90_000, retry: { retries: 8, minTimeoutMs: 10, maxTimeoutMs: 100 } };

describe("explorer verification on two chains", () => {
    let mainnet: AnvilNode;
    let chain138: AnvilNode;
    let onMainnet: DeployedContract[];
    let on138: DeployedContract[];
    const explorers: FakeExplorer[] = [];
    const tmp = mkdtempSync(path.join(tmpdir(), "explorer-test-"));

    async function fake(options: Omit<FakeExplorerOptions, "rpcUrl" | "chainId">, node: AnvilNode): Promise<FakeExplorer> {
        const explorer = await startFakeExplorer({ ...options, rpcUrl: node.rpcUrl, chainId: node.chainId });
        explorers.push(explorer);
        return explorer;
    }
    function config(chain: string, explorer: FakeExplorer, node: AnvilNode, extra: Partial<ExplorersConfig[string]> = {}): ExplorersConfig {
        return { [chain]: { apiUrl: explorer.apiUrl, chainId: node.chainId, rpcUrl: node.rpcUrl, ...extra } };
    }

    before(async () => {
        [mainnet, chain138] = await Promise.all([startAnvil({ chainId: 1 }), startAnvil({ chainId: 138 })]);
        onMainnet = await deployExplorerSuite(mainnet, "mainnet", 5009297550715157269n);
        // Chain 138 records carry no tx hash: the verifier asks the explorer (getcontractcreation).
        on138 = (await deployExplorerSuite(chain138, "chain138", 138n)).map(({ txHash: _dropped, ...rest }) => rest);
    });
    after(async () => {
        await Promise.all(explorers.map((e) => e.stop()));
        await Promise.all([mainnet?.stop(), chain138?.stop()]);
        await stopSolcWorker();
        rmSync(tmp, { recursive: true, force: true });
    });

    it("verifies all contracts on both chains at once, one explorer rate-limiting, results in input order", async () => {
        const etherscan = await fake({ apiKey: MAINNET_KEY, rateLimitEvery: 3, pendingPolls: 2 }, mainnet);
        const blockscout = await fake({ pendingPolls: 3 }, chain138);
        const targets = [...onMainnet, ...on138];
        const done: string[] = [];
        const results = await verifyAll(
            targets,
            { ...config("mainnet", etherscan, mainnet, { apiKey: MAINNET_KEY, concurrency: 3 }), ...config("chain138", blockscout, chain138) },
            { ...FAST, onResult: (r) => done.push(`${r.chain}/${r.contract}`) },
        );

        assert.deepEqual(
            results.map((r) => `${r.chain}/${r.contract}/${r.address}`),
            targets.map((t) => `${t.chain}/${t.contract}/${t.address}`),
        );
        for (const r of results) assert.equal(r.status, "verified", `${r.chain} ${r.contract}: ${r.detail}`);
        assert.equal(done.length, targets.length);
        for (const [explorer, side] of [
            [etherscan, onMainnet],
            [blockscout, on138],
        ] as const) {
            for (const t of side) {
                const artifact = loadArtifact(t.contract);
                assert.equal(explorer.verifiedAs(t.address), `${artifact.sourceName}:${t.contract}`);
            }
            assert.equal(explorer.failures.size, 0);
        }
        assert.ok(etherscan.stats.rateLimited > 0, "the mainnet explorer throttled some requests");
        assert.equal(etherscan.stats.rejectedKeys, 0);
        const withArgs = results.filter((r) => r.contract === "CCIPRouter" || r.contract === "MultiSig");
        for (const r of withArgs) assert.match(r.detail, /constructor args from the creation tx/);
        assert.ok(results.every((r) => !r.detail.includes(MAINNET_KEY)));

        // A second run finds every source published (getsourcecode) and submits nothing.
        const submissions = etherscan.stats.submissions + blockscout.stats.submissions;
        const again = await verifyAll(
            targets,
            { ...config("mainnet", etherscan, mainnet, { apiKey: MAINNET_KEY }), ...config("chain138", blockscout, chain138) },
            FAST,
        );
        assert.deepEqual(new Set(again.map((r) => r.status)), new Set(["already-verified"]));
        assert.equal(etherscan.stats.submissions + blockscout.stats.submissions, submissions);
    });

    it("skips contracts the explorer already verified, also when only the submission says so", async () => {
        const pre = onMainnet.filter((t) => ["WETH9", "CCIPRouter"].includes(t.contract)).map((t) => t.address);
        const lagging = await fake({ verified: pre, staleSourceIndex: true, pendingPolls: 1 }, mainnet);
        const targets = onMainnet.filter((t) => ["WETH9", "CCIPRouter", "Multicall3"].includes(t.contract));
        const results = await verifyAll(targets, config("mainnet", lagging, mainnet), FAST);
        const byName = Object.fromEntries(results.map((r) => [r.contract, r]));
        assert.equal(byName.WETH9.status, "already-verified");
        assert.match(byName.WETH9.detail, /already verified/);
        assert.equal(byName.CCIPRouter.status, "already-verified");
        assert.equal(byName.Multicall3.status, "verified", byName.Multicall3.detail);
        assert.equal(lagging.stats.submissions, 1, "only Multicall3 was queued for checking");
    });

    it("resubmits while the explorer has not indexed a fresh contract yet", async () => {
        const lagging = await fake({ indexLag: 2, pendingPolls: 1 }, chain138);
        const [result] = await verifyAll(
            on138.filter((t) => t.contract === "WETH10"),
            config("chain138", lagging, chain138),
            FAST,
        );
        assert.equal(result.status, "verified", result.detail);
        assert.equal(lagging.stats.unindexed, 2);
        assert.equal(lagging.stats.submissions, 1);
    });

    it("submits recorded constructor args when the chain cannot be read, and the explorer catches wrong ones", async () => {
        const explorer = await fake({ pendingPolls: 1 }, mainnet);
        const owner = mainnet.accounts[0].address;
        const router = onMainnet.find((t) => t.contract === "CCIPRouter")!;
        const proxy = onMainnet.find((t) => t.contract === "AggregatorProxy")!;
        const aggregator = onMainnet.find((t) => t.contract === "Aggregator")!;
        const targets: DeployedContract[] = [
            { ...router, txHash: undefined, constructorArgs: [owner, 999n] },
            { ...proxy, txHash: undefined, constructorArgs: [owner, aggregator.address] },
        ];
        // No rpcUrl: the verifier cannot read the creation txs and relies on the records.
        const results = await verifyAll(targets, { mainnet: { apiUrl: explorer.apiUrl, chainId: 1 } }, FAST);
        assert.equal(results[0].status, "failed");
        assert.match(results[0].detail, /constructor arguments do NOT match those in tx 0x[0-9a-f]{64}.*\(constructor args from the deployment record\)/);
        assert.equal(results[1].status, "verified", results[1].detail);
    });

    it("fails the contracts a tampered source no longer reproduces, passes the rest, and the CLI exits 1", async () => {
        const explorer = await fake({ apiKey: MAINNET_KEY, pendingPolls: 1 }, mainnet);
        const record = loadSolcInput();
        const tampered: SolcInputRecord = structuredClone(record);
        const weth9 = "contracts/src/tokens/WETH9.sol";
        tampered.input.sources[weth9] = { content: `${tampered.input.sources[weth9].content}\n// not what was deployed\n` };
        // A source change moves the metadata hash of every contract compiled with that file.
        const affected = new Set<string>(onMainnet.filter((t) => weth9 in JSON.parse(loadArtifact(t.contract).metadata).sources).map((t) => t.contract));
        assert.ok(affected.has("WETH9") && affected.size < onMainnet.length);

        const files = {
            addresses: path.join(tmp, "addresses.json"),
            config: path.join(tmp, "config.json"),
            solc: path.join(tmp, "solc-input.json"),
        };
        writeFileSync(files.addresses, JSON.stringify({ mainnet: Object.fromEntries(onMainnet.map((t) => [t.contract, t.address])) }));
        // As `pulumi config --json --show-secrets` prints them: the explorer without rpcUrl (the chains
        // config supplies it), the key a secret string value.
        const explorersValue = { mainnet: { apiUrl: explorer.apiUrl, apiKey: MAINNET_KEY, chainId: 1, concurrency: 4 } };
        writeFileSync(
            files.config,
            JSON.stringify({
                "chain138:explorers": { value: JSON.stringify(explorersValue), secret: true },
                "chain138:chains": {
                    value: "",
                    objectValue: { mainnet: { rpcUrl: mainnet.rpcUrl, chainId: 1, chainSelector: "5009297550715157269" } },
                    secret: false,
                },
            }),
        );
        writeFileSync(files.solc, JSON.stringify(tampered));
        const cli = [
            "--import",
            "tsx",
            "scripts/verify-contracts.ts",
            "--addresses",
            files.addresses,
            "--config",
            files.config,
            "--solc-input",
            files.solc,
            "--json",
            "--poll-interval",
            "0.05",
            "--timeout",
            "90",
        ];
        // Asynchronously: the fake explorer lives in this process and must keep answering.
        const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = execFile(process.execPath, cli, { cwd: REPO, timeout: 120_000 }, (_error, stdout, stderr) =>
                resolve({ code: child.exitCode, stdout, stderr }),
            );
        });

        assert.equal(run.code, 1, run.stderr);
        const report = JSON.parse(run.stdout) as { ok: boolean; results: Array<{ contract: string; status: string; detail: string }> };
        assert.equal(report.ok, false);
        assert.deepEqual(
            report.results.map((r) => r.contract),
            onMainnet.map((t) => t.contract),
            "ordered like the suite",
        );
        for (const r of report.results) {
            if (affected.has(r.contract)) {
                assert.equal(r.status, "failed", r.contract);
                assert.match(r.detail, /Fail - Unable to verify\. Compiled contract creation bytecode does NOT match/);
            } else {
                assert.equal(r.status, "verified", `${r.contract}: ${r.detail}`);
            }
        }
        assert.ok(!run.stdout.includes(MAINNET_KEY) && !run.stderr.includes(MAINNET_KEY), "the API key is never printed");
        assert.equal(explorer.stats.rejectedKeys, 0);
    });

    it("gives every contract of a hanging explorer its own deadline", async () => {
        const hanging = await fake({ hang: true }, chain138);
        const targets = on138.slice(0, 3);
        const results = await verifyAll(targets, config("chain138", hanging, chain138, { concurrency: 3 }), {
            ...FAST,
            timeoutMs: 400,
            requestTimeoutMs: 60_000,
        });
        assert.deepEqual(
            results.map((r) => r.contract),
            targets.map((t) => t.contract),
        );
        for (const r of results) {
            assert.equal(r.status, "failed");
            assert.match(r.detail, /^timed out after 0\.4s while checking whether the source is already published/);
        }
    });

    it("gives up with a clear error when the rate limit never clears", async () => {
        const throttled = await fake({ rateLimitAlways: true }, chain138);
        const [result] = await verifyAll(on138.slice(0, 1), config("chain138", throttled, chain138), {
            ...FAST,
            retry: { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 10 },
        });
        assert.equal(result.status, "failed");
        assert.match(result.detail, /chain138 explorer contract\.getsourcecode: still throttled after 2 retries \("Max rate limit reached"\)/);
        assert.equal(throttled.stats.requests, 3);
    });

    it("refuses a run with a chain that has no explorer, naming it", async () => {
        await assert.rejects(verifyAll(on138, {}, FAST), /no explorer configured for chain\(s\) chain138 \(have: none\)/);
    });
});
