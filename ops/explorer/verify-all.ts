// Verifies every deployed contract on every chain at once: one client and one concurrency limit
// (p-limit) per explorer, results in input order whatever order they finish in.
import pLimit from "p-limit";
import { loadSolcInput } from "../../contracts/artifacts";
import { explorerClient, verifyContract, type VerifyOptions } from "./verify-contract";
import type { DeployedContract, ExplorersConfig, VerifyResult } from "./types";

/** Verification of a whole deployment. */
export interface VerifyAllOptions extends VerifyOptions {
    /** Called as each contract finishes (completion order), e.g. for progress lines. */
    onResult?: (result: VerifyResult) => void;
}

const DEFAULT_CONCURRENCY = 2;

/**
 * Verifies `targets` on the explorers of their chains. Every chain needs an explorer (checked up
 * front, naming the culprits). Resolves with one result per target, in the order of `targets`.
 */
export async function verifyAll(targets: readonly DeployedContract[], explorers: ExplorersConfig, options: VerifyAllOptions = {}): Promise<VerifyResult[]> {
    const missing = [...new Set(targets.map((t) => t.chain))].filter((chain) => explorers[chain] === undefined);
    if (missing.length > 0) {
        throw new Error(`no explorer configured for chain(s) ${missing.join(", ")} (have: ${Object.keys(explorers).join(", ") || "none"})`);
    }
    const perChain = new Map<string, { limit: ReturnType<typeof pLimit>; client: ReturnType<typeof explorerClient> }>();
    for (const chain of new Set(targets.map((t) => t.chain))) {
        const explorer = explorers[chain];
        perChain.set(chain, {
            limit: pLimit(explorer.concurrency ?? DEFAULT_CONCURRENCY),
            client: explorerClient(chain, explorer, options),
        });
    }
    // Read the (large) standard-JSON input once for the whole run.
    const shared: VerifyOptions = { ...options, solcInput: options.solcInput ?? loadSolcInput() };
    return Promise.all(
        targets.map((target) => {
            const { limit, client } = perChain.get(target.chain)!;
            // The per-contract deadline starts inside the limit: waiting in the queue is not the explorer's fault.
            return limit(async () => {
                const result = await verifyContract(target, explorers[target.chain], shared, client);
                options.onResult?.(result);
                return result;
            });
        }),
    );
}
