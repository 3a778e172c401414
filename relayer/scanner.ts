// Reads one source router's CCIPMessageSent logs in bounded, confirmed block ranges and hands
// each message to the lane of its destination.
import type { ChainHandle } from "./chain";
import type { Lane } from "./lanes";
import { decodeSent, sentTopic } from "./router";
import { withRetry, type RetryPolicy } from "./retry";

/** getLogs ranges per call to scan(), so a long catch-up lets the lanes deliver (and save) as it goes. */
const RANGES_PER_SCAN = 10;
/** A stuck lane stops the scan of its source here instead of buffering without bound (the cursor waits). */
const MAX_PENDING_PER_LANE = 5_000;

export class SourceScanner {
    private readonly byDest: Map<bigint, Lane>;
    private readonly unknownDest = new Set<bigint>();
    private readonly topic = sentTopic();

    constructor(
        readonly chain: ChainHandle,
        readonly lanes: readonly Lane[],
        /** Every block at or below it was scanned and its messages handed to the lanes. */
        private cursor: number,
        private readonly opts: {
            policy: RetryPolicy;
            maxRange: number;
            stateFile: string;
            /** A scanned message the destination already has (from before this run). */
            onAlreadyDelivered: (messageId: string) => void;
        },
    ) {
        this.byDest = new Map(lanes.map((l) => [l.dest.selector, l]));
    }

    /** Block up to which a restart may skip: never past a message still pending, so it is rescanned. */
    safeCursor(): number {
        let safe = this.cursor;
        for (const lane of this.lanes) for (const sent of lane.pending.values()) safe = Math.min(safe, sent.blockNumber - 1);
        return safe;
    }

    /** After a source reorg at `block`: forgets pending messages from it on and scans again from there. */
    rewind(block: number): void {
        for (const lane of this.lanes) for (const [seq, sent] of lane.pending) if (sent.blockNumber >= block) lane.pending.delete(seq);
        this.cursor = Math.min(this.cursor, block - 1);
    }

    /** Scans up to RANGES_PER_SCAN ranges; true when it reached `head - confirmations`. */
    async scan(): Promise<boolean> {
        const { chain, opts } = this;
        const head = await withRetry(`${chain.where} getBlockNumber`, opts.policy, () => chain.provider.getBlockNumber());
        if (this.cursor > head) {
            throw new Error(
                `${chain.name}: state says block ${this.cursor} was scanned but the chain head is ${head}; delete ${opts.stateFile} if the chain was reset`,
            );
        }
        const safeHead = head - chain.confirmations;
        for (let ranges = 0; this.cursor < safeHead && !this.full(); ranges++) {
            if (ranges === RANGES_PER_SCAN || opts.policy.signal.aborted) return false;
            const from = this.cursor + 1;
            const to = Math.min(safeHead, from + opts.maxRange - 1);
            const logs = await withRetry(`${chain.where} getLogs ${from}-${to}`, opts.policy, () =>
                chain.provider.getLogs({ address: chain.routerAddress, topics: [this.topic], fromBlock: from, toBlock: to }),
            );
            for (const raw of logs) this.accept(raw);
            this.cursor = to;
        }
        return true;
    }

    private accept(raw: Parameters<typeof decodeSent>[0]): void {
        const sent = decodeSent(raw, this.chain.selector);
        const lane = this.byDest.get(sent.destChainSelector);
        if (lane === undefined) {
            if (!this.unknownDest.has(sent.destChainSelector)) {
                this.opts.policy.log(`${this.chain.name}: messages to selector ${sent.destChainSelector} have no configured destination; ignored`);
            }
            this.unknownDest.add(sent.destChainSelector);
            return;
        }
        if (sent.message.sequenceNumber > lane.lastDelivered) lane.pending.set(sent.message.sequenceNumber, sent);
        else this.opts.onAlreadyDelivered(sent.message.messageId);
    }

    private full(): boolean {
        return this.lanes.some((l) => l.pending.size >= MAX_PENDING_PER_LANE);
    }
}
