// npm run dev: the dev stack end to end on this machine, no cloud.
//   1. two anvil chains (ids 1 and 138, 2-second blocks, 127.0.0.1, the ports in Pulumi.dev.yaml);
//   2. `pulumi up -s dev` with a local file backend (toolchain/pulumi-cli/pulumi-env.sh conventions) and the deployer
//      key (anvil's first dev key) set as a secret;
//   3. three attester processes (attester/main.ts, one dev attester key each: anvil accounts 7–9) and the CCIP relayer
//      (relayer/) in this process, collecting their signatures over HTTP and holding no attester key;
//   4. bridges 1 WETH from chain 1 to chain 138 and prints both balances.
// Everything it started stops on exit (Ctrl-C, or at once with --exit).
//
// Needs the Pulumi CLI: toolchain/pulumi-cli/ensure-pulumi chooses it (a `pulumi` on PATH of the pinned SDK's version
// or newer, else its own build; its last stdout line is the bin dir). Passphrase of the dev state: `chain138-dev`
// (documented, not a secret).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider, formatEther } from "ethers";
import { parse } from "yaml";
import { anvilBinary } from "../devkit/anvil";
import { attesterProcess, type AttesterProcess } from "../devkit/attester-process";
import { startRelayer, type Relayer } from "../relayer";
import { fileBackendUrl, pulumiBinDir } from "../ops/shared/pulumi-workspace";
import { parseStackOutputs, type ContractOutputs } from "../stack/outputs";
import { DEV_KEYS, bridgeWeth9, devRelayerChains, type BridgeChain } from "./dev-bridge";

const ROOT = path.resolve(__dirname, "..");

const children: ChildProcess[] = [];
let relayer: Relayer | undefined;
const attesters: AttesterProcess[] = [];
const cleanups: (() => void)[] = [];

function log(line: string): void {
    process.stdout.write(`[dev] ${line}\n`);
}

async function stopAll(): Promise<void> {
    await relayer?.stop().catch(() => undefined);
    relayer = undefined;
    await Promise.all(attesters.splice(0).map((a) => a.kill("SIGTERM")));
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
    for (const cleanup of cleanups.splice(0)) cleanup();
}

function devChains(): BridgeChain[] {
    const file = parse(readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    const chains = file.config["chain138:chains"] as Record<string, { rpcUrl: string; chainId: number; chainSelector: string }>;
    return Object.entries(chains).map(([name, c]) => ({ name, rpcUrl: c.rpcUrl, chainId: c.chainId, chainSelector: String(c.chainSelector) }));
}

function portFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

async function startChain(chain: BridgeChain): Promise<void> {
    const port = Number(new URL(chain.rpcUrl).port);
    if (!(await portFree(port))) throw new Error(`port ${port} (${chain.name}, from Pulumi.dev.yaml) is in use: stop whatever listens there`);
    const child = spawn(anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chain.chainId), "--block-time", "2", "--silent"], {
        stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true });
    try {
        for (let i = 0; ; i++) {
            try {
                await provider.getBlockNumber();
                break;
            } catch (error) {
                if (child.exitCode !== null || i > 100) throw new Error(`anvil for ${chain.name} did not start: ${(error as Error).message}`);
                await new Promise((r) => setTimeout(r, 100));
            }
        }
    } finally {
        provider.destroy();
    }
    log(`${chain.name}: anvil chain id ${chain.chainId} on ${chain.rpcUrl} (2-second blocks)`);
}

/** Environment for the Pulumi CLI per toolchain/pulumi-cli/pulumi-env.sh; fails clearly when no CLI can be found. */
function pulumiEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const state = env.CHAIN138_STATE_DIR ?? path.join(homedir(), ".chain138", "state");
    if (env.PULUMI_BACKEND_URL === undefined) {
        mkdirSync(state, { recursive: true });
        env.PULUMI_BACKEND_URL = fileBackendUrl(state); // metadata=skip: see fileBackendUrl
    }
    if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) env.PULUMI_CONFIG_PASSPHRASE = "chain138-dev";
    env.PULUMI_SKIP_UPDATE_CHECK = "true";
    env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
    log("locating the Pulumi CLI (toolchain/pulumi-cli/ensure-pulumi: a pulumi on PATH of the pinned SDK's version or newer, else its own build)…");
    try {
        env.PATH = `${pulumiBinDir(env)}${path.delimiter}${env.PATH ?? ""}`;
    } catch (error) {
        // ensure-pulumi has said why (no CLI or an older one on PATH, and no Go to build one): an older CLI is not run.
        throw new Error(
            `${(error as Error).message}. Install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/), ` +
                "or Go >= 1.25 to let it build one, then re-run `npm run dev`.",
        );
    }
    const probe = spawnSync("pulumi", ["version"], { env, encoding: "utf8" });
    if (probe.error !== undefined || probe.status !== 0) {
        throw new Error(`\`pulumi version\` failed with the CLI ensure-pulumi chose (${probe.error?.message ?? probe.stderr.trim()})`);
    }
    log(`pulumi ${probe.stdout.trim()}; state ${env.PULUMI_BACKEND_URL}`);
    return env;
}

/**
 * The stack config the CLI works on: a copy of Pulumi.dev.yaml beside the state, so `config set --secret`
 * (which writes the encrypted key) never touches the committed file. Creating the stack writes the
 * passphrase salt into Pulumi.dev.yaml: it is moved into the copy and the committed file restored.
 */
