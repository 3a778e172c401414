// Where the program and the relayer reach each configured chain. A chain with a configured rpcUrl is reached there
// by both. The fleet's own chain without one (config/fleet-config.ts, `rpcFromFleet`) is reached through the fleet:
// the program's providers use the first deployed region's public endpoint (TLS with the stack's CA; the machine running
// `pulumi up` must be in chain138:rpcAllowedCidrs), the relayer in the admin region uses that region's private endpoint
// over the hub peering, and the suite waits for the chain to make blocks (ChainReady) before its first transaction.
import * as pulumi from "@pulumi/pulumi";
import type { LoadedChainPlan, LoadedFleetConfig } from "../config/load";
import type { Fleet } from "./fleet";

/** A configured chain with its endpoints resolved. */
export interface ChainEndpoint extends Omit<LoadedChainPlan, "rpcUrl"> {
    /** What the program's dynamic providers use; secret. */
    readonly rpcUrl: pulumi.Output<string>;
    /** The PEM CA `rpcUrl`'s certificate chains to, when it is the fleet's own endpoint. */
    readonly rpcCaCertificate?: pulumi.Output<string>;
    /** What the relayer (admin region) uses; secret. */
    readonly relayerRpcUrl: pulumi.Output<string>;
    /** For the fleet's chain: the suite waits for the chain to be usable, after these (the entry region's Besu). */
    readonly readiness?: ChainReadiness;
}

/** What the fleet chain's readiness gate waits behind. */
export interface ChainReadiness {
    /** The region whose endpoints are used. */
    region: string;
    /** Resources that must exist before polling starts (the region's Besu release: its gateway and nodes). */
    after: pulumi.Resource[];
}

/** Resolves every configured chain's endpoints; throws naming the chain when the fleet cannot serve it. */
export function resolveChainEndpoints(config: Pick<LoadedFleetConfig, "chains">, fleet: Fleet | undefined): ChainEndpoint[] {
    return config.chains.map((chain) => {
        if (chain.rpcUrl !== undefined) return { ...chain, rpcUrl: chain.rpcUrl, relayerRpcUrl: chain.rpcUrl };
        // Config validation lets rpcUrl be absent only for the fleet's chain on a stack with regions, public RPC and sentries.
        const entry = fleet?.regions.find((region) => region.publicRpcUrl !== undefined && region.besu !== undefined);
        if (fleet === undefined || entry === undefined || fleet.rpcCertificates === undefined) {
            throw new pulumi.RunError(
                `chain ${chain.name}: no rpcUrl is configured and no deployed region serves a public RPC endpoint to deploy its contracts through`,
            );
        }
        const publicUrl = entry.publicRpcUrl!;
        return {
            ...chain,
            rpcUrl: pulumi.secret(publicUrl),
            rpcCaCertificate: fleet.rpcCertificates.caCertificate,
            // The private endpoint exists wherever the public one does (both sit on the sentries of a peered region).
            relayerRpcUrl: pulumi.secret(entry.privateRpcUrl !== undefined ? pulumi.output(entry.privateRpcUrl) : publicUrl),
            readiness: { region: entry.region, after: [entry.besu!.chart] },
        };
    });
}

/**
 * Ether the deployer must hold before the fleet chain's suite starts: the bridge liquidity and oracle funding it hands
 * out, plus 1 ether for gas (ten deployments and the wiring use well under 0.1 ether at Chain 138's 1 gwei genesis base
 * fee, which then decays towards 7 wei on an idle chain).
 */
export function deployerBudgetWei(chain: Pick<LoadedChainPlan, "bridgeLiquidityWei" | "oracleFundingWei">): string {
    return String(BigInt(chain.bridgeLiquidityWei) + BigInt(chain.oracleFundingWei) + 10n ** 18n);
}
