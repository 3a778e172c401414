// The relayer's JSON config file (validated with zod) and the keys it names in the environment.
// Keys never live in the file: it says which environment variables hold them.
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { RelayerOptions } from "./types";

/** Chain selectors exceed 2^53: JSON numbers would silently lose digits, so big ones must be strings. */
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
        startBlock: z.number().int().nonnegative().optional(),
        /** The chain's node minimum gas price in wei (decimal string); deliveries' fees clear it. Default 0. */
        minGasPriceWei: z.string().regex(/^\d+$/, "minGasPriceWei must be a decimal string (wei)").optional(),
    })
    .refine((c) => (c.rpcUrl === undefined) !== (c.rpcUrlEnv === undefined), "set exactly one of rpcUrl and rpcUrlEnv");

const attester = z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "attester address must be a 0x-prefixed 20-byte hex address"),
    /** Environment variable with the bearer token this attester expects. */
    tokenEnv: z.string().min(1),
});

export const configSchema = z.strictObject({
    chains: z.array(chain).min(2),
    stateFile: z.string().min(1),
    pollIntervalMs: z.number().int().positive().optional(),
    maxBlockRange: z.number().int().positive().optional(),
    retries: z.number().int().nonnegative().optional(),
    receiptTimeoutMs: z.number().int().positive().optional(),
    deliveryTimeoutMs: z.number().int().positive().optional(),
    /** Environment variable with the relayer's private key (default RELAYER_KEY). */
    relayerKeyEnv: z.string().min(1).default("RELAYER_KEY"),
    /** Remote attester services the relayer collects signatures from (the relayer then holds no attester key). */
    attesters: z.array(attester).optional(),
    /**
     * Environment variable with attester private keys held in-process, comma-separated (tests and tools only). Default
     * ATTESTER_KEYS when `attesters` is not set; with `attesters` only when named.
     */
    attesterKeysEnv: z.string().min(1).optional(),
    /** Port and address of /healthz and /metrics (none without a port). */
    httpPort: z.number().int().min(0).max(65535).optional(),
    httpHost: z.string().min(1).optional(),
    feeBumpAfterMs: z.number().int().positive().optional(),
    maxLaneBackoffMs: z.number().int().positive().optional(),
    maxFeeBumps: z.number().int().nonnegative().optional(),
});
export type RelayerConfig = z.infer<typeof configSchema>;

function env(vars: NodeJS.ProcessEnv, name: string, what: string): string {
    const value = vars[name];
    if (value === undefined || value.trim() === "") throw new Error(`environment variable ${name} (${what}) is not set`);
    return value;
}

/** Parses config JSON text (`source` names it in errors) into relayer options, reading keys from `vars`. */
export function parseConfig(text: string, source: string, vars: NodeJS.ProcessEnv = process.env): Omit<RelayerOptions, "log"> {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new Error(`${source}: not valid JSON: ${(err as Error).message}`);
    }
    if (typeof raw === "object" && raw !== null && ("relayerKey" in raw || "attesterKeys" in raw)) {
        throw new Error(`${source}: keys do not belong in the config file; put them in the environment variables named by relayerKeyEnv / attesterKeysEnv`);
    }
    const parsed = configSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${source}: invalid relayer config:\n${z.prettifyError(parsed.error)}`);
    const cfg = parsed.data;
    const keysEnv = cfg.attesterKeysEnv ?? (cfg.attesters === undefined ? "ATTESTER_KEYS" : undefined);
    return {
        chains: cfg.chains.map((c) => ({
            name: c.name,
            rpcUrl: c.rpcUrl ?? env(vars, c.rpcUrlEnv ?? "", `RPC URL of chain ${c.name}`),
            routerAddress: c.routerAddress,
            chainSelector: BigInt(c.chainSelector),
            confirmations: c.confirmations,
            startBlock: c.startBlock,
            minGasPriceWei: c.minGasPriceWei === undefined ? undefined : BigInt(c.minGasPriceWei),
        })),
        stateFile: cfg.stateFile,
        pollIntervalMs: cfg.pollIntervalMs,
        maxBlockRange: cfg.maxBlockRange,
        retries: cfg.retries,
        receiptTimeoutMs: cfg.receiptTimeoutMs,
        deliveryTimeoutMs: cfg.deliveryTimeoutMs,
        relayerKey: env(vars, cfg.relayerKeyEnv, "relayer private key"),
        attesters: cfg.attesters?.map((a) => ({ url: a.url, address: a.address, token: env(vars, a.tokenEnv, `bearer token of attester ${a.address}`) })),
        attesterKeys:
            keysEnv === undefined
                ? undefined
                : env(vars, keysEnv, "attester private keys, comma-separated")
                      .split(",")
                      .map((k) => k.trim())
                      .filter((k) => k !== ""),
        httpPort: cfg.httpPort,
        httpHost: cfg.httpHost,
        feeBumpAfterMs: cfg.feeBumpAfterMs,
        maxLaneBackoffMs: cfg.maxLaneBackoffMs,
        maxFeeBumps: cfg.maxFeeBumps,
    };
}

/** Reads and parses the config file at `file`. */
export function loadConfig(file: string, vars: NodeJS.ProcessEnv = process.env): Omit<RelayerOptions, "log"> {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (err) {
        throw new Error(`cannot read relayer config ${file}: ${(err as Error).message}`);
    }
    return parseConfig(text, file, vars);
}
