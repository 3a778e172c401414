// A loopback Azure Key Vault (secrets only) speaking the REST shapes of API 7.4, over HTTPS with a throw-away CA,
// for the node-key provider's store (components/besu/key-store.ts) driven by the real @azure/keyvault-secrets.
//
// What it answers, as Key Vault does ("Key Vault REST API reference 7.4": Set Secret, Get Secret; "Authentication,
// requests and responses"):
//  - a request without a bearer token: 401 with `WWW-Authenticate: Bearer authorization="<authority>/<tenant>",
//    resource="https://vault.azure.net"` (the challenge the SDK's auth policy answers);
//  - PUT /secrets/{name}?api-version=7.4 `{value, contentType?, tags?}`: 200 SecretBundle `{value, id, contentType,
//    tags, attributes: {enabled, created, updated, recoveryLevel}}` with a new version in `id`;
//  - GET /secrets/{name}/{version?}?api-version=7.4: 200 SecretBundle of the latest (or given) version, or 404
//    `{"error": {"code": "SecretNotFound", "message": …}}`;
//  - 403 `{"error": {"code": "Forbidden", "innererror": {"code": "ForbiddenByRbac"}}}` while `forbidden` says so.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessToken, TokenCredential } from "@azure/identity";

/** The token the fake accepts and {@link fakeCredential} hands out. */
const TOKEN = `fake-${randomBytes(8).toString("hex")}`;

/** A credential as the SDK asks one (TokenCredential): a fixed token for the vault's scope. */
export const fakeCredential: TokenCredential = {
    async getToken(scopes): Promise<AccessToken> {
        const wanted = Array.isArray(scopes) ? scopes : [scopes];
        if (!wanted.includes("https://vault.azure.net/.default")) throw new Error(`unexpected scope ${wanted.join(" ")}`);
        return { token: TOKEN, expiresOnTimestamp: Date.now() + 3600_000 };
    },
};

interface Version {
    version: string;
    value: string;
    contentType?: string;
    tags?: Record<string, string>;
    created: number;
}

export interface FakeKeyVault {
    /** `https://127.0.0.1:<port>/` */
    url: string;
    /** PEM of the CA its certificate is signed by (SecretClientOptions.tlsOptions.ca). */
    ca: string;
    /** Secret name → versions, oldest first. */
    secrets: Map<string, Version[]>;
    /** Requests seen: `METHOD /path`. */
    requests: string[];
    /** While > 0, data requests get 403 ForbiddenByRbac (and the count goes down); Infinity: always. */
    forbidden: number;
    close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 made by the real openssl. */
function certificate(): { key: string; cert: string } {
    const dir = mkdtempSync(join(tmpdir(), "fake-kv-"));
    try {
        execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ].concat(["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]),
            { stdio: "ignore" },
        );
        return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function json(res: import("node:http").ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
}

/** Starts the fake on a free loopback port. */
export async function startFakeKeyVault(): Promise<FakeKeyVault> {
    const { key, cert } = certificate();
    const fake: Omit<FakeKeyVault, "url" | "close"> = { ca: cert, secrets: new Map(), requests: [], forbidden: 0 };
    let url = "";
    const bundle = (name: string, v: Version) => ({
        value: v.value,
        id: `${url}secrets/${name}/${v.version}`,
        ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
        ...(v.tags === undefined ? {} : { tags: v.tags }),
        attributes: { enabled: true, created: v.created, updated: v.created, recoveryLevel: "Recoverable" },
    });
    const server: Server = createServer({ key, cert }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const target = new URL(req.url ?? "/", "https://127.0.0.1");
            fake.requests.push(`${req.method} ${target.pathname}`);
            if (req.headers.authorization !== `Bearer ${TOKEN}`) {
                json(
                    res,
                    401,
                    { error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } },
                    {
                        "www-authenticate":
                            'Bearer authorization="https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555", resource="https://vault.azure.net"',
                    },
                );
                return;
            }
            if (target.searchParams.get("api-version") !== "7.4") {
                json(res, 400, { error: { code: "BadParameter", message: `unsupported api-version ${target.searchParams.get("api-version")}` } });
                return;
            }
            if (fake.forbidden > 0) {
                fake.forbidden -= 1;
                json(res, 403, {
                    error: { code: "Forbidden", message: "Caller is not authorized to perform action on resource.", innererror: { code: "ForbiddenByRbac" } },
                });
                return;
            }
            const m = /^\/secrets\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-f]*))?\/?$/.exec(target.pathname);
            if (m === null) {
                json(res, 404, { error: { code: "NotFound", message: `no route ${target.pathname}` } });
                return;
            }
            const [, name, version] = m;
            if (req.method === "PUT" && version === undefined) {
                const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { value?: unknown; contentType?: string; tags?: Record<string, string> };
                if (typeof body.value !== "string") {
                    json(res, 400, { error: { code: "BadParameter", message: "value is required" } });
                    return;
                }
                const v: Version = {
                    version: randomBytes(16).toString("hex"),
                    value: body.value,
                    contentType: body.contentType,
                    tags: body.tags,
                    created: Math.floor(Date.now() / 1000),
                };
                fake.secrets.set(name, [...(fake.secrets.get(name) ?? []), v]);
                json(res, 200, bundle(name, v));
                return;
            }
            if (req.method === "GET") {
                const versions = fake.secrets.get(name) ?? [];
                const v = version ? versions.find((x) => x.version === version) : versions.at(-1);
                if (v === undefined) {
                    json(res, 404, { error: { code: "SecretNotFound", message: `A secret with (name/id) ${name} was not found in this key vault.` } });
                    return;
                }
                json(res, 200, bundle(name, v));
                return;
            }
            json(res, 405, { error: { code: "BadParameter", message: `${req.method} not supported` } });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    url = `https://127.0.0.1:${port}/`;
    return {
        ...fake,
        get forbidden() {
            return fake.forbidden;
        },
        set forbidden(n: number) {
            fake.forbidden = n;
        },
        url,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
