// The quorum guard's arithmetic: Besu's ⌈2n/3⌉ against 2f+1, and the stop verdict at its boundary.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkStop, quorumRule, type RegionValidators } from "../../ops/fleet/quorum";

const region = (name: string, running: number, reachable = true): RegionValidators => ({
    region: name,
    reachable,
    running: Array.from({ length: running }, (_, i) => `${name}-validator-${i}`),
});

describe("fleet quorum rule", () => {
    it("takes Besu's ⌈2n/3⌉ where it is stricter than 2f+1 (48 validators: 32, not 31)", () => {
        assert.deepEqual(quorumRule(48), { validators: 48, faultTolerance: 15, byzantineMinimum: 31, besuQuorum: 32, required: 32 });
        assert.deepEqual(quorumRule(8), { validators: 8, faultTolerance: 2, byzantineMinimum: 5, besuQuorum: 6, required: 6 });
    });

    it("agrees with 2f+1 when n = 3f+1", () => {
        for (const n of [1, 4, 7, 10, 49]) {
            const rule = quorumRule(n);
            assert.equal(rule.required, rule.byzantineMinimum, `n = ${n}`);
            assert.equal(rule.required, rule.besuQuorum, `n = ${n}`);
        }
    });

    it("rejects a validator set that is empty or not a whole number", () => {
        assert.throws(() => quorumRule(0), /at least 1 validator, got 0/);
        assert.throws(() => quorumRule(2.5), /got 2.5/);
    });
});

describe("fleet stop verdict", () => {
    const rule = quorumRule(8);
    const fleet = [region("a", 2), region("b", 2), region("c", 2), region("d", 2)];

    it("allows a stop that leaves exactly the required number running", () => {
        const verdict = checkStop(rule, fleet, ["a"]);
        assert.equal(verdict.allowed, true);
        assert.equal(verdict.runningNow, 8);
        assert.equal(verdict.remaining, 6);
    });

    it("refuses one validator below, naming the numbers and the regions", () => {
        const verdict = checkStop(rule, fleet, ["a", "b"]);
        assert.equal(verdict.allowed, false);
        assert.equal(verdict.remaining, 4);
        assert.deepEqual(verdict.stopped, [{ region: "a", validators: 2 }, { region: "b", validators: 2 }]);
        assert.match(verdict.message, /stopping a \(2\), b \(2\) leaves 4 of 8 validators running; QBFT needs at least 6/);
    });

    it("counts an unreachable region as running none and names it", () => {
        const verdict = checkStop(rule, [region("a", 2), region("b", 0, false), region("c", 2), region("d", 2)], ["a"]);
        assert.equal(verdict.allowed, false);
        assert.equal(verdict.runningNow, 6);
        assert.equal(verdict.remaining, 4);
        assert.deepEqual(verdict.unreachable, ["b"]);
        assert.match(verdict.message, /unreachable, counted as not running: b/);
    });

    it("does not count validators that are already down in a stopped region twice", () => {
        const verdict = checkStop(rule, [region("a", 1), region("b", 2), region("c", 2), region("d", 2)], ["a"]);
        assert.equal(verdict.runningNow, 7);
        assert.equal(verdict.remaining, 6);
        assert.equal(verdict.allowed, true);
    });
});
