// Mandatory: no stack file of the project holds a deployer/private key in plain text. Policies never see the
// program's config, so this reads the project's Pulumi.<stack>.yaml files from disk (the pack lives in the
// project's `policy/` directory); a key-named entry must be `{ secure: … }` (`pulumi config set --secret`).
// Where the files are not beside the pack (a published pack), it has nothing to read and reports nothing.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { asRecord } from "../lib/read";
import { KEY_INPUT } from "../lib/secrets";

export interface StackConfigKeyConfig {
    /** Directory holding Pulumi.yaml and the stack files. Default: the directory above the pack. */
    projectDir?: string;
}

export const DEFAULT_PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** `file: key` for every key-named config entry stored in plain text in the project's stack files. */
export function plaintextKeysInStackFiles(projectDir: string): string[] {
    if (!existsSync(path.join(projectDir, "Pulumi.yaml"))) return [];
    const found: string[] = [];
    for (const file of readdirSync(projectDir)
        .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
        .sort()) {
        const config = asRecord(asRecord(parse(readFileSync(path.join(projectDir, file), "utf8")))?.["config"]) ?? {};
        for (const [key, value] of Object.entries(config)) {
            const bare = key.includes(":") ? key.slice(key.lastIndexOf(":") + 1) : key;
            const encrypted = asRecord(value)?.["secure"] !== undefined;
            if (KEY_INPUT.test(bare) && !encrypted) found.push(`${file}: ${key}`);
        }
    }
    return found;
}

export const stackConfigKeyEncrypted: StackValidationPolicy = {
    name: "stack-config-key-encrypted",
    description: "Deployer/private keys in the project's stack files are encrypted (config set --secret), never plain text.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { projectDir: { type: "string", description: "Directory of Pulumi.yaml and the stack files (default: the pack's parent)." } },
    },
    validateStack: (args, report) => {
        const dir = args.getConfig<StackConfigKeyConfig>().projectDir ?? DEFAULT_PROJECT_DIR;
        for (const entry of plaintextKeysInStackFiles(dir)) {
            report(`${entry} is stored in plain text; set it with \`pulumi config set --secret\``);
        }
    },
};
