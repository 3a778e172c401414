// In-memory stand-in for the regions' Key Vaults under Pulumi mocks (no Azure there): the node-key provider's real
// create runs against it, so the tests can hold every generated private key against what reached state and outputs.
import type { NodeKeySecretStore } from "../components/besu/key-store";

/**
 * Secrets per vault URL (latest value only; versions do not matter to the node-key provider). One map per process,
 * held on globalThis: the test runner may load this module twice (ESM and CJS), and both must see the same vaults.
 */
export const memoryVaults: Map<string, Map<string, string>> = ((globalThis as Record<symbol, unknown>)[Symbol.for("chain138.memoryVaults")] ??= new Map<
    string,
    Map<string, string>
>()) as Map<string, Map<string, string>>;

/** A store over `memoryVaults[vaultUrl]`. */
export function memorySecretStore(vaultUrl: string): NodeKeySecretStore {
    let vault = memoryVaults.get(vaultUrl);
    if (vault === undefined) {
        vault = new Map();
        memoryVaults.set(vaultUrl, vault);
    }
    const secrets = vault;
    return {
        vaultUrl,
        async get(name) {
            return secrets.get(name);
        },
        async set(name, value) {
            secrets.set(name, value);
        },
    };
}

/** Every private key held by any in-memory vault (`0x` + 64 hex). */
export function memoryVaultKeys(): string[] {
    return [...memoryVaults.values()].flatMap((vault) => [...vault.values()]);
}
