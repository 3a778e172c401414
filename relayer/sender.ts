// Sends transactions from the relayer key on one chain: one at a time (p-limit), with a locally
// tracked nonce that is re-read from the node after any failure.
import { eip1559Fees, legacyFees, type Eip1559Fees, type LegacyFees } from "../contracts/fees";
import pLimit from "p-limit";
import { Transaction, isError, type JsonRpcProvider, type TransactionReceipt, type TransactionRequest, type Wallet } from "ethers";
import { redactRpcUrl } from "../contracts/providers/rpc";
import { describe, MAX_TIMER_MS, REQUEST_TIMEOUT_MS, RetryableError, retryBoundMs, withRetry, type RetryPolicy } from "./retry";

/**
 * Replacing a transaction that is not mined: same nonce, higher fees. Geth's pool takes a replacement only when both
 * the fee cap and the tip rise by its price bump (`--txpool.pricebump`, default 10 %: core/txpool/legacypool
 * `ErrReplaceUnderpriced`), Besu the same (`--tx-pool-price-bump`, default 10 %: Besu docs "Transaction pool", section
 * "Replacing transactions with the same sender and nonce", which also says an EIP-1559 replacement must not lower the
 * priority fee); each bump here raises both by
 * {@link BUMP_NUMERATOR}/{@link BUMP_DENOMINATOR} (+25 %), rounded up, so every node accepts it.
 */
export interface FeeBumping {
    /** Time without a receipt after which the transaction is re-sent with higher fees. */
    afterMs: number;
    /** Replacements per transaction at most (each raises the fees by 25 %): bounds the extra spend to 1.25^max. */
    maxBumps: number;
}

const BUMP_NUMERATOR = 5n;
const BUMP_DENOMINATOR = 4n;

function bumped(fees: Eip1559Fees | LegacyFees): Eip1559Fees | LegacyFees {
    const up = (v: bigint): bigint => (v * BUMP_NUMERATOR + BUMP_DENOMINATOR - 1n) / BUMP_DENOMINATOR + 1n;
    return fees.type === 0
        ? { type: 0, gasPrice: up(fees.gasPrice) }
        : { type: 2, maxFeePerGas: up(fees.maxFeePerGas), maxPriorityFeePerGas: up(fees.maxPriorityFeePerGas) };
}

function feeText(fees: Eip1559Fees | LegacyFees): string {
    return fees.type === 0 ? `gasPrice ${fees.gasPrice}` : `maxFeePerGas ${fees.maxFeePerGas}, tip ${fees.maxPriorityFeePerGas}`;
}

/**
 * Longest time one send holds the sender's queue once it runs (docs/bounds.md, TxSender.send): a nonce read (two reads
 * in parallel), the fee reads (two in a row), one broadcast at the HTTP timeout and a known-check read.
 */
export function sendStepBoundMs(policy: Pick<RetryPolicy, "retries" | "minTimeoutMs">): number {
    return 4 * retryBoundMs(policy, REQUEST_TIMEOUT_MS) + REQUEST_TIMEOUT_MS;
}

/**
 * How long a send or a fee bump waits behind the chain's earlier ones (one at a time: one nonce sequence) before it
 * fails: four sends' full bound, so a queue of every lane into the chain still drains while its steps take their whole
 * bound, and a longer wait fails, naming the chain, instead of waiting (and holding its closure) for ever.
 */
export function sendQueueWaitMs(policy: Pick<RetryPolicy, "retries" | "minTimeoutMs">): number {
    // A timer keeps at most MAX_TIMER_MS; beyond, it would fire at once (extreme retry settings only).
    return Math.min(4 * sendStepBoundMs(policy), MAX_TIMER_MS);
}

/** A transaction the sender broadcast: every version of it at one nonce, newest last. */
export interface SentTx {
    readonly nonce: number;
    readonly request: TransactionRequest;
    fees: Eip1559Fees | LegacyFees;
    readonly hashes: string[];
    lastSentAt: number;
}

export class TxSender {
    private readonly serial = pLimit(1);
    private nonce: number | undefined;

    constructor(
        private readonly chainName: string,
        private readonly wallet: Wallet,
        private readonly provider: JsonRpcProvider,
        private readonly chainId: bigint,
        private readonly pollMs: number,
        private readonly receiptTimeoutMs: number,
        private readonly policy: RetryPolicy,
        /** The chain's node minimum gas price (contracts/fees.ts). */
        private readonly minGasPriceWei: bigint = 0n,
        /** Replacement of a stuck transaction; undefined: wait for it as sent. */
        private readonly bumping?: FeeBumping,
        /** Longest wait for the queue (earlier sends and bumps); {@link sendQueueWaitMs} by default. */
        private readonly queueWaitMs: number = sendQueueWaitMs(policy),
    ) {}

