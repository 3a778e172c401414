// Every tool reads a stack's outputs the same way: `pulumi stack output --json --show-secrets -s <stack>`, or the
// same JSON from a file, checked against the one contract (stack/outputs.ts).
import { readFile } from "node:fs/promises";
import { parseStackOutputs, type StackOutputs } from "../../stack/outputs";
import { runPulumi } from "./pulumi-cli";

/** The outputs of `stack`, or of `file` when given; errors name the source and never quote values (secrets). */
export async function loadStackOutputs(stack: string | undefined, file: string | undefined): Promise<StackOutputs> {
    if (file !== undefined) {
        let text: string;
        try {
            text = await readFile(file, "utf8");
        } catch (error) {
            throw new Error(`cannot read stack outputs file ${file}: ${(error as Error).message}`);
        }
        return parseStackOutputs(parseJson(text, file), file);
    }
    if (stack === undefined) throw new Error("give a stack (-s <stack>) or a stack outputs file (--outputs <file>)");
    const source = `outputs of stack ${stack}`;
    return parseStackOutputs(parseJson(await runPulumi(["stack", "output", "--json", "--show-secrets", "-s", stack]), source), source);
}

function parseJson(text: string, source: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new Error(`${source}: not JSON`);
    }
}
