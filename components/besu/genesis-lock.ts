// GenesisLock: the genesis Chain 138 launched with, kept in Pulumi state; every later run must agree with it.
//
// Why: a Besu node refuses to start when the genesis it is given differs from the one its database was built from
// ("Supplied genesis block does not match chain data stored", DefaultBlockchain). The program computes the genesis
// from code and config (validator keys, deployer, Multicall3's bytecode from solc, gas settings), so a solc bump, a
// new deployer or a region added would otherwise roll every pod onto a genesis none of them accepts. Once locked:
// - the charts always get the locked genesis (no ConfigMap change, no restart);
// - a different validator set is not a genesis change: QBFT changes validators by votes (qbft_proposeValidatorVote),
//   so the difference is reported as `validatorChanges` for `npm run fleet -- votes` to plan and cast;
// - any other difference (config, alloc, gas, timestamp) stops the run in `check`, before any cloud call, naming
//   what changed.
import * as pulumi from "@pulumi/pulumi";
import { decodeQbftExtraData } from "./genesis";

/** Validators to add and remove by QBFT votes: the computed set against the locked genesis's. */
export interface ValidatorChanges {
    add: string[];
    remove: string[];
}

/** Plain inputs as the provider sees them. */
export interface GenesisLockInputs {
    /** The genesis the program computes on this run. */
    computedGenesisJson: string;
    /** The launched genesis; set by `check` from the old state (first run: the computed one). */
    lockedGenesisJson?: string;
}

/** Plain outputs kept in state. */
export interface GenesisLockOutputs extends GenesisLockInputs {
    lockedGenesisJson: string;
    validatorChanges: ValidatorChanges;
}

interface GenesisDoc {
    config?: Record<string, unknown>;
    alloc?: Record<string, unknown>;
    extraData?: string;
    [key: string]: unknown;
}

const lower = (list: readonly string[]) => list.map((a) => a.toLowerCase());

/** QBFT options that size a node's own message buffers (Besu JsonBftConfigOptions), not the chain's rules. */
const NODE_LOCAL_QBFT_KEYS = ["duplicatemessagelimit", "messagequeuelimit", "futuremessageslimit", "gossipedhistorylimit"];

/** Validators of a genesis JSON (lowercase addresses, genesis order). */
export function genesisValidators(genesisJson: string): string[] {
    return lower(decodeQbftExtraData(String((JSON.parse(genesisJson) as GenesisDoc).extraData ?? "0x")).validators);
}

/** The validator-set difference between the locked genesis and the computed one. */
export function validatorChanges(lockedGenesisJson: string, computedGenesisJson: string): ValidatorChanges {
    const locked = genesisValidators(lockedGenesisJson);
    const computed = genesisValidators(computedGenesisJson);
    return { add: computed.filter((a) => !locked.includes(a)), remove: locked.filter((a) => !computed.includes(a)) };
}

/** Everything but the validator set that differs between two genesis documents, one line each (no values shown). */
export function genesisDifferences(lockedGenesisJson: string, computedGenesisJson: string): string[] {
    const locked = JSON.parse(lockedGenesisJson) as GenesisDoc;
    const computed = JSON.parse(computedGenesisJson) as GenesisDoc;
    const out: string[] = [];
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    for (const key of new Set([...Object.keys(locked), ...Object.keys(computed)])) {
        if (key === "extraData" || key === "config" || key === "alloc") continue;
        if (!same(locked[key], computed[key])) out.push(`${key} differs`);
    }
    const rules = (doc: GenesisDoc) => {
        const config: Record<string, unknown> = { ...(doc.config ?? {}) };
        if (typeof config["qbft"] === "object" && config["qbft"] !== null) {
            // Message buffer sizes are each node's own limits, not consensus rules, and they follow the validator
            // count (genesis.ts qbftMessageLimits): the launched values stay; a new count is not a change.
            const qbft = { ...(config["qbft"] as Record<string, unknown>) };
            for (const key of NODE_LOCAL_QBFT_KEYS) delete qbft[key];
            config["qbft"] = qbft;
        }
        return config;
    };
    const lockedRules = rules(locked);
    const computedRules = rules(computed);
    for (const key of new Set([...Object.keys(lockedRules), ...Object.keys(computedRules)])) {
        if (!same(lockedRules[key], computedRules[key])) out.push(`config.${key} differs`);
    }
    const lockedAlloc = locked.alloc ?? {};
    const computedAlloc = computed.alloc ?? {};
    for (const account of new Set([...Object.keys(lockedAlloc), ...Object.keys(computedAlloc)])) {
        if (!(account in lockedAlloc)) out.push(`alloc: account ${account} would be added`);
        else if (!(account in computedAlloc)) out.push(`alloc: account ${account} would be removed`);
        else {
            const a = lockedAlloc[account] as Record<string, unknown>;
            const b = computedAlloc[account] as Record<string, unknown>;
            for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
                if (!same(a[field], b[field])) out.push(`alloc: ${field} of ${account} differs`);
            }
        }
    }
    // The extraData beyond its validator list (vanity, votes, round) is genesis too.
    const rest = (json: string) => {
        const decoded = decodeQbftExtraData(String((JSON.parse(json) as GenesisDoc).extraData ?? "0x"));
        return JSON.stringify({ ...decoded, validators: [] });
    };
    if (rest(lockedGenesisJson) !== rest(computedGenesisJson)) out.push("extraData (other than the validator list) differs");
    return out;
}

