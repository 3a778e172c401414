// Parses what a verification run needs — where each contract is (the stack's `contracts` output or an
// --addresses file) and which explorer serves each chain — naming every culprit.
import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import { CONTRACT_NAMES, type ContractName } from "../../contracts/artifacts";
import { explorerSchema } from "../../config/schema";
import type { StackOutputs } from "../../stack/outputs";
import type { DeployedContract, ExplorersConfig } from "./types";

const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes");
const txHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte transaction hash");
const address = z.string().refine((a) => isAddress(a), "expected a 20-byte address");
const args = z.union([z.array(z.unknown()), hex]);

// An addresses file (written by hand, or by another deployment) may say more than the stack outputs: the creation
// tx and constructor args. An empty tx hash means the deployment adopted code that was already there, so the
// explorer is asked instead.
const entry = z.union([address, z.strictObject({ address, txHash: z.union([txHash, z.literal("")]).optional(), constructorArgs: args.optional() })]);
/** `{ <chain>: { <ContractName>: address | { address, txHash?, constructorArgs? } } }` */
const addressesFileSchema = z.record(z.string().min(1), z.partialRecord(z.enum(CONTRACT_NAMES), entry));

// The same schema the program applies to the stack config key.
const explorersSchema = z.record(z.string().min(1), explorerSchema);

function failure(what: string, error: z.ZodError): Error {
    const lines = error.issues.map((i) => `  - ${[what, ...i.path.map(String)].join(".")}: ${i.message}`);
    return new Error(`invalid ${what}:\n${lines.join("\n")}`);
}

type Entry = z.infer<typeof entry>;

/** Deployed contracts in chain then suite order; fails when there are none. */
function deployedContracts(byChain: Record<string, Partial<Record<ContractName, Entry>>>): DeployedContract[] {
    const out: DeployedContract[] = [];
    for (const [chain, byName] of Object.entries(byChain)) {
        for (const name of CONTRACT_NAMES) {
            const e = byName[name];
            if (e === undefined) continue;
            const record = typeof e === "string" ? { address: e } : e;
            out.push({
                chain,
                contract: name,
                address: getAddress(record.address),
                txHash: record.txHash || undefined,
                constructorArgs: record.constructorArgs,
            });
        }
    }
    if (out.length === 0) throw new Error("the deployment lists no contracts");
    return out;
}

/** Deployed contracts from the stack outputs' `contracts` output (stack/outputs.ts). */
export function deploymentFromOutputs(outputs: StackOutputs): DeployedContract[] {
    if (outputs.contracts === undefined) throw new Error("the stack outputs have no `contracts` output: is the contract suite deployed on this stack?");
    return deployedContracts(outputs.contracts);
}

/** Deployed contracts from an addresses file (`{ <chain>: { <ContractName>: … } }`), naming every culprit. */
export function parseAddressesFile(raw: unknown): DeployedContract[] {
    const parsed = addressesFileSchema.safeParse(raw);
    if (!parsed.success) throw failure("addresses", parsed.error);
    return deployedContracts(parsed.data);
}

/** `{ <chain>: { apiUrl, apiKey?, chainId, rpcUrl?, concurrency? } }`. */
export function parseExplorers(raw: unknown): ExplorersConfig {
    const parsed = explorersSchema.safeParse(raw);
    if (!parsed.success) throw failure("explorers", parsed.error);
    return parsed.data;
}

/** One key of `pulumi config --json --show-secrets` output (its objectValue, or its JSON string value); undefined if unset. */
export function stackConfigValue(configJson: unknown, key: string): unknown {
    const entry = (configJson as Record<string, { value?: string; objectValue?: unknown } | undefined>)?.[key];
    if (entry === undefined) return undefined;
    if (entry.objectValue !== undefined) return entry.objectValue;
    try {
        return JSON.parse(entry.value ?? "");
    } catch {
        throw new Error(`${key} is not a JSON object`);
    }
}

/** The `<project>:explorers` key of `pulumi config --json --show-secrets` output. */
export function explorersFromStackConfig(configJson: unknown, key: string): unknown {
    const value = stackConfigValue(configJson, key);
    if (value === undefined) throw new Error(`the stack has no ${key} config (see README "Verify contract sources")`);
    return value;
}
