// The node-key provider over the real @azure/keyvault-secrets against a loopback Key Vault (tests/support/
// fake-key-vault.ts, REST API 7.4 shapes): the key is written to the vault and never returned; a create run again
// after an interrupted one reads the key back instead of making a second; a key kept in state by the old NodeKey
// moves into the vault; 403 (RBAC not yet propagated) is retried within a bound and then fails naming vault and
// operation, never the key.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Wallet } from "ethers";
import { keyVaultSecretStore } from "../../components/besu/key-store";
import { deriveNodeIdentity, generatePrivateKey } from "../../components/besu/keys";
import { nodeKeySecretName, vaultNodeKeyProvider } from "../../components/besu/vault-node-key";
import { fakeCredential, startFakeKeyVault, type FakeKeyVault } from "../support/fake-key-vault";

let vault: FakeKeyVault;
const storeOptions = (forbiddenRetryMs: number) => ({
    credential: fakeCredential,
    // The fake's certificate is for 127.0.0.1, not a vault.azure.net name: trust its CA and skip the SDK's check that
    // the challenge's resource matches the vault's domain.
    clientOptions: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true },
    forbiddenRetryMs,
});
const provider = (forbiddenRetryMs = 20_000) => vaultNodeKeyProvider((url) => keyVaultSecretStore(url, storeOptions(forbiddenRetryMs)));
const inputs = (label: string) => ({ label, rotation: "1", vaultUrl: vault.url, secretName: nodeKeySecretName(label, "1") });
const latest = (name: string) => vault.secrets.get(name)?.at(-1)?.value;

before(async () => {
    vault = await startFakeKeyVault();
});
after(async () => {
    await vault?.close();
});

test("create writes the key to the vault and returns only its public side", async () => {
    const created = await provider().create(inputs("eastus-validator-0"));
    const key = latest("eastus-validator-0-key-r1");
    assert.ok(key, "no secret written");
    assert.equal(new Wallet(key).address, created.outs!.address);
    assert.equal(created.outs!.publicKey, deriveNodeIdentity(key).publicKey);
    assert.ok(!JSON.stringify(created).includes(key.slice(2)), "the key is in the provider's result");
    assert.equal(vault.secrets.get("eastus-validator-0-key-r1")!.at(-1)!.tags?.["node"], "eastus-validator-0");
});

test("a create retried after an interrupted one reads the key back and writes nothing", async () => {
    const first = await provider().create(inputs("eastus-validator-1"));
    const puts = () => vault.requests.filter((r) => r === "PUT /secrets/eastus-validator-1-key-r1").length;
    const before = puts();
    const again = await provider().create(inputs("eastus-validator-1"));
    assert.equal(again.outs!.address, first.outs!.address);
    assert.equal(puts(), before, "a second key was written");
    assert.equal(vault.secrets.get("eastus-validator-1-key-r1")!.length, 1);
});

test("an update moves a key kept in state into the vault, the same key, and state keeps no key", async () => {
    const key = generatePrivateKey();
    const legacy = { label: "eastus-sentry-0", rotation: "1", privateKey: key, ...deriveNodeIdentity(key) };
    const updated = await provider().update!(legacy.address, legacy as never, inputs("eastus-sentry-0"));
    assert.equal(latest("eastus-sentry-0-key-r1"), key);
    assert.equal(updated.outs!.address, legacy.address);
    assert.ok(!JSON.stringify(updated.outs).includes(key.slice(2)));
});

test("403 while the grant propagates is retried; past the bound it fails naming vault and operation", async () => {
    vault.forbidden = 1;
    const created = await provider().create(inputs("westus-validator-0"));
    assert.ok(latest("westus-validator-0-key-r1"));
    assert.equal(new Wallet(latest("westus-validator-0-key-r1")!).address, created.outs!.address);

    vault.forbidden = Infinity;
    const started = Date.now();
    await assert.rejects(provider(3_000).create(inputs("westus-validator-1")), (e: Error) => {
        assert.match(e.message, new RegExp(`^Key Vault ${vault.url.replace(/[.]/g, "\\.")}: get secret westus-validator-1-key-r1 failed \\(403 Forbidden\\)`));
        assert.match(e.message, /Key Vault Secrets Officer/);
        return true;
    });
    assert.ok(Date.now() - started < 20_000, `gave up after ${Date.now() - started} ms`);
    vault.forbidden = 0;
    assert.equal(vault.secrets.has("westus-validator-1-key-r1"), false);
});
