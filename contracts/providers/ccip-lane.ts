// CcipLane: a dynamic resource wiring two chains' suites over CCIP from one deployer key.
//
// Every operation starts from on-chain state: `diff` and `read` report drift (router lanes, attesters and
// threshold, fee config, bridge allowlists, oracle routes, bridge liquidity, oracle funding);
// `create`/`update` send only the calls that fix it, per chain in order, both chains at once, each chain's
// calls pipelined through the nonce allocator. Ownership is handed to the MultiSig by SuiteGovernance, once
// per chain after its lanes; an owner-only call on a contract the MultiSig already owns (a lane changed after
// the hand-over) goes through the MultiSig (owner-calls.ts).
// The deployer key is a secret input, never an output; RPC URLs travel as one secret map.
import * as pulumi from "@pulumi/pulumi";
import { rpcCall, providerLog, assertChainId, type ChainTarget } from "./rpc";
import { hasUnknown } from "./contract-deployment";
import { sendCalls } from "./owner-calls";
import { deployerOf, planSide, type LaneSettings, type LaneSide, type PlanOptions, type SidePlan } from "./lane-plan";

export type { LaneSide, LaneSettings } from "./lane-plan";

/** Inputs as the provider sees them. */
export interface CcipLaneInputs extends LaneSettings {
    /** The two sides (names must differ). */
    sides: LaneSide[];
    /** RPC URL per side name; secret. */
    rpcUrls: Record<string, string>;
    /** PEM CA per side name whose https RPC URL chains to a private CA (the fleet's own endpoint). */
    rpcCaCertificates?: Record<string, string>;
    /** Public address of the deployer (who owns what decides how owner-only calls are sent). */
    deployerAddress: string;
    receiptTimeoutSeconds: number;
    /** Secret; never in outputs. */
    deployerKey: string;
}

/** Outputs: inputs minus the key, plus what was found and done. */
export interface CcipLaneOutputs extends Omit<CcipLaneInputs, "deployerKey"> {
    /** Drift found on chain at the last read (empty after a successful create/update). */
    drift: string[];
    /** Calls sent by the last create/update. */
    applied: string[];
}

type Failure = { property: string; reason: string };

const ADDRESS_FIELDS = ["router", "multisig", "weth9", "weth9Bridge", "weth10Bridge", "oracle"] as const;

/** Validates inputs; failures name the property (never a key or URL value). */
export function checkLaneInputs(news: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    const sides = news["sides"];
    if (!Array.isArray(sides) || sides.length !== 2) return [{ property: "sides", reason: "CcipLane: sides must list exactly two chains" }];
    const rpcUrls = (news["rpcUrls"] ?? {}) as Record<string, unknown>;
    sides.forEach((side: Record<string, unknown>, i) => {
        const name = String(side["name"] ?? `#${i}`);
        if (!/^\d+$/.test(String(side["chainSelector"] ?? "")))
            failures.push({ property: "sides", reason: `CcipLane: sides[${name}].chainSelector must be a decimal string` });
        for (const field of ADDRESS_FIELDS) {
            if (typeof side[field] !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(side[field] as string)) {
                failures.push({ property: "sides", reason: `CcipLane: sides[${name}].${field} must be an address, got ${JSON.stringify(side[field])}` });
            }
        }
        if (typeof rpcUrls[name] !== "string" || !/^(https?|wss?):\/\/./.test(rpcUrls[name] as string)) {
            failures.push({ property: "rpcUrls", reason: `CcipLane: rpcUrls.${name} must be an http(s) or ws(s) URL (value not shown)` });
        }
    });
    if (sides.length === 2 && (sides[0] as { name?: unknown }).name === (sides[1] as { name?: unknown }).name) {
        failures.push({ property: "sides", reason: "CcipLane: the two sides have the same name" });
    }
    const attesters = news["attesters"];
    const threshold = news["threshold"];
    if (!Array.isArray(attesters) || attesters.length === 0 || !attesters.every((a) => typeof a === "string" && /^0x[0-9a-fA-F]{40}$/.test(a))) {
        failures.push({ property: "attesters", reason: "CcipLane: attesters must be a non-empty list of addresses" });
    } else if (new Set(attesters.map((a: string) => a.toLowerCase())).size !== attesters.length) {
        failures.push({ property: "attesters", reason: "CcipLane: attesters has duplicates" });
    } else if (!Number.isInteger(threshold) || (threshold as number) < 1 || (threshold as number) > attesters.length) {
        failures.push({
            property: "threshold",
            reason: `CcipLane: threshold must be 1..${attesters.length} (the attester count), got ${JSON.stringify(threshold)}`,
        });
    }
    if (typeof news["deployerKey"] !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(news["deployerKey"])) {
        failures.push({ property: "deployerKey", reason: "CcipLane: deployerKey must be 0x followed by 64 hex digits (value not shown)" });
    } else if (typeof news["deployerAddress"] === "string" && deployerOf(news["deployerKey"]).toLowerCase() !== news["deployerAddress"].toLowerCase()) {
        failures.push({ property: "deployerAddress", reason: "CcipLane: deployerAddress is not the address of deployerKey" });
    }
    return failures;
}