/**
 * The lock's rule, run by `check` with the old state's locked genesis (undefined on the first run): the inputs to
 * keep, or the reason to stop.
 */
export function lockGenesis(locked: string | undefined, computed: string): { inputs: GenesisLockInputs } | { failure: string } {
    if (locked === undefined || locked === computed) return { inputs: { computedGenesisJson: computed, lockedGenesisJson: locked ?? computed } };
    const differences = genesisDifferences(locked, computed);
    if (differences.length > 0) {
        return {
            failure:
                `the computed Chain 138 genesis differs from the one the chain launched with, and every node would refuse to start on it ` +
                `("Supplied genesis block does not match chain data stored"): ${differences.join("; ")}. ` +
                `Undo the change (pin the compiler/contract, deployer or settings the genesis came from); a new chain needs a new stack.`,
        };
    }
    return { inputs: { computedGenesisJson: computed, lockedGenesisJson: locked } };
}

/** The dynamic provider. It captures nothing: every value comes from its inputs and state. */
export const genesisLockProvider: pulumi.dynamic.ResourceProvider<GenesisLockInputs, GenesisLockOutputs> = {
    async check(olds: GenesisLockInputs, news: GenesisLockInputs): Promise<pulumi.dynamic.CheckResult<GenesisLockInputs>> {
        if (typeof news.computedGenesisJson !== "string" || news.computedGenesisJson === "") {
            return { failures: [{ property: "computedGenesisJson", reason: "GenesisLock: computedGenesisJson must be the genesis JSON" }] };
        }
        // In a preview that adds validators their keys are unknown, so the computed genesis is too (the engine passes
        // a placeholder, not JSON): nothing to compare yet; the update's check compares the real value.
        if (!news.computedGenesisJson.trimStart().startsWith("{")) {
            return { inputs: { computedGenesisJson: news.computedGenesisJson, lockedGenesisJson: olds?.lockedGenesisJson } };
        }
        const verdict = lockGenesis(olds?.lockedGenesisJson, news.computedGenesisJson);
        return "failure" in verdict ? { failures: [{ property: "computedGenesisJson", reason: verdict.failure }] } : { inputs: verdict.inputs };
    },

    async create(inputs: GenesisLockInputs): Promise<pulumi.dynamic.CreateResult<GenesisLockOutputs>> {
        const locked = inputs.lockedGenesisJson ?? inputs.computedGenesisJson;
        return {
            id: "chain138-genesis",
            outs: { ...inputs, lockedGenesisJson: locked, validatorChanges: validatorChanges(locked, inputs.computedGenesisJson) },
        };
    },

    async diff(_id: string, olds: GenesisLockOutputs, news: GenesisLockInputs): Promise<pulumi.dynamic.DiffResult> {
        // Never a replacement: the locked genesis only ever carries over.
        return { changes: olds.computedGenesisJson !== news.computedGenesisJson };
    },

    async update(_id: string, olds: GenesisLockOutputs, news: GenesisLockInputs): Promise<pulumi.dynamic.UpdateResult<GenesisLockOutputs>> {
        return {
            outs: { ...news, lockedGenesisJson: olds.lockedGenesisJson, validatorChanges: validatorChanges(olds.lockedGenesisJson, news.computedGenesisJson) },
        };
    },
};

/** Keeps the launched genesis in state (see the file comment). */
export class GenesisLock extends pulumi.dynamic.Resource {
    /** The genesis every node gets: the one the chain launched with. */
    declare public readonly lockedGenesisJson: pulumi.Output<string>;
    /** Validators the computed set adds or removes against the launched genesis. */
    declare public readonly validatorChanges: pulumi.Output<ValidatorChanges>;

    constructor(name: string, args: { computedGenesisJson: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super(genesisLockProvider, name, { computedGenesisJson: args.computedGenesisJson, lockedGenesisJson: undefined, validatorChanges: undefined }, opts);
    }
}
