// Rollout waves: a stack deploying only wave 1 gets 8 regional clusters, while keys, addresses and
// the genesis still cover all 24 regions, so deploying wave 2 later leaves the genesis unchanged.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ProgramRun, runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

let run: ProgramRun;

describe("prod with rollout.deployWaves = 1", () => {
    before(async () => {
        run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY }, overrides: { rollout: { deployWaves: 1 } } });
    });

    it("deploys the catalog's first wave of 8 regions plus the admin region", () => {
        const locations = run.resources
            .filter((resource) => resource.type === "azure-native:containerservice:ManagedCluster")
            .map((cluster) => cluster.inputs["location"] as string)
            .sort();
        assert.deepEqual(locations, [
            "australiaeast",
            "francecentral",
            "germanywestcentral",
            "japaneast",
            "northeurope",
            "southeastasia",
            "swedencentral",
            "uksouth",
            "westeurope",
        ]);
        const rollout = run.resolved["rollout"] as { waves: string[][]; deployWaves: number; deployedRegions: string[] };
        assert.equal(rollout.waves.length, 2);
        assert.equal(rollout.waves[0].length, 8);
        assert.equal(rollout.waves[1].length, 16);
        assert.equal(rollout.deployWaves, 1);
    });

    it("still creates keys and P2P addresses for all 24 regions and one 48-validator genesis", () => {
        const keys = run.resources.filter((resource) => resource.type === "pulumi-nodejs:dynamic:Resource" && resource.name.endsWith("-key"));
        assert.equal(keys.length, 72);
        const besu = run.resolved["besu"] as { validatorAddresses: string[]; genesisJson: string };
        assert.equal(besu.validatorAddresses.length, 48);
        assert.equal(new Set(besu.validatorAddresses).size, 48);
    });
});
