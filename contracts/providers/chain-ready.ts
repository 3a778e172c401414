// ChainReady: a dynamic resource that succeeds once a chain is usable for the contract suite: its endpoint answers
// with the expected chain id, it makes blocks, and the deployer holds enough ether. The fleet's own chain (Chain 138)
// only exists once ⌈2n/3⌉ validators run, and its suite's first transaction would otherwise fail or hang at an
// endpoint whose chain has not started. Bounded: it gives up at its deadline naming what is missing.
import * as pulumi from "@pulumi/pulumi";
import { hasUnknown } from "./contract-deployment";
import { chainProvider, providerLog, redactRpcUrl, type ChainTarget } from "./rpc";

/** Inputs as the provider sees them. */
export interface ChainReadyInputs {
    chainName: string;
    /** Secret. */
    rpcUrl: string;
    /** PEM CA the https rpcUrl chains to (the fleet's private CA); absent: public roots. */
    rpcCaCertificate?: string;
    chainId: number;
    /** Whose balance must reach {@link minDeployerBalanceWei}: the contract deployer (funded in the genesis). */
    deployerAddress: string;
    /** Decimal wei. */
    minDeployerBalanceWei: string;
    /** New blocks that must be seen after the first answer: proof the validators are producing, not a stale node. */
    advanceBlocks: number;
    /** The whole wait's deadline. */
    timeoutSeconds: number;
    pollIntervalSeconds: number;
}

/** Outputs: the inputs plus what was seen when the chain became ready. */
export interface ChainReadyOutputs extends ChainReadyInputs {
    /** The head block when the chain was found ready. */
    readyAtBlock: number;
    /** The deployer's balance then (decimal wei). */
    deployerBalanceWei: string;
}

/** What one look at the chain found. */
interface Observation {
    chainId?: bigint;
    head?: number;
    balance?: bigint;
    error?: string;
}

type Failure = { property: string; reason: string };

/** Validates inputs; failures name the property, never the URL. */
export function checkChainReadyInputs(news: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason: `ChainReady: ${property} ${reason}` });
    if (typeof news["rpcUrl"] !== "string" || !/^https?:\/\/./.test(news["rpcUrl"])) fail("rpcUrl", "must be an http(s) URL (value not shown)");
    if (!Number.isSafeInteger(news["chainId"]) || (news["chainId"] as number) < 1) fail("chainId", "must be a positive integer");
    if (typeof news["deployerAddress"] !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(news["deployerAddress"])) fail("deployerAddress", "must be an address");
    if (typeof news["minDeployerBalanceWei"] !== "string" || !/^\d+$/.test(news["minDeployerBalanceWei"])) fail("minDeployerBalanceWei", "must be decimal wei");
    for (const key of ["advanceBlocks", "timeoutSeconds", "pollIntervalSeconds"] as const) {
        if (!Number.isSafeInteger(news[key]) || (news[key] as number) < 1) fail(key, "must be a positive integer");
    }
    return failures;
}

function targetOf(inputs: ChainReadyInputs): ChainTarget {
    return { name: inputs.chainName, rpcUrl: inputs.rpcUrl, chainId: inputs.chainId, caCertificate: inputs.rpcCaCertificate };
}

/** One look: chain id, head and balance, each a single bounded request (the loop is the retry). */
async function observe(inputs: ChainReadyInputs): Promise<Observation> {
    const provider = chainProvider(targetOf(inputs));
    const seen: Observation = {};
    try {
        seen.chainId = BigInt((await provider.send("eth_chainId", [])) as string);
        seen.head = Number(BigInt((await provider.send("eth_blockNumber", [])) as string));
        seen.balance = BigInt((await provider.send("eth_getBalance", [inputs.deployerAddress, "latest"])) as string);
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        seen.error = message.split(inputs.rpcUrl).join(redactRpcUrl(inputs.rpcUrl)).slice(0, 300);
    }
    return seen;
}

/** The sentence that says what is still missing, from the first and the latest observation. */
export function missing(inputs: ChainReadyInputs, first: Observation | undefined, last: Observation): string {
    if (last.error !== undefined || last.head === undefined) return `the endpoint does not answer (${last.error ?? "no answer"})`;
    const base = first?.head ?? last.head;
    if (last.head < base + inputs.advanceBlocks) {
        return `no new blocks: the head is ${last.head}, ${base + inputs.advanceBlocks - last.head} more needed since ${base} (validators not at quorum yet?)`;
    }
    if (last.balance !== undefined && last.balance < BigInt(inputs.minDeployerBalanceWei)) {
        return `the deployer ${inputs.deployerAddress} holds ${last.balance} wei, ${inputs.minDeployerBalanceWei} needed`;
    }
    return "nothing";
}

/** Options of {@link waitForChainReady} (tests shorten the clock). */
export interface WaitOptions {
    /** Progress lines. Default: the provider log. */
    log?: (line: string) => void;
    /** How often to log while waiting. Default 60 s. */
    logEveryMs?: number;
}

