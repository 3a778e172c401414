// Builds provider inputs for tests and scripts that drive the contract providers without the Pulumi CLI.
import { id } from "ethers";
import { loadArtifact, type ContractName } from "../contracts/artifacts";
import { constructorTypes, type AbiArg } from "../contracts/providers/create2";
import type { ContractDeploymentInputs } from "../contracts/providers/contract-deployment";
import { initCodeOf, predictAddress } from "../contracts/providers/create2";

/** Where and as whom to deploy. */
export interface ProviderChain {
    chainName: string;
    rpcUrl: string;
    chainId: number;
    deployerKey: string;
    confirmations?: number;
    receiptTimeoutSeconds?: number;
}

/** Inputs deploying suite contract `name` with `args` under salt label `saltLabel`. */
export function deploymentInputs(chain: ProviderChain, name: ContractName, args: AbiArg[] = [], saltLabel: string = name): ContractDeploymentInputs {
    const artifact = loadArtifact(name);
    const types = constructorTypes(artifact.abi as readonly unknown[]);
    const salt = id(`test:${saltLabel}`);
    return {
        chainName: chain.chainName,
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
        contractName: name,
        bytecode: artifact.bytecode,
        constructorTypes: types,
        constructorArgs: args,
        salt,
        confirmations: chain.confirmations ?? 1,
        receiptTimeoutSeconds: chain.receiptTimeoutSeconds ?? 60,
        deployerKey: chain.deployerKey,
        address: predictAddress(salt, initCodeOf(artifact.bytecode, types, args)),
    };
}

/** Captures provider log lines (the providers write to this sink when it is installed). */
export function captureProviderLog(): { lines: string[]; restore(): void } {
    const g = globalThis as Record<symbol, unknown>;
    const key = Symbol.for("chain138.contracts.log");
    const previous = g[key];
    const lines: string[] = [];
    g[key] = (line: string) => lines.push(line);
    return { lines, restore: () => (g[key] = previous) };
}
