// NodeKey: a secp256k1 node key generated once by a Pulumi dynamic provider and kept in (encrypted) state.
//
// The provider object below is serialised into the state of every NodeKey (the engine re-hydrates it to
// run create/diff/update), so it must capture nothing secret: it only references the pure functions of
// ./keys and holds no key, no config and no credentials. The private key exists only in the provider's
// outputs, which `additionalSecretOutputs` makes the engine encrypt; the class also wraps it in
// `pulumi.secret` so it stays secret in every program, mocks included.
import * as pulumi from "@pulumi/pulumi";
import { deriveNodeIdentity, generatePrivateKey } from "./keys";

/** Inputs of a {@link NodeKey}. */
export interface NodeKeyArgs {
    /**
     * Human-readable label kept in state (e.g. `eastus-validator-0`). Changing it updates the label only;
     * the key stays. Required.
     */
    label: pulumi.Input<string>;
    /**
     * Rotation marker: any change replaces the resource, i.e. generates a new key (and a new enode id and
     * validator address). Default `"1"`.
     */
    rotation?: pulumi.Input<string>;
}

/** Plain inputs as the provider sees them. */
export interface NodeKeyProviderInputs {
    label: string;
    rotation: string;
}

/** Plain outputs as the provider writes them into state. */
export interface NodeKeyProviderOutputs extends NodeKeyProviderInputs {
    /** `0x` + 64 hex chars; secret (see `additionalSecretOutputs`). */
    privateKey: string;
    /** Checksummed address derived from the key. */
    address: string;
    /** 128 hex chars (enode id, no 0x04 prefix). */
    publicKey: string;
}

/** Output names the engine must encrypt. */
export const NODE_KEY_SECRET_OUTPUTS: readonly string[] = ["privateKey"];

function checkInputs(news: Record<string, unknown>): NodeKeyProviderInputs {
    const label = news["label"];
    const rotation = news["rotation"] ?? "1";
    if (typeof label !== "string" || label.length === 0) {
        throw new Error(`NodeKey: "label" must be a non-empty string; got ${JSON.stringify(label)}`);
    }
    if (typeof rotation !== "string" || rotation.length === 0) {
        throw new Error(`NodeKey ${label}: "rotation" must be a non-empty string; got ${JSON.stringify(rotation)}`);
    }
    return { label, rotation };
}

/**
 * The dynamic provider. `create` is the only place a key is generated; `diff` reports a replacement only
 * when `rotation` changes, so repeated `pulumi up` runs keep the key.
 */
export const nodeKeyProvider: pulumi.dynamic.ResourceProvider<NodeKeyProviderInputs, NodeKeyProviderOutputs> = {
    async check(_olds: NodeKeyProviderInputs, news: NodeKeyProviderInputs): Promise<pulumi.dynamic.CheckResult<NodeKeyProviderInputs>> {
        try {
            return { inputs: checkInputs(news as unknown as Record<string, unknown>) };
        } catch (e) {
            const reason = (e as Error).message;
            return { failures: [{ property: reason.includes('"rotation"') ? "rotation" : "label", reason }] };
        }
    },

    async create(inputs: NodeKeyProviderInputs): Promise<pulumi.dynamic.CreateResult<NodeKeyProviderOutputs>> {
        const checked = checkInputs(inputs as unknown as Record<string, unknown>);
        const privateKey = generatePrivateKey();
        const { address, publicKey } = deriveNodeIdentity(privateKey);
        // The id carries no secret: it is the public address of the key.
        return { id: address, outs: { ...checked, privateKey, address, publicKey } };
    },

    async diff(_id: string, olds: NodeKeyProviderOutputs, news: NodeKeyProviderInputs): Promise<pulumi.dynamic.DiffResult> {
        const rotation = news.rotation ?? "1";
        if ((olds.rotation ?? "1") !== rotation) {
            return { changes: true, replaces: ["rotation"], deleteBeforeReplace: false };
        }
        return { changes: olds.label !== news.label };
    },

    async update(_id: string, olds: NodeKeyProviderOutputs, news: NodeKeyProviderInputs): Promise<pulumi.dynamic.UpdateResult<NodeKeyProviderOutputs>> {
        // Only the label can change in place; the key material is carried over untouched.
        return { outs: { ...olds, label: news.label } };
    },
};

/** A secp256k1 node key for a Besu node, stable across `pulumi up` (new key only when `rotation` changes). */
export class NodeKey extends pulumi.dynamic.Resource {
    /** `0x` + 64 hex private key. Always a secret Output. */
    declare public readonly privateKey: pulumi.Output<string>;
    /** Checksummed Ethereum address of the node (the QBFT validator address). */
    declare public readonly address: pulumi.Output<string>;
    /** Enode id: 128 hex chars, uncompressed public key without the 0x04 prefix. */
    declare public readonly publicKey: pulumi.Output<string>;
    /** Label given in the args. */
    declare public readonly label: pulumi.Output<string>;

    constructor(name: string, args: NodeKeyArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            nodeKeyProvider,
            name,
            { label: args.label, rotation: args.rotation ?? "1", privateKey: undefined, address: undefined, publicKey: undefined },
            {
                ...opts,
                additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...NODE_KEY_SECRET_OUTPUTS],
            },
        );
        // The SDK assigned the engine-resolved Output to this field during super(); re-wrap it so it is
        // secret even where the engine does not apply additionalSecretOutputs (mocks, older engines).
        this.privateKey = pulumi.secret(this.privateKey);
    }
}
