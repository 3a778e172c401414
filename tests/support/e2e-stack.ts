// The dev stack under the real Pulumi CLI: a private workspace (ops/shared/pulumi-workspace.ts) whose copy
// of Pulumi.dev.yaml points at the test's own anvil chains, with a fresh file backend.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { parseDocument } from "yaml";
import { suitePlan } from "../../components/contracts-plan";
import { openPulumiWorkspace, REPO_ROOT, type PulumiWorkspace } from "../../ops/shared/pulumi-workspace";
import { DEV_KEYS, type BridgeChain } from "../../scripts/dev-bridge";

/** One deployed resource of `pulumi stack export`. */
export interface ExportedResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

export interface DevStack {
    readonly workspace: PulumiWorkspace;
    /** The file backend's directory (`PULUMI_BACKEND_URL=file://<stateDir>`). */
    readonly stateDir: string;
    /** The chains of Pulumi.dev.yaml, each with the RPC URL the test gave it. */
    readonly chains: BridgeChain[];
    /** `pulumi stack export` text (ciphertexts stay encrypted). */
    exportText(): Promise<string>;
    resources(): Promise<ExportedResource[]>;
    /** `pulumi stack output --json contracts`. */
    contracts(): Promise<Record<string, Record<string, string>>>;
    /** Removes the workspace and its state. */
    remove(): void;
}

/** The committed dev stack's chain names and ids (what the test must start anvils for). */
export function devStackChains(): { name: string; chainId: number; chainSelector: string }[] {
    const doc = parseDocument(readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")).toJS() as {
        config: Record<string, Record<string, { chainId: number; chainSelector: string }>>;
    };
    return Object.entries(doc.config["chain138:chains"]).map(([name, chain]) => ({ name, chainId: chain.chainId, chainSelector: String(chain.chainSelector) }));
}

/** Every contract the dev stack deploys on `chain` (neither chain configures an existing router). */
export function expectedContracts(chain: { chainSelector: string }): string[] {
    return suitePlan({ chainSelector: chain.chainSelector, existingRouter: undefined, existingMulticall3: undefined })
        .map((spec) => spec.name)
        .sort();
}

/**
 * Creates the `dev` stack in a fresh workspace: RPC URLs rewritten to `rpcUrls` (only those), the stack
 * initialised on a new file backend and the deployer key (anvil's first dev key) set as a secret via stdin.
 */
export async function createDevStack(rpcUrls: Record<string, string>): Promise<DevStack> {
    const root = mkdtempSync(path.join(tmpdir(), "chain138-e2e-"));
    const stateDir = path.join(root, "state");
    const workspace = openPulumiWorkspace({ stack: "dev", dir: path.join(root, "project"), stateDir });
    const stackFile = path.join(workspace.dir, "Pulumi.dev.yaml");
    const doc = parseDocument(readFileSync(stackFile, "utf8"));
    const chains: BridgeChain[] = devStackChains().map((chain) => {
        const rpcUrl = rpcUrls[chain.name];
        if (rpcUrl === undefined) throw new Error(`createDevStack: no RPC URL for chain ${chain.name} of Pulumi.dev.yaml`);
        doc.setIn(["config", "chain138:chains", chain.name, "rpcUrl"], rpcUrl);
        return { ...chain, rpcUrl };
    });
    writeFileSync(stackFile, doc.toString());

    await workspace.runOk(["stack", "init", "dev"]);
    // Through stdin, never argv: process listings show argv.
    await workspace.runOk(["config", "set", "--secret", "chain138:deployerKey"], { input: DEV_KEYS.deployer });

    const exportText = () => workspace.runOk(["stack", "export"]);
    return {
        workspace,
        stateDir,
        chains,
        exportText,
        resources: async () => {
            const state = JSON.parse(await exportText()) as { deployment: { resources?: ExportedResource[] } };
            return state.deployment.resources ?? [];
        },
        contracts: async () => JSON.parse(await workspace.runOk(["stack", "output", "--json", "contracts"])) as Record<string, Record<string, string>>,
        remove: () => rmSync(root, { recursive: true, force: true }),
    };
}

/** The last lines of a CLI run, for assertion messages. */
export function tail(result: { stdout: string; stderr: string }, lines = 60): string {
    return `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-lines).join("\n");
}

/** Runs `read` with a provider for `chain`, closed afterwards. */
export async function onChain<T>(chain: BridgeChain, read: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
    const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true });
    try {
        return await read(provider);
    } finally {
        provider.destroy();
    }
}

/** A `pulumi` command running in the background (PulumiWorkspace.run waits for the end; this one can be killed). */
export interface RunningPulumi {
    readonly child: ChildProcess;
    readonly pid: number;
    /** Its stdout and stderr so far, interleaved. */
    output(): string;
    /** Resolves once the `pulumi` process itself has exited (its plugins' pipes may stay open longer). */
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `pulumi <args>` in the workspace, with its environment (plus `env`), stdin closed. */
export function startPulumi(workspace: PulumiWorkspace, args: string[], env: NodeJS.ProcessEnv = {}): RunningPulumi {
    const child = spawn("pulumi", args, { cwd: workspace.dir, env: { ...workspace.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid === undefined) throw new Error(`could not start \`pulumi ${args.join(" ")}\``);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    return { child, pid: child.pid, output: () => output, exited };
}
