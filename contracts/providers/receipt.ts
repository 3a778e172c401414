// Waiting for a transaction to be mined and confirmed, with a deadline that fails clearly.
import type { TransactionReceipt } from "ethers";
import { rpcCall, type ChainTarget } from "./rpc";

/** What to wait for. */
export interface ReceiptWait {
    readonly hash: string;
    /** Blocks including the one holding the transaction (1 = mined). */
    readonly confirmations: number;
    readonly timeoutMs: number;
    /** Names the operation in the timeout error, e.g. "CCIPRouter deployment". */
    readonly what: string;
}

/** Resolves with the receipt once `hash` has `confirmations`; throws naming chain, operation and hash on timeout. */
export async function waitForReceipt(target: ChainTarget, wait: ReceiptWait): Promise<TransactionReceipt> {
    const deadline = Date.now() + wait.timeoutMs;
    for (;;) {
        const receipt = await rpcCall(target, `eth_getTransactionReceipt(${wait.hash})`, (p) => p.getTransactionReceipt(wait.hash));
        if (receipt !== null) {
            const head = await rpcCall(target, "eth_blockNumber", (p) => p.getBlockNumber());
            if (head - receipt.blockNumber + 1 >= wait.confirmations) return receipt;
        }
        if (Date.now() > deadline) {
            const state = receipt === null ? "not mined" : `mined in block ${receipt.blockNumber} but short of ${wait.confirmations} confirmations`;
            throw new Error(
                `chain ${target.name}: ${wait.what}: transaction ${wait.hash} ${state} after ${Math.round(wait.timeoutMs / 1000)}s ` +
                    `(raise receiptTimeoutSeconds or check the node)`,
            );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}
