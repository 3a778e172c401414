// Keeps explorer API keys out of anything printed: URLs, error messages, reports.

/** `url` with the value of every `apikey` query parameter replaced by "***". */
export function maskUrl(url: string): string {
    try {
        const u = new URL(url);
        for (const key of [...u.searchParams.keys()]) {
            if (key.toLowerCase() === "apikey") u.searchParams.set(key, "***");
        }
        return u.toString().replace(/%2A%2A%2A/g, "***");
    } catch {
        return url.replace(/(apikey=)[^&\s]*/gi, "$1***");
    }
}

/** `text` with every occurrence of each non-empty secret replaced by "***". */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
    let out = text;
    for (const secret of secrets) {
        if (secret !== undefined && secret.length > 0) out = out.split(secret).join("***");
    }
    return out;
}
