// Where a region's node keys live: one Azure Key Vault per region, reached through @azure/keyvault-secrets.
//
// The store is created inside the dynamic provider's process (create/update), never in the program, so that no
// client, token or credential is captured when the SDK serialises the provider into state. The packages are
// required where they are used: the SDK's closure serialiser cannot capture their module objects (contracts/providers
// do the same).
import type { TokenCredential } from "@azure/identity";
import type { SecretClientOptions } from "@azure/keyvault-secrets";

/** What the node-key provider needs of a secret store. */
export interface NodeKeySecretStore {
    /** The vault's URL (`https://<name>.vault.azure.net/`), for messages. */
    readonly vaultUrl: string;
    /** The current value of secret `name`, or undefined when the vault has no such secret. */
    get(name: string): Promise<string | undefined>;
    /** Writes `value` as a new version of secret `name`. */
    set(name: string, value: string, tags: Record<string, string>): Promise<void>;
}

/** Options of {@link keyVaultSecretStore}; the defaults are what `pulumi up` uses. */
export interface KeyVaultStoreOptions {
    /** Default `DefaultAzureCredential` (CI's workload identity, else `az login`), as `npm run preflight` uses. */
    credential?: TokenCredential;
    /** Client options (tests: a trusted CA for a loopback vault). Default none. */
    clientOptions?: SecretClientOptions;
    /**
     * How long a 403 is retried. A role assignment made in the same `pulumi up` (the deployer's Key Vault Secrets
     * Officer grant) takes effect only after Azure RBAC propagates: "up to 10 minutes" (Azure RBAC troubleshooting,
     * "Role assignment changes are not being detected"). Default 15 minutes.
     */
    forbiddenRetryMs?: number;
}

/** The status of an @azure/core-rest-pipeline RestError, if `e` is one. */
function statusOf(e: unknown): number | undefined {
    const status = (e as { statusCode?: unknown } | null)?.statusCode;
    return typeof status === "number" ? status : undefined;
}

/** The service's error code (Key Vault error body `{"error":{"code"}}`), if any; never the secret. */
function codeOf(e: unknown): string {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === "string" ? code : "";
}

/** A Key Vault secret store for `vaultUrl`, retrying only 403 (RBAC propagation) within a bound. */
export function keyVaultSecretStore(vaultUrl: string, options: KeyVaultStoreOptions = {}): NodeKeySecretStore {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time: see the header
    const { SecretClient } = require("@azure/keyvault-secrets") as typeof import("@azure/keyvault-secrets");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time: see the header
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time: see the header
    const { default: pRetry, AbortError } = require("p-retry") as typeof import("p-retry");
    const client = new SecretClient(vaultUrl, options.credential ?? new DefaultAzureCredential(), {
        // Key Vault REST API 7.4 (GA): GET/PUT /secrets/{name}, the shapes tests/support/fake-key-vault.ts answers.
        serviceVersion: "7.4",
        ...options.clientOptions,
        // The SDK's own retries cover throttling (429) and 5xx; they stop after a few tries.
        retryOptions: { maxRetries: 3, ...options.clientOptions?.retryOptions },
    });
    const forbiddenRetryMs = options.forbiddenRetryMs ?? 15 * 60_000;
    const call = <T>(operation: string, name: string, run: () => Promise<T>): Promise<T> =>
        pRetry(
            async () => {
                try {
                    return await run();
                } catch (e) {
                    const status = statusOf(e);
                    const detail = `${status ?? "no status"}${codeOf(e) ? ` ${codeOf(e)}` : ""}`;
                    const error = new Error(`Key Vault ${vaultUrl}: ${operation} secret ${name} failed (${detail})${hint(status, codeOf(e))}`);
                    if (status === 403) throw error;
                    throw new AbortError(error);
                }
            },
            { retries: 1000, minTimeout: 5_000, maxTimeout: 30_000, maxRetryTime: forbiddenRetryMs },
        );
    return {
        vaultUrl,
        async get(name) {
            return call("get", name, async () => {
                try {
                    const secret = await client.getSecret(name);
                    return secret.value;
                } catch (e) {
                    // Key Vault answers 404 (error code SecretNotFound) for a name that has no secret.
                    if (statusOf(e) === 404) return undefined;
                    throw e;
                }
            });
        },
        async set(name, value, tags) {
            await call("set", name, () => client.setSecret(name, value, { tags, contentType: "application/x-secp256k1-private-key-hex" }));
        },
    };
}

/** What an operator does about a failure (Key Vault REST error codes). */
function hint(status: number | undefined, code: string): string {
    if (status === 403) return ": the identity running `pulumi up` needs Key Vault Secrets Officer on this vault and its address in the vault's firewall";
    if (status === 409 && code === "Conflict") {
        return ": a deleted secret of this name is kept by soft delete; recover it (az keyvault secret recover) and run `pulumi up` again";
    }
    return "";
}
