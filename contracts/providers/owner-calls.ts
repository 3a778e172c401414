// Sending planned calls from the deployer key as whoever must make them: directly when the deployer owns the
// target (or anyone may call), as a MultiSig transaction (`submit` + `execute`) when the chain's MultiSig owns it
// or the call is the MultiSig's own (acceptOwnership). Shared by CcipLane (configuration) and SuiteGovernance
// (the ownership hand-over), so both route through the MultiSig the same way.
import { Contract, Interface } from "ethers";
import { MULTISIG_ABI, OWNABLE2STEP_ABI } from "./abis";
import { sendTransaction } from "./nonce";
import { waitForReceipt } from "./receipt";
import { providerLog, rpcCall, chainProvider, type ChainTarget } from "./rpc";

/** A call to make on one chain. */
export interface PlannedCall {
    description: string;
    /** The suite contract `target` is (messages), e.g. "CCIPWETH9Bridge". */
    contract: string;
    target: string;
    data: string;
    value: bigint;
    /**
     * Who must call: "owner" (owner-only: the current owner of `target` decides between a direct call and a
     * MultiSig transaction), "multisig" (always the MultiSig, e.g. acceptOwnership), "deployer" (anyone).
     */
    by: "owner" | "multisig" | "deployer";
    /** Gas when the estimate cannot see the effects of earlier calls in the same batch. */
    fallbackGas: bigint;
}

/** Case-insensitive address equality. */
export const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** A {@link PlannedCall} encoding `fn(args)` of `abi` on `contract` at `to`. */
export function plannedCall(
    description: string,
    contract: string,
    to: string,
    abi: string[],
    fn: string,
    args: unknown[],
    fallbackGas = 300_000n,
    value = 0n,
    by: PlannedCall["by"] = "owner",
): PlannedCall {
    return { description, contract, target: to, data: new Interface(abi).encodeFunctionData(fn, args), value, by, fallbackGas };
}

/** A transaction to send for a planned call: direct from the deployer, or one half of a MultiSig submit/execute pair. */
export interface WireTx {
    description: string;
    to: string;
    data: string;
    value: bigint;
    fallbackGas: bigint;
}

/** Where and as whom calls are sent. */
export interface CallSender {
    target: ChainTarget;
    /** The chain's MultiSig (owner of the suite's contracts after the hand-over). */
    multisig: string;
    deployerAddress: string;
    /** Secret; never logged. */
    deployerKey: string;
    confirmations: number;
    receiptTimeoutMs: number;
}

/**
 * The current owner of every contract that an "owner" call targets (lowercase address → owner). An owner that is
 * neither the deployer nor the MultiSig is an error naming the contract and its owner: nobody here can act for it.
 */
export async function readOwners(
    sender: Pick<CallSender, "target" | "multisig" | "deployerAddress">,
    calls: readonly PlannedCall[],
): Promise<Map<string, string>> {
    const { target, multisig, deployerAddress } = sender;
    const targets = new Map<string, PlannedCall>();
    for (const c of calls) if (c.by === "owner" && !targets.has(c.target.toLowerCase())) targets.set(c.target.toLowerCase(), c);
    const provider = chainProvider(target);
    const owners = new Map<string, string>();
    await Promise.all(
        [...targets.values()].map(async (c) => {
            const ownable = new Contract(c.target, OWNABLE2STEP_ABI, provider);
            const owner = (await rpcCall(target, `${c.contract}.owner`, () => ownable.getFunction("owner").staticCall())) as string;
            if (!sameAddress(owner, deployerAddress) && !sameAddress(owner, multisig)) {
                throw new Error(
                    `${target.name}: ${c.contract} at ${c.target} is owned by ${owner}, neither the deployer ${deployerAddress} nor the MultiSig ${multisig}; ` +
                        `cannot make ${c.description}`,
                );
            }
            owners.set(c.target.toLowerCase(), owner);
        }),
    );
    return owners;
}

/**
 * Turns planned calls into transactions. Owner-only calls on contracts the MultiSig owns (and every "multisig"
 * call) become `submit` + `execute` on the MultiSig, which needs the deployer among its owners and a threshold
 * of 1 (the initial design: contracts/README.md); otherwise the error lists the calls its owners must make.
 * `nextTxId` is the MultiSig's transactionCount: its transactions are numbered 0, 1, … in submit order.
 */
