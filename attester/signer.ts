// The attester's one decision: sign a message for delivery only if its own view of the source chain, at its own
// confirmation depth, holds exactly that message in the source router's CCIPMessageSent event, and it never signed
// different content under the same (lane, sequence number).
import pLimit from "p-limit";
import { toBeHex, zeroPadValue, type Wallet } from "ethers";
import type { ChainReader } from "../relayer/chain";
import { decodeSent, messageDigest, sentTopic, type InboundMessage } from "../relayer/router";
import { withRetry, type RetryPolicy } from "../relayer/retry";
import { SignedLedger } from "./ledger";
import type { Refusal, SignResponse } from "./protocol";

export type SignOutcome = { ok: true; response: SignResponse } | { ok: false; refusal: Refusal };

/** Counters the metrics endpoint exposes. */
export interface SignerCounters {
    signed(lane: string): void;
    refused(reason: Refusal["reason"]): void;
}

const refuse = (reason: Refusal["reason"], error: string): SignOutcome => ({ ok: false, refusal: { reason, error } });

/** Field by field, so the refusal says which one a relayer got wrong. */
function differences(claimed: InboundMessage, onChain: InboundMessage): string[] {
    const out: string[] = [];
    const simple = ["messageId", "sourceChainSelector", "sequenceNumber", "sender", "receiver", "data", "gasLimit"] as const;
    for (const k of simple) if (String(claimed[k]).toLowerCase() !== String(onChain[k]).toLowerCase()) out.push(k);
    const tokens = (m: InboundMessage): string => JSON.stringify(m.tokenAmounts.map((t) => [t.token.toLowerCase(), String(t.amount)]));
    if (tokens(claimed) !== tokens(onChain)) out.push("tokenAmounts");
    return out;
}

export class MessageSigner {
    /** One decision at a time: the ledger check and its write must not interleave with another request's. */
    private readonly serial = pLimit(1);
    private readonly topic = sentTopic();

    constructor(
        private readonly wallet: Wallet,
        private readonly chains: ReadonlyMap<bigint, ChainReader>,
        private readonly ledger: SignedLedger,
        private readonly policy: RetryPolicy,
        private readonly counters: SignerCounters,
    ) {}

    get address(): string {
        return this.wallet.address;
    }

    sign(claimed: InboundMessage, destSelector: bigint, blockNumber: number): Promise<SignOutcome> {
        return this.serial(async () => {
            const outcome = await this.decide(claimed, destSelector, blockNumber);
            if (!outcome.ok) this.counters.refused(outcome.refusal.reason);
            return outcome;
        });
    }

    private async decide(claimed: InboundMessage, destSelector: bigint, blockNumber: number): Promise<SignOutcome> {
        const source = this.chains.get(claimed.sourceChainSelector);
        const dest = this.chains.get(destSelector);
        if (source === undefined) return refuse("unknown-chain", `source chain selector ${claimed.sourceChainSelector} is not one this attester reads`);
        if (dest === undefined) return refuse("unknown-chain", `destination chain selector ${destSelector} is not one this attester signs for`);
        const lane = `${source.name}->${dest.name}`;
        const seq = claimed.sequenceNumber;

        // Our own view, at our own depth: a block above head - confirmations does not count yet.
        const head = await withRetry(`${source.where} getBlockNumber`, this.policy, () => source.provider.getBlockNumber());
        const confirmed = head - source.confirmations;
        if (blockNumber > confirmed) {
            return refuse(
                "not-found",
                `${lane} #${seq}: block ${blockNumber} is not ${source.confirmations} blocks deep on ${source.name} (head ${head}); ask again later`,
            );
        }
        // The router indexes destChainSelector, sequenceNumber and messageId (CCIPRouter.CCIPMessageSent): one exact filter.
        const topics = [this.topic, zeroPadValue(toBeHex(destSelector), 32), zeroPadValue(toBeHex(seq), 32), claimed.messageId];
        const logs = await withRetry(`${source.where} getLogs ${blockNumber}`, this.policy, () =>
            source.provider.getLogs({ address: source.routerAddress, topics, fromBlock: blockNumber, toBlock: blockNumber }),
        );
        const found = logs.filter((l) => !l.removed);
        if (found.length === 0) {
            return refuse(
                "not-found",
                `${lane} #${seq} (${claimed.messageId}): no CCIPMessageSent of router ${source.routerAddress} in block ${blockNumber} of ${source.name} as this attester sees it (head ${head}, ${source.confirmations} confirmations)`,
            );
        }
        const onChain = decodeSent(found[0], source.selector);
        const diff = differences(claimed, onChain.message);
        if (diff.length > 0 || onChain.destChainSelector !== destSelector) {
            return refuse(
                "mismatch",
                `${lane} #${seq} (${claimed.messageId}): differs from the message on ${source.name} in ${diff.join(", ") || "destChainSelector"}`,
            );
        }

        // Sign what the chain says, never the claim (they are equal here, but the chain is the authority).
        const digest = messageDigest(onChain.message, { chainId: dest.chainId, router: dest.routerAddress, chainSelector: dest.selector });
        const key = SignedLedger.key(source.selector, dest.selector, seq);
        const seen = this.ledger.check(key, digest);
        if (seen.kind === "conflict") {
            return refuse(
                "conflict",
                `${lane} #${seq}: this attester already signed message ${seen.signedMessageId} (digest ${seen.signedDigest}) at that sequence number; it never signs a second one (a reorg deeper than ${source.confirmations} blocks? an operator must look)`,
            );
        }
        if (seen.kind === "new") this.ledger.record(key, onChain.message.messageId, digest);
        this.counters.signed(lane);
        this.policy.log(`signed ${lane} #${seq} ${onChain.message.messageId} (block ${blockNumber})`);
        return { ok: true, response: { attester: this.wallet.address, digest, signature: this.wallet.signingKey.sign(digest).serialized } };
    }
}
