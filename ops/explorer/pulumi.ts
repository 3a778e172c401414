// Reads a stack's config through the Pulumi CLI (the caller can pass a file instead); outputs: ops/shared/stack-outputs.ts.
import { runPulumi } from "../shared/pulumi-cli";

/** Runs `pulumi <args>` and parses its JSON stdout; errors name the command, never print stdout (secrets). */
export async function pulumiJson(args: readonly string[], timeoutMs = 120_000): Promise<unknown> {
    const stdout = await runPulumi(args, timeoutMs);
    try {
        return JSON.parse(stdout);
    } catch {
        throw new Error(`\`pulumi ${args.filter((a) => a !== "--show-secrets").join(" ")}\` did not print JSON`);
    }
}

/** `pulumi config --json --show-secrets -s <stack>` */
export function stackConfig(stack: string): Promise<unknown> {
    return pulumiJson(["config", "--json", "--show-secrets", "-s", stack]);
}
