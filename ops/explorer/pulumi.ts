// Reads a stack's outputs and config through the Pulumi CLI (the caller can pass files instead).
import { execFile } from "node:child_process";

/** Runs `pulumi <args>` and parses its JSON stdout; errors name the command, never print stdout (secrets). */
export function pulumiJson(args: readonly string[], timeoutMs = 120_000): Promise<unknown> {
  const shown = `pulumi ${args.filter((a) => a !== "--show-secrets").join(" ")}`;
  return new Promise((resolve, reject) => {
    execFile("pulumi", [...args], { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "the Pulumi CLI is not installed (pass files instead)" : stderr.trim() || error.message;
        return reject(new Error(`\`${shown}\` failed: ${why}`));
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`\`${shown}\` did not print JSON`));
      }
    });
  });
}

/** `pulumi stack output --json --show-secrets -s <stack>` */
export function stackOutputs(stack: string): Promise<unknown> {
  return pulumiJson(["stack", "output", "--json", "--show-secrets", "-s", stack]);
}

/** `pulumi config --json --show-secrets -s <stack>` */
export function stackConfig(stack: string): Promise<unknown> {
  return pulumiJson(["config", "--json", "--show-secrets", "-s", stack]);
}
