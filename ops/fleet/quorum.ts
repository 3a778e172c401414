// The QBFT quorum guard: whether a stop keeps enough validators running (the numbers: stack/qbft.ts).
import type { QbftQuorum } from "../../stack/qbft";

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
    rule: QbftQuorum;
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
 * Decides whether stopping `stopping` leaves at least `rule.quorum` validators running. Conservative:
 * only validators seen running count, so an unreachable region lowers the count instead of raising it.
 */
export function checkStop(rule: QbftQuorum, regions: RegionValidators[], stopping: string[]): StopVerdict {
    const runningNow = regions.reduce((sum, region) => sum + region.running.length, 0);
    const stopped = regions
        .filter((region) => stopping.includes(region.region))
        .map((region) => ({ region: region.region, validators: region.running.length }));
    const remaining = runningNow - stopped.reduce((sum, entry) => sum + entry.validators, 0);
    const unreachable = regions.filter((region) => !region.reachable).map((region) => region.region);
    const allowed = remaining >= rule.quorum;
    const taking = stopped.map((entry) => `${entry.region} (${entry.validators})`).join(", ");
    const unknown = unreachable.length > 0 ? `; unreachable, counted as not running: ${unreachable.join(", ")}` : "";
    const message =
        `stopping ${taking} leaves ${remaining} of ${rule.validators} validators running; ` +
        `QBFT needs at least ${rule.quorum} (⌈2n/3⌉ commit seals); ` +
        `${runningNow} run now${unknown}`;
    return { allowed, rule, runningNow, remaining, stopped, unreachable, message };
}
