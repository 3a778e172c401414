// Lanes (source chain → destination chain) to serve, checked against the destination routers:
// the inbound lane must point at the configured source router, and enough of the configured attesters
// must be lane attesters to reach its threshold.
import { ZeroHash, getAddress } from "ethers";
import type { AttesterClient } from "./attesters";
import type { ChainHandle, ChainReader } from "./chain";
import { messageDigest, type InboundMessage, type LaneConfig, type SentMessage } from "./router";
import { withRetry, type RetryPolicy } from "./retry";
import { laneName } from "./state";

export interface Lane {
    name: string;
    source: ChainHandle;
    dest: ChainHandle;
    threshold: number;
    /** The configured attesters that are attesters of this lane, ascending by address (the router's order). */
    attesters: AttesterClient[];
    /** Highest sequence known delivered on the destination. */
    lastDelivered: bigint;
    /** Scanned, not yet delivered messages by sequence number. */
    pending: Map<bigint, SentMessage>;
    /** While a lane keeps failing it waits until this time (ms) before trying again. */
    blockedUntil: number;
    backoffMs: number;
    /** Last gap warning, so a gap is logged once rather than every poll. */
    reportedGap?: bigint;
    /** Set when a pending message's source block was reorged away: the scanner rescans from this block. */
    rescanFrom?: number;
}

async function laneConfig(chain: ChainReader, remote: bigint, policy: RetryPolicy): Promise<LaneConfig> {
    const raw = (await withRetry(`${chain.where} getLane(${remote})`, policy, () => chain.router.getLane(remote))) as {
        enabled: boolean;
        remoteRouter: string;
        threshold: bigint;
        attesters: string[];
    };
    return {
        enabled: raw.enabled,
        remoteRouter: getAddress(raw.remoteRouter),
        threshold: Number(raw.threshold),
        attesters: raw.attesters.map((a) => getAddress(a)),
    };
}

/** Discovers and validates every lane between `chains`; throws naming the first bad lane. */
export async function discoverLanes(chains: readonly ChainHandle[], attesters: readonly AttesterClient[], policy: RetryPolicy): Promise<Lane[]> {
    const lanes: Lane[] = [];
    for (const source of chains) {
        for (const dest of chains) {
            if (source === dest) continue;
            const name = laneName(source.name, dest.name);
            const inbound = await laneConfig(dest, source.selector, policy);
            if (!inbound.enabled) {
                const outbound = await laneConfig(source, dest.selector, policy);
                if (outbound.enabled) {
                    policy.log(
                        `lane ${name}: ${source.name} sends to ${dest.name}, but ${dest.name}'s router has no enabled lane from selector ${source.selector}: not relayed`,
                    );
                }
                continue;
            }
            if (inbound.remoteRouter !== source.routerAddress) {
                throw new Error(
                    `lane ${name}: ${dest.name}'s router expects messages from router ${inbound.remoteRouter}, but ${source.name}'s routerAddress is ${source.routerAddress}`,
                );
            }
            const laneAttesters = attesters
                .filter((a) => inbound.attesters.includes(a.address))
                .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
            if (laneAttesters.length < inbound.threshold) {
                throw new Error(
                    `lane ${name}: threshold ${inbound.threshold} needs ${inbound.threshold} of the lane's attesters ` +
                        `[${inbound.attesters.join(", ")}], but only ${laneAttesters.length} of the ${attesters.length} configured attesters are among them`,
                );
            }
            const strangers = attesters.filter((a) => !inbound.attesters.includes(a.address));
            if (strangers.length > 0)
                policy.log(`lane ${name}: configured attester(s) ${strangers.map((a) => a.label).join(", ")} are not attesters of this lane; not asked`);
            await checkDigest(name, source, dest, policy);
            const lastDelivered = (await withRetry(`${dest.where} getLastDeliveredSequence`, policy, () =>
                dest.router.getLastDeliveredSequence(source.selector),
            )) as bigint;
            lanes.push({
                name,
                source,
                dest,
                threshold: inbound.threshold,
                attesters: laneAttesters,
                lastDelivered,
                pending: new Map(),
                blockedUntil: 0,
                backoffMs: 0,
            });
        }
    }
    return lanes;
}

/** Our EIP-712 digest must equal the router's `hashMessage`, or every signature would be rejected. */
export async function checkDigest(name: string, source: ChainReader, dest: ChainReader, policy: RetryPolicy): Promise<void> {
    const probe: InboundMessage = {
        messageId: ZeroHash,
        sourceChainSelector: source.selector,
        sequenceNumber: 1n,
        sender: source.routerAddress,
        receiver: dest.routerAddress,
        data: "0x01",
        tokenAmounts: [],
        gasLimit: 1n,
    };
    const theirs = (await withRetry(`${dest.where} hashMessage`, policy, () => dest.router.hashMessage(probe))) as string;
    const ours = messageDigest(probe, { chainId: dest.chainId, router: dest.routerAddress, chainSelector: dest.selector });
    if (theirs !== ours) {
        throw new Error(
            `lane ${name}: ${dest.name}'s router computes a different message digest (chain id ${dest.chainId}, router ${dest.routerAddress}): is the ABI out of date?`,
        );
    }
}

/** The digest the lane's destination router verifies for `message` (its hashMessage). */
export function laneDigest(lane: Lane, message: InboundMessage): string {
    return messageDigest(message, { chainId: lane.dest.chainId, router: lane.dest.routerAddress, chainSelector: lane.dest.selector });
}