export async function toTransactions(
    sender: Pick<CallSender, "target" | "multisig" | "deployerAddress">,
    calls: readonly PlannedCall[],
    owners: ReadonlyMap<string, string>,
): Promise<WireTx[]> {
    const { target, multisig: wallet, deployerAddress } = sender;
    const multisig = new Contract(wallet, MULTISIG_ABI, chainProvider(target));
    const iface = new Interface(MULTISIG_ABI);
    const routed = calls.filter((c) => viaMultisig(c, wallet, owners));
    let nextTxId = 0n;
    if (routed.length > 0) {
        const [walletOwners, threshold, count] = await Promise.all([
            rpcCall(target, "MultiSig.getOwners", () => multisig.getFunction("getOwners").staticCall() as Promise<string[]>),
            rpcCall(target, "MultiSig.threshold", () => multisig.getFunction("threshold").staticCall() as Promise<bigint>),
            rpcCall(target, "MultiSig.transactionCount", () => multisig.getFunction("transactionCount").staticCall() as Promise<bigint>),
        ]);
        if (!walletOwners.some((o) => sameAddress(o, deployerAddress)) || threshold !== 1n) {
            throw new Error(
                `${target.name}: the MultiSig ${wallet} (threshold ${threshold}, owners ${walletOwners.join(", ")}) must make these calls; ` +
                    `the deployer cannot alone. Submit and confirm them through the MultiSig:\n` +
                    routed.map((c) => `  - ${c.description}: to ${c.target} data ${c.data}`).join("\n"),
            );
        }
        nextTxId = count;
    }
    const txs: WireTx[] = [];
    for (const c of calls) {
        if (!viaMultisig(c, wallet, owners)) {
            txs.push({ description: c.description, to: c.target, data: c.data, value: c.value, fallbackGas: c.fallbackGas });
            continue;
        }
        const txId = nextTxId++;
        txs.push({
            description: `${c.description} (MultiSig submit #${txId})`,
            to: wallet,
            data: iface.encodeFunctionData("submit", [c.target, c.value, c.data]),
            value: 0n,
            fallbackGas: 350_000n,
        });
        txs.push({
            description: `${c.description} (MultiSig execute #${txId})`,
            to: wallet,
            data: iface.encodeFunctionData("execute", [txId]),
            value: 0n,
            fallbackGas: c.fallbackGas + 150_000n,
        });
    }
    return txs;
}

function viaMultisig(c: PlannedCall, multisig: string, owners: ReadonlyMap<string, string>): boolean {
    if (c.by !== "owner") return c.by === "multisig";
    const owner = owners.get(c.target.toLowerCase());
    return owner !== undefined && sameAddress(owner, multisig);
}

/**
 * Runs `fn` after every earlier holder of the lock of `multisig` on `target` (a promise-chain mutex on globalThis:
 * every resource's provider is deserialised separately but all run in one process). MultiSig transaction ids are
 * predicted from transactionCount, so two resources submitting to one MultiSig at once (two lanes of one chain)
 * would predict the same id; each holds the lock from that read until its receipts are in. Each holder is bounded
 * (its reads, sends and receipt waits are), so the wait is too.
 */
function withMultisigLock<T>(target: ChainTarget, multisig: string, fn: () => Promise<T>): Promise<T> {
    const g = globalThis as Record<symbol, unknown>;
    const locks = (g[Symbol.for("chain138.contracts.multisigLocks")] ??= new Map<string, Promise<unknown>>()) as Map<string, Promise<unknown>>;
    const key = `${target.chainId}@${target.rpcUrl}:${multisig.toLowerCase()}`;
    const run = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    locks.set(
        key,
        run.catch(() => undefined),
    );
    return run;
}

/**
 * Sends `calls` in order from the deployer (nonce order = execution order), each as {@link toTransactions} routes
 * it, and waits for every receipt; a revert fails naming each reverted call and its hash. Returns what was sent.
 */
export async function sendCalls(sender: CallSender, calls: readonly PlannedCall[]): Promise<string[]> {
    if (calls.length === 0) return [];
    const { target } = sender;
    const owners = await readOwners(sender, calls);
    const send = async (): Promise<string[]> => {
        const txs = await toTransactions(sender, calls, owners);
        const sent: { description: string; hash: string }[] = [];
        for (const tx of txs) {
            // Estimated against current state; a call depending on an earlier one of this batch cannot be, so it uses its fallback.
            const gasLimit = await rpcCall(target, `estimateGas(${tx.description})`, (p) =>
                p.estimateGas({ from: sender.deployerAddress, to: tx.to, data: tx.data, value: tx.value }),
            ).then(
                (estimate) => (estimate * 13n) / 10n,
                () => tx.fallbackGas,
            );
            // Broadcast in order; receipts are awaited together below, so the batch can land in one block.
            const { hash } = await sendTransaction(target, sender.deployerKey, { to: tx.to, data: tx.data, value: tx.value, gasLimit }, tx.description);
            sent.push({ description: tx.description, hash });
        }
        const receipts = await Promise.all(
            sent.map((s) =>
                waitForReceipt(target, { hash: s.hash, confirmations: sender.confirmations, timeoutMs: sender.receiptTimeoutMs, what: s.description }),
            ),
        );
        const failed = receipts.map((r, i) => ({ r, s: sent[i] })).filter(({ r }) => r.status !== 1);
        if (failed.length > 0) {
            throw new Error(`${target.name}: call(s) reverted: ${failed.map(({ s }) => `${s.description} (${s.hash})`).join("; ")}`);
        }
        for (const s of sent) providerLog(`${s.description}: ${s.hash}`);
        return sent.map((s) => s.description);
    };
    const routed = calls.some((c) => viaMultisig(c, sender.multisig, owners));
    return routed ? withMultisigLock(target, sender.multisig, send) : send();
}
