// A strict parser for the TOML subset Besu config files use here: `key=value` lines with basic strings,
// integers, booleans and arrays of strings, plus comments. Anything else throws, naming the line, so a
// template that renders invalid or unexpected TOML fails the tests instead of being skipped.

/** Value types of the subset. */
export type TomlValue = string | number | boolean | string[];

const KEY = /^[A-Za-z0-9_-]+$/;

function parseValue(raw: string, where: string): TomlValue {
    if (raw === "true") return true;
    if (raw === "false") return false;
    if (/^[+-]?(0|[1-9](_?[0-9])*)$/.test(raw)) return Number(raw.replace(/_/g, ""));
    if (raw.startsWith('"')) {
        // TOML basic strings use the same escapes as JSON for everything we render (\" \\ \n \uXXXX).
        if (!/^"([^"\\\n]|\\["\\bfnrt/]|\\u[0-9A-Fa-f]{4})*"$/.test(raw)) throw new Error(`${where}: bad basic string ${raw}`);
        return JSON.parse(raw) as string;
    }
    if (raw.startsWith("[")) {
        if (!raw.endsWith("]")) throw new Error(`${where}: unterminated array`);
        const inner = raw.slice(1, -1).trim();
        if (inner === "") return [];
        const items = inner.match(/"([^"\\]|\\.)*"\s*(,|$)/g);
        if (!items || items.join("").replace(/\s/g, "").length !== inner.replace(/\s/g, "").length) {
            throw new Error(`${where}: only arrays of basic strings are supported: ${raw.slice(0, 60)}`);
        }
        return items.map((it) => parseValue(it.replace(/\s*,?\s*$/, "").trim(), where) as string);
    }
    throw new Error(`${where}: unsupported TOML value ${raw.slice(0, 60)}`);
}

/** Parses the subset; duplicate keys and tables are errors (Besu config files are flat). */
export function parseFlatToml(text: string): Record<string, TomlValue> {
    const out: Record<string, TomlValue> = {};
    text.split("\n").forEach((line, i) => {
        const where = `line ${i + 1}`;
        const trimmed = line.trim();
        if (trimmed === "" || trimmed.startsWith("#")) return;
        const eq = trimmed.indexOf("=");
        if (eq <= 0) throw new Error(`${where}: expected key=value, got ${trimmed.slice(0, 60)}`);
        const key = trimmed.slice(0, eq).trim();
        if (!KEY.test(key)) throw new Error(`${where}: bad key ${key}`);
        if (key in out) throw new Error(`${where}: duplicate key ${key}`);
        out[key] = parseValue(trimmed.slice(eq + 1).trim(), where);
    });
    return out;
}
