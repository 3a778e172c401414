// Shared CCIP setup for tests: a router per "chain" with lanes, fees and attesters wired to each other
// (selectors, fees and attester keys: devkit/ccip-fixture.ts).
import type { Contract, Signer, Wallet } from "ethers";
import { TEST_FEES } from "../../devkit/ccip-fixture";
import { deploy } from "../../devkit/deploy";
import { mined } from "./assertions";

/** Deploys a router for `selector` owned by `owner` with the native fee schedule enabled. */
export async function deployRouter(owner: Signer, selector: bigint): Promise<Contract> {
    const router = (await deploy("CCIPRouter", owner, await owner.getAddress(), selector)).contract;
    await mined(router.setFeeConfig("0x0000000000000000000000000000000000000000", TEST_FEES));
    return router;
}

/** Configures the lane `local -> remote` on `local` with `attesters` and `threshold`. */
export async function connectLane(local: Contract, remoteSelector: bigint, remote: Contract, attesters: readonly Wallet[], threshold: number): Promise<void> {
    await mined(
        local.setLane(
            remoteSelector,
            remote.target,
            attesters.map((a) => a.address),
            threshold,
        ),
    );
}
