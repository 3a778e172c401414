// Node identity derivation (node:crypto + keccak) cross-checked against ethers, the NodeKey dynamic
// provider's lifecycle, and the serialised provider carrying no key material.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SigningKey, Wallet } from "ethers";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { deriveNodeIdentity, enodeUrl, generatePrivateKey, normalizePrivateKey, parseEnodeUrl } from "../../components/besu/keys";
import { nodeKeyProvider, NODE_KEY_SECRET_OUTPUTS } from "../../components/besu/node-key";

test("published vector: Besu dev account key derives its documented address", () => {
    // Besu's IBFT/QBFT tutorial genesis funds fe3b557e8fb62b89f4916b721be55ceb828dbd73 and documents its
    // private key 8f2a5594…be63 (quoted in https://www.8bitzen.com/blog/2019-12-02-what-is-the-extradata-in-besus-ibft-genesis-file).
    const id = deriveNodeIdentity("8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63");
    assert.equal(id.address, "0xFE3B557E8Fb62b89F4916B721be55cEb828dBd73");
});

test("address and enode id agree with ethers for random keys", () => {
    for (let i = 0; i < 25; i++) {
        const pk = i % 2 === 0 ? generatePrivateKey() : Wallet.createRandom().privateKey;
        const id = deriveNodeIdentity(pk);
        const wallet = new Wallet(pk);
        assert.equal(id.address, wallet.address, "checksummed address");
        const ethersPub = new SigningKey(pk).publicKey; // 0x04 || X || Y
        assert.equal(ethersPub.slice(0, 4), "0x04");
        assert.equal(id.publicKey, ethersPub.slice(4));
        assert.match(id.publicKey, /^[0-9a-f]{128}$/);
    }
});

test("generated keys are distinct and well-formed", () => {
    const keys = new Set(Array.from({ length: 50 }, () => generatePrivateKey()));
    assert.equal(keys.size, 50);
    for (const k of keys) assert.match(k, /^0x[0-9a-f]{64}$/);
});

test("bad private keys are rejected without echoing them", () => {
    assert.throws(() => normalizePrivateKey("0x1234"), /32 bytes of hex/);
    assert.throws(() => normalizePrivateKey("0x" + "0".repeat(64)), /outside the secp256k1 range/);
    assert.throws(() => normalizePrivateKey("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"), /outside the secp256k1 range/);
    const secretish = "zz" + "ab".repeat(31);
    assert.throws(
        () => normalizePrivateKey(secretish),
        (e: Error) => !e.message.includes(secretish),
    );
});

test("enode URL round-trips and rejects bad hosts/ids", () => {
    const { publicKey } = deriveNodeIdentity(generatePrivateKey());
    const url = enodeUrl(publicKey, "20.61.1.7");
    assert.equal(url, `enode://${publicKey}@20.61.1.7:30303`);
    assert.deepEqual(parseEnodeUrl(url), { id: publicKey, ip: "20.61.1.7", port: 30303 });
    assert.throws(() => enodeUrl(publicKey, "example.com"), /IPv4/);
    assert.throws(() => enodeUrl(publicKey, "1.2.3.256"), /IPv4/);
    assert.throws(() => enodeUrl(publicKey.slice(2), "1.2.3.4"), /128 hex/);
    assert.throws(() => enodeUrl(publicKey, "1.2.3.4", 70000), /port/);
});

test("NodeKey provider: create derives consistent outputs, diff keeps the key, rotation replaces", async () => {
    const created = await nodeKeyProvider.create({ label: "eastus-validator-0", rotation: "1" });
    const outs = created.outs!;
    assert.equal(created.id, outs.address);
    assert.equal(new Wallet(outs.privateKey).address, outs.address);
    assert.equal(new SigningKey(outs.privateKey).publicKey.slice(4), outs.publicKey);

    const same = await nodeKeyProvider.diff!(created.id, outs, { label: "eastus-validator-0", rotation: "1" });
    assert.equal(same.changes, false);
    const relabel = await nodeKeyProvider.diff!(created.id, outs, { label: "renamed", rotation: "1" });
    assert.equal(relabel.changes, true);
    assert.equal(relabel.replaces, undefined);
    const updated = await nodeKeyProvider.update!(created.id, outs, { label: "renamed", rotation: "1" });
    assert.equal(updated.outs!.privateKey, outs.privateKey, "update keeps the key");
    assert.equal(updated.outs!.label, "renamed");
    const rotate = await nodeKeyProvider.diff!(created.id, outs, { label: "eastus-validator-0", rotation: "2" });
    assert.deepEqual(rotate.replaces, ["rotation"]);

    const other = await nodeKeyProvider.create({ label: "eastus-validator-1", rotation: "1" });
    assert.notEqual(other.outs!.privateKey, outs.privateKey);
    assert.deepEqual([...NODE_KEY_SECRET_OUTPUTS], ["privateKey"]);
});

test("NodeKey provider check names the bad input", async () => {
    const res = await nodeKeyProvider.check!({ label: "", rotation: "1" }, { label: "", rotation: "1" });
    assert.ok(res.failures && res.failures.length === 1);
    assert.match(res.failures[0].reason, /label/);
});

test("the serialised provider contains no key material", async () => {
    // Create a key first so any accidental module-level capture would have something to leak.
    const created = await nodeKeyProvider.create({ label: "leak-probe", rotation: "1" });
    const pk = created.outs!.privateKey;
    const serialized = await pulumi.runtime.serializeFunction(() => nodeKeyProvider, { isFactoryFunction: true });
    const text = serialized.text;
    assert.ok(text.length > 0);
    assert.ok(text.includes("generatePrivateKey"), "the serialised provider carries its create logic");
    assert.ok(!text.includes(pk.slice(2)), "private key hex must not appear");
    // The only long constant allowed is the public curve order (hex or decimal, as the serialiser emits it).
    const order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const stripped = text.split(order.toString(10)).join("").split(order.toString(16)).join("");
    assert.ok(!/[0-9a-fA-F]{64}/.test(stripped), "no 32-byte constant other than the curve order");
});

test("the serialised provider (what state keeps) still generates valid keys when re-hydrated", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => nodeKeyProvider, { isFactoryFunction: true });
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    const req = createRequire(join(__dirname, "..", "..", "package.json"));
    new Function("exports", "require", "module", serialized.text)(mod.exports, req, mod);
    // isFactoryFunction: the module already called the factory, so the export is the provider itself.
    const revived = mod.exports[serialized.exportName] as typeof nodeKeyProvider;
    assert.equal(typeof revived.create, "function");
    const created = await revived.create({ label: "revived", rotation: "1" });
    assert.equal(new Wallet(created.outs!.privateKey).address, created.outs!.address);
    assert.equal(new SigningKey(created.outs!.privateKey).publicKey.slice(4), created.outs!.publicKey);
});
