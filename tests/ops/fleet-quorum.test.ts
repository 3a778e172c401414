// The quorum guard's stop verdict at its boundary (the numbers themselves: tests/unit/qbft-quorum.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkStop, type RegionValidators } from "../../ops/fleet/quorum";
import { qbftQuorum } from "../../stack/qbft";

const region = (name: string, running: number, reachable = true): RegionValidators => ({
    region: name,
    reachable,
    running: Array.from({ length: running }, (_, i) => `${name}-validator-${i}`),
});

describe("fleet stop verdict", () => {
    const rule = qbftQuorum(8);
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
        assert.deepEqual(verdict.stopped, [
            { region: "a", validators: 2 },
            { region: "b", validators: 2 },
        ]);
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
