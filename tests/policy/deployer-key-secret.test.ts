import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Secret } from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { deployerKeySecret, plaintextKeyInputs } from "../../policy/policies/deployer-key-secret";
import { resourceArgs, validateResource } from "../support/policy-harness";
import { TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

// The framework's own decoding of remediation props (server.js makeRemediateRpcFun). Both are @internal
// (absent from the .d.ts), so they are required with the signatures of their .js.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(props: Struct, proxySecrets: boolean): Record<string, unknown>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T extends object>(props: T): T };

/** Props as a remediation receives them from the engine's wire form (secrets as signature objects). */
function remediationProps(wire: Record<string, unknown>): Record<string, unknown> {
    return unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(wire as never), true)) as Record<string, unknown>;
}
const secretWire = (value: string) => ({ [specialSigKey]: specialSecretSig, value });

async function remediate(props: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const result = await deployerKeySecret.remediateResource?.(resourceArgs({ type: DYNAMIC, name: "weth9", props }));
    return result === undefined ? undefined : (result as Record<string, unknown>);
}

test("a deployer key that arrives as a secret is left alone", async () => {
    const props = remediationProps({ deployerKey: secretWire(TEST_DEPLOYER_KEY), rpcUrl: "http://127.0.0.1:8545" });
    assert.equal(props["deployerKey"], TEST_DEPLOYER_KEY, "the framework unwraps secrets on read");
    assert.deepEqual(plaintextKeyInputs(props), []);
    assert.equal(await remediate(props), undefined);
});

test("a plaintext deployer key is remediated into a Secret, other inputs kept", async () => {
    const props = remediationProps({ deployerKey: TEST_DEPLOYER_KEY, privateKey: secretWire(TEST_DEPLOYER_KEY), rpcUrl: "http://127.0.0.1:8545" });
    assert.deepEqual(plaintextKeyInputs(props), ["deployerKey"]);
    const result = await remediate(props);
    assert.ok(result !== undefined);
    assert.ok(result["deployerKey"] instanceof Secret);
    assert.equal((result["deployerKey"] as Secret).value, TEST_DEPLOYER_KEY);
    assert.ok(result["privateKey"] instanceof Secret);
    assert.equal(result["rpcUrl"], "http://127.0.0.1:8545");
});

/** `__provider` text as the SDK serialises a dynamic provider that closes over `captured`. */
async function serialisedProvider(captured: Record<string, string>): Promise<string> {
    const provider = { create: async () => ({ id: Object.values(captured).join("").slice(0, 8) }) };
    const serialized = await pulumi.runtime.serializeFunction(() => ({ provider, captured }), { allowSecrets: false });
    return serialized.text;
}

test("a provider that captures the key in its closure is a violation; one that captures none passes", async () => {
    const clean = await serialisedProvider({ rpcUrl: "http://127.0.0.1:8545" });
    assert.deepEqual(
        await validateResource(deployerKeySecret, { type: DYNAMIC, name: "weth9", props: { __provider: clean, deployerKey: TEST_DEPLOYER_KEY } }),
        [],
    );
    const leaky = await serialisedProvider({ deployerKey: TEST_DEPLOYER_KEY });
    assert.ok(leaky.includes(TEST_DEPLOYER_KEY.slice(2)), "the serialiser writes captured values in plain text");
    const violations = await validateResource(deployerKeySecret, { type: DYNAMIC, name: "weth9", props: { __provider: leaky } });
    assert.equal(violations.length, 1);
    assert.match(violations[0].message, /^weth9: the dynamic provider's serialised code captures a literal "deployerKey"/);
});
