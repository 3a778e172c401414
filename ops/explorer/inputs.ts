// Parses what a verification run needs — where each contract is (the deployment's `contracts`
// output or an --addresses file) and which explorer serves each chain — naming every culprit.
import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import { CONTRACT_NAMES, type ContractName } from "../../contracts/artifacts";
import { explorerSchema } from "../../config/schema";
import type { DeployedContract, ExplorersConfig } from "./types";

const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes");
const txHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte transaction hash");
const address = z.string().refine((a) => isAddress(a), "expected a 20-byte address");
const args = z.union([z.array(z.unknown()), hex]);

// Loose: a deployment record may carry more (block number, code hash, …). An empty tx hash means
// the deployment adopted code that was already there, so the explorer is asked instead.
const entry = z.union([
  address,
  z.looseObject({ address, txHash: z.union([txHash, z.literal("")]).optional(), constructorArgs: args.optional() }),
]);
const contractName = z.enum(CONTRACT_NAMES);
/** `{ <chain>: { <ContractName>: address | { address, txHash?, constructorArgs? } } }` */
const byChain = z.record(z.string().min(1), z.partialRecord(contractName, entry));
const perChainExtra = <T extends z.ZodType>(value: T) => z.record(z.string(), z.partialRecord(contractName, value)).optional();

/** Stack outputs (or an --outputs file): `contracts`, plus optional per-contract records beside it. */
const outputsSchema = z.looseObject({
  contracts: byChain,
  constructorArgs: perChainExtra(args),
  contractTxHashes: perChainExtra(txHash),
});

// The same schema the program applies to the stack config key.
const explorersSchema = z.record(z.string().min(1), explorerSchema);

function failure(what: string, error: z.ZodError, dropFirst = false): Error {
  const lines = error.issues.map((i) => `  - ${[what, ...i.path.slice(dropFirst ? 1 : 0).map(String)].join(".")}: ${i.message}`);
  return new Error(`invalid ${what}:\n${lines.join("\n")}`);
}

/**
 * Deployed contracts from stack outputs (`{ contracts: {…}, constructorArgs?, contractTxHashes? }`)
 * or from an addresses file (`{ <chain>: { <ContractName>: … } }`, or the outputs shape), in chain
 * then suite order.
 */
export function parseDeployment(raw: unknown, from: "outputs" | "addresses" = "addresses"): DeployedContract[] {
  const isOutputs = typeof raw === "object" && raw !== null && "contracts" in raw;
  if (from === "outputs" && !isOutputs) {
    throw new Error("the stack outputs have no `contracts` output: is the contract suite deployed on this stack?");
  }
  const parsed = isOutputs ? outputsSchema.safeParse(raw) : outputsSchema.safeParse({ contracts: raw });
  if (!parsed.success) throw isOutputs ? failure("outputs", parsed.error) : failure("addresses", parsed.error, true);
  const { contracts, constructorArgs, contractTxHashes } = parsed.data;
  const out: DeployedContract[] = [];
  const problems: string[] = [];
  for (const [chain, byName] of Object.entries(contracts)) {
    for (const name of CONTRACT_NAMES) {
      const e = byName[name];
      if (e === undefined) continue;
      const record: { address: string; txHash?: string; constructorArgs?: readonly unknown[] | string } =
        typeof e === "string" ? { address: e } : e;
      const extraArgs = constructorArgs?.[chain]?.[name];
      const extraTx = contractTxHashes?.[chain]?.[name];
      out.push({
        chain,
        contract: name as ContractName,
        address: getAddress(record.address),
        txHash: (record.txHash || undefined) ?? extraTx,
        constructorArgs: record.constructorArgs ?? extraArgs,
      });
    }
  }
  for (const [label, extra] of [["constructorArgs", constructorArgs], ["contractTxHashes", contractTxHashes]] as const) {
    for (const [chain, byName] of Object.entries(extra ?? {})) {
      for (const name of Object.keys(byName)) {
        if (contracts[chain]?.[name as ContractName] === undefined) problems.push(`${label}.${chain}.${name}: no such deployed contract`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`invalid outputs:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  if (out.length === 0) throw new Error("the deployment lists no contracts");
  return out;
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
