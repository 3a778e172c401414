// The printed retry command's form. Which URNs its globs select is the Pulumi CLI's answer:
// tests/e2e/targets-cli.test.ts runs them against a replica of the prod stack (Helm chart objects, BesuNetwork's
// per-region resources, southeastasia next to eastasia).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { regionTargetGlobs, retryCommand } from "../../regions/targets";

describe("region --target globs", () => {
    it("anchor every glob on a logical name (`**::` then the name), so no region's name can be a suffix match", () => {
        for (const glob of regionTargetGlobs("eastasia")) {
            assert.match(glob, /^\*\*::(region|besu)-/, glob);
            assert.ok(glob.includes("eastasia"), glob);
        }
    });

    it("build one runnable command for several regions", () => {
        const command = retryCommand("prod", ["eastasia", "japanwest"]);
        assert.match(command, /^pulumi up -s prod /);
        assert.equal(command.match(/--target '/g)?.length, 10);
        assert.match(command, /--target '\*\*::region-japanwest-\*:\*\*'/);
        assert.match(command, /--target-dependents --parallel 128 --continue-on-error$/);
    });
});
