// The attester's HTTP protocol, shared by the attester service (attester/server.ts) and the relayer's client
// (relayer/attesters.ts): JSON bodies with every uint64/uint256 as a decimal string (JSON numbers lose digits above 2^53).
import { getAddress } from "ethers";
import { z } from "zod";
import type { InboundMessage } from "../relayer/router";

const decimal = z.string().regex(/^\d+$/, "expected a decimal integer string");
const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte hex value");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

const messageJson = z.strictObject({
    messageId: bytes32,
    sourceChainSelector: decimal,
    sequenceNumber: decimal,
    sender: address,
    receiver: address,
    data: hex,
    tokenAmounts: z.array(z.strictObject({ token: address, amount: decimal })),
    gasLimit: decimal,
});

/** POST /v1/sign: sign `message` for delivery on the chain with `destChainSelector`; it was sent in block `blockNumber`. */
export const signRequestSchema = z.strictObject({
    destChainSelector: decimal,
    /** The source block the relayer found the send event in: the attester looks there, in its own view of the chain. */
    blockNumber: z.number().int().nonnegative(),
    message: messageJson,
});
export type SignRequestJson = z.infer<typeof signRequestSchema>;

/** 200 answer of POST /v1/sign. */
export const signResponseSchema = z.strictObject({ attester: address, digest: bytes32, signature: hex });
export type SignResponse = z.infer<typeof signResponseSchema>;

/** GET /v1/attester: who this attester is and what it reads. */
export const attesterInfoSchema = z.strictObject({
    attester: address,
    chains: z.array(z.strictObject({ name: z.string(), chainSelector: decimal, chainId: decimal, router: address, confirmations: z.number().int() })),
});
export type AttesterInfo = z.infer<typeof attesterInfoSchema>;

/** Every refusal: `reason` is machine-readable, `error` says why in words. */
export const refusalSchema = z.strictObject({
    reason: z.enum(["unauthorized", "bad-request", "not-found", "mismatch", "conflict", "unknown-chain", "unavailable"]),
    error: z.string(),
});
export type Refusal = z.infer<typeof refusalSchema>;

export function messageToJson(m: InboundMessage): SignRequestJson["message"] {
    return {
        messageId: m.messageId,
        sourceChainSelector: String(m.sourceChainSelector),
        sequenceNumber: String(m.sequenceNumber),
        sender: m.sender,
        receiver: m.receiver,
        data: m.data,
        tokenAmounts: m.tokenAmounts.map((t) => ({ token: t.token, amount: String(t.amount) })),
        gasLimit: String(m.gasLimit),
    };
}

export function messageFromJson(m: SignRequestJson["message"]): InboundMessage {
    return {
        messageId: m.messageId.toLowerCase(),
        sourceChainSelector: BigInt(m.sourceChainSelector),
        sequenceNumber: BigInt(m.sequenceNumber),
        sender: getAddress(m.sender),
        receiver: getAddress(m.receiver),
        data: m.data.toLowerCase(),
        tokenAmounts: m.tokenAmounts.map((t) => ({ token: getAddress(t.token), amount: BigInt(t.amount) })),
        gasLimit: BigInt(m.gasLimit),
    };
}
