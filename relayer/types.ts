// Public types of the relayer service (re-exported by relayer/index.ts).

/** One chain the relayer watches and delivers to. */
export interface RelayerChain {
    /** Name used in logs, lane names and the state file (e.g. "mainnet", "chain138"). */
    name: string;
    rpcUrl: string;
    /** The suite's CCIPRouter on this chain. */
    routerAddress: string;
    /** CCIP selector of this chain; must equal the router's `getLocalChainSelector()`. */
    chainSelector: bigint;
    /** Blocks a send event must be buried under before it is relayed (default 0). */
    confirmations?: number;
    /** First block to scan when the state file has nothing for this chain (default 0: router deployment block in prod). */
    startBlock?: number;
    /** The chain's node minimum gas price (wei); `deliver` fees clear it however far the base fee decays (default 0). */
    minGasPriceWei?: bigint;
}

/** Options of {@link startRelayer}. */
export interface RelayerOptions {
    chains: RelayerChain[];
    /** Attester private keys; each lane needs at least its threshold of its own attesters among them. */
    attesterKeys: string[];
    /** Key that pays for `deliver` transactions on every chain. */
    relayerKey: string;
    /** JSON file holding progress (written atomically: temp file + rename). */
    stateFile: string;
    /** Delay between polls of each source chain (default 1000 ms). */
    pollIntervalMs?: number;
    /** Receives one line per event worth logging (default: console.log). Never receives key material. */
    log?: (line: string) => void;
    /** Largest block range per eth_getLogs request (default 1000). */
    maxBlockRange?: number;
    /** Attempts per RPC read or delivery before the lane backs off to the next poll (default 6). */
    retries?: number;
    /** First retry delay in ms; doubles per attempt with jitter (default 200). */
    retryMinTimeoutMs?: number;
    /** How long to wait for a `deliver` receipt before re-checking and re-sending (default 60000). */
    receiptTimeoutMs?: number;
    /**
     * Longest one delivery may take, its re-check, estimate, send, receipt wait and their retries together, before the
     * lane backs off and starts it over from the on-chain check (default 600000). Without it the nested retries are
     * bounded only by their product (about 72 min with the defaults: docs/bounds.md).
     */
    deliveryTimeoutMs?: number;
}

/** A running relayer. */
export interface Relayer {
    /** Stops polling, lets an in-flight delivery settle, closes the RPC connections. */
    stop(): Promise<void>;
    /**
     * Resolves once this relayer has seen `messageId` executed on its destination (delivered by
     * it, or found already delivered). Rejects if the receiver reverted (the router recorded it
     * as failed) or after `timeoutMs`.
     */
    waitForDelivery(messageId: string, timeoutMs: number): Promise<void>;
}
