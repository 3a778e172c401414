// Runs the attester service (attester/main.ts) as a child process, for the dev stack and the tests: its own config file,
// key and token in its environment, a fixed port so it comes back at the same URL after a kill.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { freePort } from "./anvil";

const ROOT = path.resolve(__dirname, "..");

/** One chain as an attester reads it. */
export interface AttesterProcessChain {
    name: string;
    rpcUrl: string;
    routerAddress: string;
    chainSelector: bigint;
    confirmations?: number;
}

export interface AttesterProcessOptions {
    key: string;
    chains: AttesterProcessChain[];
    /** Folder for its config and state file. */
    dir: string;
    /** Lines it prints (default: dropped). */
    onLine?: (line: string) => void;
    /** Milliseconds to wait for "listening on" (default 30000). */
    startupTimeoutMs?: number;
}

/** An attester process that can be killed and started again on the same port, key and state file. */
export interface AttesterProcess {
    readonly address: string;
    readonly url: string;
    readonly token: string;
    readonly stateFile: string;
    /** Everything it printed since the first start (stdout and stderr). */
    readonly output: () => string;
    /** Starts it (again); resolves once it listens. */
    start(): Promise<void>;
    /** Sends `signal` (SIGKILL after 10 s) and resolves with the exit code once it exited (null after a kill). */
    kill(signal?: NodeJS.Signals): Promise<number | null>;
    readonly running: boolean;
}

const children = new Set<ChildProcess>();
// Last-resort cleanup if the parent exits without stopping them.
process.once("exit", () => {
    for (const child of children) child.kill("SIGKILL");
});

export async function attesterProcess(opts: AttesterProcessOptions): Promise<AttesterProcess> {
    const address = new Wallet(opts.key).address;
    const token = randomBytes(32).toString("hex");
    const port = await freePort();
    mkdirSync(opts.dir, { recursive: true });
    const stateFile = path.join(opts.dir, "attester-state.json");
    const configFile = path.join(opts.dir, "attester.json");
    writeFileSync(
        configFile,
        JSON.stringify({
            stateFile,
            host: "127.0.0.1",
            port,
            chains: opts.chains.map((c) => ({
                name: c.name,
                rpcUrl: c.rpcUrl,
                routerAddress: c.routerAddress,
                chainSelector: String(c.chainSelector),
                confirmations: c.confirmations,
            })),
        }),
    );
    let child: ChildProcess | undefined;
    let out = "";
    const self: AttesterProcess = {
        address,
        url: `http://127.0.0.1:${port}`,
        token,
        stateFile,
        output: () => out,
        get running() {
            return child !== undefined && child.exitCode === null && child.signalCode === null;
        },
        start: () => {
            if (self.running) return Promise.resolve();
            // ATTESTER_MAIN=<dir>/attester/main.js runs the tsc build the container image ships instead.
            const entry = process.env.ATTESTER_MAIN === undefined ? ["--import", "tsx", path.join(ROOT, "attester", "main.ts")] : [process.env.ATTESTER_MAIN];
            const proc = spawn(process.execPath, [...entry, "--config", configFile], {
                cwd: ROOT,
                env: { ...process.env, ATTESTER_KEY: opts.key, ATTESTER_TOKEN: token },
                stdio: ["ignore", "pipe", "pipe"],
            });
            child = proc;
            children.add(proc);
            proc.once("exit", () => children.delete(proc));
            return new Promise<void>((resolve, reject) => {
                const timer = setTimeout(() => {
                    proc.kill("SIGKILL");
                    reject(new Error(`attester ${address} did not listen within ${opts.startupTimeoutMs ?? 30_000} ms:\n${out}`));
                }, opts.startupTimeoutMs ?? 30_000);
                const onData = (d: Buffer): void => {
                    const text = d.toString();
                    out += text;
                    for (const line of text.split("\n")) if (line !== "") opts.onLine?.(line);
                    if (out.includes(`listening on ${self.url}`)) {
                        clearTimeout(timer);
                        resolve();
                    }
                };
                proc.stdout.on("data", onData);
                proc.stderr.on("data", onData);
                proc.once("exit", (code) => {
                    clearTimeout(timer);
                    reject(new Error(`attester ${address} exited with ${code} before listening:\n${out}`));
                });
            });
        },
        kill: (signal = "SIGTERM") => {
            const proc = child;
            if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc?.exitCode ?? null);
            return new Promise((resolve) => {
                // Bounded: an attester that ignores SIGTERM for 10 s is killed.
                const force = setTimeout(() => proc.kill("SIGKILL"), 10_000);
                proc.once("exit", (code) => {
                    clearTimeout(force);
                    resolve(code);
                });
                proc.kill(signal);
            });
        },
    };
    return self;
}
