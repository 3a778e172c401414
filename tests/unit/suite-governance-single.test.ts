// A single-chain stack under Pulumi mocks (the dev stack with only its mainnet chain, no ccip): no lane, and the
// chain's SuiteGovernance under its ContractSuite waits for the suite's deployments only, so the suite does not
// stay owned by the deployer key.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { runProgram, stackConfig, TEST_DEPLOYER_KEY, type ProgramRun } from "../../devkit/mock-program";

let run: ProgramRun;

before(async () => {
    const devChains = JSON.parse(stackConfig({ stack: "dev" }).config["chain138:chains"]) as Record<string, unknown>;
    run = await runProgram({
        stack: "dev",
        overrides: { chains: { mainnet: devChains["mainnet"] } },
        remove: ["ccip"],
        secrets: { deployerKey: TEST_DEPLOYER_KEY },
    });
});

it("registers the chain's governance under its suite, after every deployment of the suite, with no lane", () => {
    const dynamic = run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource");
    assert.deepEqual(
        run.resources.filter((r) => r.type === "chain138:index:CcipWiring"),
        [],
    );
    const gov = dynamic.filter((r) => r.name.endsWith("-governance"));
    assert.deepEqual(
        gov.map((r) => r.name),
        ["contracts-mainnet-governance"],
    );
    const suite = run.resources.find((r) => r.name === "contracts-mainnet");
    assert.equal(gov[0].parent, suite?.urn);
    const deployments = dynamic.filter((r) => "contractName" in r.inputs);
    assert.ok(deployments.length > 0);
    assert.deepEqual(new Set(gov[0].dependencies.filter((u) => u.includes("dynamic:Resource"))), new Set(deployments.map((d) => d.urn)));
    assert.deepEqual(
        (gov[0].inputs["owned"] as { contract: string }[]).map((o) => o.contract),
        ["CCIPRouter", "CCIPWETH9Bridge", "CCIPWETH10Bridge", "Aggregator", "AggregatorProxy", "OracleWithCCIP"],
    );
});
