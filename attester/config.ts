// The attester's JSON config file (zod). Its key and the relayers' token never live in the file: the file names the
// environment variables holding them.
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { AttesterOptions } from "./index";

const selector = z.union([
    z.string().regex(/^\d+$/, "chain selector must be a decimal string"),
    z.number().int().nonnegative().refine(Number.isSafeInteger, "chain selector above 2^53 must be quoted as a string"),
]);

const chain = z
    .strictObject({
        name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "chain name: letters, digits, _ . - only"),
        rpcUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Environment variable holding the RPC URL (for URLs that embed an API key). */
        rpcUrlEnv: z.string().min(1).optional(),
        routerAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "routerAddress must be a 0x-prefixed 20-byte hex address"),
        chainSelector: selector,
        confirmations: z.number().int().nonnegative().optional(),
    })
    .refine((c) => (c.rpcUrl === undefined) !== (c.rpcUrlEnv === undefined), "set exactly one of rpcUrl and rpcUrlEnv");

export const attesterConfigSchema = z.strictObject({
    chains: z.array(chain).min(2),
    stateFile: z.string().min(1),
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8547),
    /** Environment variable with this attester's private key (default ATTESTER_KEY). */
    attesterKeyEnv: z.string().min(1).default("ATTESTER_KEY"),
    /** Environment variable with the bearer token relayers present (default ATTESTER_TOKEN). */
    authTokenEnv: z.string().min(1).default("ATTESTER_TOKEN"),
    retries: z.number().int().nonnegative().optional(),
});

function env(vars: NodeJS.ProcessEnv, name: string, what: string): string {
    const value = vars[name];
    if (value === undefined || value.trim() === "") throw new Error(`environment variable ${name} (${what}) is not set`);
    return value.trim();
}

/** Parses attester config JSON (`source` names it in errors), reading the key, the token and secret URLs from `vars`. */
export function parseAttesterConfig(text: string, source: string, vars: NodeJS.ProcessEnv = process.env): Omit<AttesterOptions, "log"> {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new Error(`${source}: not valid JSON: ${(err as Error).message}`);
    }
    if (typeof raw === "object" && raw !== null && ("attesterKey" in raw || "authToken" in raw)) {
        throw new Error(
            `${source}: the key and token do not belong in the config file; put them in the environment variables named by attesterKeyEnv / authTokenEnv`,
        );
    }
    const parsed = attesterConfigSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${source}: invalid attester config:\n${z.prettifyError(parsed.error)}`);
    const cfg = parsed.data;
    return {
        chains: cfg.chains.map((c) => ({
            name: c.name,
            rpcUrl: c.rpcUrl ?? env(vars, c.rpcUrlEnv ?? "", `RPC URL of chain ${c.name}`),
            routerAddress: c.routerAddress,
            chainSelector: BigInt(c.chainSelector),
            confirmations: c.confirmations,
        })),
        stateFile: cfg.stateFile,
        host: cfg.host,
        port: cfg.port,
        retries: cfg.retries,
        attesterKey: env(vars, cfg.attesterKeyEnv, "attester private key"),
        authToken: env(vars, cfg.authTokenEnv, "bearer token relayers present"),
    };
}

export function loadAttesterConfig(file: string, vars: NodeJS.ProcessEnv = process.env): Omit<AttesterOptions, "log"> {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (err) {
        throw new Error(`cannot read attester config ${file}: ${(err as Error).message}`);
    }
    return parseAttesterConfig(text, file, vars);
}
