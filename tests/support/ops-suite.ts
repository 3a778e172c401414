// Deploys the real contract suite on an anvil chain the way the stack does (MultiSig owner, router, WETH9/10
// and their bridges), wires two chains over CCIP, and hands ownership to the MultiSig.
import { Contract, type Wallet } from "ethers";
import type { AnvilNode } from "../../devkit/anvil";
import { mined } from "./assertions";
import { connectLane, deployRouter } from "./ccip-fixture";
import { makeAttesters } from "../../devkit/ccip-fixture";
import { deploy } from "../../devkit/deploy";

/** One chain's deployed suite. */
export interface SuiteSide {
    node: AnvilNode;
    deployer: Wallet;
    selector: bigint;
    contracts: Record<"MultiSig" | "CCIPRouter" | "WETH9" | "WETH10" | "CCIPWETH9Bridge" | "CCIPWETH10Bridge", Contract>;
}

/** Deploys the suite on `node`, owned for now by dev account 0 (the MultiSig's single owner, threshold 1). */
export async function deploySuite(node: AnvilNode, selector: bigint): Promise<SuiteSide> {
    const deployer = node.wallet(0, node.provider());
    const multisig = (await deploy("MultiSig", deployer, [deployer.address], 1)).contract;
    const router = await deployRouter(deployer, selector);
    const weth9 = (await deploy("WETH9", deployer)).contract;
    const weth10 = (await deploy("WETH10", deployer)).contract;
    const bridge9 = (await deploy("CCIPWETH9Bridge", deployer, router.target, weth9.target, deployer.address)).contract;
    const bridge10 = (await deploy("CCIPWETH10Bridge", deployer, router.target, weth10.target, deployer.address)).contract;
    return {
        node,
        deployer,
        selector,
        contracts: { MultiSig: multisig, CCIPRouter: router, WETH9: weth9, WETH10: weth10, CCIPWETH9Bridge: bridge9, CCIPWETH10Bridge: bridge10 },
    };
}

/** Lanes both ways on the routers and remote bridges both ways on both bridges. */
export async function wire(a: SuiteSide, b: SuiteSide): Promise<void> {
    const attesters = makeAttesters(2);
    for (const [local, remote] of [
        [a, b],
        [b, a],
    ] as const) {
        await connectLane(local.contracts.CCIPRouter, remote.selector, remote.contracts.CCIPRouter, attesters, 2);
        for (const bridge of ["CCIPWETH9Bridge", "CCIPWETH10Bridge"] as const) {
            await mined(local.contracts[bridge].setRemoteBridge(remote.selector, remote.contracts[bridge].target));
        }
    }
}

/** Ownable2Step hand-over of every owned contract to the MultiSig: transfer, then accept through the wallet. */
export async function handOver(side: SuiteSide, names: readonly ("CCIPRouter" | "CCIPWETH9Bridge" | "CCIPWETH10Bridge")[], accept = true): Promise<void> {
    const multisig = side.contracts.MultiSig;
    for (const name of names) {
        const contract = side.contracts[name];
        await mined(contract.transferOwnership(multisig.target));
        if (!accept) continue;
        const txId = (await multisig.transactionCount()) as bigint;
        await mined(multisig.submit(contract.target, 0n, contract.interface.encodeFunctionData("acceptOwnership", [])));
        await mined(multisig.execute(txId));
    }
}

/** The stack's `contracts.<chain>` output for `side`. */
export function addressesOf(side: SuiteSide): Record<string, string> {
    return Object.fromEntries(Object.entries(side.contracts).map(([name, c]) => [name, String(c.target)]));
}
