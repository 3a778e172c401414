// The fleet preflight checks: the stack's config as `pulumi config --json --show-secrets` prints it (or that JSON from a
// file), validated by the program's own validateFleetConfig, so every count and size here is the one `pulumi up`
// would deploy. The CLI prints `{"<ns>:<key>": {value?, objectValue?, secret}}`, `value` being the string the program
// gets (JSON for structured values; left out for a secret without --show-secrets), and includes Pulumi.yaml's values
// (pulumi/pulumi pkg/cmd/pulumi/config/config.go: configValueJSON, listConfig's ApplyProjectConfig); Pulumi.yaml's
// defaults are laid under it here too, so a hand-written file may leave them out.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { FleetConfigError, validateFleetConfig, type FleetConfig } from "../../config/fleet-config";
import { decodeConfigValues } from "../../config/decode";
import { pulumiJson } from "../shared/pulumi-cli";

/** The project's config namespace (Pulumi.yaml `name`). */
export const NAMESPACE = "chain138";
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** What preflight reads from a stack's config. */
export interface PreflightConfig {
    fleet: FleetConfig;
    /** `azure-native:subscriptionId`, when the stack sets it. */
    subscriptionId?: string;
}

type ConfigJson = Record<string, { value?: unknown; secret?: boolean } | undefined>;

/** Reads the stack's config with the Pulumi CLI, or from `file`. */
export async function loadPreflightConfig(stack: string, file: string | undefined): Promise<PreflightConfig> {
    let json: unknown;
    if (file === undefined) {
        json = await pulumiJson(["config", "--json", "--show-secrets", "-s", stack]);
    } else {
        try {
            json = JSON.parse(readFileSync(file, "utf8"));
        } catch (error) {
            throw new Error(`--config ${file}: ${(error as Error).message}`);
        }
    }
    return preflightConfigFrom(json, stack);
}

/** Pulumi.yaml's config defaults, as the CLI hands them to the program (strings, structured values as JSON). */
function projectDefaults(): Record<string, string> {
    const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config?: Record<string, { default?: unknown }> };
    const out: Record<string, string> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration.default !== undefined) out[key] = asConfigString(declaration.default);
    }
    return out;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Validates `pulumi config --json --show-secrets` output; errors name keys, never values (some are secrets). */
export function preflightConfigFrom(json: unknown, stack: string): PreflightConfig {
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error("the config is not the JSON object `pulumi config --json` prints");
    const entries = json as ConfigJson;
    const values = projectDefaults();
    const undecodable: string[] = [];
    for (const [fullKey, entry] of Object.entries(entries)) {
        const [namespace, key] = fullKey.split(":", 2);
        if (namespace !== NAMESPACE || key === undefined) continue;
        if (typeof entry?.value !== "string") {
            undecodable.push(`${fullKey}: no value${entry?.secret ? " (a secret: run with --show-secrets)" : ""}`);
            continue;
        }
        values[key] = entry.value;
    }
    const secret = new Set(Object.entries(entries).flatMap(([fullKey, entry]) => (entry?.secret ? [fullKey.slice(NAMESPACE.length + 1)] : [])));
    const decoded = decodeConfigValues(values, NAMESPACE, secret);
    const raw = decoded.raw;
    undecodable.push(...decoded.undecodable);
    if (undecodable.length > 0) throw new FleetConfigError(undecodable);
    const fleet = validateFleetConfig(raw, { namespace: NAMESPACE, environment: stack });
    if (fleet.admin === undefined) throw new Error(`${NAMESPACE}:regions is empty: the stack deploys no Azure fleet, nothing to check`);
    const subscription = entries["azure-native:subscriptionId"]?.value;
    return { fleet, subscriptionId: typeof subscription === "string" && subscription !== "" ? subscription : undefined };
}
