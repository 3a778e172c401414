// Per-chain, per-sender nonce allocation for the contract providers.
//
// All dynamic resources run in one provider process and the engine calls their create/update
// concurrently, so two deployments from one key must never pick the same nonce. Each (chain, sender)
// has a queue: allocate-sign-broadcast runs one at a time (receipts are awaited outside it, so many
// transactions still land in one block). The next nonce is the higher of the in-memory counter and
// eth_getTransactionCount(pending), and is resynced whenever the node says "nonce too low" or
// "replacement underpriced" (someone — an earlier crashed run, another tool — used it).
import { eip1559Fees, legacyFees, type Eip1559Fees, type LegacyFees } from "../fees";
import { Wallet, keccak256, type TransactionRequest } from "ethers";
import { providerLog, redactRpcUrl, rpcCall, type ChainTarget } from "./rpc";

/** A transaction to send; `gasLimit` is required so nothing is estimated inside the queue. */
export interface OutgoingTx {
    readonly to: string;
    readonly data: string;
    readonly value?: bigint;
    readonly gasLimit: bigint;
}

/** A broadcast transaction. */
export interface SentTx {
    readonly hash: string;
    readonly nonce: number;
}

interface SenderState {
    next: number | undefined;
    tail: Promise<unknown>;
    settled: Promise<void> | undefined;
}

function senders(): Map<string, SenderState> {
    const g = globalThis as Record<symbol, unknown>;
    return (g[Symbol.for("chain138.contracts.nonceSenders")] ??= new Map<string, SenderState>()) as Map<string, SenderState>;
}

function senderState(target: ChainTarget, address: string): SenderState {
    const key = `${target.chainId}@${target.rpcUrl}:${address.toLowerCase()}`;
    let state = senders().get(key);
    if (state === undefined) {
        state = { next: undefined, tail: Promise.resolve(), settled: undefined };
        senders().set(key, state);
    }
    return state;
}

/** Runs `fn` after every earlier queued operation of this sender (a promise-chain mutex). */
function serialised<T>(state: SenderState, fn: () => Promise<T>): Promise<T> {
    const run = state.tail.then(fn, fn);
    state.tail = run.catch(() => undefined);
    return run;
}

function pendingCount(target: ChainTarget, address: string): Promise<number> {
    return rpcCall(target, `eth_getTransactionCount(${address}, pending)`, (p) => p.getTransactionCount(address, "pending"));
}

/**
 * Waits, once per sender and process, until the sender has no pending transactions (latest nonce =
 * pending nonce). A run that crashed after broadcasting leaves such a transaction; once it is mined,
 * the caller sees its effect (e.g. code at the CREATE2 address) instead of sending a duplicate.
 */
export function settleSender(target: ChainTarget, address: string, timeoutMs: number): Promise<void> {
    const state = senderState(target, address);
    state.settled ??= (async () => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const [latest, pending] = await Promise.all([
                rpcCall(target, "eth_getTransactionCount(latest)", (p) => p.getTransactionCount(address, "latest")),
                pendingCount(target, address),
            ]);
            if (latest >= pending) return;
            if (Date.now() > deadline) {
                throw new Error(
                    `chain ${target.name} (${redactRpcUrl(target.rpcUrl)}): ${pending - latest} earlier transaction(s) from ${address} still pending after ${timeoutMs / 1000}s`,
                );
            }
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
    })();
    // A failed settle (endpoint down, deadline hit) is not remembered: the next deployment from this sender waits
    // again instead of failing at once for the rest of the process.
    const settled = state.settled;
    settled.catch(() => {
        if (state.settled === settled) state.settled = undefined;
    });
    return settled;
}

/**
 * EIP-1559 fees when the chain has a base fee, else a legacy gas price, both clearing the chain's node minimum
 * (contracts/fees.ts). One request per retried call.
 */
