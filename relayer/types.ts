// Public types of the relayer service (re-exported by relayer/index.ts).
import type { AttesterEndpoint } from "./attesters";

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
    /**
     * Remote attester services (attester/): the relayer asks them for signatures and holds no attester key. Each lane
     * needs at least its threshold of its own attesters among these and `attesterKeys` together.
     */
    attesters?: AttesterEndpoint[];
    /** Attester private keys held in this process (tests and tools only: whoever holds the relayer then holds these). */
    attesterKeys?: string[];
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
    /** Longest pause of a lane whose deliveries keep failing; its pause doubles from the poll interval up to this (default 60000). */
    maxLaneBackoffMs?: number;
    /** A `deliver` not mined after this long is re-sent at its nonce with 25 % higher fees (default 20000). */
    feeBumpAfterMs?: number;
    /** Replacements per delivery transaction at most (default 3; 0 turns fee bumping off). */
    maxFeeBumps?: number;
    /** How long start-up waits for another relayer's lock on the state file to go (default 15000: a stale lock is 10 s). */
    lockWaitMs?: number;
    /** Port of the /healthz and /metrics endpoint (0: a free one; undefined: none). */
    httpPort?: number;
    /** Listen address of that endpoint (default 127.0.0.1; 0.0.0.0 in a pod). */
    httpHost?: string;
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
    /** http://host:port of the /healthz and /metrics endpoint, when `httpPort` was given. */
    readonly httpUrl?: string;
}
