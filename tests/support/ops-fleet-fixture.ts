// A small fleet for the verify tests: regions with 2 validators and 1 sentry each, the stack outputs that
// describe it, and the FakeBesu nodes that play it.
import { Wallet } from "ethers";
import type { FleetStackOutputs } from "../../stack/outputs";
import type { FakeNode } from "./ops-fake-besu";
import { fixtureStackOutputs } from "./stack-outputs-fixture";

export const REGIONS = ["eastasia", "japaneast", "koreacentral"] as const;
export const VALIDATORS_PER_REGION = 2;

/** Genesis validator addresses, region by region (checksummed, as the stack exports them). */
export const GENESIS_VALIDATORS: string[] = REGIONS.flatMap(() => Array.from({ length: VALIDATORS_PER_REGION }, () => Wallet.createRandom().address));

/**
 * Stack outputs of the fixture fleet with `regions` deployed (in that order) and the rest of REGIONS in the
 * genesis only. No kubeconfigs unless `extra` gives them: verify's tests route JSON-RPC with --rpc.
 */
export function fleetOutputsJson(regions: readonly string[], extra: Partial<FleetStackOutputs> = {}): FleetStackOutputs {
    const spec = (name: string) => ({ name, validators: VALIDATORS_PER_REGION, sentries: 1 });
    const outputs = fixtureStackOutputs(regions.map(spec), {
        undeployed: REGIONS.filter((region) => !regions.includes(region)).map(spec),
        validatorAddress: (node) => {
            const [, region, index] = /^(.+)-validator-(\d+)$/.exec(node)!;
            return GENESIS_VALIDATORS[REGIONS.indexOf(region as (typeof REGIONS)[number]) * VALIDATORS_PER_REGION + Number(index)];
        },
        kubeconfigs: {},
    });
    return { ...outputs, ...extra };
}

/** Healthy fake nodes of `region`: validators see every other validator, the RPC sentry its region's validators. */
export function healthyNodes(region: string): Record<string, FakeNode> {
    const nodes: Record<string, FakeNode> = {};
    for (let i = 0; i < VALIDATORS_PER_REGION; i++) {
        nodes[`${region}/validator-${i}`] = {
            peers: GENESIS_VALIDATORS.length - 1 + 1,
            validators: GENESIS_VALIDATORS.map((a) => a.toLowerCase()),
            head: 1000,
        };
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
