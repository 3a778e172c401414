// The CLI hands every config value over as a string, structured ones as JSON. One decoder for the program
// (config/load.ts) and the tools that read a stack's config (ops/preflight); no Pulumi SDK here.
import { STRING_KEYS } from "./schema";

/**
 * Decodes `values` (key → string, keys without the namespace) into plain values. A key that should be JSON but is not
 * is reported by name; its value is quoted only when it is not a secret (`secretKeys`), since config may hold keys.
 */
export function decodeConfigValues(
    values: Record<string, string>,
    namespace: string,
    secretKeys: ReadonlySet<string> = new Set(),
): { raw: Record<string, unknown>; undecodable: string[] } {
    const raw: Record<string, unknown> = {};
    const undecodable: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (STRING_KEYS.has(key)) {
            raw[key] = value;
            continue;
        }
        try {
            raw[key] = JSON.parse(value);
        } catch {
            const shown = secretKeys.has(key) ? "(a secret, not shown)" : `"${value}"`;
            undecodable.push(`${namespace}:${key}: ${shown} is not a number, list or object`);
        }
    }
    return { raw, undecodable };
}

/** `ns:key` → [ns, key]; a key without a namespace has none. */
export function splitConfigKey(fullKey: string): [string, string | undefined] {
    const index = fullKey.indexOf(":");
    return index < 0 ? [fullKey, undefined] : [fullKey.slice(0, index), fullKey.slice(index + 1)];
}
