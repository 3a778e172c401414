// Deploys all ten suite contracts on an anvil chain the way the deployment does — through the CREATE2
// proxy, with real constructor arguments — plus MultiSig by plain CREATE to cover that path too.
import { id, type Wallet } from "ethers";
import type { ContractName } from "../../contracts/artifacts";
import type { DeployedContract } from "../../ops/explorer";
import type { AnvilNode } from "../../devkit/anvil";
import { deploy, deployCreate2, type Deployed } from "../../devkit/deploy";

/** Deploys the suite on `node` as dev account 0; returns the records in suite order. */
export async function deployExplorerSuite(node: AnvilNode, chain: string, selector: bigint): Promise<DeployedContract[]> {
    const deployer: Wallet = node.wallet(0, node.provider());
    const owner = deployer.address;
    const records: DeployedContract[] = [];
    const create2 = async (name: ContractName, ...args: unknown[]): Promise<Deployed> => {
        const d = await deployCreate2(name, deployer, id(`chain138/${name}`), ...args);
        records.push({ chain, contract: name, address: d.address, txHash: d.receipt.hash });
        return d;
    };
    await create2("Multicall3");
    const weth9 = await create2("WETH9");
    const weth10 = await create2("WETH10");
    const router = await create2("CCIPRouter", owner, selector);
    await create2("CCIPWETH9Bridge", router.address, weth9.address, owner);
    await create2("CCIPWETH10Bridge", router.address, weth10.address, owner);
    const aggregator = await create2("Aggregator", owner, 8, "ETH / USD", 3600, 500_000);
    await create2("AggregatorProxy", owner, aggregator.address);
    await create2("OracleWithCCIP", router.address, owner, 8, "ETH / USD (CCIP)", 3600, 500_000);
    const multisig = await deploy("MultiSig", deployer, [owner, node.accounts[1].address], 1);
    records.push({ chain, contract: "MultiSig", address: multisig.address, txHash: multisig.receipt.hash });
    return records;
}
