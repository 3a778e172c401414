// The dev stack runs no Azure fleet: not one Azure or Kubernetes resource, so it needs neither plugin.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

describe("dev stack under mocks", () => {
    it("registers no Azure or Kubernetes resource", async () => {
        const run = await runProgram({ stack: "dev" });
        const cloud = run.resources.filter((resource) => /^(azure-native|kubernetes|pulumi:providers:(azure-native|kubernetes))/.test(resource.type));
        assert.deepEqual(
            cloud.map((resource) => resource.type),
            [],
        );
    });
});

describe("explorers in the stack config", () => {
    it("are accepted when the key holding API keys is secret, and change nothing in the graph", async () => {
        const plain = await runProgram({ stack: "dev", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
        assert.ok(
            plain.resources.some((r) => r.name.startsWith("contracts-")),
            "the dev graph has the contract suites",
        );
        const explorers = { mainnet: { apiUrl: "https://api.etherscan.io/api", apiKey: "K3YVALUE", chainId: 1 } };
        const withExplorers = await runProgram({ stack: "dev", secrets: { deployerKey: TEST_DEPLOYER_KEY, explorers: JSON.stringify(explorers) } });
        assert.deepEqual(withExplorers.resources.map((r) => r.urn).sort(), plain.resources.map((r) => r.urn).sort());
    });
});