/**
 * Polls until the chain answers with `chainId`, has made `advanceBlocks` blocks since the first answer, and the
 * deployer holds `minDeployerBalanceWei`; fails at once on a wrong chain id, and at `timeoutSeconds` naming what is
 * missing. Each request is bounded by the RPC layer's request timeout (rpc.ts), so the whole wait ends within the
 * deadline plus one poll.
 */
export async function waitForChainReady(inputs: ChainReadyInputs, options: WaitOptions = {}): Promise<ChainReadyOutputs> {
    const log = options.log ?? providerLog;
    const where = `chain ${inputs.chainName} (${redactRpcUrl(inputs.rpcUrl)})`;
    const started = Date.now();
    const deadline = started + inputs.timeoutSeconds * 1000;
    let first: Observation | undefined;
    let last: Observation = {};
    let lastLog = started;
    for (;;) {
        last = await observe(inputs);
        if (last.chainId !== undefined && last.chainId !== BigInt(inputs.chainId)) {
            throw new Error(`${where} serves chain id ${last.chainId}, not ${inputs.chainId}: wrong endpoint`);
        }
        if (first === undefined && last.head !== undefined) first = last;
        if (missing(inputs, first, last) === "nothing") {
            log(`${where}: ready at block ${last.head} after ${Math.round((Date.now() - started) / 1000)} s`);
            return { ...inputs, readyAtBlock: last.head!, deployerBalanceWei: String(last.balance) };
        }
        const now = Date.now();
        if (now >= deadline) {
            throw new Error(`${where} is not ready after ${inputs.timeoutSeconds} s: ${missing(inputs, first, last)}`);
        }
        if (now - lastLog >= (options.logEveryMs ?? 60_000)) {
            log(`${where}: waiting (${Math.round((now - started) / 1000)} of ${inputs.timeoutSeconds} s): ${missing(inputs, first, last)}`);
            lastLog = now;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(inputs.pollIntervalSeconds * 1000, Math.max(0, deadline - now))));
    }
}

const WAIT_INPUTS = ["rpcUrl", "rpcCaCertificate", "chainId", "deployerAddress", "minDeployerBalanceWei", "advanceBlocks"] as const;

/** The dynamic provider; it captures nothing per resource. */
export const chainReadyProvider: pulumi.dynamic.ResourceProvider<ChainReadyInputs, ChainReadyOutputs> = {
    async check(_olds, news) {
        // In a first preview the fleet's endpoint address is not known yet; create checks again.
        if (hasUnknown(news)) return { inputs: news };
        const failures = checkChainReadyInputs(news as unknown as Record<string, unknown>);
        return failures.length > 0 ? { failures } : { inputs: news };
    },
    async create(inputs) {
        const failures = checkChainReadyInputs(inputs as unknown as Record<string, unknown>);
        if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
        const outs = await waitForChainReady(inputs);
        return { id: `${inputs.chainName}:${inputs.chainId}`, outs };
    },
    async diff(_id, olds, news) {
        // A ready chain stays ready as far as the suite is concerned; only a new endpoint or requirement waits again.
        const changed = WAIT_INPUTS.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
        return { changes: changed.length > 0 || olds.timeoutSeconds !== news.timeoutSeconds || olds.chainName !== news.chainName };
    },
    async update(_id, olds, news) {
        const changed = WAIT_INPUTS.some((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
        if (!changed) return { outs: { ...olds, ...news } };
        return { outs: await waitForChainReady(news) };
    },
    async read(id, props) {
        return { id, props };
    },
};

/** Program-side args of a {@link ChainReady}. */
export interface ChainReadyArgs {
    chainName: pulumi.Input<string>;
    /** Always made secret. */
    rpcUrl: pulumi.Input<string>;
    rpcCaCertificate?: pulumi.Input<string>;
    chainId: pulumi.Input<number>;
    deployerAddress: pulumi.Input<string>;
    /** Default 1 ether. */
    minDeployerBalanceWei?: pulumi.Input<string>;
    /** Default 2. */
    advanceBlocks?: pulumi.Input<number>;
    /** Default 3600 (see components/chain-endpoints.ts for why). */
    timeoutSeconds?: pulumi.Input<number>;
    /** Default 10. */
    pollIntervalSeconds?: pulumi.Input<number>;
}

/** Succeeds once the chain makes blocks and the deployer is funded (see the file header). */
export class ChainReady extends pulumi.dynamic.Resource {
    declare public readonly readyAtBlock: pulumi.Output<number>;
    declare public readonly deployerBalanceWei: pulumi.Output<string>;

    constructor(name: string, args: ChainReadyArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            chainReadyProvider,
            name,
            {
                chainName: args.chainName,
                rpcUrl: pulumi.secret(args.rpcUrl),
                rpcCaCertificate: args.rpcCaCertificate,
                chainId: args.chainId,
                deployerAddress: args.deployerAddress,
                minDeployerBalanceWei: args.minDeployerBalanceWei ?? "1000000000000000000",
                advanceBlocks: args.advanceBlocks ?? 2,
                timeoutSeconds: args.timeoutSeconds ?? 3600,
                pollIntervalSeconds: args.pollIntervalSeconds ?? 10,
                readyAtBlock: undefined,
                deployerBalanceWei: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "rpcUrl"] },
        );
    }
}
