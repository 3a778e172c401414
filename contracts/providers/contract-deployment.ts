// ContractDeployment: a Pulumi dynamic resource that deploys one contract through the CREATE2 proxy.
//
// The address follows from salt + init code (artifact bytecode + ABI-encoded constructor args), so it is
// known before anything is sent. `create` adopts code already at that address (a run that crashed after
// broadcasting, or a redeploy of the same contract), which makes it safe to re-run; `read` drops the
// resource from state when the code is gone; `delete` leaves the contract on chain (contracts cannot be
// removed) and logs that. The deployer key is a secret input and is never written to outputs; the
// provider object captures no key, no URL and no config (it is serialised into state).
import * as pulumi from "@pulumi/pulumi";
import { Wallet, isHexString, keccak256 } from "ethers";
import { CREATE2_PROXY, initCodeOf, predictAddress, proxyCalldata, type AbiArg } from "./create2";
import { sendTransaction, settleSender } from "./nonce";
import { waitForReceipt } from "./receipt";
import { assertChainId, providerLog, redactRpcUrl, rpcCall, type ChainTarget, chainTargetOf } from "./rpc";

/** Inputs as the provider sees them (plain values). */
export interface ContractDeploymentInputs {
    /** Chain name used in messages (e.g. "mainnet"). */
    chainName: string;
    /** JSON-RPC URL; secret (may carry an API key). */
    rpcUrl: string;
    /** PEM CA an https rpcUrl must chain to (the fleet's private CA); absent: public roots. */
    rpcCaCertificate?: string;
    chainId: number;
    /** Suite contract name, e.g. "CCIPRouter" (messages and state only). */
    contractName: string;
    /** Artifact creation bytecode (the init code without constructor args). */
    bytecode: string;
    /** Constructor parameter types, e.g. ["address", "uint64"]. */
    constructorTypes: string[];
    constructorArgs: AbiArg[];
    /** 32-byte CREATE2 salt. */
    salt: string;
    /** Blocks to wait for (1 = mined). */
    confirmations: number;
    receiptTimeoutSeconds: number;
    /** The chain's node minimum gas price (decimal wei); absent means 0 (contracts/fees.ts). */
    minGasPriceWei?: string;
    /** 0x + 64 hex; secret; never in outputs. */
    deployerKey: string;
    /** The predicted address (computed by the program; checked here). */
    address: string;
}

/** Outputs written to state: the inputs minus the deployer key, plus what the deployment produced. */
export interface ContractDeploymentOutputs extends Omit<ContractDeploymentInputs, "deployerKey"> {
    /** Deployment transaction hash; "" when existing code was adopted. */
    txHash: string;
    /** Block of the deployment, or the block at which existing code was found. */
    blockNumber: number;
    /** keccak256 of the runtime code. */
    codeHash: string;
}

/** Inputs that change the contract (and so its address): any change replaces the resource. */
export const REPLACING_INPUTS = ["bytecode", "constructorTypes", "constructorArgs", "salt", "chainId"] as const;
/** Inputs that change only how we talk to the chain: updated in place, no transaction. */
const IN_PLACE_INPUTS = ["chainName", "rpcUrl", "rpcCaCertificate", "contractName", "confirmations", "receiptTimeoutSeconds", "minGasPriceWei"] as const;

/** Gas for a deployment whose estimate fails because a constructor dependency is still pending. */
const FALLBACK_DEPLOY_GAS = 8_000_000n;

type Failure = { property: string; reason: string };

/** The engine's placeholder for a value not known yet (preview): such inputs are checked at update time. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `value` holds a preview placeholder anywhere. */
export function hasUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(hasUnknown);
    if (typeof value === "object" && value !== null) return Object.values(value).some(hasUnknown);
    return false;
}

