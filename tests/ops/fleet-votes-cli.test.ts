// `npm run fleet -- votes` against fake regions whose validators serve Besu's QBFT API through the pod proxy:
// a region added after launch is voted in one validator at a time, by every running validator of the current set.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { fakeValidatorAddress, startFakeFleet, type FakeFleet } from "../support/fleet-harness";

const REGIONS = ["northeurope", "uksouth", "japaneast"];
let fleet: FakeFleet | undefined;
afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
});

/** Three regions, the third added after launch: its two validators are not on chain yet. */
async function start(): Promise<FakeFleet> {
    fleet = await startFakeFleet(
        REGIONS.map((name) => ({ name })),
        { onChainValidators: 4, validatorChanges: { add: [fakeValidatorAddress(4), fakeValidatorAddress(5)], remove: [] } },
    );
    return fleet;
}

describe("fleet votes", () => {
    it("plans the additions one at a time with the majority each needs (more than half of the current set)", async () => {
        const f = await start();
        const { code, out, err } = await f.run(["votes"]);
        assert.equal(code, 0, err.join("\n"));
        assert.deepEqual(out, [
            "on-chain validators: 4",
            `1. add ${fakeValidatorAddress(4)}: needs 3 of 4 validators' votes; quorum afterwards 4`,
            `2. add ${fakeValidatorAddress(5)}: needs 3 of 5 validators' votes; quorum afterwards 4`,
        ]);
        assert.equal(f.chain.votes.length, 0, "planning casts nothing");
    });

    it("--apply casts the first vote on every running validator of the current set, and only that vote", async () => {
        const f = await start();
        const { code, out, err } = await f.run(["votes", "--apply"]);
        assert.equal(code, 0, err.join("\n"));
        assert.deepEqual(
            f.chain.votes.map((v) => v.node).sort(),
            ["northeurope-validator-0", "northeurope-validator-1", "uksouth-validator-0", "uksouth-validator-1"],
            "the new region's validators are not voters yet",
        );
        assert.ok(f.chain.votes.every((v) => v.address === fakeValidatorAddress(4) && v.add));
        assert.ok(out.some((line) => line === `cast: add ${fakeValidatorAddress(4)} on 4 validator(s)`));
    });

    it("refuses to vote in a validator whose node is not running", async () => {
        const f = await start();
        f.clusters.get("japaneast")!.nodes.find((n) => n.name === "japaneast-validator-0")!.ready = false;
        const { code, err } = await f.run(["votes", "--apply"]);
        assert.equal(code, 1);
        assert.ok(
            err.some((line) => line.startsWith(`refused: add ${fakeValidatorAddress(4)}: its node is not running and in sync`)),
            err.join("\n"),
        );
        assert.ok(
            f.chain.votes.every((v) => v.address === fakeValidatorAddress(5)),
            "only the ready one is voted on",
        );
    });

    it("says so when the on-chain set already matches", async () => {
        fleet = await startFakeFleet(REGIONS.map((name) => ({ name })));
        const { code, out } = await fleet.run(["votes"]);
        assert.equal(code, 0);
        assert.ok(out.includes("nothing to vote: the on-chain set matches the stack"));
    });

    it("plans the removal of a validator that is on chain but no longer in the stack, even if the launch genesis never had it", async () => {
        fleet = await startFakeFleet(REGIONS.map((name) => ({ name })));
        const stray = `0x${"99".repeat(20)}`;
        fleet.chain.validators.push(stray);
        const { code, out, err } = await fleet.run(["votes"]);
        assert.equal(code, 0, err.join("\n"));
        assert.ok(out.includes(`1. remove ${stray}: needs 4 of 7 validators' votes; quorum afterwards 4`), out.join("\n"));
    });
});
