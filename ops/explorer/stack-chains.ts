// What the stack's `chains` config adds to a verification run: each chain's RPC URL (to read creation
// transactions) and chain id (checked against the explorer's), and the contracts the stack did not
// deploy (a configured existing router or Multicall3 — not ours to verify).
import { getAddress } from "ethers";
import { z } from "zod";
import type { DeployedContract, ExplorersConfig } from "./types";

// Loose: only the fields used here; the program validates the whole key (config/schema.ts).
const chainsSchema = z.record(
    z.string(),
    z.looseObject({
        rpcUrl: z.string().optional(),
        chainId: z.number().int().positive(),
        router: z.string().optional(),
        multicall3: z.string().optional(),
    }),
);

/** The run after applying the chains config. */
export interface ChainsApplied {
    targets: DeployedContract[];
    explorers: ExplorersConfig;
    /** Contracts left out, with why. */
    skipped: Array<{ target: DeployedContract; reason: string }>;
}

/**
 * Fills each explorer's missing `rpcUrl` from `chains` (http(s) only), refuses an explorer whose
 * chain id differs from the chain's, and leaves out configured existing contracts.
 */
export function applyChainsConfig(targets: readonly DeployedContract[], explorers: ExplorersConfig, rawChains: unknown): ChainsApplied {
    const parsed = chainsSchema.safeParse(rawChains);
    if (!parsed.success) throw new Error(`chains config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const chains = parsed.data;
    const out: ExplorersConfig = {};
    const problems: string[] = [];
    for (const [name, explorer] of Object.entries(explorers)) {
        const chain = chains[name];
        if (chain !== undefined && chain.chainId !== explorer.chainId) {
            problems.push(`explorers.${name}.chainId is ${explorer.chainId} but chains.${name}.chainId is ${chain.chainId}`);
        }
        const rpcUrl = explorer.rpcUrl ?? (chain?.rpcUrl !== undefined && /^https?:\/\//.test(chain.rpcUrl) ? chain.rpcUrl : undefined);
        out[name] = rpcUrl === undefined ? explorer : { ...explorer, rpcUrl };
    }
    if (problems.length > 0) throw new Error(`explorer config disagrees with the chains config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const kept: DeployedContract[] = [];
    const skipped: ChainsApplied["skipped"] = [];
    for (const target of targets) {
        const chain = chains[target.chain];
        const existing = target.contract === "CCIPRouter" ? chain?.router : target.contract === "Multicall3" ? chain?.multicall3 : undefined;
        if (existing !== undefined && getAddress(existing) === getAddress(target.address)) {
            skipped.push({ target, reason: `configured existing ${target.contract} (chains.${target.chain}), not deployed by this stack` });
        } else {
            kept.push(target);
        }
    }
    return { targets: kept, explorers: out, skipped };
}
