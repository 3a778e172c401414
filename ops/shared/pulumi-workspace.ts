/**
 * A private working directory for running the Pulumi CLI on this project: symlinks to the
 * repository's sources plus its own copy of `Pulumi.<stack>.yaml`, a file state backend, and the
 * CLI from toolchain/pulumi-cli/ensure-pulumi. `pulumi stack init` and `config set --secret` write an
 * encryption salt and ciphertext into the stack file; here they land in the copy, so the
 * tracked file stays as committed and concurrent runs never share state.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import path from "node:path";

/**
 * The file backend's URL for a state directory, with `metadata=skip`.
 *
 * Why: Pulumi's DIY backend writes a checkpoint through gocloud's fileblob, which writes a temp file and renames it
 * (atomic), but first writes the blob's metadata sidecar `<key>.attrs` with os.Create + json.Encode in place
 * (gocloud.dev blob/fileblob/attrs.go, setAttrs: truncate, then write; not atomic). Every read of the key decodes
 * that sidecar when it exists (fileblob.go, getAttrs in forKey), so a `pulumi up` killed between the truncate and the
 * write leaves an empty `dev.json.attrs` and every later command fails with `failed to load checkpoint: EOF`
 * (seen in CI: tests/e2e/interrupted-update.test.ts; reproduced with `: > dev.json.attrs`). `metadata=skip` (fileblob's
 * URLOpener) writes no sidecars; Pulumi reads no attribute it needs from them (pkg/backend/diy/state.go detects the
 * checkpoint's compression from its bytes).
 */
export function fileBackendUrl(stateDir: string): string {
    return `file://${stateDir}?metadata=skip`;
}

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Documented, non-secret passphrase for local dev stacks only (toolchain/pulumi-cli/pulumi-env.sh uses the same). */
export const DEV_PASSPHRASE = "chain138-dev";

export interface PulumiWorkspaceOptions {
    stack: string;
    /** The working directory to create (or reuse). */
    dir: string;
    /** Directory of the file state backend. */
    stateDir: string;
    /** Secrets passphrase. Default: DEV_PASSPHRASE. */
    passphrase?: string;
    /** Skip ts-node's type check when the CLI runs the program (`npm run build` checks types). Default: true. */
    transpileOnly?: boolean;
    /** Extra environment variables for every command. */
    env?: NodeJS.ProcessEnv;
}

export interface PulumiResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface RunOptions {
    /** Written to the CLI's stdin (e.g. a secret for `config set`, kept out of argv). */
    input?: string;
    /** Default 15 minutes. */
    timeoutMs?: number;
    /** Copy the CLI's output to stderr while it runs. */
    echo?: boolean;
    /** Extra environment for this command only (e.g. PULUMI_DEBUG_COMMANDS for `--event-log`). */
    env?: NodeJS.ProcessEnv;
}

export interface PulumiWorkspace {
    readonly dir: string;
    readonly stack: string;
    readonly env: NodeJS.ProcessEnv;
    /** Runs `pulumi <args>` in the workspace; never throws on a non-zero exit. */
    run(args: string[], options?: RunOptions): Promise<PulumiResult>;
    /** Runs `pulumi <args>` and throws, with the CLI's output, unless it exits 0. */
    runOk(args: string[], options?: RunOptions): Promise<string>;
}

/** The bin directory of the CLI toolchain/pulumi-cli/ensure-pulumi chooses (a pulumi >= the pinned SDK on PATH, else its build), or a clear error. */
export function pulumiBinDir(env: NodeJS.ProcessEnv = process.env): string {
    const ensure = spawnSync(path.join(REPO_ROOT, "toolchain", "pulumi-cli", "ensure-pulumi"), [], {
        env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const last = ensure.stdout.trim().split("\n").pop() ?? "";
    if (ensure.status !== 0 || !existsSync(path.join(last, "pulumi"))) {
        throw new Error(`toolchain/pulumi-cli/ensure-pulumi could not provide the Pulumi CLI (exit ${ensure.status}); see its messages above`);
    }
    return last;
}

/** Creates the workspace: every top-level entry of the repository linked, the stack file copied. */
export function openPulumiWorkspace(options: PulumiWorkspaceOptions): PulumiWorkspace {
    const stackFile = `Pulumi.${options.stack}.yaml`;
    if (!existsSync(path.join(REPO_ROOT, stackFile))) throw new Error(`no ${stackFile} in ${REPO_ROOT}`);
    mkdirSync(options.dir, { recursive: true });
    mkdirSync(options.stateDir, { recursive: true });
    for (const entry of readdirSync(REPO_ROOT)) {
        if (entry === ".git" || /^Pulumi\..+\.yaml$/.test(entry)) continue;
        const link = path.join(options.dir, entry);
        if (!existsSync(link)) symlinkSync(path.join(REPO_ROOT, entry), link);
    }
    const copy = path.join(options.dir, stackFile);
    if (!existsSync(copy)) copyFileSync(path.join(REPO_ROOT, stackFile), copy);

    const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...options.env,
        PATH: `${pulumiBinDir()}${path.delimiter}${process.env["PATH"] ?? ""}`,
        PULUMI_BACKEND_URL: fileBackendUrl(options.stateDir),
        PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? DEV_PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: options.transpileOnly === false ? "false" : "true",
    };
    delete env["PULUMI_CONFIG_PASSPHRASE_FILE"];

    const run: PulumiWorkspace["run"] = (args, runOptions = {}) =>
        new Promise((resolve, reject) => {
            const child = spawn("pulumi", args, { cwd: options.dir, env: { ...env, ...runOptions.env }, stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                if (runOptions.echo) process.stderr.write(chunk);
            });
            child.stderr.on("data", (chunk: Buffer) => {
                stderr += chunk.toString();
                if (runOptions.echo) process.stderr.write(chunk);
            });
            const timer = setTimeout(() => child.kill("SIGTERM"), runOptions.timeoutMs ?? 15 * 60_000);
            child.on("error", (error) => {
                clearTimeout(timer);
                reject(error);
            });
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
            });
            // A CLI that exits before reading its stdin (`pulumi version`, an early error) makes this write fail with
            // EPIPE; the exit code and stderr already say what happened, so the stream error must not crash the caller.
            child.stdin.on("error", () => undefined);
            child.stdin.end(runOptions.input ?? "");
        });
    const runOk: PulumiWorkspace["runOk"] = async (args, runOptions) => {
        const result = await run(args, runOptions);
        if (result.code !== 0) {
            throw new Error(`\`pulumi ${args.join(" ")}\` exited ${result.code}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
        }
        return result.stdout;
    };
    return { dir: options.dir, stack: options.stack, env, run, runOk };
}
