// The QBFT vote plan for a validator-set change after launch (the genesis is frozen: components/besu/genesis-lock.ts).
//
// Rules (besu-docs, QBFT "Add and remove validators"; Besu's VoteTallyCache / ValidatorProvider): a validator joins
// or leaves once more than half of the current validators have proposed the same vote (qbft_proposeValidatorVote,
// cast into the blocks they propose); votes not yet decided are dropped at each epoch boundary. Quorum follows the
// new set at once: ⌈2n/3⌉ commit seals (BftHelpers.calculateRequiredValidatorQuorum).
import type { ValidatorChanges } from "../../components/besu/genesis-lock";
import { qbftQuorum } from "../../stack/qbft";

/** Validators to add and remove: the shape BesuNetwork outputs as `besu.validatorChanges`. */
export type { ValidatorChanges };

/** One vote to cast on every current validator, and how many of them must cast it. */
export interface VoteStep {
    action: "add" | "remove";
    address: string;
    /** Size of the validator set before this step. */
    validatorsBefore: number;
    /** Votes that decide it: more than half of the current validators. */
    votesNeeded: number;
    /** The set's quorum once the step has taken effect. */
    quorumAfter: number;
}

export interface VotePlan {
    steps: VoteStep[];
    /** Changes already in effect on chain. */
    done: string[];
    /** Changes the plan will not make, each with the reason. */
    refused: string[];
}

/**
 * Orders the changes one at a time, additions first (the set never shrinks below what it had while new validators
 * come in). An addition whose node is not running and in sync is refused: it would raise the quorum without adding
 * a signer, lowering the faults the chain tolerates. A removal that would leave fewer than 4 validators (QBFT
 * tolerates no fault below 3f+1 = 4) is refused.
 */
export function planValidatorVotes(current: readonly string[], changes: ValidatorChanges, readyCandidates: ReadonlySet<string>): VotePlan {
    const set = new Set(current.map((a) => a.toLowerCase()));
    const steps: VoteStep[] = [];
    const done: string[] = [];
    const refused: string[] = [];
    const step = (action: "add" | "remove", address: string) => {
        const before = set.size;
        if (action === "add") set.add(address);
        else set.delete(address);
        steps.push({ action, address, validatorsBefore: before, votesNeeded: Math.floor(before / 2) + 1, quorumAfter: qbftQuorum(set.size).quorum });
    };
    for (const raw of changes.add) {
        const address = raw.toLowerCase();
        if (set.has(address)) done.push(`add ${address}`);
        else if (!readyCandidates.has(address))
            refused.push(
                `add ${address}: its node is not running and in sync; a validator that cannot sign raises the quorum and lowers the faults the chain tolerates`,
            );
        else step("add", address);
    }
    for (const raw of changes.remove) {
        const address = raw.toLowerCase();
        if (!set.has(address)) done.push(`remove ${address}`);
        else if (set.size - 1 < 4) refused.push(`remove ${address}: ${set.size - 1} validator(s) would remain; QBFT needs at least 4 to tolerate a fault`);
        else step("remove", address);
    }
    return { steps, done, refused };
}
