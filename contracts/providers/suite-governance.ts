// SuiteGovernance: a dynamic resource that hands one chain's suite to that chain's MultiSig, once per chain.
//
// It runs after the chain's deployments and after every CCIP lane touching the chain (the lanes configure
// with the deployer key), then moves each owned contract with Ownable2Step's two steps: transferOwnership(MultiSig)
// from the deployer, acceptOwnership() as a MultiSig transaction (submit + execute; the MultiSig starts with the
// deployer as sole owner, threshold 1). Every operation starts from on-chain state: what is already owned by the
// MultiSig or already pending to it is adopted, a contract owned by anyone else is an error naming it and its
// owner, and `diff`/`read` report drift (a contract handed back, a transfer left pending). The deployer key is a
// secret input and never an output; the RPC URL is secret; the provider captures nothing per resource.
import * as pulumi from "@pulumi/pulumi";
import { hasUnknown } from "./contract-deployment";
import { planHandover, type HandoverPlan, type OwnedContract } from "./handover-plan";
import { deployerOf } from "./lane-plan";
import { settleSender } from "./nonce";
import { sendCalls } from "./owner-calls";
import { assertChainId, chainTargetOf, providerLog, rpcCall } from "./rpc";

export type { OwnedContract } from "./handover-plan";

/** Inputs as the provider sees them. */
export interface SuiteGovernanceInputs {
    /** Chain name used in messages (e.g. "mainnet"). */
    chainName: string;
    /** JSON-RPC URL; secret. */
    rpcUrl: string;
    /** PEM CA an https rpcUrl must chain to (the fleet's own endpoint); absent: public roots. */
    rpcCaCertificate?: string;
    chainId: number;
    /** The chain's node minimum gas price (decimal wei); absent means 0 (contracts/fees.ts). */
    minGasPriceWei?: string;
    /** Blocks per receipt (1 = mined). */
    confirmations: number;
    receiptTimeoutSeconds: number;
    /** The chain's MultiSig: the owner every contract ends with. */
    multisig: string;
    /** The contracts to hand over, in order. */
    owned: OwnedContract[];
    /** Public address of the deployer (read and diff get no key). */
    deployerAddress: string;
    /** Secret; never in outputs. */
    deployerKey: string;
}

/** Outputs: inputs minus the key, plus what was found and done. */
export interface SuiteGovernanceOutputs extends Omit<SuiteGovernanceInputs, "deployerKey"> {
    /** Drift found on chain at the last read (empty after a successful create/update). */
    drift: string[];
    /** Calls sent by the last create/update (empty when everything was already handed over). */
    applied: string[];
}

