// Runs the Pulumi CLI when it is installed; every caller also accepts a file instead (tests, operators without the CLI).
import { execFile } from "node:child_process";

/** Runs `pulumi <args>` and returns stdout; the error names the command and the CLI's stderr. */
export function runPulumi(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("pulumi", [...args], { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error === null) return resolve(stdout);
            const why =
                (error as NodeJS.ErrnoException).code === "ENOENT"
                    ? "the Pulumi CLI is not on PATH (install it: https://www.pulumi.com/docs/iac/download-install/, or `. toolchain/pulumi-cli/pulumi-env.sh` to build one), or pass the JSON as a file instead"
                    : stderr.trim() || error.message;
            // Never echo stdout: `--show-secrets` output carries kubeconfigs.
            reject(new Error(`\`pulumi ${args.filter((a) => a !== "--show-secrets").join(" ")}\` failed: ${why}`));
        });
    });
}

/** Runs `pulumi <args>` and parses its JSON stdout; errors name the command, never print stdout (secrets). */
export async function pulumiJson(args: readonly string[], timeoutMs = 120_000): Promise<unknown> {
    const stdout = await runPulumi(args, timeoutMs);
    try {
        return JSON.parse(stdout);
    } catch {
        throw new Error(`\`pulumi ${args.filter((a) => a !== "--show-secrets").join(" ")}\` did not print JSON`);
    }
}
