// The ownership hand-over of one chain's suite as data: read who owns each contract, and plan the calls that
// move every one still owned by the deployer to the chain's MultiSig (OpenZeppelin Ownable2Step's two steps:
// `transferOwnership(MultiSig)` by the owner, then `acceptOwnership()` by the MultiSig itself).
import { Contract } from "ethers";
import { OWNABLE2STEP_ABI } from "./abis";
import { plannedCall, sameAddress, type PlannedCall } from "./owner-calls";
import { chainProvider, rpcCall, type ChainTarget } from "./rpc";

/** A suite contract to hand over. */
export interface OwnedContract {
    /** Suite contract name, e.g. "CCIPWETH9Bridge" (messages). */
    contract: string;
    address: string;
}

/** What the chain looks like against the wanted state, and the calls that fix it. */
export interface HandoverPlan {
    /** Human-readable differences (empty: every contract is owned by the MultiSig). */
    drift: string[];
    /** Calls in order: per contract transferOwnership (unless already pending to the MultiSig), then acceptOwnership. */
    calls: PlannedCall[];
    /** Contracts owned by a third party (neither the deployer nor the MultiSig): nothing here can move them. */
    foreign: string[];
}

/**
 * Reads `owner()` and, where the deployer still owns a contract, `pendingOwner()` of each contract. Adopts what is
 * already done: a contract owned by the MultiSig needs nothing, one whose transfer to the MultiSig is pending
 * needs only the accept.
 */
export async function planHandover(target: ChainTarget, multisig: string, owned: readonly OwnedContract[], deployer: string): Promise<HandoverPlan> {
    const provider = chainProvider(target);
    const perContract = await Promise.all(
        owned.map(async ({ contract, address }) => {
            const ownable = new Contract(address, OWNABLE2STEP_ABI, provider);
            const owner = (await rpcCall(target, `${contract}.owner`, () => ownable.getFunction("owner").staticCall())) as string;
            if (sameAddress(owner, multisig)) return { drift: [], calls: [], foreign: [] };
            if (!sameAddress(owner, deployer)) {
                const line = `${target.name}: ${contract} at ${address} is owned by ${owner}, neither the deployer ${deployer} nor the MultiSig ${multisig}`;
                return { drift: [line], calls: [], foreign: [line] };
            }
            const pending = (await rpcCall(target, `${contract}.pendingOwner`, () => ownable.getFunction("pendingOwner").staticCall())) as string;
            const started = sameAddress(pending, multisig);
            const calls: PlannedCall[] = [];
            if (!started) {
                calls.push(
                    plannedCall(
                        `${target.name}: ${contract}.transferOwnership(MultiSig)`,
                        contract,
                        address,
                        OWNABLE2STEP_ABI,
                        "transferOwnership",
                        [multisig],
                        100_000n,
                    ),
                );
            }
            // Accepting is the MultiSig's own call: sent as a MultiSig transaction (owner-calls.ts toTransactions).
            calls.push(
                plannedCall(
                    `${target.name}: ${contract}.acceptOwnership() by the MultiSig`,
                    contract,
                    address,
                    OWNABLE2STEP_ABI,
                    "acceptOwnership",
                    [],
                    150_000n,
                    0n,
                    "multisig",
                ),
            );
            const state = started ? "transfer to the MultiSig pending, not accepted" : "not transferred";
            return { drift: [`${target.name}: ${contract} owned by the deployer, not the MultiSig (${state})`], calls, foreign: [] };
        }),
    );
    return {
        drift: perContract.flatMap((p) => p.drift),
        calls: perContract.flatMap((p) => p.calls),
        foreign: perContract.flatMap((p) => p.foreign),
    };
}
