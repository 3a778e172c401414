// VaultNodeKey: a node's secp256k1 key generated into its region's Azure Key Vault; state keeps only the public side.
//
// Custody rule (issue 17): no store holds the private keys of more than one region. The key is generated in the
// provider's process, written to the region's vault and forgotten; the resource's outputs are the address and the
// enode id, which are all the genesis (extraData) and the peer lists need. Besu reads the key from the vault through
// the Secrets Store CSI driver with the region's own workload identity (components/besu/node-key-access.ts).
//
// Retry safety: create first reads the secret. A create that was interrupted after the write (the engine never
// recorded the resource) finds the key on the next run and derives its public side again; it never makes a second
// key. The provider object is serialised into state: it holds the store factory only, no client and no credential.
import * as pulumi from "@pulumi/pulumi";
import { deriveNodeIdentity, generatePrivateKey, normalizePrivateKey } from "./keys";
import { keyVaultSecretStore, type NodeKeySecretStore } from "./key-store";

/** Inputs of a {@link VaultNodeKey}. */
export interface VaultNodeKeyArgs {
    /** Node name (e.g. `eastus-validator-0`); with `rotation` it names the vault secret. Required. */
    label: pulumi.Input<string>;
    /** Rotation marker: a change generates a new key under a new secret name. Default `"1"`. */
    rotation?: pulumi.Input<string>;
    /** The region's vault URL (`properties.vaultUri`). Required. */
    vaultUrl: pulumi.Input<string>;
}

/** Plain inputs as the provider sees them. */
export interface VaultNodeKeyInputs {
    label: string;
    rotation: string;
    vaultUrl: string;
    /** Key Vault secret name: {@link nodeKeySecretName}. */
    secretName: string;
}

/** Plain outputs in state: public values only. */
export interface VaultNodeKeyOutputs extends VaultNodeKeyInputs {
    /** Checksummed address of the key (the QBFT validator address). */
    address: string;
    /** Enode id: 128 hex chars, no 0x04 prefix. */
    publicKey: string;
}

/** Outputs of the earlier NodeKey provider (key in state), which `update` moves into the vault. */
interface LegacyNodeKeyOutputs {
    label: string;
    rotation?: string;
    privateKey?: string;
    address?: string;
    publicKey?: string;
}

/**
 * The vault secret of a node's key: `<node>-key-r<rotation>`. Key Vault secret names are 1–127 characters of
 * `0-9a-zA-Z-` (Key Vault "About keys, secrets, and certificates": object names). A new rotation is a new name, so
 * a replacement never overwrites the key the running node still uses.
 */
export function nodeKeySecretName(label: string, rotation: string): string {
    const name = `${label}-key-r${rotation}`;
    if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
        throw new Error(`node key secret name "${name}" is not a Key Vault secret name (1-127 of 0-9, a-z, A-Z, -): check label and rotation`);
    }
    return name;
}

function checkInputs(news: Record<string, unknown>): VaultNodeKeyInputs {
    const label = news["label"];
    const rotation = news["rotation"] ?? "1";
    const vaultUrl = news["vaultUrl"];
    if (typeof label !== "string" || label.length === 0) throw new Error(`VaultNodeKey: "label" must be a non-empty string; got ${JSON.stringify(label)}`);
    if (typeof rotation !== "string" || rotation.length === 0) throw new Error(`VaultNodeKey ${label}: "rotation" must be a non-empty string`);
    if (typeof vaultUrl !== "string" || !/^https:\/\/[^/\s]+\/?$/.test(vaultUrl)) {
        throw new Error(`VaultNodeKey ${label}: "vaultUrl" must be a vault URL like https://<name>.vault.azure.net/; got ${JSON.stringify(vaultUrl)}`);
    }
    return { label, rotation, vaultUrl, secretName: nodeKeySecretName(label, rotation) };
}

