// Child process for provider tests: runs one provider operation in a fresh process and prints the result.
//   PROVIDER_MODE=create   PROVIDER_INPUTS=<json>                      tsx: ContractDeployment create
//   PROVIDER_MODE=serialised PROVIDER_TEXT_FILE=<file> PROVIDER_INPUTS=<json>  plain node: the serialised provider text
// Inputs travel in the environment, not argv, so the key never shows in a process listing.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

interface CreateCapable {
    create(inputs: unknown): Promise<{ id: string; outs?: unknown }>;
}

async function main(): Promise<void> {
    const inputs = JSON.parse(process.env.PROVIDER_INPUTS ?? "{}") as unknown;
    let provider: CreateCapable;
    if (process.env.PROVIDER_MODE === "serialised") {
        const text = readFileSync(process.env.PROVIDER_TEXT_FILE ?? "", "utf8");
        const mod: { exports: Record<string, unknown> } = { exports: {} };
        // What the dynamic provider host does (require-from-string), resolving packages from the repo root.
        const req = createRequire(path.join(process.env.REPO_ROOT ?? process.cwd(), "package.json"));
        new Function("exports", "require", "module", text)(mod.exports, req, mod);
        provider = (mod.exports["handler"] as () => CreateCapable)();
    } else {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in this mode
        provider = (require("../../contracts/providers/contract-deployment") as { contractDeploymentProvider: CreateCapable }).contractDeploymentProvider;
    }
    const result = await provider.create(inputs);
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    },
);
