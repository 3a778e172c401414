// Sends transactions from the relayer key on one chain: one at a time (p-limit), with a locally
// tracked nonce that is re-read from the node after any failure.
import pLimit from "p-limit";
import { Transaction, type JsonRpcProvider, type TransactionReceipt, type TransactionRequest, type Wallet } from "ethers";
import { describe, withRetry, type RetryPolicy } from "./retry";

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
  ) {}

  /** Reads are idempotent: retry each one on its own rather than the whole send. */
  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(`${this.chainName} ${what}`, this.policy, fn);
  }

  /** The relayer's address. */
  get address(): string {
    return this.wallet.address;
  }

  /** Signs and broadcasts `tx`; returns its hash once the node has it. */
  send(tx: { to: string; data: string; gasLimit: bigint }): Promise<string> {
    return this.serial(async () => {
      this.nonce ??= await this.freshNonce();
      const fees = await this.read("getFeeData", () => this.provider.getFeeData());
      const request: TransactionRequest = { ...tx, nonce: this.nonce, chainId: this.chainId };
      if (fees.maxFeePerGas !== null && fees.maxPriorityFeePerGas !== null) {
        Object.assign(request, { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas });
      } else {
        Object.assign(request, { type: 0, gasPrice: fees.gasPrice ?? 0n });
      }
      const signed = await this.wallet.signTransaction(request);
      const hash = Transaction.from(signed).hash;
      if (hash === null) throw new Error(`${this.chainName}: signed transaction has no hash`);
      try {
        await this.provider.broadcastTransaction(signed);
      } catch (err) {
        // The node may have taken it and only the answer was lost: look before giving the nonce up.
        if (!(await this.known(hash))) {
          this.nonce = undefined;
          throw new Error(`${this.chainName}: sending deliver transaction failed: ${describe(err)}`, { cause: err });
        }
      }
      this.nonce += 1;
      return hash;
    });
  }

  /** Polls for the receipt of `hash`, tolerating transient RPC errors until the timeout. */
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
    throw new Error(`${this.chainName}: transaction ${hash} not mined within ${this.receiptTimeoutMs} ms${lastError}`);
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
      throw new Error(`${this.chainName}: relayer ${this.wallet.address} has ${pending - latest} unmined transaction(s) (nonces ${latest}..${pending - 1}); waiting for them before sending`);
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