type Failure = { property: string; reason: string };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Validates inputs; failures name the property (never a key or URL value). Unknown (preview) values are skipped. */
export function checkGovernanceInputs(all: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    const news = Object.fromEntries(Object.entries(all).filter(([, value]) => !hasUnknown(value)));
    const chain = typeof news["chainName"] === "string" && news["chainName"] !== "" ? news["chainName"] : "<unnamed chain>";
    const fail = (property: string, reason: string) => {
        if (!hasUnknown(all[property])) failures.push({ property, reason: `SuiteGovernance ${chain}: ${property} ${reason}` });
    };
    if (typeof news["chainName"] !== "string" || news["chainName"] === "") fail("chainName", "must be a non-empty string");
    if (typeof news["rpcUrl"] !== "string" || !/^(https?|wss?):\/\/./.test(news["rpcUrl"])) fail("rpcUrl", "must be an http(s) or ws(s) URL (value not shown)");
    if (!Number.isSafeInteger(news["chainId"]) || (news["chainId"] as number) < 1)
        fail("chainId", `must be a positive integer, got ${JSON.stringify(news["chainId"])}`);
    if (news["minGasPriceWei"] !== undefined && !/^\d+$/.test(String(news["minGasPriceWei"]))) fail("minGasPriceWei", "must be a decimal integer (wei)");
    if (!Number.isSafeInteger(news["confirmations"]) || (news["confirmations"] as number) < 1)
        fail("confirmations", `must be an integer >= 1, got ${JSON.stringify(news["confirmations"])}`);
    if (!Number.isSafeInteger(news["receiptTimeoutSeconds"]) || (news["receiptTimeoutSeconds"] as number) < 1)
        fail("receiptTimeoutSeconds", "must be an integer >= 1");
    if (typeof news["multisig"] !== "string" || !ADDRESS.test(news["multisig"]))
        fail("multisig", `must be an address, got ${JSON.stringify(news["multisig"])}`);
    const owned = news["owned"];
    if (!Array.isArray(owned) || owned.length === 0) fail("owned", "must list at least one contract");
    else {
        owned.forEach((entry: Record<string, unknown>, i) => {
            const label = typeof entry?.["contract"] === "string" && entry["contract"] !== "" ? entry["contract"] : undefined;
            if (label === undefined) fail("owned", `[${i}].contract must be a contract name`);
            if (typeof entry?.["address"] !== "string" || !ADDRESS.test(entry["address"]))
                fail("owned", `[${label ?? i}].address must be an address, got ${JSON.stringify(entry?.["address"])}`);
            else if (typeof news["multisig"] === "string" && entry["address"].toLowerCase() === news["multisig"].toLowerCase())
                fail("owned", `[${label ?? i}] is the MultiSig itself`);
        });
        const addresses = owned.map((entry: Record<string, unknown>) => String(entry?.["address"]).toLowerCase());
        if (new Set(addresses).size !== addresses.length) fail("owned", "lists an address twice");
    }
    if (typeof news["deployerKey"] !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(news["deployerKey"])) {
        fail("deployerKey", "must be 0x followed by 64 hex digits (value not shown)");
    } else if (typeof news["deployerAddress"] !== "string" || deployerOf(news["deployerKey"]).toLowerCase() !== news["deployerAddress"].toLowerCase()) {
        fail("deployerAddress", "is not the address of deployerKey");
    }
    return failures;
}

function publicInputs(inputs: SuiteGovernanceInputs): Omit<SuiteGovernanceInputs, "deployerKey"> {
    // Destructuring drops the key: it must never reach state outputs.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { deployerKey: _key, ...rest } = inputs;
    return rest;
}

/** Plans from on-chain state (read-only). */
export function planGovernance(inputs: Omit<SuiteGovernanceInputs, "deployerKey">): Promise<HandoverPlan> {
    return planHandover(chainTargetOf(inputs), inputs.multisig, inputs.owned, inputs.deployerAddress);
}

/** Hands every owned contract still owned by the deployer to the MultiSig and checks nothing is left; the body of create and update. */
export async function handOver(inputs: SuiteGovernanceInputs): Promise<SuiteGovernanceOutputs> {
    const failures = checkGovernanceInputs(inputs as unknown as Record<string, unknown>);
    if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
    const target = chainTargetOf(inputs);
    const timeoutMs = inputs.receiptTimeoutSeconds * 1000;
    await assertChainId(target);
    // A crashed earlier run may have a transfer or a MultiSig submit in flight: let it land before reading
    // ownership and the MultiSig's transaction count.
    await settleSender(target, inputs.deployerAddress, timeoutMs);
    const plan = await planGovernance(inputs);
    if (plan.foreign.length > 0) {
        throw new Error(
            `SuiteGovernance ${inputs.chainName}: cannot hand over to the MultiSig ${inputs.multisig}; nothing was sent:\n  - ${plan.foreign.join("\n  - ")}\n` +
                "Have its owner transfer it to the MultiSig (or to the deployer), then run the update again.",
        );
    }
    const applied = await sendCalls(
        {
            target,
            multisig: inputs.multisig,
            deployerAddress: inputs.deployerAddress,
            deployerKey: inputs.deployerKey,
            confirmations: inputs.confirmations,
            receiptTimeoutMs: timeoutMs,
        },
        plan.calls,
    );
    const left = (await planGovernance(inputs)).drift;
    if (left.length > 0) throw new Error(`SuiteGovernance ${inputs.chainName}: drift remains after the hand-over:\n  - ${left.join("\n  - ")}`);
    return { ...publicInputs(inputs), drift: [], applied };
}

const governanceId = (inputs: Pick<SuiteGovernanceInputs, "chainId" | "multisig">) => `${inputs.chainId}:${inputs.multisig}`;

