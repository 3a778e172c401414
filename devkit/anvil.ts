// Starts a throwaway anvil node on 127.0.0.1 for tests and scripts, and tears it down again.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet, getAddress } from "ethers";

/** Options for {@link startAnvil}. */
export interface AnvilOptions {
    /** Chain id (default 31337). */
    chainId?: number;
    /** Seconds between blocks; omitted = mine one block per transaction (automine). */
    blockTime?: number;
    /** Number of funded dev accounts (default 10). */
    accounts?: number;
    /** Balance of each dev account in ether (default 10000). */
    balanceEther?: number;
    /** EVM hardfork (default: anvil's own default). */
    hardfork?: string;
    /** Port on 127.0.0.1 (default: a free one); e.g. to bring a chain back where a stack expects it. */
    port?: number;
    /** Milliseconds to wait for the node to answer JSON-RPC (default 15000). */
    startupTimeoutMs?: number;
    /** More anvil flags, e.g. ["--base-fee", "7", "--no-priority-fee"]. */
    extraArgs?: string[];
}

/** A funded dev account. */
export interface DevAccount {
    address: string;
    privateKey: string;
}

/** A running anvil node. */
export interface AnvilNode {
    readonly rpcUrl: string;
    readonly port: number;
    readonly chainId: number;
    readonly accounts: readonly DevAccount[];
    /** A provider for this node (one per call; short polling interval suited to a local chain). */
    provider(): JsonRpcProvider;
    /** A wallet for dev account `index`, connected to `provider` (or a new provider). */
    wallet(index: number, provider?: JsonRpcProvider): Wallet;
    /** Kills the node and removes its temp files; safe to call more than once. */
    stop(): Promise<void>;
}

/** Path of the anvil binary shipped by @foundry-rs/anvil (overridable with ANVIL_BIN). */
export function anvilBinary(): string {
    const fromEnv = process.env.ANVIL_BIN;
    if (fromEnv) return fromEnv;
    return path.resolve(__dirname, "..", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.unref();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const addr = server.address();
            server.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
        });
    });
}

interface AnvilConfigOut {
    available_accounts: string[];
    private_keys: string[];
}

const running = new Set<ChildProcess>();
// Last-resort cleanup if a test process exits without calling stop().
process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
});

async function rpcAnswers(url: string): Promise<boolean> {
    try {
        const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        });
        return res.ok;
    } catch {
        return false;
    }
}

/** anvil's command line for `opts`: loopback only, on `port`, writing its accounts and keys to `configOut`. */
function anvilArgs(opts: AnvilOptions, chainId: number, port: number, configOut: string): string[] {
    const args = [
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--chain-id",
        String(chainId),
        "--accounts",
        String(opts.accounts ?? 10),
        "--balance",
        String(opts.balanceEther ?? 10000),
        "--config-out",
        configOut,
    ];
    if (opts.blockTime !== undefined) args.push("--block-time", String(opts.blockTime));
    if (opts.hardfork !== undefined) args.push("--hardfork", opts.hardfork);
    return [...args, ...(opts.extraArgs ?? [])];
}

async function launch(opts: AnvilOptions): Promise<AnvilNode> {
    const chainId = opts.chainId ?? 31337;
    const port = opts.port ?? (await freePort());
    const dir = mkdtempSync(path.join(tmpdir(), "anvil-"));
    const configOut = path.join(dir, "config.json");
    const child = spawn(anvilBinary(), anvilArgs(opts, chainId, port, configOut), { stdio: ["ignore", "ignore", "pipe"] });
    running.add(child);
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    child.once("exit", () => {
        exited = true;
        running.delete(child);
    });

    const stop = async (): Promise<void> => {
        if (!exited) {
            const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
            await gone;
            clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
    };

    const rpcUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (opts.startupTimeoutMs ?? 15000);
    // anvil writes the config file before serving; wait for both.
    while (!(existsSync(configOut) && (await rpcAnswers(rpcUrl)))) {
        if (exited) {
            await stop();
            throw new Error(`anvil exited during startup: ${stderr.trim()}`);
        }
        if (Date.now() > deadline) {
            await stop();
            throw new Error(`anvil did not answer on ${rpcUrl} in time: ${stderr.trim()}`);
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    const config = JSON.parse(readFileSync(configOut, "utf8")) as AnvilConfigOut;
    // anvil writes lowercase addresses; hand out checksummed ones like ethers does.
    const accounts = config.available_accounts.map((address, i) => ({
        address: getAddress(address),
        privateKey: config.private_keys[i],
    }));

    const provider = (): JsonRpcProvider => {
        const p = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, cacheTimeout: -1 });
        p.pollingInterval = 50;
        return p;
    };
    return {
        rpcUrl,
        port,
        chainId,
        accounts,
        provider,
        wallet: (index, p) => {
            const account = accounts[index];
            if (account === undefined) throw new Error(`no dev account ${index} (have ${accounts.length})`);
            return new Wallet(account.privateKey, p ?? provider());
        },
        stop,
    };
}

/**
 * Starts anvil on a free 127.0.0.1 port and resolves once it answers JSON-RPC.
 * Retries once if the port was taken between probing and binding.
 */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilNode> {
    try {
        return await launch(opts);
    } catch (first) {
        if (opts.port === undefined && first instanceof Error && /address already in use/i.test(first.message)) return launch(opts);
        throw first;
    }
}
