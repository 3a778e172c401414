// Finds the transaction that created a contract (recorded by the deployment, else asked of the
// explorer) and reads it from the chain's JSON-RPC, to recover the constructor arguments.
import { Interface, getAddress } from "ethers";
import type { Artifact } from "../../contracts/artifacts";
import type { ExplorerClient } from "./client";
import { answerText } from "./answers";
import { argsFromCreationTx, encodeConstructorArgs, type CreationTx } from "./constructor-args";
import { redact } from "./redact";
import type { DeployedContract } from "./types";

/** Constructor arguments to submit and where they came from. */
export interface ResolvedArgs {
    /** ABI encoding, "0x…" ("0x" when the constructor takes none). */
    encoded: string;
    source: "none" | "creation tx" | "deployment record";
}

/** Reads one transaction over JSON-RPC (bounded by `signal`). */
export async function fetchTransaction(rpcUrl: string, hash: string, chainId: number, signal: AbortSignal): Promise<CreationTx> {
    let response: Response;
    try {
        response = await fetch(rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getTransactionByHash", params: [hash] }),
            signal,
        });
    } catch (error) {
        if (signal.aborted) throw signal.reason;
        const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        throw new Error(`eth_getTransactionByHash ${hash}: ${why}`);
    }
    const body = (await response.json()) as { result?: Record<string, string> | null; error?: { message: string } };
    if (body.error !== undefined) throw new Error(`eth_getTransactionByHash ${hash}: ${body.error.message}`);
    const tx = body.result;
    if (tx === undefined || tx === null) throw new Error(`transaction ${hash} not found on chain ${chainId}`);
    if (tx.chainId !== undefined && tx.chainId !== null && Number(tx.chainId) !== chainId) {
        throw new Error(`transaction ${hash} belongs to chain ${Number(tx.chainId)}, not ${chainId}: wrong rpcUrl?`);
    }
    return { hash, from: tx.from, nonce: Number(tx.nonce), to: tx.to ?? null, data: tx.input ?? tx.data ?? "0x" };
}

/** Asks the explorer which transaction created `address` (module=contract&action=getcontractcreation). */
export async function creationTxHash(client: ExplorerClient, address: string, signal: AbortSignal): Promise<string> {
    const answer = await client.get({ module: "contract", action: "getcontractcreation", contractaddresses: address }, signal);
    const rows = Array.isArray(answer.result) ? (answer.result as Array<Record<string, unknown>>) : [];
    const row = rows.find((r) => typeof r.contractAddress === "string" && getAddress(r.contractAddress) === getAddress(address));
    if (answer.status !== "1" || row === undefined || typeof row.txHash !== "string") {
        throw new Error(`the ${client.chain} explorer does not know the creation tx of ${address}: ${answerText(answer)}`);
    }
    return row.txHash;
}

/**
 * The constructor arguments of `target`: recovered from its creation transaction when the chain can
 * be read (and then checked against any recorded ones), else the deployment's record.
 */
export async function resolveConstructorArgs(
    target: DeployedContract,
    artifact: Artifact,
    client: ExplorerClient,
    rpc: { url?: string; chainId: number },
    signal: AbortSignal,
): Promise<ResolvedArgs> {
    if (new Interface(artifact.abi).deploy.inputs.length === 0) {
        if (target.constructorArgs !== undefined) encodeConstructorArgs(artifact, target.constructorArgs);
        return { encoded: "0x", source: "none" };
    }
    const recorded = target.constructorArgs === undefined ? undefined : encodeConstructorArgs(artifact, target.constructorArgs);
    if (rpc.url === undefined) {
        if (recorded !== undefined) return { encoded: recorded, source: "deployment record" };
        throw new Error(
            `${target.contract}: no rpcUrl for chain ${target.chain} to read the creation tx, and the deployment recorded no constructor arguments`,
        );
    }
    let hash = target.txHash;
    if (hash === undefined) {
        try {
            hash = await creationTxHash(client, target.address, signal);
        } catch (error) {
            if (signal.aborted || recorded === undefined) throw error;
            return { encoded: recorded, source: "deployment record" };
        }
    }
    let tx: CreationTx;
    try {
        tx = await fetchTransaction(rpc.url, hash, rpc.chainId, signal);
    } catch (error) {
        if (signal.aborted) throw error;
        // The RPC URL may carry a key in its path: never echo it.
        throw new Error(redact(`${target.contract}: ${error instanceof Error ? error.message : String(error)}`, [rpc.url]));
    }
    const fromChain = argsFromCreationTx(artifact, target.address, tx);
    if (recorded !== undefined && recorded !== fromChain.toLowerCase()) {
        throw new Error(
            `${target.contract}: the recorded constructor arguments differ from those in creation tx ${hash} ` +
                `(recorded ${recorded.slice(0, 74)}…, on chain ${fromChain.slice(0, 74)}…)`,
        );
    }
    return { encoded: fromChain, source: "creation tx" };
}