/** Validates inputs; every failure names its property and never echoes a key or URL. */
export function checkDeploymentInputs(all: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    // Unknown (preview) values are left out; create checks again with everything known.
    const unknown = new Set(Object.keys(all).filter((key) => hasUnknown(all[key])));
    const news = Object.fromEntries(Object.entries(all).filter(([key]) => !unknown.has(key)));
    const name = typeof news["contractName"] === "string" ? news["contractName"] : "<unnamed>";
    const fail = (property: string, reason: string) => {
        if (!unknown.has(property)) failures.push({ property, reason: `${name}: ${property} ${reason}` });
    };
    if (typeof news["chainName"] !== "string" || news["chainName"] === "") fail("chainName", "must be a non-empty string");
    if (typeof news["rpcUrl"] !== "string" || !/^(https?|wss?):\/\/./.test(news["rpcUrl"])) fail("rpcUrl", "must be an http(s) or ws(s) URL (value not shown)");
    if (!Number.isSafeInteger(news["chainId"]) || (news["chainId"] as number) < 1)
        fail("chainId", `must be a positive integer, got ${JSON.stringify(news["chainId"])}`);
    if (typeof news["bytecode"] !== "string" || !isHexString(news["bytecode"]) || news["bytecode"].length < 4)
        fail("bytecode", "must be the artifact's 0x-hex creation bytecode");
    if (typeof news["salt"] !== "string" || !isHexString(news["salt"], 32)) fail("salt", `must be 32 bytes of 0x-hex, got ${JSON.stringify(news["salt"])}`);
    if (!Number.isSafeInteger(news["confirmations"]) || (news["confirmations"] as number) < 1)
        fail("confirmations", `must be an integer >= 1, got ${JSON.stringify(news["confirmations"])}`);
    if (!Number.isSafeInteger(news["receiptTimeoutSeconds"]) || (news["receiptTimeoutSeconds"] as number) < 1)
        fail("receiptTimeoutSeconds", "must be an integer >= 1");
    if (news["minGasPriceWei"] !== undefined && !/^\d+$/.test(String(news["minGasPriceWei"]))) fail("minGasPriceWei", "must be a decimal integer (wei)");
    if (typeof news["deployerKey"] !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(news["deployerKey"]))
        fail("deployerKey", "must be 0x followed by 64 hex digits (value not shown)");
    const types = news["constructorTypes"];
    const args = news["constructorArgs"];
    if (!("constructorTypes" in news) || !("constructorArgs" in news) || !("bytecode" in news) || !("salt" in news)) return failures;
    if (!Array.isArray(types) || !types.every((t) => typeof t === "string")) fail("constructorTypes", "must be a list of ABI types");
    else if (!Array.isArray(args)) fail("constructorArgs", "must be a list");
    else if (failures.length === 0) {
        try {
            const predicted = predictAddress(news["salt"] as string, initCodeOf(news["bytecode"] as string, types as string[], args as AbiArg[]));
            if (typeof news["address"] === "string" && news["address"] !== "" && news["address"].toLowerCase() !== predicted.toLowerCase()) {
                fail("address", `is ${news["address"]} but salt + init code give ${predicted}`);
            }
        } catch (error) {
            fail("constructorArgs", `do not encode as (${(types as string[]).join(", ")}): ${(error as Error).message}`);
        }
    }
    return failures;
}

function publicOutputs(inputs: ContractDeploymentInputs): Omit<ContractDeploymentInputs, "deployerKey"> {
    // Destructuring drops the key: it must never reach state outputs.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { deployerKey: _key, ...rest } = inputs;
    return rest;
}

async function codeAt(target: ChainTarget, address: string): Promise<string> {
    return rpcCall(target, `eth_getCode(${address})`, (p) => p.getCode(address));
}