function targetOf(inputs: Pick<CcipLaneInputs, "rpcUrls" | "rpcCaCertificates">, side: LaneSide): ChainTarget {
    return {
        name: side.name,
        rpcUrl: inputs.rpcUrls[side.name],
        chainId: side.chainId,
        minGasPriceWei: side.minGasPriceWei,
        caCertificate: inputs.rpcCaCertificates?.[side.name],
    };
}

function settingsOf(inputs: LaneSettings): LaneSettings {
    return { attesters: inputs.attesters, threshold: inputs.threshold, fee: inputs.fee };
}

/** Plans both sides from on-chain state (read-only); balances only with `funding` (see PlanOptions). */
export async function planLane(inputs: Omit<CcipLaneInputs, "deployerKey">, options: PlanOptions = { funding: false }): Promise<SidePlan[]> {
    const [a, b] = inputs.sides;
    return Promise.all([planSide(targetOf(inputs, a), a, b, settingsOf(inputs), options), planSide(targetOf(inputs, b), b, a, settingsOf(inputs), options)]);
}

async function applySide(inputs: CcipLaneInputs, side: LaneSide, plan: SidePlan): Promise<string[]> {
    if (plan.calls.length === 0) return [];
    const target = targetOf(inputs, side);
    await assertChainId(target);
    return sendCalls(
        {
            target,
            multisig: side.multisig,
            deployerAddress: inputs.deployerAddress,
            deployerKey: inputs.deployerKey,
            confirmations: side.confirmations,
            receiptTimeoutMs: inputs.receiptTimeoutSeconds * 1000,
        },
        plan.calls,
    );
}

/** Applies the difference on both sides and verifies nothing is left; the body of create and update. */
export async function wireLane(inputs: CcipLaneInputs, options: PlanOptions): Promise<CcipLaneOutputs> {
    const failures = checkLaneInputs(inputs as unknown as Record<string, unknown>);
    if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
    const plans = await planLane(inputs, options);
    const applied = (await Promise.all(inputs.sides.map((side, i) => applySide(inputs, side, plans[i])))).flat();
    const left = (await planLane(inputs, options)).flatMap((p) => p.drift);
    if (left.length > 0) throw new Error(`CcipLane ${inputs.sides.map((s) => s.name).join("<->")}: drift remains after wiring:\n  - ${left.join("\n  - ")}`);
    return { ...publicInputs(inputs), drift: [], applied };
}

function publicInputs(inputs: CcipLaneInputs): Omit<CcipLaneInputs, "deployerKey"> {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { deployerKey: _key, ...rest } = inputs;
    return rest;
}

/** Whether every contract the lane wires still has code on its chain. */
async function contractsPresent(inputs: Omit<CcipLaneInputs, "deployerKey">): Promise<boolean> {
    const checks = inputs.sides.flatMap((side) =>
        ADDRESS_FIELDS.map((field) => side[field]).map((address) => rpcCall(targetOf(inputs, side), `eth_getCode(${address})`, (p) => p.getCode(address))),
    );
    return (await Promise.all(checks)).every((code) => code !== "0x");
}

