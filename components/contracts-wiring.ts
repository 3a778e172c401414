// CcipWiring: the CCIP lane between two chains' suites (`chain138:index:CcipWiring`), one CcipLane inside.
// It depends on both suites' deployments through their addresses, and on nothing else; each chain's
// SuiteGovernance (components/contracts-governance.ts) waits for it.
import * as pulumi from "@pulumi/pulumi";
import { CcipLane, type LaneSide } from "../contracts/providers/ccip-lane";
import type { CcipPlan } from "../config/fleet-config";
import type { ContractSuite } from "./contract-suite";

/** Args of a {@link CcipWiring}. */
export interface CcipWiringArgs {
    /** The two suites to connect. Required. */
    suites: [ContractSuite, ContractSuite];
    /** Attesters, threshold, fee config (config `ccip`). Required. */
    ccip: CcipPlan;
    /** Deployer key (secret Output). Required. */
    deployerKey: pulumi.Input<string>;
    deployerAddress: string;
}

function laneSide(suite: ContractSuite): pulumi.Output<LaneSide> {
    const a = suite.addresses;
    const chain = suite.chain;
    return pulumi
        .all([a.CCIPRouter, a.MultiSig, a.WETH9, a.CCIPWETH9Bridge, a.CCIPWETH10Bridge, a.OracleWithCCIP])
        .apply(([router, multisig, weth9, weth9Bridge, weth10Bridge, oracle]) => ({
            name: chain.name,
            chainId: chain.chainId,
            chainSelector: chain.chainSelector,
            confirmations: chain.confirmations,
            ...(chain.minGasPriceWei === undefined ? {} : { minGasPriceWei: chain.minGasPriceWei }),
            router,
            routerManaged: chain.router === undefined,
            multisig,
            weth9,
            weth9Bridge,
            weth10Bridge,
            oracle,
            bridgeLiquidityWei: chain.bridgeLiquidityWei,
            oracleFundingWei: chain.oracleFundingWei,
        }));
}

/** The CCIP wiring between two chains. */
export class CcipWiring extends pulumi.ComponentResource {
    public readonly lane: CcipLane;
    /** The two suites this lane connects. */
    public readonly suites: readonly [ContractSuite, ContractSuite];

    constructor(name: string, args: CcipWiringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:CcipWiring", name, {}, opts);
        this.suites = args.suites;
        const [a, b] = args.suites;
        this.lane = new CcipLane(
            `${name}-lane`,
            {
                sides: [laneSide(a), laneSide(b)],
                rpcUrls: { [a.chain.name]: a.chain.rpcUrl, [b.chain.name]: b.chain.rpcUrl },
                rpcCaCertificates: Object.fromEntries(
                    [a.chain, b.chain].flatMap((chain) => (chain.rpcCaCertificate === undefined ? [] : [[chain.name, chain.rpcCaCertificate]])),
                ),
                attesters: args.ccip.attesters,
                threshold: args.ccip.threshold,
                fee: args.ccip.fee,
                deployerAddress: args.deployerAddress,
                deployerKey: args.deployerKey,
                receiptTimeoutSeconds: Math.max(a.chain.receiptTimeoutSeconds, b.chain.receiptTimeoutSeconds),
            },
            { parent: this },
        );
        this.registerOutputs({ drift: this.lane.drift });
    }
}
