// Every tool reads a stack's outputs the same way: `pulumi stack output --json --show-secrets -s <stack>`, or the
// same JSON from a file, checked against the one contract (stack/outputs.ts).
import { readFile } from "node:fs/promises";
import { parseStackOutputs, type StackOutputs } from "../../stack/outputs";
import { pulumiJson } from "./pulumi-cli";

/** The outputs of `stack`, or of `file` when given; errors name the source and never quote values (secrets). */
export async function loadStackOutputs(stack: string | undefined, file: string | undefined): Promise<StackOutputs> {
    if (file !== undefined) {
        let text: string;
        try {
            text = await readFile(file, "utf8");
        } catch (error) {
            throw new Error(`cannot read stack outputs file ${file}: ${(error as Error).message}`);
        }
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch {
            throw new Error(`${file}: not JSON`);
        }
        return parseStackOutputs(json, file);
    }
    if (stack === undefined) throw new Error("give a stack (-s <stack>) or a stack outputs file (--outputs <file>)");
    return parseStackOutputs(await pulumiJson(["stack", "output", "--json", "--show-secrets", "-s", stack]), `outputs of stack ${stack}`);
}