async function feesOf(target: ChainTarget): Promise<Eip1559Fees | LegacyFees> {
    const minimum = BigInt(target.minGasPriceWei ?? "0");
    const block = await rpcCall(target, "eth_getBlockByNumber(latest)", (p) => p.getBlock("latest"));
    const baseFee = block?.baseFeePerGas ?? null;
    if (baseFee === null) {
        return legacyFees(BigInt(await rpcCall(target, "eth_gasPrice", (p) => p.send("eth_gasPrice", []) as Promise<string>)), minimum);
    }
    const tip = BigInt(await rpcCall(target, "eth_maxPriorityFeePerGas", (p) => p.send("eth_maxPriorityFeePerGas", []) as Promise<string>));
    return eip1559Fees(baseFee, tip, minimum);
}

const NONCE_CONFLICT =
    /nonce too low|nonce has already been used|replacement (transaction )?underpriced|already imported|NONCE_EXPIRED|REPLACEMENT_UNDERPRICED/i;
const ALREADY_KNOWN = /already known|known transaction|ALREADY_EXISTS/i;

function messageOf(error: unknown): string {
    const parts: string[] = [];
    for (let e: unknown = error, i = 0; e !== undefined && e !== null && i < 5; i++) {
        parts.push(e instanceof Error ? e.message : String(e));
        e = (e as { cause?: unknown }).cause ?? (e as { error?: unknown }).error;
    }
    return parts.join(" | ");
}

/**
 * Signs and broadcasts `tx` from `key` on `target` with the next free nonce of that sender.
 * Transient faults are retried (same signed bytes, so a retry after a lost response is harmless);
 * nonce conflicts resync the counter and re-sign with a fresh nonce (at most 5 times).
 */
export async function sendTransaction(target: ChainTarget, key: string, tx: OutgoingTx, label: string): Promise<SentTx> {
    const wallet = new Wallet(key);
    const fees = await feesOf(target);
    const state = senderState(target, wallet.address);
    return serialised(state, async () => {
        for (let attempt = 0; ; attempt++) {
            // The higher of our counter and the node's pending count: a pending transaction someone else
            // sent from this key keeps its nonce (a higher fee would otherwise silently replace it).
            state.next = Math.max(state.next ?? 0, await pendingCount(target, wallet.address));
            const nonce = state.next;
            const request: TransactionRequest = {
                to: tx.to,
                data: tx.data,
                value: tx.value ?? 0n,
                gasLimit: tx.gasLimit,
                nonce,
                chainId: BigInt(target.chainId),
                ...fees,
            };
            const raw = await wallet.signTransaction(request);
            const hash = keccak256(raw);
            try {
                await rpcCall(target, `broadcast ${label}`, async (p) => {
                    try {
                        await p.send("eth_sendRawTransaction", [raw]);
                    } catch (error) {
                        // A retried broadcast whose first attempt got through: same bytes, same hash.
                        if (ALREADY_KNOWN.test(messageOf(error))) return;
                        throw error;
                    }
                });
            } catch (error) {
                if (NONCE_CONFLICT.test(messageOf(error)) && attempt < 5) {
                    const fresh = await pendingCount(target, wallet.address);
                    providerLog(`chain ${target.name}: nonce ${nonce} of ${wallet.address} is taken (${label}); resynced to ${Math.max(fresh, nonce + 1)}`);
                    state.next = Math.max(fresh, nonce + 1);
                    continue;
                }
                // The nonce may or may not have been used: resync on the next send.
                state.next = undefined;
                throw error;
            }
            state.next = nonce + 1;
            await pauseAfterBroadcastHook(hash, label);
            return { hash, nonce };
        }
    });
}

/**
 * Test hook for crash safety: with CHAIN138_PAUSE_AFTER_BROADCAST=1 the process announces the
 * broadcast on stderr and stops there, so a test can kill it between send and record.
 */
async function pauseAfterBroadcastHook(hash: string, label: string): Promise<void> {
    if (process.env.CHAIN138_PAUSE_AFTER_BROADCAST !== "1") return;
    process.stderr.write(`CHAIN138_BROADCAST ${hash} ${label}\n`);
    await new Promise(() => undefined);
}
