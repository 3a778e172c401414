// Assertions for contract calls: decode custom errors so tests check the exact error and its arguments.
import assert from "node:assert/strict";
import { isCallException, type Contract, type Result, type ContractTransactionResponse, type Interface, type TransactionReceipt } from "ethers";

/** Waits for a transaction sent through a contract method and returns its (successful) receipt. */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
    const receipt = await (await tx).wait();
    assert.ok(receipt, "transaction was not mined");
    assert.equal(receipt.status, 1, "transaction reverted");
    return receipt;
}

function normalize(v: unknown): unknown {
    if (typeof v === "number") return BigInt(v);
    if (typeof v === "string" && /^0x[0-9a-fA-F]*$/.test(v)) return v.toLowerCase();
    if (Array.isArray(v)) return v.map(normalize);
    return v;
}

function revertData(err: unknown): string | undefined {
    if (isCallException(err) && typeof err.data === "string") return err.data;
    // Some paths wrap the JSON-RPC error; look for hex data one level down.
    const inner = (err as { info?: { error?: { data?: unknown } } }).info?.error?.data;
    return typeof inner === "string" ? inner : undefined;
}

/**
 * Asserts that `action` reverts with custom error `name` declared in one of `sources`, and (if
 * given) with exactly `args`. Returns the decoded error arguments.
 */
export async function expectRevert(
    action: Promise<unknown>,
    sources: Contract | Interface | ReadonlyArray<Contract | Interface>,
    name: string,
    args?: readonly unknown[],
): Promise<Result> {
    let error: unknown;
    try {
        await action;
    } catch (err) {
        error = err;
    }
    assert.ok(error !== undefined, `expected revert ${name}, but the call succeeded`);
    const data = revertData(error);
    assert.ok(data !== undefined, `expected revert ${name}, got a non-revert error: ${String(error)}`);
    const list = Array.isArray(sources) ? sources : [sources];
    for (const s of list as ReadonlyArray<Contract | Interface>) {
        const iface = "interface" in s ? s.interface : s;
        const parsed = iface.parseError(data);
        if (parsed === null) continue;
        assert.equal(parsed.name, name, `expected revert ${name}, got ${parsed.name}(${parsed.args.join(", ")})`);
        if (args !== undefined) assert.deepEqual(normalize(parsed.args.toArray(true)), normalize([...args]));
        return parsed.args;
    }
    return assert.fail(`expected revert ${name}, got undecodable revert data ${data}`);
}
