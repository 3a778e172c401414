// The CCIPRouter as the relayer sees it: its ABI, the send event decoded into the inbound
// struct `deliver` takes, and the EIP-712 digest attesters sign.
import { AbiCoder, Interface, TypedDataEncoder, getAddress, type Log } from "ethers";
import { loadArtifact } from "../contracts/artifacts";

/** The struct CCIPRouter.deliver / hashMessage take. */
export interface InboundMessage {
    messageId: string;
    sourceChainSelector: bigint;
    sequenceNumber: bigint;
    sender: string;
    receiver: string;
    data: string;
    tokenAmounts: { token: string; amount: bigint }[];
    gasLimit: bigint;
}

/** A message found in a source router's CCIPMessageSent log. */
export interface SentMessage {
    destChainSelector: bigint;
    message: InboundMessage;
    blockNumber: number;
    /** Hash of that block: a different hash at that height later means the source reorged it away. */
    blockHash: string;
}

/** Lane configuration as returned by `getLane`. */
export interface LaneConfig {
    enabled: boolean;
    remoteRouter: string;
    threshold: number;
    attesters: string[];
}

let cached: Interface | undefined;
/** The router ABI from the compiled suite (contracts/build). */
export function routerInterface(): Interface {
    cached ??= new Interface(loadArtifact("CCIPRouter").abi);
    return cached;
}

/** EIP-712 types of the attested message; must match CCIPRouter.MESSAGE_TYPEHASH. */
export const MESSAGE_TYPES = {
    Any2EVMMessage: [
        { name: "messageId", type: "bytes32" },
        { name: "sourceChainSelector", type: "uint64" },
        { name: "destChainSelector", type: "uint64" },
        { name: "sequenceNumber", type: "uint64" },
        { name: "sender", type: "address" },
        { name: "receiver", type: "address" },
        { name: "data", type: "bytes" },
        { name: "tokenAmounts", type: "TokenAmount[]" },
        { name: "gasLimit", type: "uint256" },
    ],
    TokenAmount: [
        { name: "token", type: "address" },
        { name: "amount", type: "uint256" },
    ],
};

/** Where a message is verified: the destination router. */
export interface DigestDomain {
    chainId: bigint;
    router: string;
    chainSelector: bigint;
}

/** The digest the destination router's `hashMessage(message)` returns. */
export function messageDigest(message: InboundMessage, dest: DigestDomain): string {
    const domain = { name: "CCIPRouter", version: "1", chainId: dest.chainId, verifyingContract: dest.router };
    return TypedDataEncoder.hash(domain, MESSAGE_TYPES, { ...message, destChainSelector: dest.chainSelector });
}

/** Decodes a CCIPMessageSent log of the router on `sourceChainSelector`. */
export function decodeSent(log: Log, sourceChainSelector: bigint): SentMessage {
    const parsed = routerInterface().parseLog(log);
    if (parsed?.name !== "CCIPMessageSent") throw new Error(`log ${log.transactionHash}#${log.index} is not CCIPMessageSent`);
    const m = parsed.args.message as { sender: string; receiver: string; data: string; gasLimit: bigint };
    // The router enforces receiver = abi.encode(address) on send.
    const [receiver] = AbiCoder.defaultAbiCoder().decode(["address"], m.receiver) as unknown as [string];
    return {
        destChainSelector: parsed.args.destChainSelector as bigint,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        message: {
            messageId: parsed.args.messageId as string,
            sourceChainSelector,
            sequenceNumber: parsed.args.sequenceNumber as bigint,
            sender: getAddress(m.sender),
            receiver: getAddress(receiver),
            data: m.data,
            tokenAmounts: [],
            gasLimit: m.gasLimit,
        },
    };
}

/** Topic0 of CCIPMessageSent. */
export function sentTopic(): string {
    const event = routerInterface().getEvent("CCIPMessageSent");
    if (event === null) throw new Error("CCIPRouter ABI has no CCIPMessageSent event");
    return event.topicHash;
}

/** Custom error name and args from revert data, or undefined if it is not a router error. */
export function decodeRouterError(data: string | undefined): { name: string; args: readonly unknown[] } | undefined {
    if (data === undefined || data === "0x") return undefined;
    const parsed = routerInterface().parseError(data);
    return parsed === null ? undefined : { name: parsed.name, args: parsed.args.toArray() };
}
