// The vote plan for changing the validator set after launch. QBFT (besu-docs "Add and remove validators"): a change
// takes effect once more than half of the current validators vote for it; the quorum is ⌈2n/3⌉ of the new set.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planValidatorVotes } from "../../ops/fleet/votes";

const addr = (i: number) => `0x${(i + 1).toString(16).padStart(40, "0")}`;
const fleet = (n: number) => Array.from({ length: n }, (_, i) => addr(i));

test("adding a region's two validators: one vote at a time, each needing a majority of the set it joins", () => {
    const plan = planValidatorVotes(fleet(46), { add: [addr(46), addr(47)], remove: [] }, new Set([addr(46), addr(47)]));
    assert.deepEqual(plan.refused, []);
    assert.deepEqual(
        plan.steps.map((s) => [s.action, s.address, s.validatorsBefore, s.votesNeeded, s.quorumAfter]),
        [
            ["add", addr(46), 46, 24, 32], // > 46/2; ⌈2·47/3⌉ = 32
            ["add", addr(47), 47, 24, 32], // > 47/2; ⌈2·48/3⌉ = 32
        ],
    );
});

test("a new validator whose node is not running is not voted in", () => {
    const plan = planValidatorVotes(fleet(46), { add: [addr(46), addr(47)], remove: [] }, new Set([addr(47)]));
    assert.deepEqual(
        plan.steps.map((s) => s.address),
        [addr(47)],
    );
    assert.equal(plan.refused.length, 1);
    assert.match(plan.refused[0], new RegExp(`add ${addr(46)}: its node is not running`));
});

test("replacing a region: additions first, then removals; changes already on chain are skipped", () => {
    const current = [...fleet(46), addr(46)]; // addr(46) was voted in already
    const plan = planValidatorVotes(current, { add: [addr(46), addr(47)], remove: [addr(0), addr(1)] }, new Set([addr(47)]));
    assert.deepEqual(plan.done, [`add ${addr(46)}`]);
    assert.deepEqual(
        plan.steps.map((s) => `${s.action} ${s.address} of ${s.validatorsBefore}`),
        [`add ${addr(47)} of 47`, `remove ${addr(0)} of 48`, `remove ${addr(1)} of 47`],
    );
    assert.deepEqual(
        plan.steps.map((s) => s.votesNeeded),
        [24, 25, 24],
    );
});

test("never removes below 4 validators", () => {
    const plan = planValidatorVotes(fleet(5), { add: [], remove: [addr(0), addr(1)] }, new Set());
    assert.deepEqual(
        plan.steps.map((s) => s.address),
        [addr(0)],
    );
    assert.match(plan.refused[0], /3 validator\(s\) would remain; QBFT needs at least 4/);
});
