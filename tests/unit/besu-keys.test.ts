// Node identity derivation (node:crypto + keccak) cross-checked against ethers, the VaultNodeKey provider's lifecycle
// over an in-memory vault (retried create, migration of a key kept in state), and the serialised provider carrying no
// key material and no credential.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SigningKey, Wallet } from "ethers";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { deriveNodeIdentity, enodeUrl, generatePrivateKey, normalizePrivateKey, parseEnodeUrl } from "../../components/besu/keys";
import { azureVaultNodeKeyProvider, nodeKeySecretName, vaultNodeKeyProvider } from "../../components/besu/vault-node-key";
import { memorySecretStore, memoryVaults } from "../../devkit/memory-key-vault";

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

const vaultUrl = "https://kv138-test.vault.azure.net/";
const provider = vaultNodeKeyProvider(memorySecretStore);
const inputs = (label: string, rotation = "1") => ({ label, rotation, vaultUrl, secretName: nodeKeySecretName(label, rotation) });
const inVault = (secretName: string) => memoryVaults.get(vaultUrl)?.get(secretName);

test("VaultNodeKey provider: the key goes to the vault, state gets its address and enode id only", async () => {
    const created = await provider.create(inputs("eastus-validator-0"));
    const outs = created.outs!;
    const key = inVault("eastus-validator-0-key-r1")!;
    assert.equal(created.id, outs.address);
    assert.equal(new Wallet(key).address, outs.address);
    assert.equal(new SigningKey(key).publicKey.slice(4), outs.publicKey);
    assert.ok(!JSON.stringify(created).includes(key.slice(2)), "the private key is in the provider's result");

    const same = await provider.diff!(created.id, outs, inputs("eastus-validator-0"));
    assert.equal(same.changes, false);
    const relabel = await provider.diff!(created.id, outs, { ...inputs("eastus-validator-0"), label: "renamed" });
    assert.equal(relabel.changes, true);
    assert.equal(relabel.replaces, undefined);
    const updated = await provider.update!(created.id, outs, { ...inputs("eastus-validator-0"), label: "renamed" });
    assert.equal(updated.outs!.address, outs.address, "update keeps the key");
    assert.equal(updated.outs!.secretName, outs.secretName, "and its secret");
    const rotate = await provider.diff!(created.id, outs, inputs("eastus-validator-0", "2"));
    assert.deepEqual(rotate.replaces, ["rotation"]);
    // A new rotation is a new secret: the running node's key is never overwritten.
    const rotated = await provider.create(inputs("eastus-validator-0", "2"));
    assert.notEqual(rotated.outs!.address, outs.address);
    assert.equal(inVault("eastus-validator-0-key-r1"), key);
});

test("VaultNodeKey provider: a create retried after an interrupted one finds the key and makes no second one", async () => {
    const first = await provider.create(inputs("westus-validator-0"));
    // The engine never recorded `first` (process killed after the write): it calls create again.
    const again = await provider.create(inputs("westus-validator-0"));
    assert.equal(again.outs!.address, first.outs!.address);
    assert.equal(again.outs!.publicKey, first.outs!.publicKey);
});

test("VaultNodeKey provider: a key kept in state by the old NodeKey moves into the vault, same key, and leaves state", async () => {
    const legacyKey = generatePrivateKey();
    const legacy = { label: "uksouth-validator-0", rotation: "1", privateKey: legacyKey, ...deriveNodeIdentity(legacyKey) };
    const news = inputs("uksouth-validator-0");
    const diff = await provider.diff!(legacy.address, legacy as never, news);
    assert.equal(diff.changes, true);
    assert.equal(diff.replaces, undefined, "an update, not a replacement: the validator keeps its address");
    const updated = await provider.update!(legacy.address, legacy as never, news);
    assert.equal(inVault("uksouth-validator-0-key-r1"), legacyKey);
    assert.equal(updated.outs!.address, legacy.address);
    assert.ok(!JSON.stringify(updated.outs).includes(legacyKey.slice(2)), "the key is still in state");
    // Run twice (an interrupted update): the vault already holds the same key.
    await provider.update!(legacy.address, legacy as never, news);
    // A vault holding another key for that name is never overwritten.
    const other = { ...legacy, privateKey: generatePrivateKey() };
    await assert.rejects(provider.update!(legacy.address, other as never, news), /holds another key than the one in state/);
    assert.equal(inVault("uksouth-validator-0-key-r1"), legacyKey);
});

test("VaultNodeKey provider check names the bad input", async () => {
    for (const [bad, culprit] of [
        [{ ...inputs("x"), label: "" }, /label/],
        [{ ...inputs("x"), vaultUrl: "http://kv.example/" }, /vaultUrl/],
        [{ ...inputs("x"), rotation: "a b" }, /not a Key Vault secret name/],
    ] as const) {
        const res = await provider.check!({} as never, bad);
        assert.ok(res.failures && res.failures.length === 1);
        assert.match(res.failures[0].reason, culprit);
    }
});

test("the serialised Key Vault provider holds no key material and no credential", async () => {
    // Generate keys in this process first so that any accidental module-level capture would have something to leak.
    const created = await provider.create(inputs("leak-probe"));
    const key = inVault(created.outs!.secretName)!;
    const serialized = await pulumi.runtime.serializeFunction(() => azureVaultNodeKeyProvider, { isFactoryFunction: true, allowSecrets: true });
    assert.equal(serialized.containsSecrets, false);
    const text = serialized.text;
    assert.ok(text.includes("generatePrivateKey"), "the serialised provider carries its create logic");
    assert.ok(text.includes("DefaultAzureCredential"), "it makes its credential where it runs");
    assert.ok(!text.includes(key.slice(2)), "private key hex must not appear");
    assert.ok(!/AZURE_CLIENT_SECRET=|Bearer [A-Za-z0-9-_.]{20,}|eyJ[A-Za-z0-9-_]{20,}/.test(text), "no token or client secret");
    // The only long constant allowed is the public curve order (hex or decimal, as the serialiser emits it).
    const order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const stripped = text.split(order.toString(10)).join("").split(order.toString(16)).join("");
    assert.ok(!/[0-9a-fA-F]{64}/.test(stripped), "no 32-byte constant other than the curve order");
    // Re-hydrated as the engine does, it still checks inputs (its create needs a vault: tests/providers/vault-node-key.test.ts).
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    const req = createRequire(join(__dirname, "..", "..", "package.json"));
    new Function("exports", "require", "module", text)(mod.exports, req, mod);
    const revived = mod.exports[serialized.exportName] as typeof azureVaultNodeKeyProvider;
    const checked = await revived.check!({} as never, inputs("revived"));
    assert.deepEqual(checked.inputs, inputs("revived"));
});
