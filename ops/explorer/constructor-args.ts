// Constructor arguments from the chain, not from the caller: the creation input is
// `initCode = bytecode ++ abi.encode(args)` (a CREATE2-proxy call prepends a 32-byte salt), so the
// arguments are what follows the artifact's bytecode — after checking the transaction really created
// the address and the arguments decode with the artifact's constructor.
import { AbiCoder, Interface, getAddress, getCreate2Address, getCreateAddress, keccak256 } from "ethers";
import type { Artifact } from "../../contracts/artifacts";

/** The deterministic-deployment proxy every suite contract is deployed through. */
export const CREATE2_PROXY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";

/** The fields of a transaction that creation recovery needs. */
export interface CreationTx {
    hash: string;
    from: string;
    nonce: number;
    /** null for a plain contract-creation transaction. */
    to: string | null;
    data: string;
}

const coder = AbiCoder.defaultAbiCoder();

function short(hex: string): string {
    return hex.length > 74 ? `${hex.slice(0, 42)}…(${(hex.length - 2) / 2} bytes)` : hex;
}

/**
 * ABI-encoded constructor arguments ("0x…") recovered from `tx`, the transaction that created
 * `address` — either a plain creation or a call to {@link CREATE2_PROXY} (`salt ++ initCode`).
 */
export function argsFromCreationTx(artifact: Artifact, address: string, tx: CreationTx): string {
    const name = artifact.contractName;
    const data = tx.data.toLowerCase();
    let initCode: string;
    if (tx.to === null) {
        const created = getCreateAddress({ from: tx.from, nonce: tx.nonce });
        if (created !== getAddress(address)) throw new Error(`${name}: tx ${tx.hash} created ${created}, not ${address}`);
        initCode = data;
    } else if (getAddress(tx.to) === getAddress(CREATE2_PROXY)) {
        if (data.length < 2 + 64) throw new Error(`${name}: tx ${tx.hash} to the CREATE2 proxy carries no salt and init code`);
        const salt = `0x${data.slice(2, 66)}`;
        initCode = `0x${data.slice(66)}`;
        const created = getCreate2Address(CREATE2_PROXY, salt, keccak256(initCode));
        if (created !== getAddress(address)) {
            throw new Error(`${name}: tx ${tx.hash} makes the CREATE2 proxy deploy ${created}, not ${address}`);
        }
    } else {
        throw new Error(
            `${name}: tx ${tx.hash} calls ${tx.to}, which is neither a plain creation nor the CREATE2 proxy: ` +
                `cannot find the init code in it (record the constructor arguments with the deployment instead)`,
        );
    }
    const bytecode = artifact.bytecode.toLowerCase();
    if (!initCode.startsWith(bytecode)) {
        throw new Error(
            `${name}: the init code in tx ${tx.hash} does not start with the bytecode of contracts/build/${name}.json: ` +
                `${address} runs another build (build the contracts at the deployed commit)`,
        );
    }
    const args = `0x${initCode.slice(bytecode.length)}`;
    decodeConstructorArgs(artifact, args);
    return args;
}

/**
 * Decodes `args` ("0x…") with the artifact's constructor. Throws, naming the contract, unless they
 * decode and are the canonical encoding (re-encoding gives the same bytes: no trailing garbage).
 */
export function decodeConstructorArgs(artifact: Artifact, args: string): unknown[] {
    const name = artifact.contractName;
    const inputs = new Interface(artifact.abi).deploy.inputs;
    const types = `(${inputs.map((p) => p.format("sighash")).join(",")})`;
    if (!/^0x([0-9a-fA-F]{2})*$/.test(args)) throw new Error(`${name}: constructor arguments ${short(args)} are not hex bytes`);
    if (inputs.length === 0) {
        if (args !== "0x") throw new Error(`${name}: the constructor takes no arguments but ${short(args)} follows the bytecode`);
        return [];
    }
    let values;
    try {
        values = coder.decode(inputs, args);
    } catch (error) {
        const why = error instanceof Error ? error.message.split(" (")[0] : String(error);
        throw new Error(`${name}: constructor arguments ${short(args)} do not decode as ${types}: ${why}`);
    }
    if (coder.encode(inputs, values).toLowerCase() !== args.toLowerCase()) {
        throw new Error(`${name}: constructor arguments ${short(args)} are not the exact encoding of ${types} (extra or malformed bytes)`);
    }
    return values.toArray(true);
}

/** ABI-encodes recorded constructor arguments (values, or an encoding that is checked). */
export function encodeConstructorArgs(artifact: Artifact, args: readonly unknown[] | string): string {
    if (typeof args === "string") {
        decodeConstructorArgs(artifact, args);
        return args.toLowerCase();
    }
    const inputs = new Interface(artifact.abi).deploy.inputs;
    if (args.length !== inputs.length) {
        throw new Error(`${artifact.contractName}: ${args.length} constructor arguments recorded, the constructor takes ${inputs.length}`);
    }
    try {
        return coder.encode(inputs, args);
    } catch (error) {
        const why = error instanceof Error ? error.message.split(" (")[0] : String(error);
        throw new Error(`${artifact.contractName}: recorded constructor arguments do not encode: ${why}`);
    }
}
