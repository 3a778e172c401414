// The QBFT quorum guard: how many validators must keep running, and whether a stop keeps that many.

/** The quorum numbers of a validator set of size n. */
export interface QuorumRule {
    /** Validators in the set (n). */
    validators: number;
    /** Faults tolerated: f = ⌊(n−1)/3⌋. */
    faultTolerance: number;
    /** 2f+1: the classic BFT minimum of honest, running validators. */
    byzantineMinimum: number;
    /** ⌈2n/3⌉: the commit-seal count Besu's QBFT waits for (BftHelpers.calculateRequiredValidatorQuorum). */
    besuQuorum: number;
    /** The stricter of the two: fewer running validators than this and the chain stops or is unsafe. */
    required: number;
}

/**
 * Both figures, and the stricter one. They agree when n = 3f+1 (4, 7, …), but for other n Besu's
 * ⌈2n/3⌉ is larger — 48 validators: f = 15, 2f+1 = 31, yet Besu needs 32 commit seals — so guarding
 * on 2f+1 alone would allow a stop that halts block production.
 */
export function quorumRule(validators: number): QuorumRule {
    if (!Number.isInteger(validators) || validators < 1) throw new Error(`a validator set needs at least 1 validator, got ${validators}`);
    const faultTolerance = Math.floor((validators - 1) / 3);
    const byzantineMinimum = 2 * faultTolerance + 1;
    const besuQuorum = Math.ceil((2 * validators) / 3);
    return { validators, faultTolerance, byzantineMinimum, besuQuorum, required: Math.max(byzantineMinimum, besuQuorum) };
}

/** What the guard knows about one deployed region before a stop. */
export interface RegionValidators {
    region: string;
    /** Genesis validators of the region that are running (scaled up and ready); empty when unreachable. */
    running: string[];
    /** Whether the region's API answered; an unreachable region counts as running none. */
    reachable: boolean;
}

/** The guard's verdict on stopping `stopping`. */
export interface StopVerdict {
    allowed: boolean;
    rule: QuorumRule;
    /** Validators running now, as far as the guard can tell. */
    runningNow: number;
    /** Validators that would still run after the stop. */
    remaining: number;
    /** Running validators per region that the stop would take down. */
    stopped: { region: string; validators: number }[];
    /** Regions whose state could not be read (counted as running none). */
    unreachable: string[];
    /** One-line explanation naming the numbers and regions. */
    message: string;
}

/**
 * Decides whether stopping `stopping` leaves at least `rule.required` validators running. Conservative:
 * only validators seen running count, so an unreachable region lowers the count instead of raising it.
 */
export function checkStop(rule: QuorumRule, regions: RegionValidators[], stopping: string[]): StopVerdict {
    const runningNow = regions.reduce((sum, region) => sum + region.running.length, 0);
    const stopped = regions.filter((region) => stopping.includes(region.region)).map((region) => ({ region: region.region, validators: region.running.length }));
    const remaining = runningNow - stopped.reduce((sum, entry) => sum + entry.validators, 0);
    const unreachable = regions.filter((region) => !region.reachable).map((region) => region.region);
    const allowed = remaining >= rule.required;
    const taking = stopped.map((entry) => `${entry.region} (${entry.validators})`).join(", ");
    const unknown = unreachable.length > 0 ? `; unreachable, counted as not running: ${unreachable.join(", ")}` : "";
    const message =
        `stopping ${taking} leaves ${remaining} of ${rule.validators} validators running; ` +
        `QBFT needs at least ${rule.required} (⌈2n/3⌉ = ${rule.besuQuorum}, 2f+1 = ${rule.byzantineMinimum} with f = ${rule.faultTolerance}); ` +
        `${runningNow} run now${unknown}`;
    return { allowed, rule, runningNow, remaining, stopped, unreachable, message };
}
