// Seeing secretness from a policy. @pulumi/policy 1.21 hands validateResource/validateStack props through
// `deserializeProperties(props, false)` (server.js): secret values arrive unwrapped, with no marker, so a
// validation cannot tell a secret input from a plaintext one. Remediations get `deserializeProperties(props,
// true)`: secrets become `Secret` instances behind a proxy that unwraps them on read; the proxy's
// `__getSpecialProxyTarget` key (proxy.js) returns the object underneath, where the `Secret`s are visible.
import { Secret } from "@pulumi/policy";
import { asRecord } from "./read";

const PROXY_TARGET = "__getSpecialProxyTarget";

/** The plain object under the framework's (possibly nested) proxies; `value` itself when not proxied. */
export function unproxied(value: Record<string, unknown>): Record<string, unknown> {
    let current = value;
    for (let depth = 0; depth < 4; depth++) {
        const inner = asRecord(current[PROXY_TARGET]);
        if (inner === undefined || inner === current) break;
        current = inner;
    }
    return current;
}

/** Whether a raw (unproxied) property value is marked secret. */
export function isSecretValue(value: unknown): boolean {
    return value instanceof Secret;
}

/** Input names that carry a private key. */
export const KEY_INPUT = /^(deployer[-_]?key|private[-_]?key|deployer[-_]?private[-_]?key|signer[-_]?key|mnemonic)$/i;