/** Whether a side's configured bridge liquidity or oracle funding differs between `olds` and `news`. */
function fundingChanged(olds: Partial<CcipLaneInputs>, news: CcipLaneInputs): boolean {
    const amounts = (sides: readonly LaneSide[] | undefined) =>
        JSON.stringify(Object.fromEntries((sides ?? []).map((side) => [side.name, [side.bridgeLiquidityWei, side.oracleFundingWei]])));
    return amounts(olds.sides) !== amounts(news.sides);
}

const laneId = (inputs: Pick<CcipLaneInputs, "sides">) => inputs.sides.map((s) => `${s.name}:${s.router}`).join("<->");

/** The dynamic provider; captures nothing per resource. */
export const ccipLaneProvider: pulumi.dynamic.ResourceProvider<CcipLaneInputs, CcipLaneOutputs> = {
    async check(_olds, news) {
        // In preview the contract addresses are not known yet: create/update check again.
        if (hasUnknown(news)) return { inputs: news };
        const failures = checkLaneInputs(news as unknown as Record<string, unknown>);
        return failures.length > 0 ? { failures } : { inputs: news };
    },

    async create(inputs) {
        return { id: laneId(inputs), outs: await wireLane(inputs, { funding: true }) };
    },

    async diff(_id, olds, news) {
        const compared = (v: Partial<CcipLaneInputs>) =>
            JSON.stringify([v.sides, v.rpcUrls, v.rpcCaCertificates ?? {}, v.attesters, v.threshold, v.fee, v.deployerAddress, v.receiptTimeoutSeconds]);
        const changedInputs = compared(olds) !== compared(news);
        const drift = (await planLane(news)).flatMap((p) => p.drift);
        for (const line of drift) providerLog(`drift: ${line}`);
        // Moving a lane to other contracts is a new lane; everything else is fixed in place.
        const replaces = laneId(olds) !== laneId(news) ? ["sides"] : [];
        return { changes: changedInputs || drift.length > 0, replaces, deleteBeforeReplace: false };
    },

    async update(_id, olds, news) {
        return { outs: await wireLane(news, { funding: fundingChanged(olds, news) }) };
    },

    async read(id, props) {
        if (props === undefined) return { id, props: {} as CcipLaneOutputs };
        // Contracts gone (a dev chain restarted): the wiring is gone with them.
        if (!(await contractsPresent(props))) return { id: "", props: {} as CcipLaneOutputs };
        const drift = (await planLane(props)).flatMap((p) => p.drift);
        return { id, props: { ...props, drift } };
    },

    async delete(_id, props) {
        providerLog(`CcipLane ${laneId(props)}: wiring left in place on chain (lanes, allowlists); removed from state only`);
    },
};

/** Program-side args of a {@link CcipLane}. */
export interface CcipLaneArgs {
    sides: pulumi.Input<pulumi.Input<LaneSide>[]>;
    /** RPC URL per side name; always made secret. */
    rpcUrls: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** PEM CA per side name for https endpoints of a private CA. Default none. */
    rpcCaCertificates?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    attesters: pulumi.Input<pulumi.Input<string>[]>;
    threshold: pulumi.Input<number>;
    fee: pulumi.Input<LaneSettings["fee"]>;
    deployerAddress: pulumi.Input<string>;
    /** Always made secret; never an output. */
    deployerKey: pulumi.Input<string>;
    /** Default 300. */
    receiptTimeoutSeconds?: pulumi.Input<number>;
}

/** The CCIP wiring between two chains' suites. */
export class CcipLane extends pulumi.dynamic.Resource {
    /** Drift found at the last read/refresh (empty after create/update). */
    declare public readonly drift: pulumi.Output<string[]>;
    /** Calls the last create/update sent. */
    declare public readonly applied: pulumi.Output<string[]>;

    constructor(name: string, args: CcipLaneArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            ccipLaneProvider,
            name,
            {
                sides: args.sides,
                rpcUrls: pulumi.secret(args.rpcUrls),
                rpcCaCertificates: args.rpcCaCertificates ?? {},
                attesters: args.attesters,
                threshold: args.threshold,
                fee: args.fee,
                deployerAddress: args.deployerAddress,
                deployerKey: pulumi.secret(args.deployerKey),
                receiptTimeoutSeconds: args.receiptTimeoutSeconds ?? 300,
                drift: undefined,
                applied: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "rpcUrls"] },
        );
    }
}
