// A small fleet for the verify tests: regions with 2 validators and 1 sentry each, the stack outputs that
// describe it, and the FakeBesu nodes that play it.
import { Wallet } from "ethers";
import type { FakeNode } from "./ops-fake-besu";

export const REGIONS = ["eastasia", "japaneast", "koreacentral"] as const;
export const VALIDATORS_PER_REGION = 2;

/** Genesis validator addresses, region by region (checksummed, as the stack exports them). */
export const GENESIS_VALIDATORS: string[] = REGIONS.flatMap(() => Array.from({ length: VALIDATORS_PER_REGION }, () => Wallet.createRandom().address));

/** Stack outputs as `pulumi stack output --json --show-secrets` prints them (fleetOutputs' shape). */
export function fleetOutputsJson(regions: readonly string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        regions: Object.fromEntries(
            regions.map((region) => [
                region,
                {
                    clusterName: `aks-prod-${region}`,
                    resourceGroup: `rg-prod-${region}`,
                    wave: 1,
                    nodePools: [
                        { name: "system", role: "system", vmSize: "Standard_D2s_v5", count: 2, vcpus: 4 },
                        { name: "validator", role: "validator", vmSize: "Standard_D2s_v5", count: VALIDATORS_PER_REGION, vcpus: 4 },
                        { name: "sentry", role: "sentry", vmSize: "Standard_D2s_v5", count: 1, vcpus: 2 },
                    ],
                    vcpuUsed: 10,
                    vcpuQuota: 10,
                },
            ]),
        ),
        admin: { region: "westeurope", clusterName: "aks-prod-admin" },
        rollout: { waves: [regions], deployWaves: 1, deployedRegions: regions },
        besu: { chainId: 138, validatorAddresses: GENESIS_VALIDATORS, enodes: {}, genesisJson: "{}" },
        ...extra,
    };
}

/** Healthy fake nodes of `region`: validators see every other validator, the RPC sentry its region's validators. */
export function healthyNodes(region: string): Record<string, FakeNode> {
    const nodes: Record<string, FakeNode> = {};
    for (let i = 0; i < VALIDATORS_PER_REGION; i++) {
        nodes[`${region}/validator-${i}`] = { peers: GENESIS_VALIDATORS.length - 1 + 1, validators: GENESIS_VALIDATORS.map((a) => a.toLowerCase()), head: 1000 };
    }
    nodes[`${region}/rpc`] = { peers: VALIDATORS_PER_REGION, validators: [], head: 1000 };
    return nodes;
}

/** `--rpc` flags routing every node of `regions` to `url(path)`. */
export function rpcFlags(regions: readonly string[], url: (path: string) => string): string[] {
    return regions.flatMap((region) => [
        "--rpc",
        `${region}=${url(`${region}/rpc`)}`,
        ...Array.from({ length: VALIDATORS_PER_REGION }, (_, i) => ["--rpc", `${region}-validator-${i}=${url(`${region}/validator-${i}`)}`]).flat(),
    ]);
}
