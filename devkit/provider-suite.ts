// Drives the real providers for a whole suite without the Pulumi CLI: each contract's create starts as
// soon as the contracts it needs exist (the same plan ContractSuite registers), then the lane wiring, then
// each chain's hand-over to its MultiSig (the order components/contracts-governance.ts gives the engine).
import { loadArtifact, type ContractName } from "../contracts/artifacts";
import { contractDeploymentProvider, type ContractDeploymentOutputs } from "../contracts/providers/contract-deployment";
import { constructorTypes, initCodeOf, predictAddress, type AbiArg } from "../contracts/providers/create2";
import { wireLane, type CcipLaneInputs, type CcipLaneOutputs, type LaneSide } from "../contracts/providers/ccip-lane";
import { handOver, type SuiteGovernanceInputs, type SuiteGovernanceOutputs } from "../contracts/providers/suite-governance";
import { OWNED_CONTRACTS, resolveArgs, saltOf, suitePlan } from "../components/contracts-plan";
import { contractInputs, type ProviderChain } from "./provider-inputs";

/** A chain for the harness. */
export interface SuiteChain extends ProviderChain {
    chainSelector: string;
    bridgeLiquidityWei?: string;
    oracleFundingWei?: string;
}

export type SuiteAddresses = Record<ContractName, string>;

async function deepAwait(value: unknown): Promise<AbiArg> {
    if (Array.isArray(value)) return Promise.all(value.map(deepAwait));
    return (await value) as AbiArg;
}

/** Deploys the suite on `chain` through the ContractDeployment provider; resolves with every address. */
export async function deploySuite(chain: SuiteChain, deployerAddress: string, saltLabel = "test/v1"): Promise<SuiteAddresses> {
    const specs = suitePlan({ chainSelector: chain.chainSelector });
    const predicted = new Map<ContractName, Promise<string>>();
    const deployed = new Map<ContractName, Promise<ContractDeploymentOutputs>>();
    for (const spec of specs) {
        const artifact = loadArtifact(spec.name);
        const types = constructorTypes(artifact.abi as readonly unknown[]);
        const salt = saltOf(saltLabel, spec.name);
        const args = (async () =>
            deepAwait(
                resolveArgs(spec.args, deployerAddress, (contract, when) =>
                    when === "predicted" ? predicted.get(contract)! : deployed.get(contract)!.then((o) => o.address),
                ),
            ))() as Promise<AbiArg[]>;
        predicted.set(
            spec.name,
            args.then((values) => predictAddress(salt, initCodeOf(artifact.bytecode, types, values))),
        );
        deployed.set(
            spec.name,
            (async () => {
                const values = await args;
                const result = await contractDeploymentProvider.create(contractInputs(chain, spec.name, values, salt, 120));
                return result.outs!;
            })(),
        );
    }
    const entries = await Promise.all(specs.map(async (spec) => [spec.name, (await deployed.get(spec.name)!).address] as const));
    return Object.fromEntries(entries) as SuiteAddresses;
}

/** The lane side of a deployed suite. */
export function laneSide(chain: SuiteChain, addresses: SuiteAddresses): LaneSide {
    return {
        name: chain.chainName,
        chainId: chain.chainId,
        chainSelector: chain.chainSelector,
        confirmations: chain.confirmations ?? 1,
        router: addresses.CCIPRouter,
        routerManaged: true,
        multisig: addresses.MultiSig,
        weth9: addresses.WETH9,
        weth9Bridge: addresses.CCIPWETH9Bridge,
        weth10Bridge: addresses.CCIPWETH10Bridge,
        oracle: addresses.OracleWithCCIP,
        bridgeLiquidityWei: chain.bridgeLiquidityWei ?? "0",
        oracleFundingWei: chain.oracleFundingWei ?? "0",
    };
}

/** CcipLane inputs for two deployed suites. */
export function laneInputs(
    a: { chain: SuiteChain; addresses: SuiteAddresses },
    b: { chain: SuiteChain; addresses: SuiteAddresses },
    settings: { attesters: string[]; threshold: number; fee: CcipLaneInputs["fee"]; deployerAddress: string },
): CcipLaneInputs {
    return {
        sides: [laneSide(a.chain, a.addresses), laneSide(b.chain, b.addresses)],
        rpcUrls: { [a.chain.chainName]: a.chain.rpcUrl, [b.chain.chainName]: b.chain.rpcUrl },
        attesters: settings.attesters,
        threshold: settings.threshold,
        fee: settings.fee,
        deployerAddress: settings.deployerAddress,
        receiptTimeoutSeconds: 120,
        deployerKey: a.chain.deployerKey,
    };
}

/** Wires a lane through the CcipLane provider's create path. */
export function wire(inputs: CcipLaneInputs): Promise<CcipLaneOutputs> {
    return wireLane(inputs, { funding: true });
}

/** SuiteGovernance inputs for a deployed suite: every owned contract (the suite deploys its own router) to its MultiSig. */
export function governanceInputs(chain: SuiteChain, addresses: SuiteAddresses, deployerAddress: string): SuiteGovernanceInputs {
    return {
        chainName: chain.chainName,
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
        confirmations: chain.confirmations ?? 1,
        receiptTimeoutSeconds: 120,
        multisig: addresses.MultiSig,
        owned: OWNED_CONTRACTS.map((contract) => ({ contract, address: addresses[contract] })),
        deployerAddress,
        deployerKey: chain.deployerKey,
    };
}

/** Hands a suite to its MultiSig through the SuiteGovernance provider's create path. */
export function govern(inputs: SuiteGovernanceInputs): Promise<SuiteGovernanceOutputs> {
    return handOver(inputs);
}