/** Inputs whose change is a different governance (another chain or MultiSig): a new resource. */
const REPLACING_INPUTS = ["chainId", "multisig"] as const;
/** Compared for in-place updates (the hand-over runs again; it sends only what the chain lacks). */
const COMPARED_INPUTS = [
    "chainName",
    "rpcUrl",
    "rpcCaCertificate",
    "minGasPriceWei",
    "confirmations",
    "receiptTimeoutSeconds",
    "owned",
    "deployerAddress",
    ...REPLACING_INPUTS,
] as const;

/** The dynamic provider; captures nothing per resource. */
export const suiteGovernanceProvider: pulumi.dynamic.ResourceProvider<SuiteGovernanceInputs, SuiteGovernanceOutputs> = {
    async check(_olds, news) {
        const failures = checkGovernanceInputs(news as unknown as Record<string, unknown>);
        return failures.length > 0 ? { failures } : { inputs: news };
    },

    async create(inputs) {
        return { id: governanceId(inputs), outs: await handOver(inputs) };
    },

    async diff(_id, olds, news) {
        const differs = (key: (typeof COMPARED_INPUTS)[number]) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null);
        const replaces = REPLACING_INPUTS.filter(differs);
        const changedInputs = COMPARED_INPUTS.some(differs);
        // In preview an address may not be known yet (a contract being replaced): nothing on chain to compare.
        if (hasUnknown(news)) return { changes: true, replaces: [...replaces], deleteBeforeReplace: false };
        const drift = (await planGovernance(news)).drift;
        for (const line of drift) providerLog(`drift: ${line}`);
        return { changes: changedInputs || drift.length > 0, replaces: [...replaces], deleteBeforeReplace: false };
    },

    async update(_id, _olds, news) {
        return { outs: await handOver(news) };
    },

    async read(id, props) {
        if (props === undefined) return { id, props: {} as SuiteGovernanceOutputs };
        // The MultiSig gone (a dev chain restarted): the hand-over is gone with it.
        const code = await rpcCall(chainTargetOf(props), `eth_getCode(${props.multisig})`, (p) => p.getCode(props.multisig));
        if (code === "0x") return { id: "", props: {} as SuiteGovernanceOutputs };
        const drift = (await planGovernance(props)).drift;
        return { id, props: { ...props, drift } };
    },

    async delete(_id, props) {
        providerLog(`SuiteGovernance ${props.chainName}: ownership left with the MultiSig ${props.multisig} on chain; removed from state only`);
    },
};

/** Program-side args of a {@link SuiteGovernance}. */
export interface SuiteGovernanceArgs {
    chainName: pulumi.Input<string>;
    /** JSON-RPC URL; always made secret (URLs often carry API keys). */
    rpcUrl: pulumi.Input<string>;
    /** PEM CA of the fleet's own endpoint. Default: public roots. */
    rpcCaCertificate?: pulumi.Input<string>;
    chainId: pulumi.Input<number>;
    minGasPriceWei?: pulumi.Input<string>;
    /** Default 1. */
    confirmations?: pulumi.Input<number>;
    /** Default 300. */
    receiptTimeoutSeconds?: pulumi.Input<number>;
    multisig: pulumi.Input<string>;
    owned: pulumi.Input<pulumi.Input<OwnedContract>[]>;
    deployerAddress: pulumi.Input<string>;
    /** Always made secret; never an output. */
    deployerKey: pulumi.Input<string>;
}

/** The hand-over of one chain's suite to its MultiSig. */
export class SuiteGovernance extends pulumi.dynamic.Resource {
    /** Drift found at the last read/refresh (empty after create/update). */
    declare public readonly drift: pulumi.Output<string[]>;
    /** Calls the last create/update sent. */
    declare public readonly applied: pulumi.Output<string[]>;

    constructor(name: string, args: SuiteGovernanceArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            suiteGovernanceProvider,
            name,
            {
                chainName: args.chainName,
                rpcUrl: pulumi.secret(args.rpcUrl),
                rpcCaCertificate: args.rpcCaCertificate,
                chainId: args.chainId,
                minGasPriceWei: args.minGasPriceWei,
                confirmations: args.confirmations ?? 1,
                receiptTimeoutSeconds: args.receiptTimeoutSeconds ?? 300,
                multisig: args.multisig,
                owned: args.owned,
                deployerAddress: args.deployerAddress,
                deployerKey: pulumi.secret(args.deployerKey),
                drift: undefined,
                applied: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "rpcUrl"] },
        );
    }
}
