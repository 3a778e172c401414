// Deploys compiled artifacts with ethers and returns typed-enough handles for tests and scripts.
import { Contract, ContractFactory, type ContractRunner, type Signer, type TransactionReceipt } from "ethers";
import {
  loadArtifact,
  loadTestArtifact,
  type Artifact,
  type ContractName,
  type TestContractName,
} from "../../contracts/artifacts";

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
