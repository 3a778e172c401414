// QBFT's numbers, stated independently of stack/qbft.ts:
// - Besu: a block needs `calculateRequiredValidatorQuorum(n)` commit seals, which is
//   `Util.fastDivCeiling(2 * n, 3)`, i.e. the integer division (2n + 3 − 1) / 3
//   (besu consensus/common/src/main/java/org/hyperledger/besu/consensus/common/bft/BftHelpers.java).
// - BFT: n validators tolerate f faulty ones where n ≥ 3f + 1, the largest such f.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { qbftQuorum } from "../../stack/qbft";

const besuRequiredSeals = (n: number) => Math.trunc((2 * n + 3 - 1) / 3);
const largestTolerableFaults = (n: number) => {
    let f = 0;
    while (3 * (f + 1) + 1 <= n) f++;
    return f;
};

describe("QBFT quorum", () => {
    it("is Besu's commit-seal count and BFT's fault bound for every set size up to 300", () => {
        for (let n = 1; n <= 300; n++) {
            assert.deepEqual(qbftQuorum(n), { validators: n, faultTolerance: largestTolerableFaults(n), quorum: besuRequiredSeals(n) }, `n = ${n}`);
        }
    });

    it("is never below 2f+1, so one rule covers both (48 validators: 32 running, 15 faulty)", () => {
        for (let n = 1; n <= 300; n++) {
            const { quorum, faultTolerance } = qbftQuorum(n);
            assert.ok(quorum >= 2 * faultTolerance + 1, `n = ${n}`);
        }
        assert.deepEqual(qbftQuorum(48), { validators: 48, faultTolerance: 15, quorum: 32 });
    });

    it("rejects a validator set that is empty or not a whole number", () => {
        assert.throws(() => qbftQuorum(0), /at least 1 validator, got 0/);
        assert.throws(() => qbftQuorum(2.5), /got 2.5/);
    });
});
