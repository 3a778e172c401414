// The contract deployment of a stack: one ContractSuite per configured chain, one CcipWiring per pair, then one
// SuiteGovernance per chain (after the chain's suite and lanes).
import * as pulumi from "@pulumi/pulumi";
import type { LoadedFleetConfig } from "../config/load";
import type { ChainEndpoint } from "./chain-endpoints";
import { contractSuiteName } from "../regions/targets";
import { ContractSuite } from "./contract-suite";
import { CcipWiring } from "./contracts-wiring";
import { governSuites } from "./contracts-governance";
import type { SuiteGovernance } from "../contracts/providers/suite-governance";
import type { ContractOutputs, ExportsOf } from "../stack/outputs";

export interface DeployedContracts {
    suites: ContractSuite[];
    wirings: CcipWiring[];
    /** One per suite: the hand-over of its contracts to its MultiSig. */
    governance: SuiteGovernance[];
    /** Stack output: `{ <chain>: { <Contract>: address } }`. */
    outputs: ExportsOf<ContractOutputs>;
}

/** Registers the suites and lanes; undefined when the stack configures no chains (or has no deployer key). */
export function deployContracts(config: LoadedFleetConfig, chains: ChainEndpoint[]): DeployedContracts | undefined {
    if (chains.length === 0) return undefined;
    if (config.deployerKey === undefined || config.deployerAddress === undefined) {
        // Preview without the key stays possible; `npm run dev` and CI set it before `pulumi up`.
        pulumi.log.warn(
            `chain138:chains lists ${chains.map((c) => c.name).join(", ")} but chain138:deployerKey is not set: no contracts are deployed. ` +
                "Set it with `pulumi config set --secret chain138:deployerKey 0x…`.",
        );
        return undefined;
    }
    const key = config.deployerKey;
    const deployer = config.deployerAddress;
    const saltLabel = config.ccip?.salt ?? "chain138/v1";
    const suites = chains.map((chain) => new ContractSuite(contractSuiteName(chain.name), { chain, saltLabel, deployerKey: key, deployerAddress: deployer }));
    const wirings: CcipWiring[] = [];
    const ccip = config.ccip;
    if (ccip !== undefined) {
        for (let i = 0; i < suites.length; i++) {
            for (let j = i + 1; j < suites.length; j++) {
                const pair: [ContractSuite, ContractSuite] = [suites[i], suites[j]];
                wirings.push(
                    new CcipWiring(`ccip-${pair[0].chain.name}-${pair[1].chain.name}`, { suites: pair, ccip, deployerKey: key, deployerAddress: deployer }),
                );
            }
        }
    }
    const governance = governSuites(suites, wirings, key, deployer);
    const outputs = Object.fromEntries(suites.map((suite) => [suite.chain.name, suite.addresses]));
    return { suites, wirings, governance, outputs };
}
