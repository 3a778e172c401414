// The stack outputs verify reads (components/fleet.ts `fleetOutputs`, plus the contract outputs being added),
// validated once; unknown keys are ignored and the contract part may be absent.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { runPulumi } from "../shared/pulumi-cli";

const nodePool = z.object({ role: z.string(), count: z.number().int().nonnegative() }).loose();

const regionOutput = z.object({ nodePools: z.array(nodePool).optional() }).loose();

// Chain RPC config is new: accept the spellings a teammate may pick, as one URL string or an object.
const chainConfig = z.union([
    z.string(),
    z.object({ rpcUrl: z.string().optional(), rpc: z.string().optional(), url: z.string().optional() }).loose(),
]);

const outputsSchema = z
    .object({
        regions: z.record(z.string(), regionOutput).default({}),
        rollout: z.object({ deployedRegions: z.array(z.string()) }).loose().optional(),
        besu: z
            .object({
                chainId: z.number().int(),
                validatorAddresses: z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/)).min(1),
            })
            .loose()
            // A contracts-only stack (dev: `regions: []`) exports no Besu network.
            .optional(),
        kubeconfigs: z.record(z.string(), z.string()).optional(),
        // Per chain, contract name → address (or `{ address }`); other entries are not contracts and are ignored.
        contracts: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
        chains: z.record(z.string(), chainConfig).optional(),
    })
    .loose();

/** What verify needs from the stack outputs. */
export interface VerifyOutputs {
    /** Deployed validator regions in rollout order (else output order). */
    regions: string[];
    /** Validators and sentries each region runs (from its node pools; default 2 and 1). */
    nodeCounts: Record<string, { validators: number; sentries: number }>;
    /** 0 when the stack runs no fleet. */
    chainId: number;
    /** The genesis validator set, lower-cased. */
    validatorAddresses: string[];
    /** Kubeconfig YAML per region. Secret: never print. */
    kubeconfigs: Record<string, string>;
    /** Contract addresses per chain, when the stack exports them. */
    contracts?: Record<string, Record<string, string>>;
    /** JSON-RPC URL per chain from the stack outputs. */
    chainRpc: Record<string, string>;
}

/** Validates parsed outputs; the error names the offending key (never a value: kubeconfigs are secret). */
export function parseOutputs(raw: unknown, source: string): VerifyOutputs {
    const result = outputsSchema.safeParse(raw);
    if (!result.success) {
        const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
        throw new Error(`${source}: stack outputs are not what verify expects: ${issues.join("; ")}`);
    }
    const o = result.data;
    const regions = o.rollout?.deployedRegions ?? Object.keys(o.regions);
    if (regions.length === 0 && o.contracts === undefined) {
        throw new Error(`${source}: nothing to verify: the stack outputs have no deployed regions (besu, regions) and no contracts`);
    }
    if (o.besu === undefined && regions.length > 0) {
        throw new Error(`${source}: stack outputs are not what verify expects: besu: missing, but regions ${regions.join(", ")} are deployed`);
    }
    const nodeCounts: VerifyOutputs["nodeCounts"] = {};
    for (const region of regions) {
        const pools = o.regions[region]?.nodePools;
        const count = (role: string, fallback: number) =>
            pools === undefined ? fallback : pools.filter((p) => p.role === role).reduce((n, p) => n + p.count, 0);
        nodeCounts[region] = { validators: count("validator", 2), sentries: count("sentry", 1) };
    }
    const chainRpc: Record<string, string> = {};
    for (const [chain, config] of Object.entries(o.chains ?? {})) {
        const url = typeof config === "string" ? config : (config.rpcUrl ?? config.rpc ?? config.url);
        if (url !== undefined) chainRpc[chain] = url;
    }
    let contracts: Record<string, Record<string, string>> | undefined;
    if (o.contracts !== undefined) {
        contracts = {};
        for (const [chain, entries] of Object.entries(o.contracts)) {
            contracts[chain] = {};
            for (const [name, value] of Object.entries(entries)) {
                const address = typeof value === "object" && value !== null && "address" in value ? (value as { address: unknown }).address : value;
                if (typeof address === "string" && /^0x[0-9a-fA-F]{40}$/.test(address)) contracts[chain][name] = address;
            }
        }
    }
    return {
        regions,
        nodeCounts,
        chainId: o.besu?.chainId ?? 0,
        validatorAddresses: (o.besu?.validatorAddresses ?? []).map((a) => a.toLowerCase()),
        kubeconfigs: o.kubeconfigs ?? {},
        contracts,
        chainRpc,
    };
}

/** Reads the outputs from `file` (the JSON of `pulumi stack output --json --show-secrets`) or from the CLI. */
export async function loadOutputs(stack: string, file: string | undefined): Promise<VerifyOutputs> {
    if (file !== undefined) {
        let raw: unknown;
        try {
            raw = JSON.parse(readFileSync(file, "utf8"));
        } catch (error) {
            throw new Error(`${file}: cannot read stack outputs (${(error as Error).message})`);
        }
        return parseOutputs(raw, file);
    }
    const text = await runPulumi(["stack", "output", "--json", "--show-secrets", "-s", stack]);
    return parseOutputs(JSON.parse(text), `pulumi stack output -s ${stack}`);
}
