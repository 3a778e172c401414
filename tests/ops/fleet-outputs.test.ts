// Stack outputs as the fleet tool reads them: region order, the genesis validators per region, and
// errors that name the problem without quoting kubeconfigs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fleetView, loadFleetOutputs } from "../../ops/fleet/stack-outputs";
import { parseStackOutputs, type FleetStackOutputs } from "../../stack/outputs";
import { fixtureStackOutputs } from "../support/stack-outputs-fixture";

const address = (_node: string, index: number) => `0x${(index + 1).toString(16).padStart(40, "0")}`;
const region = (name: string) => ({ name, validators: 2, sentries: 1 });

/** The fixture as the CLI prints it: `pulumi stack output --json` sorts object keys; the stack's order is in rollout. */
function outputs(overrides: Partial<FleetStackOutputs> = {}): FleetStackOutputs {
    const fixture = fixtureStackOutputs([region("uksouth"), region("northeurope")], {
        validatorAddress: address,
        // configured but not yet deployed (a later rollout wave)
        undeployed: [region("ukwest")],
        kubeconfigs: { northeurope: "apiVersion: v1 # s3cret", uksouth: "apiVersion: v1 # s3cret", westeurope: "apiVersion: v1" },
    });
    const sorted = Object.fromEntries(Object.entries(fixture.regions).sort(([a], [b]) => a.localeCompare(b)));
    return { ...fixture, regions: sorted, ...overrides };
}

const view = (o: unknown, source = "outputs.json") => fleetView(parseStackOutputs(o, source), source);

describe("fleet stack outputs", () => {
    it("orders regions as deployed and keeps undeployed regions' validators in n", () => {
        const parsed = view(outputs());
        assert.deepEqual(parsed.regions, ["uksouth", "northeurope"]);
        assert.equal(parsed.validatorCount, 6);
        assert.deepEqual(parsed.validatorsByRegion, {
            uksouth: ["uksouth-validator-0", "uksouth-validator-1"],
            northeurope: ["northeurope-validator-0", "northeurope-validator-1"],
            ukwest: ["ukwest-validator-0", "ukwest-validator-1"],
        });
        // The admin region's kubeconfig is not a target.
        assert.deepEqual(Object.keys(parsed.kubeconfigs), ["uksouth", "northeurope"]);
        assert.equal(parsed.validatorNodes["ukwest-validator-1"], address("", 5));
    });

    it("names a deployed region without a kubeconfig", () => {
        assert.throws(() => view(outputs({ kubeconfigs: { northeurope: "x" } })), /^Error: outputs.json: kubeconfigs has no entry for uksouth$/);
    });

    it("refuses outputs whose enodes and validator addresses disagree", () => {
        const o = outputs();
        assert.throws(
            () => view({ ...o, besu: { ...o.besu, validatorAddresses: [address("", 0)] } }),
            /besu\.enodes names 6 validators but besu\.validatorAddresses holds 1/,
        );
    });

    it("says what is missing from a stack that is not an Azure fleet, without quoting values", () => {
        assert.throws(
            () => view({ contracts: { mainnet: {} } }, "outputs of stack dev"),
            /^Error: outputs of stack dev: the stack runs no fleet .*is it an Azure stack\?$/,
        );
        const broken = { ...outputs(), besu: null };
        assert.throws(
            () => view(broken, "outputs of stack prod"),
            (error: Error) => /^outputs of stack prod: not this program's stack outputs: besu: /.test(error.message) && !error.message.includes("s3cret"),
        );
    });

    it("without --outputs and without the Pulumi CLI, says to pass a file", async () => {
        const path = process.env.PATH;
        process.env.PATH = "/nonexistent";
        try {
            await assert.rejects(
                loadFleetOutputs("prod", undefined),
                /`pulumi stack output --json -s prod` failed: the Pulumi CLI is not on PATH .*or pass the JSON as a file instead/,
            );
        } finally {
            process.env.PATH = path;
        }
    });
});
