// Cross-field checks of `chains` and `ccip` (duplicate ids and selectors, threshold, missing ccip).
import assert from "node:assert/strict";
import { it } from "node:test";
import { validateFleetConfig, FleetConfigError } from "../../config/fleet-config";
import { decodeNamespace } from "../../config/load";
import { stackConfig } from "../../devkit/mock-program";

/** The dev stack's config as the program decodes it (config/load.ts decodeNamespace: one list of string keys). */
function rawDev(overrides: Record<string, unknown>): Record<string, unknown> {
    const { config } = stackConfig({ stack: "dev", overrides });
    return decodeNamespace(config, "chain138");
}

const problems = (overrides: Record<string, unknown>): string[] => {
    try {
        validateFleetConfig(rawDev(overrides), { namespace: "chain138", environment: "dev" });
        return [];
    } catch (error) {
        if (error instanceof FleetConfigError) return error.problems;
        throw error;
    }
};

it("accepts the dev stack's chains, sorted by name, selectors as strings", () => {
    const fleet = validateFleetConfig(rawDev({}), { namespace: "chain138", environment: "dev" });
    assert.deepEqual(
        fleet.chains.map((c) => [c.name, c.chainId, c.chainSelector, c.confirmations]),
        [
            ["chain138", 138, "138", 1],
            ["mainnet", 1, "5009297550715157269", 1],
        ],
    );
    assert.equal(fleet.ccip?.threshold, 2);
    assert.equal(fleet.ccip?.salt, "chain138/v1");
});

it("names duplicate chain ids and selectors, a threshold above the attesters, a missing ccip", () => {
    const chains = {
        a: { rpcUrl: "http://127.0.0.1:1", chainId: 5, chainSelector: "9" },
        b: { rpcUrl: "http://127.0.0.1:2", chainId: 5, chainSelector: "9" },
    };
    const found = problems({
        chains,
        ccip: { attesters: ["0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"], threshold: 2, fee: { baseFee: "1", feePerByte: "1", feePerGas: "1" } },
    });
    assert.deepEqual(found, [
        "chain138:chains.b.chainId: 5 is also the chain id of chain138:chains.a",
        "chain138:chains.b.chainSelector: 9 is also the selector of chain138:chains.a",
        "chain138:ccip.threshold: 2 exceeds the 1 attester(s) in chain138:ccip.attesters",
    ]);
    const { ccip: _ccip, ...withoutCcip } = rawDev({});
    void _ccip;
    assert.throws(() => validateFleetConfig(withoutCcip, { namespace: "chain138", environment: "dev" }), /chain138:ccip is not set: 2 chains need attesters/);
});
