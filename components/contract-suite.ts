// ContractSuite: the contract suite on one chain as Pulumi resources, one ContractDeployment per contract.
// Dependencies are only what the constructors need (components/contracts-plan.ts): everything else goes
// out at once, so the engine lands the independent contracts in the first block and the router's
// receivers (bridges, oracle) right after the router.
import * as pulumi from "@pulumi/pulumi";
import { loadArtifact, type ContractName } from "../contracts/artifacts";
import { ContractDeployment } from "../contracts/providers/contract-deployment";
import { constructorTypes, type AbiArg } from "../contracts/providers/create2";
import { ChainReady } from "../contracts/providers/chain-ready";
import { SUITE_MEMBERS } from "../regions/targets";
import { deployerBudgetWei, type ChainEndpoint } from "./chain-endpoints";
import { resolveArgs, saltOf, suitePlan } from "./contracts-plan";

/** Args of a {@link ContractSuite}. */
export interface ContractSuiteArgs {
    /** The chain with its endpoints (its RPC URL is a secret Output). Required. */
    chain: ChainEndpoint;
    /** CREATE2 salt label (config `ccip.salt`, default "chain138/v1"). Required. */
    saltLabel: string;
    /** Deployer key, a secret Output from config. Required. */
    deployerKey: pulumi.Input<string>;
    /** The deployer's public address: the initial owner of every Ownable and the MultiSig. Required. */
    deployerAddress: string;
}

/** What {@link createContractSuite} builds. */
export interface ContractSuiteParts {
    /** Every contract's address (deployed ones depend on their deployment; configured ones are plain). */
    addresses: Record<ContractName, pulumi.Output<string>>;
    /** The deployments this suite made (not the configured existing router/Multicall3). */
    deployments: Partial<Record<ContractName, ContractDeployment>>;
    /** The readiness gate every deployment waits behind (the fleet's own chain only). */
    ready?: ChainReady;
}

/** Registers one ContractDeployment per contract of the chain's plan, parented to `parent`. */
export function createContractSuite(name: string, args: ContractSuiteArgs, parent: pulumi.Resource): ContractSuiteParts {
    const { chain } = args;
    // The fleet's own chain exists only once a quorum of validators runs: nothing is sent before it makes blocks.
    const ready =
        chain.readiness === undefined
            ? undefined
            : new ChainReady(
                  `${name}-${SUITE_MEMBERS[0]}`,
                  {
                      chainName: chain.name,
                      rpcUrl: chain.rpcUrl,
                      rpcCaCertificate: chain.rpcCaCertificate,
                      chainId: chain.chainId,
                      deployerAddress: args.deployerAddress,
                      minDeployerBalanceWei: deployerBudgetWei(chain),
                  },
                  { parent, dependsOn: chain.readiness.after },
              );
    const deployments: Partial<Record<ContractName, ContractDeployment>> = {};
    const addresses: Partial<Record<ContractName, pulumi.Output<string>>> = {};
    if (chain.router !== undefined) addresses.CCIPRouter = pulumi.output(chain.router);
    if (chain.multicall3 !== undefined) addresses.Multicall3 = pulumi.output(chain.multicall3);
    const lookup = (contract: ContractName, when: "deployed" | "predicted"): pulumi.Output<string> => {
        const deployment = deployments[contract];
        if (deployment !== undefined) return when === "predicted" ? deployment.predictedAddress : deployment.address;
        const configured = addresses[contract];
        if (configured === undefined) throw new pulumi.ResourceError(`${name}: ${contract} is referenced before it is declared`, parent);
        return configured;
    };
    for (const spec of suitePlan({ chainSelector: chain.chainSelector, existingRouter: chain.router, existingMulticall3: chain.multicall3 })) {
        const artifact = loadArtifact(spec.name);
        const deployment = new ContractDeployment(
            `${name}-${spec.name}`,
            {
                chainName: chain.name,
                rpcUrl: chain.rpcUrl,
                rpcCaCertificate: chain.rpcCaCertificate,
                chainId: chain.chainId,
                contractName: spec.name,
                bytecode: artifact.bytecode,
                constructorTypes: constructorTypes(artifact.abi as readonly unknown[]),
                constructorArgs: resolveArgs(spec.args, args.deployerAddress, lookup) as pulumi.Input<AbiArg>[],
                salt: saltOf(args.saltLabel, spec.name),
                confirmations: chain.confirmations,
                receiptTimeoutSeconds: chain.receiptTimeoutSeconds,
                minGasPriceWei: chain.minGasPriceWei,
                deployerKey: args.deployerKey,
            },
            { parent, dependsOn: ready ? [ready] : [] },
        );
        deployments[spec.name] = deployment;
        addresses[spec.name] = deployment.address;
    }
    return { addresses: addresses as Record<ContractName, pulumi.Output<string>>, deployments, ready };
}

/** The contract suite of one chain (`chain138:index:ContractSuite`). */
export class ContractSuite extends pulumi.ComponentResource {
    public readonly chain: ChainEndpoint;
    public readonly addresses: Record<ContractName, pulumi.Output<string>>;
    public readonly deployments: Partial<Record<ContractName, ContractDeployment>>;

    constructor(name: string, args: ContractSuiteArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:ContractSuite", name, {}, opts);
        this.chain = args.chain;
        const parts = createContractSuite(name, args, this);
        this.addresses = parts.addresses;
        this.deployments = parts.deployments;
        this.registerOutputs({ addresses: this.addresses });
    }
}
