// Sends transactions from the relayer key on one chain: one at a time (p-limit), with a locally
// tracked nonce that is re-read from the node after any failure.
import { eip1559Fees, legacyFees, type Eip1559Fees, type LegacyFees } from "../contracts/fees";
import pLimit from "p-limit";
import { Transaction, type JsonRpcProvider, type TransactionReceipt, type TransactionRequest, type Wallet } from "ethers";
import { redactRpcUrl } from "../contracts/providers/rpc";
import { describe, RetryableError, withRetry, type RetryPolicy } from "./retry";

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
    ) {}

    /** Reads are idempotent: retry each one on its own rather than the whole send. */
    private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
        return withRetry(`${this.chainName} ${what}`, this.policy, fn);
    }

    /** The chain and its endpoint for error messages (scheme, host and port: the URL may carry an API key). */
    private get where(): string {
        return `${this.chainName} (${redactRpcUrl(this.provider._getConnection().url)})`;
    }

    /** The relayer's address. */
    get address(): string {
        return this.wallet.address;
    }

    /** Signs and broadcasts `tx`; returns its hash once the node has it. */
    send(tx: { to: string; data: string; gasLimit: bigint }): Promise<string> {
        return this.serial(async () => {
            this.nonce ??= await this.freshNonce();
            const request: TransactionRequest = { ...tx, nonce: this.nonce, chainId: this.chainId, ...(await this.fees()) };
            const signed = await this.wallet.signTransaction(request);
            const hash = Transaction.from(signed).hash;
            if (hash === null) throw new Error(`${this.chainName}: signed transaction has no hash`);
            try {
                await this.provider.broadcastTransaction(signed);
            } catch (err) {
                // The node may have taken it and only the answer was lost: look before giving the nonce up.
                if (!(await this.known(hash))) {
                    this.nonce = undefined;
                    throw new Error(`${this.where}: sending deliver transaction failed: ${describe(err)}`, { cause: err });
                }
            }
            this.nonce += 1;
            return hash;
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
     * Polls for the receipt of `hash`, tolerating transient RPC errors until the timeout. Settles within
     * receiptTimeoutMs + one request's HTTP timeout + pollMs (docs/bounds.md), naming the chain and endpoint.
     */
    async waitReceipt(hash: string, signal: AbortSignal): Promise<TransactionReceipt> {
        const deadline = Date.now() + this.receiptTimeoutMs;
        let lastError = "";
        while (Date.now() < deadline) {
            signal.throwIfAborted();
            try {
                const receipt = await this.provider.getTransactionReceipt(hash);
                if (receipt !== null) return receipt;
            } catch (err) {
                lastError = `; last error: ${describe(err)}`;
            }
            await new Promise((r) => setTimeout(r, this.pollMs));
        }
        // Later sends must not queue behind a nonce we are unsure about.
        this.nonce = undefined;
        throw new RetryableError(`${this.where}: waiting for receipt: transaction ${hash} not mined within ${this.receiptTimeoutMs} ms${lastError}`);
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
