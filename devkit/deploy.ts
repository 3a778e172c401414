// Deploys compiled artifacts with ethers and returns typed-enough handles for tests and scripts.
import { Contract, ContractFactory, concat, getCreate2Address, keccak256, type ContractRunner, type Signer, type TransactionReceipt } from "ethers";
import { loadArtifact, loadTestArtifact, type Artifact, type ContractName, type TestContractName } from "../contracts/artifacts";

/** A deployed contract with the receipt of its deployment. */
export interface Deployed {
    contract: Contract;
    address: string;
    receipt: TransactionReceipt;
}

/** Deploys `artifact` from `signer` with constructor `args` and waits for the receipt. */
export async function deployArtifact(artifact: Artifact, signer: Signer, ...args: unknown[]): Promise<Deployed> {
    const factory = new ContractFactory(artifact.abi, artifact.bytecode, signer);
    const contract = await factory.deploy(...args);
    const tx = contract.deploymentTransaction();
    if (tx === null) throw new Error(`${artifact.contractName}: no deployment transaction`);
    const receipt = await tx.wait();
    if (receipt === null) throw new Error(`${artifact.contractName}: deployment not mined`);
    const address = await contract.getAddress();
    return { contract: new Contract(address, artifact.abi, signer), address, receipt };
}

/** Deploys a suite contract by name. */
export function deploy(name: ContractName, signer: Signer, ...args: unknown[]): Promise<Deployed> {
    return deployArtifact(loadArtifact(name), signer, ...args);
}

/** Deploys a test helper contract by name. */
export function deployTest(name: TestContractName, signer: Signer, ...args: unknown[]): Promise<Deployed> {
    return deployArtifact(loadTestArtifact(name), signer, ...args);
}

/** A handle on an already deployed suite contract. */
export function attach(name: ContractName, address: string, runner: ContractRunner): Contract {
    return new Contract(address, loadArtifact(name).abi, runner);
}

/** The CREATE2 deterministic-deployment proxy (predeployed by anvil, deployed on mainnet). */
export const CREATE2_PROXY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";

/** Address `artifact` with `args` gets when deployed through {@link CREATE2_PROXY} with `salt`. */
export async function create2Address(artifact: Artifact, salt: string, ...args: unknown[]): Promise<string> {
    const initCode = (await new ContractFactory(artifact.abi, artifact.bytecode).getDeployTransaction(...args)).data;
    return getCreate2Address(CREATE2_PROXY, salt, keccak256(initCode));
}

/**
 * Deploys a suite contract through the CREATE2 proxy (the proxy becomes `msg.sender`, which is why
 * every Ownable contract takes its owner as a constructor argument).
 */
export async function deployCreate2(name: ContractName, signer: Signer, salt: string, ...args: unknown[]): Promise<Deployed> {
    const artifact = loadArtifact(name);
    const initCode = (await new ContractFactory(artifact.abi, artifact.bytecode).getDeployTransaction(...args)).data;
    const address = await create2Address(artifact, salt, ...args);
    const tx = await signer.sendTransaction({ to: CREATE2_PROXY, data: concat([salt, initCode]) });
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`${name}: CREATE2 deployment failed`);
    const provider = signer.provider;
    if (provider === null || (await provider.getCode(address)) === "0x") {
        throw new Error(`${name}: no code at ${address} after CREATE2 deployment`);
    }
    return { contract: new Contract(address, artifact.abi, signer), address, receipt };
}
