// Shared CCIP setup for tests: a router per "chain" with lanes, fees and attesters wired to each other.
import { Contract, Wallet, type Signer } from "ethers";
import { deploy } from "./deploy";
import { mined } from "./assertions";

/** CCIP selector Chainlink assigns to Ethereum mainnet. */
export const MAINNET_SELECTOR = 5009297550715157269n;
/** Selector this project uses for Chain 138 (no Chainlink deployment there). */
export const CHAIN138_SELECTOR = 138n;

/** Default native fee schedule used by tests: base + per byte + per gas. */
export const TEST_FEES = { enabled: true, baseFee: 10_000n, feePerByte: 10n, feePerGas: 1n };

/** Deploys a router for `selector` owned by `owner` with the native fee schedule enabled. */
export async function deployRouter(owner: Signer, selector: bigint): Promise<Contract> {
  const router = (await deploy("CCIPRouter", owner, await owner.getAddress(), selector)).contract;
  await mined(router.setFeeConfig("0x0000000000000000000000000000000000000000", TEST_FEES));
  return router;
}

/** Configures the lane `local -> remote` on `local` with `attesters` and `threshold`. */
export async function connectLane(
  local: Contract,
  remoteSelector: bigint,
  remote: Contract,
  attesters: readonly Wallet[],
  threshold: number,
): Promise<void> {
  await mined(local.setLane(remoteSelector, remote.target, attesters.map((a) => a.address), threshold));
}

/** Fresh attester keys (they only sign, so they need no funds). */
export function makeAttesters(n: number): Wallet[] {
  return Array.from({ length: n }, () => Wallet.createRandom()).map((w) => new Wallet(w.privateKey));
}
