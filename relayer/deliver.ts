// Delivers one message on its lane: re-checks the destination's replay state, signs, sends
// `deliver`, and reads the router's verdict from the receipt. Transient faults are retried.
import { hexlify } from "ethers";
import { collectSignatures } from "./attesters";
import type { Lane } from "./lanes";
import { laneDigest } from "./lanes";
import { decodeRouterError, routerInterface, type SentMessage } from "./router";
import { PermanentError, RetryableError, revertDataOf, withRetry, type RetryPolicy } from "./retry";

/** The block a pending message was scanned in is no longer on the source chain (a reorg). */
export class SourceReorged extends PermanentError {
    constructor(
        laneName: string,
        readonly sent: SentMessage,
        now: string | undefined,
    ) {
        super(
            `lane ${laneName}: #${sent.message.sequenceNumber} (${sent.message.messageId}) was scanned in block ${sent.blockNumber} ${sent.blockHash}, ` +
                `which the source no longer has (now ${now ?? "no block"}): a reorg; dropping it and rescanning from block ${sent.blockNumber}`,
        );
    }
}

export type DeliveryResult = { kind: "skipped" } | { kind: "delivered"; txHash: string; success: boolean; returnData: string };

/** Gas headroom over the estimate: the router needs the receiver's full gas limit plus 1/63 at call time. */
const GAS_NUMERATOR = 5n;
const GAS_DENOMINATOR = 4n;

function formatError(e: { name: string; args: readonly unknown[] }): string {
    return `${e.name}(${e.args.map((a) => String(a)).join(", ")})`;
}

/** Default deadline of one delivery (RelayerOptions.deliveryTimeoutMs): ten receipt timeouts of the default 60 s. */
export const DELIVERY_TIMEOUT_MS = 600_000;

/**
 * Delivers `sent` within `timeoutMs`: the deadline joins the stop signal in every retry and the receipt wait below.
 * p-retry (v9, index.js) checks its signal before and after each attempt and during each backoff delay, never
 * mid-attempt, so a step already running ends by its own bound and nothing is left sending after the deadline;
 * the bound is `timeoutMs` plus the longest single step (a send, 4R + 10 s: docs/bounds.md). Starting over later is
 * safe: the first step re-reads the destination's last delivered sequence.
 */
export async function deliverMessage(lane: Lane, sent: SentMessage, stopPolicy: RetryPolicy, timeoutMs: number): Promise<DeliveryResult> {
    const seq = sent.message.sequenceNumber;
    const what = `deliver ${lane.name} #${seq}`;
    const deadline = AbortSignal.timeout(timeoutMs);
    const policy: RetryPolicy = { ...stopPolicy, signal: AbortSignal.any([stopPolicy.signal, deadline]) };
    try {
        return await attemptDelivery(lane, sent, policy, what);
    } catch (err) {
        if (deadline.aborted && !stopPolicy.signal.aborted) {
            throw new RetryableError(`${what}: not delivered within ${timeoutMs} ms (deliveryTimeoutMs); the lane starts over from the on-chain check`, {
                cause: err,
            });
        }
        throw err;
    }
}

function attemptDelivery(lane: Lane, sent: SentMessage, policy: RetryPolicy, what: string): Promise<DeliveryResult> {
    const { message } = sent;
    const seq = message.sequenceNumber;
    const { dest, source } = lane;
    // Outer retry: a failed send or an unmined transaction starts over from the on-chain check.
    return withRetry(what, policy, async () => {
        // The destination is the source of truth: after a crash or a lost answer the message may be in already.
        const onChain = await withRetry(
            `${dest.where} getLastDeliveredSequence`,
            policy,
            () => dest.router.getLastDeliveredSequence(source.selector) as Promise<bigint>,
        );
        if (onChain >= seq) return { kind: "skipped" };
        if (onChain + 1n < seq) {
            throw new PermanentError(`lane ${lane.name}: ${dest.name} expects sequence ${onChain + 1n} next, relayer is at ${seq}`);
        }
        // Still on the source chain? A message whose block was reorged away is dropped and its range rescanned.
        const block = await withRetry(`${source.where} getBlock ${sent.blockNumber}`, policy, () => source.provider.getBlock(sent.blockNumber));
        if (block?.hash !== sent.blockHash) throw new SourceReorged(lane.name, sent, block?.hash ?? undefined);
        const signatures = await collectSignatures(lane.name, lane.attesters, lane.threshold, sent, laneDigest(lane, message));
        const data = routerInterface().encodeFunctionData("deliver", [message, signatures]);
        const from = dest.sender.address;
        let gas: bigint;
        try {
            gas = await withRetry(`${dest.where} estimateGas`, policy, () => dest.provider.estimateGas({ from, to: dest.routerAddress, data }));
        } catch (err) {
            const reason = decodeRouterError(revertDataOf(err));
            // Nodes may estimate against pending state: only a mined delivery counts, so look again later.
            if (reason?.name === "MessageAlreadyDelivered")
                throw new RetryableError(`${dest.name}: #${seq} is delivered in the node's pending state, waiting for it to be mined`);
            if (reason !== undefined) {
                throw new PermanentError(`lane ${lane.name}: deliver of #${seq} (${message.messageId}) reverts with ${formatError(reason)}`);
            }
            throw err;
        }
        const sentTx = await dest.sender.send({ to: dest.routerAddress, data, gasLimit: (gas * GAS_NUMERATOR) / GAS_DENOMINATOR }, policy.signal);
        const receipt = await dest.sender.waitReceipt(sentTx, policy.signal);
        const txHash = receipt.hash;
        // A revert after a clean estimate means the state moved (someone else delivered): the next attempt re-checks.
        // Start over from the on-chain check: another relayer may have delivered first.
        if (receipt.status !== 1) throw new RetryableError(`${dest.name}: deliver transaction ${txHash} reverted`);
        const iface = routerInterface();
        for (const log of receipt.logs) {
            if (log.address.toLowerCase() !== dest.routerAddress.toLowerCase()) continue;
            const parsed = iface.parseLog(log);
            if (parsed?.name === "MessageExecuted" && parsed.args.messageId === message.messageId) {
                return { kind: "delivered", txHash, success: parsed.args.success as boolean, returnData: hexlify(parsed.args.returnData as string) };
            }
        }
        throw new PermanentError(`${dest.name}: deliver transaction ${txHash} succeeded without MessageExecuted for ${message.messageId}`);
    });
}