    /**
     * Runs `run` when the sends queued before it are done, or fails once `queueWaitMs` passed or `signal` aborted
     * first (p-limit queues without a bound of its own). A task given up is skipped when its turn comes, so nothing is
     * ever broadcast after its caller stopped waiting: a late send would race the caller's next attempt for the nonce.
     */
    private queued<T>(what: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
        if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
        let started = false;
        let abandoned = false;
        return new Promise<T>((resolve, reject) => {
            const giveUp = (err: unknown): void => {
                if (started || abandoned) return;
                abandoned = true;
                clearTimeout(timer);
                signal?.removeEventListener("abort", onAbort);
                reject(err);
            };
            const onAbort = (): void => giveUp(signal?.reason);
            const timer = setTimeout(() => {
                const others = this.serial.activeCount + this.serial.pendingCount - 1;
                giveUp(
                    new RetryableError(
                        `${this.where}: ${what}: waited ${this.queueWaitMs} ms for this relayer's ${others} other send(s) running or queued on the chain; not sent`,
                    ),
                );
            }, this.queueWaitMs);
            signal?.addEventListener("abort", onAbort, { once: true });
            this.serial(async () => {
                if (abandoned) return undefined as T;
                started = true;
                clearTimeout(timer);
                signal?.removeEventListener("abort", onAbort);
                return run();
            }).then(resolve, reject);
        });
    }