/** Deploys (or adopts) the contract; the body of `create`. Exported for tests that drive it directly. */
export async function deployContract(raw: ContractDeploymentInputs): Promise<pulumi.dynamic.CreateResult<ContractDeploymentOutputs>> {
    const failures = checkDeploymentInputs(raw as unknown as Record<string, unknown>);
    if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
    const inputs = raw;
    const target = chainTargetOf(inputs);
    const what = `${inputs.contractName} on ${inputs.chainName}`;
    await assertChainId(target);
    const initCode = initCodeOf(inputs.bytecode, inputs.constructorTypes, inputs.constructorArgs);
    const address = predictAddress(inputs.salt, initCode);
    const deployer = new Wallet(inputs.deployerKey).address;
    const timeoutMs = inputs.receiptTimeoutSeconds * 1000;
    // A crashed earlier run may have a deployment in flight: let it land, then look for the code.
    await settleSender(target, deployer, timeoutMs);

    const adopt = async (): Promise<pulumi.dynamic.CreateResult<ContractDeploymentOutputs> | undefined> => {
        const code = await codeAt(target, address);
        if (code === "0x") return undefined;
        const blockNumber = await rpcCall(target, "eth_blockNumber", (p) => p.getBlockNumber());
        providerLog(`${what}: code already at ${address}; adopted, nothing sent`);
        return { id: `${inputs.chainId}:${address}`, outs: { ...publicOutputs(inputs), address, txHash: "", blockNumber, codeHash: keccak256(code) } };
    };
    const existing = await adopt();
    if (existing !== undefined) return existing;

    if ((await codeAt(target, CREATE2_PROXY)) === "0x") {
        throw new Error(`${what}: chain ${inputs.chainName} (${redactRpcUrl(inputs.rpcUrl)}) has no CREATE2 proxy at ${CREATE2_PROXY}`);
    }
    const data = proxyCalldata(inputs.salt, initCode);
    const gasLimit = await rpcCall(target, `estimateGas(${inputs.contractName})`, (p) => p.estimateGas({ from: deployer, to: CREATE2_PROXY, data })).then(
        (estimate) => (estimate * 12n) / 10n,
        // Constructor reading a contract deployed in the same block: the estimate cannot see it yet.
        () => FALLBACK_DEPLOY_GAS,
    );
    const sent = await sendTransaction(target, inputs.deployerKey, { to: CREATE2_PROXY, data, gasLimit }, `${inputs.contractName} deployment`);
    const receipt = await waitForReceipt(target, {
        hash: sent.hash,
        confirmations: inputs.confirmations,
        timeoutMs,
        what: `${inputs.contractName} deployment`,
    });
    const code = await codeAt(target, address);
    if (code === "0x") {
        throw new Error(
            `${what}: transaction ${sent.hash} ${receipt.status === 1 ? "succeeded" : "reverted"} in block ${receipt.blockNumber} but ${address} has no code`,
        );
    }
    if (receipt.status !== 1) {
        // Someone (an earlier crashed run) deployed the same init code first: same address, same code.
        providerLog(`${what}: ${sent.hash} reverted because ${address} was deployed meanwhile; adopted`);
        return {
            id: `${inputs.chainId}:${address}`,
            outs: { ...publicOutputs(inputs), address, txHash: "", blockNumber: receipt.blockNumber, codeHash: keccak256(code) },
        };
    }
    providerLog(`${what}: deployed at ${address} in block ${receipt.blockNumber} (${sent.hash})`);
    return {
        id: `${inputs.chainId}:${address}`,
        outs: { ...publicOutputs(inputs), address, txHash: sent.hash, blockNumber: receipt.blockNumber, codeHash: keccak256(code) },
    };
}

function canonical(value: unknown): string {
    return JSON.stringify(value ?? null);
}

/** The dynamic provider. It captures nothing per resource: everything arrives as inputs. */
export const contractDeploymentProvider: pulumi.dynamic.ResourceProvider<ContractDeploymentInputs, ContractDeploymentOutputs> = {
    async check(_olds, news) {
        const failures = checkDeploymentInputs(news as unknown as Record<string, unknown>);
        return failures.length > 0 ? { failures } : { inputs: news };
    },

    create: deployContract,

    async diff(_id, olds, news) {
        const replaces = REPLACING_INPUTS.filter((key) => canonical(olds[key]) !== canonical(news[key]));
        const updates = IN_PLACE_INPUTS.filter((key) => canonical(olds[key]) !== canonical(news[key]));
        // The SDK's dynamic DiffResult carries no detailedDiff: `replaces` names the culprits, the log says why.
        if (replaces.length > 0) {
            providerLog(`${news.contractName} on ${news.chainName}: ${replaces.join(", ")} changed; a new contract will be deployed at a new address`);
        }
        return { changes: replaces.length + updates.length > 0, replaces: [...replaces], deleteBeforeReplace: false };
    },

    async update(_id, olds, news) {
        // Only connection details or labels changed (diff replaces on anything else): no transaction.
        return { outs: { ...olds, ...publicOutputs(news), address: olds.address } };
    },

    async read(id, props) {
        if (props === undefined) return { id: "", props: {} as ContractDeploymentOutputs };
        const target = chainTargetOf(props);
        const code = await codeAt(target, props.address);
        // An empty id tells the engine the resource is gone (e.g. a dev chain was restarted).
        if (code === "0x") return { id: "", props: {} as ContractDeploymentOutputs };
        return { id, props: { ...props, codeHash: keccak256(code) } };
    },

    async delete(_id, props) {
        providerLog(`${props.contractName} on ${props.chainName}: left on chain at ${props.address} (contracts cannot be deleted); removed from state only`);
    },
};

