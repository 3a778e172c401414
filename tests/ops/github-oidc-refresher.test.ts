// scripts/github-oidc-refresher.sh against a stand-in for GitHub's OIDC token endpoint on loopback: the token file
// is written before `start` returns, rewritten while the job runs, and the refresher ends on `stop` or by itself.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "../../devkit/mock-program";

const SCRIPT = path.join(REPO_ROOT, "scripts", "github-oidc-refresher.sh");
const REQUEST_TOKEN = "request-token-from-the-runner";
let server: Server;
let url: string;
let issued = 0;
let dir: string;
const seen: { authorization?: string; audience: string | null }[] = [];

before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "oidc-"));
    server = createServer((req, res) => {
        const query = new URL(req.url ?? "/", "http://127.0.0.1").searchParams;
        seen.push({ authorization: req.headers.authorization, audience: query.get("audience") });
        if (req.headers.authorization !== `bearer ${REQUEST_TOKEN}`) {
            res.writeHead(401).end();
            return;
        }
        issued += 1;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ count: 1, value: `github-oidc-token-${issued}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`;
});
after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
});

/** Runs the script without blocking this process's event loop (the token endpoint lives in it). */
function refresher(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn("bash", [SCRIPT, ...args], {
            timeout: 20_000,
            env: {
                PATH: process.env["PATH"] ?? "",
                ACTIONS_ID_TOKEN_REQUEST_URL: url,
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
                OIDC_REFRESH_SECONDS: "0.3",
                ...env,
            },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("close", (status) => resolve({ status, stderr }));
    });
}
/** Running, not merely a zombie waiting for a reaper (a container's PID 1 may never reap it). */
const alive = (pid: number) => {
    const state = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim();
    return state !== "" && !state.startsWith("Z");
};

test("writes a token before returning, keeps it fresh, and stops on `stop`", async () => {
    const file = path.join(dir, "azure-federated-token");
    const started = await refresher(["start", file, "60"]);
    assert.equal(started.status, 0, started.stderr);
    const first = readFileSync(file, "utf8");
    assert.match(first, /^github-oidc-token-\d+$/);
    assert.deepEqual(seen[0], { authorization: `bearer ${REQUEST_TOKEN}`, audience: "api://AzureADTokenExchange" });
    const pid = Number(readFileSync(`${file}.pid`, "utf8"));
    await sleep(1500);
    assert.notEqual(readFileSync(file, "utf8"), first, "the token was not refreshed");
    assert.ok(alive(pid));
    assert.equal((await refresher(["stop", file])).status, 0);
    await sleep(200);
    assert.equal(alive(pid), false, "the refresher outlived stop");
    assert.equal(existsSync(file), false, "stop leaves the token behind");
});

test("ends by itself after its lifetime", async () => {
    const file = path.join(dir, "short-lived");
    assert.equal((await refresher(["start", file, "1"])).status, 0);
    const pid = Number(readFileSync(`${file}.pid`, "utf8"));
    await sleep(2500);
    assert.equal(alive(pid), false, "the refresher outlived its lifetime");
    await refresher(["stop", file]);
});

test("fails the step at once without the runner's OIDC variables or when GitHub refuses", async () => {
    const file = path.join(dir, "never");
    const unset = await refresher(["start", file], { ACTIONS_ID_TOKEN_REQUEST_TOKEN: "" });
    assert.equal(unset.status, 1);
    assert.match(unset.stderr, /the job needs 'permissions: id-token: write'/);
    const refused = await refresher(["start", file], { ACTIONS_ID_TOKEN_REQUEST_TOKEN: "wrong" });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /could not get an OIDC token from GitHub/);
    assert.equal(existsSync(file), false);
});