    /** Reads are idempotent: retry each one on its own rather than the whole send. */
    private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
        return withRetry(`${this.where} ${what}`, this.policy, fn);
    }

    /** The chain and its endpoint for error messages (scheme, host and port: the URL may carry an API key). */
    private get where(): string {
        return `${this.chainName} (${redactRpcUrl(this.provider._getConnection().url)})`;
    }

    /** The relayer's address. */
    get address(): string {
        return this.wallet.address;
    }

    /**
     * Signs and broadcasts `tx`; returns it once the node has it. Waits its turn behind this chain's earlier sends at
     * most `queueWaitMs`, and not at all once `signal` (the caller's deadline) aborts.
     */
    send(tx: { to: string; data: string; gasLimit: bigint }, signal?: AbortSignal): Promise<SentTx> {
        return this.queued("sending deliver transaction", signal, async () => {
            this.nonce ??= await this.freshNonce();
            const fees = await this.fees();
            // The reads may have outlasted the caller's deadline: then nothing goes out (the nonce stays unused).
            signal?.throwIfAborted();
            const request: TransactionRequest = { ...tx, nonce: this.nonce, chainId: this.chainId };
            const hash = await this.broadcast(request, fees);
            if (hash === undefined) {
                this.nonce = undefined;
                throw new RetryableError(`${this.where}: the node already has a transaction at nonce ${request.nonce}; re-reading the nonce`);
            }
            this.nonce += 1;
            return { nonce: request.nonce as number, request, fees, hashes: [hash], lastSentAt: Date.now() };
        });
    }

    /**
     * Signs `request` with `fees` and broadcasts it; its hash once the node has it, undefined when the node refuses it
     * because the nonce is used (mined, or a replacement it will not take). Other failures throw.
     */
    private async broadcast(request: TransactionRequest, fees: Eip1559Fees | LegacyFees): Promise<string | undefined> {
        const signed = await this.wallet.signTransaction({ ...request, ...fees });
        const hash = Transaction.from(signed).hash;
        if (hash === null) throw new Error(`${this.chainName}: signed transaction has no hash`);
        try {
            await this.provider.broadcastTransaction(signed);
        } catch (err) {
            // The node may have taken it and only the answer was lost: look before giving the nonce up.
            if (await this.known(hash)) return hash;
            if (isError(err, "NONCE_EXPIRED") || isError(err, "REPLACEMENT_UNDERPRICED")) return undefined;
            this.nonce = undefined;
            throw new Error(`${this.where}: sending deliver transaction failed: ${describe(err)}`, { cause: err });
        }
        return hash;
    }

    /** Re-sends `sent` at its nonce with fees raised by 25 %; false when the node no longer takes that nonce. */
    private bump(sent: SentTx, signal: AbortSignal): Promise<boolean> {
        return this.queued(`replacing transaction at nonce ${sent.nonce}`, signal, async () => {
            const fees = bumped(sent.fees);
            const hash = await this.broadcast(sent.request, fees);
            sent.lastSentAt = Date.now();
            if (hash === undefined) return false;
            this.policy.log(
                `${this.chainName}: transaction ${sent.hashes[sent.hashes.length - 1]} (nonce ${sent.nonce}) not mined after ${this.bumping?.afterMs} ms; replaced by ${hash} (${feeText(sent.fees)} -> ${feeText(fees)})`,
            );
            sent.fees = fees;
            sent.hashes.push(hash);
            return true;
        });
    }

    /**
     * Fees that clear the node's minimum on an idle chain too (contracts/fees.ts): ethers' getFeeData would offer
     * 2 × base fee + the node's suggested tip, ~14 wei on an idle Besu chain, below a Besu default minimum of 1000.
     */
    private async fees(): Promise<Eip1559Fees | LegacyFees> {
        const block = await this.read("latest block", () => this.provider.getBlock("latest"));
        const baseFee = block?.baseFeePerGas ?? null;
        if (baseFee === null) {
            return legacyFees(BigInt(await this.read("eth_gasPrice", () => this.provider.send("eth_gasPrice", []) as Promise<string>)), this.minGasPriceWei);
        }
        const tip = BigInt(await this.read("eth_maxPriorityFeePerGas", () => this.provider.send("eth_maxPriorityFeePerGas", []) as Promise<string>));
        return eip1559Fees(baseFee, tip, this.minGasPriceWei);
    }

    /**
     * Polls for the receipt of any version of `sent`, tolerating transient RPC errors until the timeout, and replaces
     * it with higher fees every `bumping.afterMs` (at most `bumping.maxBumps` times). Settles within
     * receiptTimeoutMs plus the requests in flight at the deadline and one last poll (docs/bounds.md), naming the chain and endpoint.
     */
    async waitReceipt(sent: SentTx, signal: AbortSignal): Promise<TransactionReceipt> {
        const deadline = Date.now() + this.receiptTimeoutMs;
        // A replacement waits for the sender's queue no longer than the receipt wait itself lasts.
        const receiptWait = new AbortController();
        const receiptTimer = setTimeout(() => receiptWait.abort(new Error("receipt wait over")), Math.min(this.receiptTimeoutMs, MAX_TIMER_MS));
        const bumpSignal = AbortSignal.any([signal, receiptWait.signal]);
        const receiptOfAny = async (): Promise<TransactionReceipt | null> => {
            // Newest first: once a replacement is in, the older versions can never be mined (same nonce).
            for (const hash of [...sent.hashes].reverse()) {
                const receipt = await this.provider.getTransactionReceipt(hash);
                if (receipt !== null) return receipt;
            }
            return null;
        };
        let lastError = "";
        try {
            while (Date.now() < deadline) {
                signal.throwIfAborted();
                try {
                    const receipt = await receiptOfAny();
                    if (receipt !== null) return receipt;
                    const b = this.bumping;
                    if (b !== undefined && sent.hashes.length <= b.maxBumps && Date.now() - sent.lastSentAt >= b.afterMs) await this.bump(sent, bumpSignal);
                } catch (err) {
                    lastError = `; last error: ${describe(err)}`;
                }
                await new Promise((r) => setTimeout(r, this.pollMs));
            }
            // One last look: the loop may have spent its end waiting for a replacement's turn in the queue.
            const receipt = await receiptOfAny().catch((err: unknown) => {
                lastError = `; last error: ${describe(err)}`;
                return null;
            });
            if (receipt !== null) return receipt;
        } catch (err) {
            // The caller stopped waiting (its deadline, or stop): the transaction may still be pending at its nonce.
            this.nonce = undefined;
            throw err;
        } finally {
            clearTimeout(receiptTimer);
        }
        // Later sends must not queue behind a nonce we are unsure about.
        this.nonce = undefined;
        throw new RetryableError(
            `${this.where}: waiting for receipt: transaction ${sent.hashes.join(", ")} not mined within ${this.receiptTimeoutMs} ms (nonce ${sent.nonce})${lastError}`,
        );
    }

    /**
     * The next nonce, once the account has nothing in flight. A transaction still pending from
     * before a crash (or a lost answer) may be a delivery: wait for it rather than race it.
     */
    private async freshNonce(): Promise<number> {
        const [latest, pending] = await Promise.all([
            this.read("getTransactionCount", () => this.provider.getTransactionCount(this.wallet.address, "latest")),
            this.read("getTransactionCount", () => this.provider.getTransactionCount(this.wallet.address, "pending")),
        ]);
        if (pending > latest) {
            throw new RetryableError(
                `${this.chainName}: relayer ${this.wallet.address} has ${pending - latest} unmined transaction(s) (nonces ${latest}..${pending - 1}); waiting for them before sending`,
            );
        }
        return latest;
    }

    private async known(hash: string): Promise<boolean> {
        try {
            return (await this.read("getTransaction", () => this.provider.getTransaction(hash))) !== null;
        } catch {
            return false;
        }
    }
}
