// Shared shapes of explorer verification: what to verify, where, and what came of it.
import type { ContractName } from "../../contracts/artifacts";

/** One Etherscan-compatible explorer API (Etherscan, Blockscout) serving one chain. */
export interface ExplorerConfig {
    /** API endpoint, e.g. "https://api.etherscan.io/v2/api" or "https://explorer.example/api". */
    apiUrl: string;
    /** API key (a secret: never printed). Blockscout accepts requests without one. */
    apiKey?: string;
    /** Chain id the explorer indexes; sent as `chainid` (Etherscan V2 needs it) and checked against `rpcUrl`. */
    chainId: number;
    /** JSON-RPC endpoint of the chain, used to fetch creation transactions (constructor arguments). */
    rpcUrl?: string;
    /** Contracts verified at once on this explorer (default 2: explorers throttle verification hard). */
    concurrency?: number;
}

/** Explorers by chain key ("mainnet", "chain138", …): the same keys as the deployment's `contracts` output. */
export type ExplorersConfig = Record<string, ExplorerConfig>;

/** One deployed suite contract as recorded by the deployment. */
export interface DeployedContract {
    chain: string;
    contract: ContractName;
    address: string;
    /** Creation transaction, if the deployment recorded it (else the explorer is asked for it). */
    txHash?: string;
    /** Constructor arguments as recorded by the deployment: values, or their ABI encoding ("0x…"). */
    constructorArgs?: readonly unknown[] | string;
}

/** How one contract's verification ended. */
export type VerifyStatus = "verified" | "already-verified" | "failed";

/** Result of one contract's verification. */
export interface VerifyResult {
    chain: string;
    contract: ContractName;
    address: string;
    status: VerifyStatus;
    /** Human-readable outcome: the explorer's answer or why it failed. */
    detail: string;
    /** Milliseconds spent on this contract. */
    elapsedMs: number;
}
