// The dev stack runs no Azure fleet: not one Azure or Kubernetes resource, so it needs neither plugin.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram } from "../support/pulumi-program";

describe("dev stack under mocks", () => {
    it("registers no Azure or Kubernetes resource", async () => {
        const run = await runProgram({ stack: "dev" });
        const cloud = run.resources.filter((resource) => /^(azure-native|kubernetes|pulumi:providers:(azure-native|kubernetes))/.test(resource.type));
        assert.deepEqual(cloud.map((resource) => resource.type), []);
    });
});
