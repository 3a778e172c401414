// Staging runs the prod code path at the smallest size QBFT accepts: 2 regions × 2 validators.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

describe("staging stack under mocks", () => {
    it("deploys northeurope and uksouth plus the admin region, with a 4-validator genesis", async () => {
        const run = await runProgram({ stack: "staging", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
        const locations = run.resources
            .filter((resource) => resource.type === "azure-native:containerservice:ManagedCluster")
            .map((cluster) => cluster.inputs["location"])
            .sort();
        assert.deepEqual(locations, ["northeurope", "uksouth", "westeurope"]);
        const besu = run.resolved["besu"] as { validatorAddresses: string[] };
        assert.equal(besu.validatorAddresses.length, 4);
        const tags = run.resources.find((resource) => resource.type === "azure-native:resources:ResourceGroup")!.inputs["tags"] as Record<string, string>;
        assert.equal(tags["environment"], "staging");
        assert.equal(tags["cost-centre"], "chain138-staging");
        // Azure is asked who deploys once per update, and every role definition is named in that subscription.
        const asked = run.invokes.filter((invoke) => invoke.token === "azure-native:authorization:getClientConfig");
        assert.equal(asked.length, 1);
        const grants = run.resources.filter((resource) => resource.type === "azure-native:authorization:RoleAssignment");
        assert.ok(grants.length > 0);
        for (const grant of grants)
            assert.match(
                String(grant.inputs["roleDefinitionId"]),
                /^\/subscriptions\/00000000-0000-0000-0000-000000000000\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/,
            );
    });
});
