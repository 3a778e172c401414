// Region --target globs against URNs the engine produces, including Helm v4 chart objects.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { globMatches, regionTargetGlobs, retryCommand } from "../../regions/targets";

const urn = (typeChain: string, name: string) => `urn:pulumi:prod::chain138::${typeChain}::${name}`;
const REGION = "chain138:index:RegionDeployment";
const CHART = `${REGION}$kubernetes:helm.sh/v4:Chart`;
const selects = (region: string, target: string) => regionTargetGlobs(region).some((glob) => globMatches(glob, target));

describe("region --target globs", () => {
    it("select a region's component, children, chart objects and P2P resources", () => {
        assert.ok(selects("eastasia", urn(REGION, "region-eastasia")));
        assert.ok(selects("eastasia", urn(`${REGION}$azure-native:containerservice:ManagedCluster`, "region-eastasia-aks")));
        assert.ok(selects("eastasia", urn(`${CHART}$kubernetes:apps/v1:StatefulSet`, "region-eastasia-besu-chart:besu/besu-eastasia-validator-0")));
        assert.ok(selects("eastasia", urn("chain138:index:BesuNetwork$azure-native:network:PublicIPAddress", "besu-eastasia-validator-0-ip")));
        assert.ok(selects("eastasia", urn("chain138:index:BesuNetwork$azure-native:resources:ResourceGroup", "besu-p2p-eastasia")));
    });

    it("never select a region whose name contains it, nor shared resources", () => {
        assert.ok(!selects("eastasia", urn(REGION, "region-southeastasia")));
        assert.ok(!selects("eastasia", urn(`${CHART}$kubernetes:apps/v1:StatefulSet`, "region-southeastasia-besu-chart:besu/besu-southeastasia-validator-0")));
        assert.ok(!selects("eastasia", urn("chain138:index:BesuNetwork$azure-native:network:PublicIPAddress", "besu-southeastasia-validator-0-ip")));
        assert.ok(!selects("eastasia", urn("chain138:index:BesuNetwork", "besu")));
        assert.ok(!selects("eastasia", urn("chain138:index:AdminRegion", "admin-westeurope")));
        // The loose form an operator might type does drag southeastasia along.
        assert.ok(globMatches("**eastasia**", urn(REGION, "region-southeastasia")));
    });

    it("build one runnable command for several regions", () => {
        const command = retryCommand("prod", ["eastasia", "japanwest"]);
        assert.match(command, /^pulumi up -s prod /);
        assert.equal(command.match(/--target '/g)?.length, 10);
        assert.match(command, /--target '\*\*::region-japanwest-\*:\*\*'/);
        assert.match(command, /--target-dependents --parallel 128 --continue-on-error$/);
    });
});
