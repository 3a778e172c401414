// The QBFT numbers of a validator set, used by the program (rollout warning, maintenance budget), the policy
// pack and the fleet tool (stop guard), so all three agree.
//
// Besu waits for ⌈2n/3⌉ commit seals before a block is final (besu consensus/common BftHelpers
// `calculateRequiredValidatorQuorum`: `Util.fastDivCeiling(2 * validatorCount, 3)`). That is never below the
// classic BFT bound 2f+1 with f = ⌊(n−1)/3⌋ (n = 3f+1: both 2f+1; n = 3f+2 or 3f+3: ⌈2n/3⌉ = 2f+2), so it is the
// one liveness rule. f is the safety bound: QBFT stays safe while at most f validators are faulty, which is what
// planned maintenance may take down at once.

/** The quorum numbers of a validator set of size n. */
export interface QbftQuorum {
    /** Validators in the set (n). */
    readonly validators: number;
    /** Faulty validators QBFT stays safe with: f = ⌊(n−1)/3⌋. */
    readonly faultTolerance: number;
    /** Running validators Besu needs to make blocks: ⌈2n/3⌉ commit seals. */
    readonly quorum: number;
}

/** QBFT's numbers for a set of `validators`; the error names the bad count. */
export function qbftQuorum(validators: number): QbftQuorum {
    if (!Number.isInteger(validators) || validators < 1) throw new Error(`a validator set needs at least 1 validator, got ${validators}`);
    return { validators, faultTolerance: Math.floor((validators - 1) / 3), quorum: Math.ceil((2 * validators) / 3) };
}
