// attester-keys-spread: no Secret and no cluster holds a threshold of the lanes' attester keys, the admin cluster none.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Wallet, id } from "ethers";
import { attesterKeysSpread } from "../../policy/policies/attester-keys-spread";
import { k8sProvider, validateStack, type ResourceSpec } from "../support/policy-harness";

const keys = ["a", "b", "c"].map((label) => id(`attester-${label}`));
const addresses = keys.map((k) => new Wallet(k).address);
// The lane as CcipLane's dynamic resource carries it (contracts/providers/ccip-lane.ts inputs).
const lane: ResourceSpec = { type: "pulumi-nodejs:dynamic:Resource", name: "ccip-lane-chain138-mainnet", props: { attesters: addresses, threshold: 2 } };
const uksouth = k8sProvider("region-uksouth-k8s", "chain138:index:RegionDeployment");
const northeurope = k8sProvider("region-northeurope-k8s", "chain138:index:RegionDeployment");
const admin = k8sProvider("admin-westeurope-k8s", "chain138:index:AdminRegion");

function secret(name: string, provider: ResourceSpec["provider"], stringData: Record<string, string>): ResourceSpec {
    return { type: "kubernetes:core/v1:Secret", name, provider, props: { metadata: { name }, stringData } };
}

test("one attester key per Secret, in different regions' clusters, passes", async () => {
    const specs = [lane, secret("alpha", uksouth, { ATTESTER_KEY: keys[0], ATTESTER_TOKEN: "t" }), secret("beta", northeurope, { ATTESTER_KEY: keys[1] })];
    assert.deepEqual(await validateStack(attesterKeysSpread, specs), []);
});

test("a Secret holding a threshold of keys (comma-separated, as the old relayer's ATTESTER_KEYS) is a violation", async () => {
    const relayer = secret("ccip-relayer-keys", uksouth, { RELAYER_KEY: id("relayer"), ATTESTER_KEYS: `${keys[0]},${keys[1]}` });
    const messages = (await validateStack(attesterKeysSpread, [lane, relayer])).map((v) => v.message);
    assert.ok(
        messages.some((m) => m.startsWith("ccip-relayer-keys: one Secret holds 2 attester keys")),
        messages.join("\n"),
    );
});

test("two Secrets of one cluster together holding a threshold is a violation naming the cluster", async () => {
    const specs = [lane, secret("alpha", uksouth, { ATTESTER_KEY: keys[0] }), secret("beta", uksouth, { ATTESTER_KEY: keys[1] })];
    const messages = (await validateStack(attesterKeysSpread, specs)).map((v) => v.message);
    assert.deepEqual(messages, [
        `cluster region-uksouth-k8s: its Secrets hold 2 attester keys (${addresses[0].toLowerCase()}, ${addresses[1].toLowerCase()}), a threshold (2) of the lanes`,
    ]);
});

test("any attester key in the admin cluster is a violation; keys of non-attesters and base64 data are read too", async () => {
    const stranger = secret("other", admin, { SOME_KEY: id("not an attester") });
    assert.deepEqual(await validateStack(attesterKeysSpread, [lane, stranger]), []);
    const inAdmin: ResourceSpec = {
        type: "kubernetes:core/v1:Secret",
        name: "leak",
        provider: admin,
        props: { data: { K: Buffer.from(keys[2]).toString("base64") } },
    };
    const messages = (await validateStack(attesterKeysSpread, [lane, inAdmin])).map((v) => v.message);
    assert.deepEqual(messages, [`leak: attester key(s) ${addresses[2].toLowerCase()} in the admin cluster (westeurope), where the relayer runs`]);
});

test("a stack without a lane has nothing to check", async () => {
    assert.deepEqual(await validateStack(attesterKeysSpread, [secret("x", uksouth, { A: keys[0], B: keys[1] })]), []);
});
