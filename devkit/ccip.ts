// Test-side CCIP relayer for the suite's CCIPRouter: reads sent messages, has attesters sign them, delivers.
import { AbiCoder, Contract, TypedDataEncoder, type Signer, type TransactionReceipt, type Wallet } from "ethers";
import { MESSAGE_TYPES, type InboundMessage } from "../relayer/router";

/** A message as emitted by the source router's CCIPMessageSent event. */
export interface SentMessage {
    destChainSelector: bigint;
    sequenceNumber: bigint;
    messageId: string;
    sender: string;
    receiver: string;
    data: string;
    gasLimit: bigint;
    feeToken: string;
    feeAmount: bigint;
}

/** The struct CCIPRouter.deliver expects (the relayer's type). */
export type { InboundMessage };

/** EIP-712 types of the attested message: the relayer's (must match CCIPRouter.MESSAGE_TYPEHASH). */
export { MESSAGE_TYPES };

/** CCIPMessageSent events of `router` in `receipt`. */
export function sentMessages(router: Contract, receipt: TransactionReceipt): SentMessage[] {
    const routerAddress = String(router.target).toLowerCase();
    const out: SentMessage[] = [];
    for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== routerAddress) continue;
        const parsed = router.interface.parseLog(log);
        if (parsed?.name !== "CCIPMessageSent") continue;
        out.push(sentMessageOf(parsed.args));
    }
    return out;
}

/** A CCIPMessageSent event's arguments as a SentMessage (ethers Results do not spread by name: fields are copied). */
function sentMessageOf(args: { getValue(name: string): unknown }): SentMessage {
    const m = args.getValue("message") as { sender: string; receiver: string; data: string; gasLimit: bigint; feeToken: string; feeAmount: bigint };
    return {
        destChainSelector: args.getValue("destChainSelector") as bigint,
        sequenceNumber: args.getValue("sequenceNumber") as bigint,
        messageId: args.getValue("messageId") as string,
        sender: m.sender,
        receiver: m.receiver,
        data: m.data,
        gasLimit: m.gasLimit,
        feeToken: m.feeToken,
        feeAmount: m.feeAmount,
    };
}

/** Converts a sent message into the inbound form for the destination router. */
export function toInbound(sent: SentMessage, sourceChainSelector: bigint): InboundMessage {
    const [receiver] = AbiCoder.defaultAbiCoder().decode(["address"], sent.receiver) as unknown as [string];
    return {
        messageId: sent.messageId,
        sourceChainSelector,
        sequenceNumber: sent.sequenceNumber,
        sender: sent.sender,
        receiver,
        data: sent.data,
        tokenAmounts: [],
        gasLimit: sent.gasLimit,
    };
}

/** Where the attestations are verified: the destination router. */
export interface Destination {
    chainId: bigint;
    router: string;
    chainSelector: bigint;
}

/** Attester signatures over `message` for `dest`, ordered by ascending signer address as the router requires. */
export async function attest(message: InboundMessage, dest: Destination, attesters: readonly Wallet[]): Promise<string[]> {
    const domain = { name: "CCIPRouter", version: "1", chainId: dest.chainId, verifyingContract: dest.router };
    const value = { ...message, destChainSelector: dest.chainSelector };
    const sorted = [...attesters].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    return Promise.all(sorted.map((w) => w.signTypedData(domain, MESSAGE_TYPES, value)));
}

/** The digest attesters sign (for comparing with CCIPRouter.hashMessage). */
export function digest(message: InboundMessage, dest: Destination): string {
    const domain = { name: "CCIPRouter", version: "1", chainId: dest.chainId, verifyingContract: dest.router };
    return TypedDataEncoder.hash(domain, MESSAGE_TYPES, { ...message, destChainSelector: dest.chainSelector });
}

/** Relays every message `sourceRouter` emitted in `receipt` to `destRouter`, signed by `attesters`. */
export async function relay(
    sourceRouter: Contract,
    receipt: TransactionReceipt,
    sourceChainSelector: bigint,
    destRouter: Contract,
    attesters: readonly Wallet[],
    relayer: Signer,
): Promise<TransactionReceipt[]> {
    if (relayer.provider === null) throw new Error("relayer signer needs a provider");
    const dest: Destination = {
        chainId: (await relayer.provider.getNetwork()).chainId,
        router: String(destRouter.target),
        chainSelector: (await destRouter.getLocalChainSelector()) as bigint,
    };
    const receipts: TransactionReceipt[] = [];
    for (const sent of sentMessages(sourceRouter, receipt)) {
        const inbound = toInbound(sent, sourceChainSelector);
        const sigs = await attest(inbound, dest, attesters);
        const tx = await (destRouter.connect(relayer) as Contract).getFunction("deliver")(inbound, sigs);
        const r = await tx.wait();
        if (r === null) throw new Error("delivery not mined");
        receipts.push(r);
    }
    return receipts;
}

/**
 * Messages `sourceRouter` sent to `destChainSelector` that `destRouter` has not delivered yet,
 * found from the source router's logs (what a relayer does after a restart).
 */
export async function pendingMessages(sourceRouter: Contract, destRouter: Contract, sourceChainSelector: bigint): Promise<InboundMessage[]> {
    const destChainSelector = (await destRouter.getLocalChainSelector()) as bigint;
    const delivered = (await destRouter.getLastDeliveredSequence(sourceChainSelector)) as bigint;
    const next = (await sourceRouter.getNextOutboundSequence(destChainSelector)) as bigint;
    const out: InboundMessage[] = [];
    for (let seq = delivered + 1n; seq < next; seq++) {
        // sequenceNumber is an indexed topic, so each message is one exact log lookup.
        const logs = await sourceRouter.queryFilter(sourceRouter.filters.CCIPMessageSent(destChainSelector, seq));
        const log = logs[0];
        if (log === undefined || !("args" in log)) throw new Error(`CCIPMessageSent for sequence ${seq} not found`);
        out.push(toInbound(sentMessageOf(log.args), sourceChainSelector));
    }
    return out;
}
