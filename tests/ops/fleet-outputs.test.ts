// Stack outputs as the fleet tool reads them: region order, the genesis validators per region, and
// errors that name the problem without quoting kubeconfigs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadFleetOutputs, parseFleetOutputs } from "../../ops/fleet/stack-outputs";

function outputs(overrides: Record<string, unknown> = {}): string {
    return JSON.stringify({
        // `pulumi stack output --json` sorts keys; the stack's order is in rollout.deployedRegions.
        regions: { northeurope: { clusterName: "aks-ne" }, uksouth: { clusterName: "aks-uks" } },
        rollout: { deployedRegions: ["uksouth", "northeurope"] },
        besu: {
            validatorAddresses: ["0x01", "0x02", "0x03", "0x04", "0x05", "0x06"],
            enodes: {
                "northeurope-validator-0": "enode://a",
                "northeurope-validator-1": "enode://b",
                "northeurope-sentry-0": "enode://c",
                "uksouth-validator-0": "enode://d",
                "uksouth-validator-1": "enode://e",
                // configured but not yet deployed (a later rollout wave)
                "ukwest-validator-0": "enode://f",
                "ukwest-validator-1": "enode://g",
            },
        },
        kubeconfigs: { northeurope: "apiVersion: v1 # s3cret", uksouth: "apiVersion: v1 # s3cret", westeurope: "apiVersion: v1" },
        ...overrides,
    });
}

describe("fleet stack outputs", () => {
    it("orders regions as deployed and keeps undeployed regions' validators in n", () => {
        const parsed = parseFleetOutputs(outputs(), "outputs.json");
        assert.deepEqual(parsed.regions, ["uksouth", "northeurope"]);
        assert.equal(parsed.validatorCount, 6);
        assert.deepEqual(parsed.validatorsByRegion, {
            northeurope: ["northeurope-validator-0", "northeurope-validator-1"],
            uksouth: ["uksouth-validator-0", "uksouth-validator-1"],
            ukwest: ["ukwest-validator-0", "ukwest-validator-1"],
        });
        // The admin region's kubeconfig is not a target.
        assert.deepEqual(Object.keys(parsed.kubeconfigs), ["uksouth", "northeurope"]);
    });

    it("names a deployed region without a kubeconfig", () => {
        assert.throws(() => parseFleetOutputs(outputs({ kubeconfigs: { northeurope: "x" } }), "outputs.json"), /^Error: outputs.json: kubeconfigs has no entry for uksouth$/);
    });

    it("refuses outputs whose enodes and validator addresses disagree", () => {
        const besu = { validatorAddresses: ["0x01"], enodes: { "uksouth-validator-0": "enode://a", "uksouth-validator-1": "enode://b" } };
        assert.throws(() => parseFleetOutputs(outputs({ besu }), "outputs.json"), /besu\.enodes names 2 validators but besu\.validatorAddresses holds 1/);
    });

    it("says what is missing from a stack that is not an Azure fleet, without quoting values", () => {
        const dev = JSON.stringify({ kubeconfigs: { a: "s3cret" }, besu: null });
        assert.throws(
            () => parseFleetOutputs(dev, "outputs of stack dev"),
            (error: Error) => /^outputs of stack dev: not the fleet's stack outputs \(is it an Azure stack\?\): regions: .*besu: /.test(error.message) && !error.message.includes("s3cret"),
        );
    });

    it("without --outputs and without the Pulumi CLI, says to pass a file", async () => {
        const path = process.env.PATH;
        process.env.PATH = "/nonexistent";
        try {
            await assert.rejects(loadFleetOutputs("prod", undefined), /`pulumi stack output --json -s prod` failed: the Pulumi CLI is not installed \(pass --outputs <file>\)/);
        } finally {
            process.env.PATH = path;
        }
    });
});
