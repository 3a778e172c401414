// What the Pulumi CLI checks in every stack before it runs the program (`validating stack config`): each
// key Pulumi.yaml declares without a default has a value, and each value has the declared type. The mock
// runtime skips these checks, so they are asserted here for every committed stack file.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { REPO_ROOT } from "../../devkit/mock-program";

interface Declaration {
    type?: "string" | "integer" | "boolean" | "array" | "object";
    default?: unknown;
    secret?: boolean;
}

const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, Declaration> };
const stackFiles = readdirSync(REPO_ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
/** Set per stack with `pulumi config set --secret` before `pulumi up` (README, npm run dev, CI), never committed in plain text. */
const SET_BY_OPERATOR = new Set(
    Object.entries(project.config)
        .filter(([, d]) => d.secret === true)
        .map(([key]) => key),
);

/** Declared keys the CLI would report missing for a stack with `config`. */
function missingKeys(declared: Record<string, Declaration>, config: Record<string, unknown>): string[] {
    return Object.entries(declared)
        .filter(([key, d]) => d.default === undefined && !SET_BY_OPERATOR.has(key) && !(`${project.name}:${key}` in config))
        .map(([key]) => key);
}

function typeOf(value: unknown): string {
    if (Array.isArray(value)) return "array";
    if (value !== null && typeof value === "object") return "object";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

describe("stack files pass the CLI's config validation", () => {
    it("finds the committed stacks", () => {
        assert.deepEqual(stackFiles.sort(), ["Pulumi.dev.yaml", "Pulumi.local.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"]);
    });

    for (const file of stackFiles) {
        const config = ((parse(readFileSync(path.join(REPO_ROOT, file), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<
            string,
            unknown
        >;
        it(`${file}: every declared key without a default is set`, () => {
            const missing = missingKeys(project.config, config);
            assert.deepEqual(missing, [], `the CLI would stop with "Stack is missing configuration value" for ${missing.join(", ")}`);
        });
        it(`${file}: every value and default has its declared type`, () => {
            for (const [key, declaration] of Object.entries(project.config)) {
                if (declaration.type === undefined) continue;
                for (const [where, value] of [
                    ["default", declaration.default],
                    [file, config[`${project.name}:${key}`]],
                ] as const) {
                    if (value === undefined || (typeof value === "object" && value !== null && "secure" in value)) continue;
                    assert.equal(typeOf(value), declaration.type, `${key} in ${where}`);
                }
            }
        });
    }

    it("would catch a new required key that a stack lacks", () => {
        const declared = { ...project.config, explorers: { type: "object" as const } };
        const prod = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
        assert.deepEqual(missingKeys(declared, prod.config), ["explorers"]);
    });
});
