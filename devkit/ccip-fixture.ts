// CCIP constants and keys shared by the tests, the gas report and the suite benchmark: selectors, the
// test fee schedule, attester keys. Router deployment and lane wiring for tests stay with the tests' own support code.
import { Wallet } from "ethers";

/** CCIP selector Chainlink assigns to Ethereum mainnet. */
export const MAINNET_SELECTOR = 5009297550715157269n;
/** Selector this project uses for Chain 138 (no Chainlink deployment there). */
export const CHAIN138_SELECTOR = 138n;

/** Default native fee schedule used by tests: base + per byte + per gas. */
export const TEST_FEES = { enabled: true, baseFee: 10_000n, feePerByte: 10n, feePerGas: 1n };

/** Fresh attester keys (they only sign, so they need no funds). */
export function makeAttesters(n: number): Wallet[] {
    return Array.from({ length: n }, () => Wallet.createRandom()).map((w) => new Wallet(w.privateKey));
}
