// Reads a stack's config through the Pulumi CLI (the caller can pass a file instead); outputs: ops/shared/stack-outputs.ts.
import { pulumiJson } from "../shared/pulumi-cli";

/** `pulumi config --json --show-secrets -s <stack>` */
export function stackConfig(stack: string): Promise<unknown> {
    return pulumiJson(["config", "--json", "--show-secrets", "-s", stack]);
}
