// CREATE2 through the deterministic-deployment proxy: init code and address are known before sending.
import { AbiCoder, ParamType, concat, getAddress, getCreate2Address, keccak256, type BytesLike } from "ethers";

/** The deterministic-deployment proxy (anvil predeploys it; Chain 138's genesis has it; on mainnet since 2019). */
export const CREATE2_PROXY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";

/** A constructor argument as it travels through Pulumi: JSON only (numbers beyond 2^53 as decimal strings). */
export type AbiArg = string | number | boolean | AbiArg[];

/** Constructor parameter types (`ParamType.format("full")` strings), e.g. `["address initialOwner", "uint64 selector"]`. */
export function constructorTypes(abi: readonly unknown[]): string[] {
    const ctor = abi.find((entry) => (entry as { type?: string }).type === "constructor") as { inputs?: unknown[] } | undefined;
    return (ctor?.inputs ?? []).map((input) => ParamType.from(input as Parameters<typeof ParamType.from>[0]).format("full"));
}

/** Artifact bytecode followed by the ABI-encoded constructor arguments. */
export function initCodeOf(bytecode: string, types: readonly string[], args: readonly AbiArg[]): string {
    if (types.length !== args.length) {
        throw new Error(`constructor takes ${types.length} argument(s) (${types.join(", ")}), got ${args.length}`);
    }
    const encoded = AbiCoder.defaultAbiCoder().encode(types as string[], args as unknown[]);
    return concat([bytecode, encoded]);
}

/** The address the proxy gives `initCode` under `salt` (32 bytes). */
export function predictAddress(salt: BytesLike, initCode: string): string {
    return getAddress(getCreate2Address(CREATE2_PROXY, salt, keccak256(initCode)));
}

/** Calldata for the proxy: salt then init code. */
export function proxyCalldata(salt: BytesLike, initCode: string): string {
    return concat([salt, initCode]);
}