/** Program-side args of a {@link ContractDeployment}. */
export interface ContractDeploymentArgs {
    chainName: pulumi.Input<string>;
    /** JSON-RPC URL; always made secret (URLs often carry API keys). */
    rpcUrl: pulumi.Input<string>;
    /** PEM CA the https rpcUrl must chain to (the fleet's own endpoint). Default: public roots. */
    rpcCaCertificate?: pulumi.Input<string>;
    chainId: pulumi.Input<number>;
    contractName: pulumi.Input<string>;
    /** Artifact creation bytecode. */
    bytecode: pulumi.Input<string>;
    /** Constructor parameter types (see contracts/providers/create2.ts#constructorTypes). */
    constructorTypes: pulumi.Input<string[]>;
    /** Constructor arguments (JSON; big integers as decimal strings). Default []. */
    constructorArgs?: pulumi.Input<pulumi.Input<AbiArg>[]>;
    /** 32-byte salt. */
    salt: pulumi.Input<string>;
    /** Confirmations to wait for. Default 1. */
    confirmations?: pulumi.Input<number>;
    /** Receipt deadline. Default 300 s. */
    receiptTimeoutSeconds?: pulumi.Input<number>;
    /** The chain's node minimum gas price (decimal wei), which the deployment's fees clear. Default 0. */
    minGasPriceWei?: pulumi.Input<string>;
    /** Deployer private key; always made secret, never in outputs. */
    deployerKey: pulumi.Input<string>;
}

/** One contract deployed through the CREATE2 proxy. */
export class ContractDeployment extends pulumi.dynamic.Resource {
    /** Deployed address (depends on this resource: use it when the caller needs the code to exist). */
    declare public readonly address: pulumi.Output<string>;
    /** Deployment transaction hash; "" when existing code was adopted. */
    declare public readonly txHash: pulumi.Output<string>;
    declare public readonly blockNumber: pulumi.Output<number>;
    declare public readonly codeHash: pulumi.Output<string>;
    /**
     * The same address computed from the inputs alone: known before deployment and without a dependency
     * on this resource (for constructor args of contracts that may go in the same block).
     */
    public readonly predictedAddress: pulumi.Output<string>;

    constructor(name: string, args: ContractDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
        const constructorArgs = pulumi.output(args.constructorArgs ?? []) as pulumi.Output<AbiArg[]>;
        const predicted = pulumi
            .all([args.salt, args.bytecode, args.constructorTypes, constructorArgs])
            .apply(([salt, bytecode, types, values]) => predictAddress(salt, initCodeOf(bytecode, types, values)));
        super(
            contractDeploymentProvider,
            name,
            {
                chainName: args.chainName,
                rpcUrl: pulumi.secret(args.rpcUrl),
                rpcCaCertificate: args.rpcCaCertificate,
                chainId: args.chainId,
                contractName: args.contractName,
                bytecode: args.bytecode,
                constructorTypes: args.constructorTypes,
                constructorArgs,
                salt: args.salt,
                confirmations: args.confirmations ?? 1,
                receiptTimeoutSeconds: args.receiptTimeoutSeconds ?? 300,
                minGasPriceWei: args.minGasPriceWei,
                deployerKey: pulumi.secret(args.deployerKey),
                address: predicted,
                txHash: undefined,
                blockNumber: undefined,
                codeHash: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "rpcUrl"] },
        );
        this.predictedAddress = predicted;
    }
}