function stackConfigCopy(env: NodeJS.ProcessEnv, committed: string): string {
    const repoFile = path.join(ROOT, "Pulumi.dev.yaml");
    const saltOf = (text: string | undefined) => (text === undefined ? undefined : (parse(text) as { encryptionsalt?: string } | null)?.encryptionsalt);
    const written = readFileSync(repoFile, "utf8");
    if (written !== committed) writeFileSync(repoFile, committed);
    const dir = path.join(new URL(env.PULUMI_BACKEND_URL ?? "").pathname || tmpdir(), "dev-config");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "Pulumi.dev.yaml");
    const salt = saltOf(written) ?? saltOf(existsSync(file) ? readFileSync(file, "utf8") : undefined);
    writeFileSync(file, committed + (salt === undefined ? "" : `encryptionsalt: ${salt}\n`));
    return file;
}

function pulumi(env: NodeJS.ProcessEnv, args: string[], input?: string): string {
    log(`pulumi ${args.join(" ")}`);
    const result = spawnSync("pulumi", args, {
        cwd: ROOT,
        env,
        input,
        encoding: "utf8",
        stdio: [input === undefined ? "ignore" : "pipe", "pipe", "inherit"],
        maxBuffer: 64 << 20,
    });
    if (result.status !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${result.status})`);
    return result.stdout;
}

function pulumiStreaming(env: NodeJS.ProcessEnv, args: string[]): Promise<void> {
    log(`pulumi ${args.join(" ")}`);
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
        children.push(child);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi ${args[0]} failed (exit ${code})`))));
    });
}

async function bridgeOneWeth(chains: BridgeChain[], contracts: ContractOutputs): Promise<void> {
    const source = chains.find((c) => c.chainId === 1);
    const destination = chains.find((c) => c.chainId === 138);
    if (source === undefined || destination === undefined || relayer === undefined) throw new Error("Pulumi.dev.yaml needs chains with ids 1 and 138");
    log(`bridging 1 WETH9 ${source.name} → ${destination.name}; waiting for the relayer…`);
    const result = await bridgeWeth9({ source, destination, contracts, relayer, userKey: DEV_KEYS.user });
    log(`message ${result.messageId} delivered`);
    log(`WETH9 of ${result.user}: ${formatEther(result.sourceBalance)} on ${source.name}, ${formatEther(result.destinationBalance)} on ${destination.name}`);
}

async function main(): Promise<void> {
    const exitWhenDone = process.argv.includes("--exit");
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            log(`${signal}: stopping`);
            void stopAll().then(() => process.exit(130));
        });
    }
    const env = pulumiEnv();
    spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "contracts", "build.ts")], { cwd: ROOT, stdio: "inherit" });
    const chains = devChains();
    await Promise.all(chains.map(startChain));

    const committed = readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    pulumi(env, ["stack", "select", "--create", "dev"]);
    const configFile = stackConfigCopy(env, committed);
    // The value goes through stdin, not argv (process listings); it is anvil's public dev key anyway.
    pulumi(env, ["config", "set", "--secret", "-s", "dev", "--config-file", configFile, "chain138:deployerKey"], DEV_KEYS.deployer);
    // --refresh: the chains are fresh each run, so state from a previous run is reconciled first.
    await pulumiStreaming(env, ["up", "-s", "dev", "--config-file", configFile, "--yes", "--parallel", "128", "--refresh"]);
    // Through the one outputs contract every tool reads (stack/outputs.ts); stdout is never printed.
    const { contracts } = parseStackOutputs(JSON.parse(pulumi(env, ["stack", "output", "-s", "dev", "--json", "--show-secrets"])), "outputs of stack dev");
    if (contracts === undefined) throw new Error("outputs of stack dev: no `contracts` output; is chain138:chains set in Pulumi.dev.yaml?");
    for (const [chain, addresses] of Object.entries(contracts))
        log(
            `${chain}: ${Object.entries(addresses)
                .map(([n, a]) => `${n} ${a}`)
                .join(", ")}`,
        );

    const stateDir = mkdtempSync(path.join(tmpdir(), "chain138-relayer-"));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const relayerChains = devRelayerChains(chains, contracts);
    for (const [i, key] of DEV_KEYS.attesters.entries()) {
        const attester = await attesterProcess({
            key,
            chains: relayerChains,
            dir: path.join(stateDir, `attester-${i}`),
            onLine: (line) => log(`attester ${i}: ${line}`),
        });
        attesters.push(attester);
        await attester.start();
    }
    relayer = await startRelayer({
        chains: relayerChains,
        attesters: attesters.map((a) => ({ url: a.url, address: a.address, token: a.token })),
        relayerKey: DEV_KEYS.relayer,
        stateFile: path.join(stateDir, "relayer-state.json"),
        pollIntervalMs: 500,
        log: (line) => log(`relayer: ${line}`),
    });
    log(`relayer started; attesters ${attesters.map((a) => `${a.address} at ${a.url}`).join(", ")}`);
    await bridgeOneWeth(chains, contracts);

    if (exitWhenDone) {
        await stopAll();
        return;
    }
    log("chains, attesters and relayer keep running; Ctrl-C stops them");
    await new Promise(() => undefined);
}

main().catch(async (error: unknown) => {
    process.stderr.write(`[dev] ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAll();
    process.exit(1);
});
