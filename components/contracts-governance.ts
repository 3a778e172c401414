// SuiteGovernance per chain: the hand-over of a chain's suite to its MultiSig, registered once per chain under
// its ContractSuite. It waits for the chain's deployments and for every CcipWiring lane touching the chain, so
// the lanes configure with the deployer key and ownership then moves once (a single-chain stack: after the suite).
import * as pulumi from "@pulumi/pulumi";
import { SuiteGovernance } from "../contracts/providers/suite-governance";
import { OWNED_CONTRACTS } from "./contracts-plan";
import type { ContractSuite } from "./contract-suite";
import type { CcipWiring } from "./contracts-wiring";
import { suiteGovernanceName } from "../regions/targets";

/** One {@link SuiteGovernance} per suite, parented to it, after the suite's deployments and the lanes touching its chain. */
export function governSuites(
    suites: readonly ContractSuite[],
    wirings: readonly CcipWiring[],
    deployerKey: pulumi.Input<string>,
    deployerAddress: string,
): SuiteGovernance[] {
    return suites.map((suite) => {
        const chain = suite.chain;
        // Only contracts this suite deploys: a configured router (or Multicall3) is not ours to hand over.
        const owned = OWNED_CONTRACTS.flatMap((contract) => {
            const deployment = suite.deployments[contract];
            return deployment === undefined ? [] : [deployment.address.apply((address) => ({ contract, address }))];
        });
        const lanes = wirings.filter((wiring) => wiring.suites.includes(suite)).map((wiring) => wiring.lane);
        return new SuiteGovernance(
            suiteGovernanceName(chain.name),
            {
                chainName: chain.name,
                rpcUrl: chain.rpcUrl,
                rpcCaCertificate: chain.rpcCaCertificate,
                chainId: chain.chainId,
                minGasPriceWei: chain.minGasPriceWei,
                confirmations: chain.confirmations,
                receiptTimeoutSeconds: chain.receiptTimeoutSeconds,
                multisig: suite.addresses.MultiSig,
                owned,
                deployerAddress,
                deployerKey,
            },
            { parent: suite, dependsOn: [...Object.values(suite.deployments), ...lanes] },
        );
    });
}
