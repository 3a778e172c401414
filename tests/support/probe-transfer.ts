// A 1-wei transfer sent through the providers' own sender (nonce tracking, fees), for tests that need a
// transaction in flight rather than a particular one.
import { sendTransaction, type SentTx } from "../../contracts/providers/nonce";
import type { ChainTarget } from "../../contracts/providers/rpc";

export function sendProbeTransfer(target: ChainTarget, fromKey: string, to: string, label: string): Promise<SentTx> {
    return sendTransaction(target, fromKey, { to, data: "0x", value: 1n, gasLimit: 21000n }, label);
}