/** The public side of the key stored under the inputs' secret, generating and writing one when there is none. */
async function keyInVault(store: NodeKeySecretStore, inputs: VaultNodeKeyInputs, adopt?: string): Promise<VaultNodeKeyOutputs> {
    const existing = await store.get(inputs.secretName);
    let key: string;
    if (existing !== undefined) {
        try {
            key = normalizePrivateKey(existing.trim());
        } catch (e) {
            throw new Error(`Key Vault ${store.vaultUrl}: secret ${inputs.secretName} is not a node key (${(e as Error).message})`);
        }
        if (adopt !== undefined && normalizePrivateKey(adopt) !== key) {
            throw new Error(
                `Key Vault ${store.vaultUrl}: secret ${inputs.secretName} holds another key than the one in state; ` +
                    "the vault's is kept only if you remove it there first (README: Validator key custody, migration)",
            );
        }
    } else {
        key = adopt !== undefined ? normalizePrivateKey(adopt) : generatePrivateKey();
        await store.set(inputs.secretName, key, { node: inputs.label, rotation: inputs.rotation });
    }
    const { address, publicKey } = deriveNodeIdentity(key);
    return { ...inputs, address, publicKey };
}

/** The provider over `storeFor` (the Key Vault store in the program, an in-memory one under mocks). */
export function vaultNodeKeyProvider(
    storeFor: (vaultUrl: string) => NodeKeySecretStore,
): pulumi.dynamic.ResourceProvider<VaultNodeKeyInputs, VaultNodeKeyOutputs> {
    return {
        async check(_olds, news) {
            try {
                return { inputs: checkInputs(news as unknown as Record<string, unknown>) };
            } catch (e) {
                return { failures: [{ property: "label", reason: (e as Error).message }] };
            }
        },

        async create(inputs) {
            const checked = checkInputs(inputs as unknown as Record<string, unknown>);
            const outs = await keyInVault(storeFor(checked.vaultUrl), checked);
            return { id: outs.address, outs };
        },

        async diff(_id, olds, news) {
            const legacy = olds as unknown as LegacyNodeKeyOutputs;
            const rotation = news.rotation ?? "1";
            if ((olds.rotation ?? "1") !== rotation) return { changes: true, replaces: ["rotation"], deleteBeforeReplace: false };
            // A key still in state (the NodeKey of before): moved into the vault in place, same key, same address.
            if (legacy.privateKey !== undefined) return { changes: true };
            if (olds.vaultUrl !== news.vaultUrl) return { changes: true, replaces: ["vaultUrl"], deleteBeforeReplace: false };
            return { changes: olds.label !== news.label };
        },

        async update(_id, olds, news) {
            const legacy = olds as unknown as LegacyNodeKeyOutputs;
            const checked = checkInputs(news as unknown as Record<string, unknown>);
            if (legacy.privateKey !== undefined) {
                // Same name and rotation as the key in state: the vault gets exactly that key, and state forgets it.
                const outs = await keyInVault(
                    storeFor(checked.vaultUrl),
                    { ...checked, secretName: nodeKeySecretName(legacy.label, checked.rotation) },
                    legacy.privateKey,
                );
                return { outs: { ...outs, label: checked.label } };
            }
            // Only the label changes in place; the secret keeps its name.
            return { outs: { ...olds, label: checked.label } };
        },
        // No delete: the vault keeps the key (soft delete and purge protection guard it); removing a validator's key
        // is an operator's decision, after its QBFT vote-out (README: Validator key custody).
    };
}

/** The provider `pulumi up` runs: each region's Key Vault through @azure/keyvault-secrets. */
export const azureVaultNodeKeyProvider = vaultNodeKeyProvider((vaultUrl) => keyVaultSecretStore(vaultUrl));

/** A Besu node key held by its region's Key Vault; the program and state see only its public side. */
export class VaultNodeKey extends pulumi.dynamic.Resource {
    /** Checksummed address of the node (the QBFT validator address). */
    declare public readonly address: pulumi.Output<string>;
    /** Enode id: 128 hex chars, uncompressed public key without the 0x04 prefix. */
    declare public readonly publicKey: pulumi.Output<string>;
    /** The Key Vault secret holding the key (what the node's SecretProviderClass mounts). */
    declare public readonly secretName: pulumi.Output<string>;

    constructor(name: string, args: VaultNodeKeyArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            azureVaultNodeKeyProvider,
            name,
            { label: args.label, rotation: args.rotation ?? "1", vaultUrl: args.vaultUrl, secretName: undefined, address: undefined, publicKey: undefined },
            opts,
        );
    }
}
