// The program satisfies the one outputs contract every tool parses (stack/outputs.ts): on each stack file, the
// resolved outputs of a mock run parse to exactly themselves — no output the schema does not describe, none it
// drops. The e2e test does the same with the real CLI's `pulumi stack output --json --show-secrets`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasFleet, parseStackOutputs } from "../../stack/outputs";
import { runProgram, TEST_DEPLOYER_KEY, type RunOptions } from "../../devkit/mock-program";

const STACKS: [string, RunOptions][] = [
    ["dev", { stack: "dev", secrets: { deployerKey: TEST_DEPLOYER_KEY } }],
    ["staging", { stack: "staging", secrets: { deployerKey: TEST_DEPLOYER_KEY } }],
    ["prod", { stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } }],
];

describe("stack outputs contract", () => {
    for (const [label, options] of STACKS) {
        it(`${label}: the program's outputs parse to exactly themselves`, async () => {
            const run = await runProgram(options);
            const parsed = parseStackOutputs(run.resolved, label);
            assert.deepEqual(parsed, run.resolved);
            assert.equal(hasFleet(parsed), options.stack !== "dev", "dev runs no fleet");
        });
    }

    it("names the renamed or mistyped output, and never quotes a kubeconfig", async () => {
        const run = await runProgram(STACKS[1][1]);
        const resolved = run.resolved as {
            besu: Record<string, unknown>;
            kubeconfigs: Record<string, string>;
            regions: Record<string, Record<string, unknown>>;
        };
        const { enodes, ...besu } = resolved.besu;
        const region = Object.keys(resolved.regions)[0];
        const broken = {
            ...resolved,
            besu: { ...besu, enodeUrls: enodes },
            regions: { ...resolved.regions, [region]: { ...resolved.regions[region], vcpuPeak: "10" } },
            kubeconfigs: { ...resolved.kubeconfigs, [region]: 42 },
        };
        assert.throws(
            () => parseStackOutputs(broken, "outputs.json"),
            (error: Error) => {
                assert.match(error.message, /^outputs\.json: not this program's stack outputs: /);
                assert.match(error.message, /besu\.enodes: /);
                assert.match(error.message, new RegExp(`regions\\.${region}\\.vcpuPeak: `));
                assert.match(error.message, new RegExp(`kubeconfigs\\.${region}: `));
                for (const kubeconfig of Object.values(resolved.kubeconfigs)) assert.ok(!error.message.includes(kubeconfig.slice(0, 40)));
                return true;
            },
        );
    });

    it("refuses outputs of neither shape, naming the contracts output a contracts-only stack needs", () => {
        assert.throws(() => parseStackOutputs({}, "s"), /s: not this program's stack outputs: contracts: /);
        assert.throws(() => parseStackOutputs({ contracts: { mainnet: { WETH9: "0x12" } } }, "s"), /contracts\.mainnet\.WETH9: expected a 20-byte hex address/);
    });
});
