// Small typed readers over policy props: the framework hands policies untyped JSON (`Record<string, any>`),
// so every policy narrows what it reads through these instead of casting.

/** A JSON object, or undefined when `value` is not one. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value` when it is a string. */
export function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** `value` when it is a finite number (numeric strings too: k8s ports and counts may arrive as strings). */
export function asNumber(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
    return undefined;
}

/** `value` when it is a boolean. */
export function asBoolean(value: unknown): boolean | undefined {
    return typeof value === "boolean" ? value : undefined;
}

/** The elements of `value` when it is an array; empty otherwise. */
export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? [...value] : [];
}

/** The string elements of `value` when it is an array. */
export function asStringArray(value: unknown): string[] {
    return asArray(value).filter((v): v is string => typeof v === "string");
}

/** A string→string map (labels, tags, selectors); non-string values are dropped. */
export function asStringMap(value: unknown): Record<string, string> {
    const record = asRecord(value) ?? {};
    return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** Follows `path` through nested objects. */
export function at(value: unknown, ...path: string[]): unknown {
    let current: unknown = value;
    for (const key of path) {
        const record = asRecord(current);
        if (record === undefined) return undefined;
        current = record[key];
    }
    return current;
}
