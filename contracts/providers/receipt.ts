// Waiting for a transaction to be mined and confirmed, with a deadline that fails clearly.
import type { JsonRpcProvider, TransactionReceipt } from "ethers";
import { redactRpcUrl, rpcCall, rpcCallBoundMs, type ChainTarget } from "./rpc";

/** What to wait for. */
export interface ReceiptWait {
    readonly hash: string;
    /** Blocks including the one holding the transaction (1 = mined). */
    readonly confirmations: number;
    readonly timeoutMs: number;
    /** Names the operation in the timeout error, e.g. "CCIPRouter deployment". */
    readonly what: string;
}

/** Pause between receipt polls. */
export const RECEIPT_POLL_MS = 250;

/**
 * Latest a {@link waitForReceipt} with `timeoutMs` settles: the deadline is checked after each poll, and the poll
 * that starts just before it (a receipt and a head read, after one pause) may take two whole rpcCalls.
 */
export function receiptWaitBoundMs(timeoutMs: number): number {
    return timeoutMs + RECEIPT_POLL_MS + 2 * rpcCallBoundMs();
}

/**
 * Resolves with the receipt once `hash` has `confirmations`; throws naming chain, endpoint, operation and hash on
 * timeout, or when the endpoint stops answering (within {@link receiptWaitBoundMs}).
 */
export async function waitForReceipt(target: ChainTarget, wait: ReceiptWait): Promise<TransactionReceipt> {
    const deadline = Date.now() + wait.timeoutMs;
    const call = <T>(label: string, fn: (provider: JsonRpcProvider) => Promise<T>): Promise<T> =>
        rpcCall(target, label, fn).catch((error: unknown) => {
            // rpcCall's message names the chain, endpoint and JSON-RPC method; this adds what was being waited for.
            throw new Error(`${wait.what}: waiting for transaction ${wait.hash}: ${(error as Error).message}`, { cause: error });
        });
    for (;;) {
        const receipt = await call(`eth_getTransactionReceipt(${wait.hash})`, (p) => p.getTransactionReceipt(wait.hash));
        if (receipt !== null) {
            const head = await call("eth_blockNumber", (p) => p.getBlockNumber());
            if (head - receipt.blockNumber + 1 >= wait.confirmations) return receipt;
        }
        if (Date.now() > deadline) {
            const state = receipt === null ? "not mined" : `mined in block ${receipt.blockNumber} but short of ${wait.confirmations} confirmations`;
            throw new Error(
                `chain ${target.name} (${redactRpcUrl(target.rpcUrl)}): ${wait.what}: transaction ${wait.hash} ${state} after ${Math.round(wait.timeoutMs / 1000)}s ` +
                    `(raise receiptTimeoutSeconds or check the node)`,
            );
        }
        await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    }
}
