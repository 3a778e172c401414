// The fleet's Kubernetes client: kubeconfig resolution, the exec credential flow, TLS with the cluster CA,
// 401 re-login, and the JSON-RPC pod proxy — against a fake API server on 127.0.0.1.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { ExecCredentialCache, runExecPlugin, type ExecCredential } from "../../ops/fleet/exec-credential";
import { KubeClient, type KubeClientOptions } from "../../ops/fleet/kube-client";
import { parseKubeconfig, type ExecConfig } from "../../ops/fleet/kubeconfig";
import { FakeCluster } from "../support/fleet-fake-cluster";
import { kubeconfigYaml, makeCertificate, writeExecPlugin, type TestCertificate } from "../support/fleet-harness";

const OPTIONS: KubeClientOptions = { timeoutMs: 5_000, retries: 0, retryDelayMs: 10, execTimeoutMs: 10_000 };

let dir: string;
let tls: TestCertificate;
let otherCa: TestCertificate;
let plugin: string;
let cluster: FakeCluster;
let execLog: string;

before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "fleet-client-"));
    tls = makeCertificate(dir, "fake-aks");
    otherCa = makeCertificate(dir, "someone-else");
    plugin = writeExecPlugin(dir);
    execLog = path.join(dir, "exec.log");
    cluster = new FakeCluster("uksouth", "token-uksouth", [
        { name: "uksouth-validator-0", role: "validator", replicas: 1, ready: true, blockNumber: 0x2a, peers: 3 },
    ]);
    await cluster.start(tls);
});
after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
});

function clientFor(token: string, options: Partial<KubeClientOptions> = {}, ca = tls.cert): KubeClient {
    writeFileSync(execLog, "");
    const yaml = kubeconfigYaml("uksouth", cluster.url, ca, plugin, { FAKE_TOKEN: token, FAKE_EXEC_LOG: execLog });
    return new KubeClient(parseKubeconfig(yaml, "kubeconfig of uksouth"), { ...OPTIONS, ...options });
}
const execRuns = () => readFileSync(execLog, "utf8").split("\n").filter((line) => line !== "").length;

describe("fleet kubeconfig", () => {
    const base = {
        "current-context": "ctx",
        clusters: [{ name: "c", cluster: { server: "https://10.0.0.1:443", "certificate-authority-data": Buffer.from("PEM").toString("base64") } }],
        contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
        users: [{ name: "u", user: { token: "s3cret-token" } }],
    };

    it("resolves the current context's server, CA and user", () => {
        const access = parseKubeconfig(stringify(base), "kubeconfig of x");
        assert.equal(access.server.href, "https://10.0.0.1/");
        assert.equal(access.caPem?.toString(), "PEM");
        assert.deepEqual(access.auth, { kind: "token", token: "s3cret-token" });
    });

    it("refuses plain http and skipped TLS verification, naming the kubeconfig", () => {
        const http = { ...base, clusters: [{ name: "c", cluster: { server: "http://10.0.0.1" } }] };
        assert.throws(() => parseKubeconfig(stringify(http), "kubeconfig of x"), /^Error: kubeconfig of x: server http:\/\/10\.0\.0\.1 is not https$/);
        const insecure = { ...base, clusters: [{ name: "c", cluster: { server: "https://10.0.0.1", "insecure-skip-tls-verify": true } }] };
        assert.throws(() => parseKubeconfig(stringify(insecure), "kubeconfig of x"), /insecure-skip-tls-verify is set/);
    });

    it("names a dangling context reference and never quotes credentials", () => {
        const dangling = { ...base, contexts: [{ name: "ctx", context: { cluster: "c", user: "nobody" } }] };
        assert.throws(() => parseKubeconfig(stringify(dangling), "kubeconfig of x"), /context "ctx" names user "nobody", which is not defined/);
        const malformed = { ...base, users: [{ name: "u", user: { token: 42 } }], extra: "s3cret-token" };
        assert.throws(
            () => parseKubeconfig(stringify(malformed), "kubeconfig of x"),
            (error: Error) => /kubeconfig of x: not a kubeconfig: users\.0\.user\.token/.test(error.message) && !error.message.includes("s3cret"),
        );
    });
});

describe("fleet exec credential plugin", () => {
    const exec = (overrides: Partial<ExecConfig>): ExecConfig => ({
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: plugin,
        args: [],
        env: [{ name: "FAKE_TOKEN", value: "t" }, { name: "FAKE_EXEC_LOG", value: path.join(dir, "plugin.log") }],
        provideClusterInfo: false,
        interactiveMode: "IfAvailable",
        ...overrides,
    });
    const info = { server: "https://10.0.0.1:443", caPem: Buffer.from("PEM"), tlsServerName: undefined };

    it("hands the plugin KUBERNETES_EXEC_INFO with the cluster when provideClusterInfo is set", async () => {
        const dump = path.join(dir, "dump-exec-info");
        const infoFile = path.join(dir, "exec-info.json");
        writeFileSync(dump, `#!/bin/sh\nprintf '%s' "$KUBERNETES_EXEC_INFO" > "${infoFile}"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x"}}'\n`);
        chmodSync(dump, 0o755);
        const credential = await runExecPlugin(exec({ command: dump, apiVersion: "client.authentication.k8s.io/v1", provideClusterInfo: true }), info, "uksouth", 10_000);
        assert.equal(credential.kind === "token" && credential.token, "x");
        assert.deepEqual(JSON.parse(readFileSync(infoFile, "utf8")), {
            apiVersion: "client.authentication.k8s.io/v1",
            kind: "ExecCredential",
            spec: { interactive: false, cluster: { server: "https://10.0.0.1:443", "certificate-authority-data": Buffer.from("PEM").toString("base64") } },
        });
    });

    it("reads the token and its expiry", async () => {
        const credential = await runExecPlugin(exec({}), info, "uksouth", 10_000);
        assert.deepEqual(credential, { kind: "token", token: "t", expiresAt: new Date("2099-01-01T00:00:00Z") });
    });

    it("names the plugin and its stderr when it fails, and refuses plugins that need a terminal", async () => {
        const failing = path.join(dir, "failing-plugin");
        writeFileSync(failing, "#!/bin/sh\necho 'AADSTS700082: the refresh token has expired' >&2\nexit 1\n");
        chmodSync(failing, 0o755);
        await assert.rejects(runExecPlugin(exec({ command: failing }), info, "uksouth", 10_000), /^Error: uksouth: exec plugin .*failing-plugin failed: exit 1: AADSTS700082: the refresh token has expired$/);
        await assert.rejects(runExecPlugin(exec({ command: "kubelogin-not-installed" }), info, "uksouth", 10_000), /kubelogin-not-installed is not on PATH/);
        await assert.rejects(runExecPlugin(exec({ interactiveMode: "Always" }), info, "uksouth", 10_000), /needs an interactive terminal/);
    });

    it("rejects an answer that is not an ExecCredential without quoting it", async () => {
        const chatty = path.join(dir, "chatty-plugin");
        writeFileSync(chatty, "#!/bin/sh\necho 'token=s3cret'\n");
        chmodSync(chatty, 0o755);
        await assert.rejects(runExecPlugin(exec({ command: chatty }), info, "uksouth", 10_000), (error: Error) => /not JSON/.test(error.message) && !error.message.includes("s3cret"));
    });
});

describe("fleet exec credential cache", () => {
    const token = (value: string, expiresAt?: number): ExecCredential => ({ kind: "token", token: value, expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt) });

    it("shares one run between concurrent callers and reuses it until shortly before expiry", async () => {
        let now = 1_000_000;
        let runs = 0;
        const cache = new ExecCredentialCache(async () => token(`t${++runs}`, 1_000_000 + 120_000), () => now);
        const [a, b] = await Promise.all([cache.get(), cache.get()]);
        assert.deepEqual([a, b].map((c) => c.kind === "token" && c.token), ["t1", "t1"]);
        now += 60_000;
        assert.equal((await cache.get()).kind === "token" && runs, 1);
        now += 31_000; // within 30 s of expiry
        const renewed = await cache.get();
        assert.equal(renewed.kind === "token" && renewed.token, "t2");
    });

    it("does not keep a failed run, and runs again after invalidate", async () => {
        let runs = 0;
        const cache = new ExecCredentialCache(async () => {
            runs++;
            if (runs === 1) throw new Error("login failed");
            return token(`t${runs}`);
        });
        await assert.rejects(cache.get(), /login failed/);
        assert.equal((await cache.get()).kind === "token" && runs, 2);
        cache.invalidate();
        const again = await cache.get();
        assert.equal(again.kind === "token" && again.token, "t3");
    });
});

describe("fleet Kubernetes client", () => {
    it("lists with the bearer token from the plugin, running it once for several calls", async () => {
        const client = clientFor("token-uksouth");
        try {
            const [sets, pods] = await Promise.all([client.getStatefulSets("besu", "app.kubernetes.io/name=besu-node"), client.listPods("besu", "app.kubernetes.io/name=besu-node")]);
            await client.getStatefulSets("besu", "app.kubernetes.io/name=besu-node");
            assert.deepEqual(sets.map((set) => set.metadata.name), ["besu-uksouth-validator-0"]);
            assert.deepEqual(pods.map((pod) => pod.metadata.name), ["besu-uksouth-validator-0-0"]);
            assert.equal(execRuns(), 1);
        } finally {
            client.close();
        }
    });

    it("on 401 runs the plugin again before giving up, and says so", async () => {
        const client = clientFor("stale-token", { retries: 1 });
        try {
            await assert.rejects(client.listPods("besu", "a=b"), /GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/besu\/pods: HTTP 401 Unauthorized with the exec plugin's token/);
            assert.equal(execRuns(), 2);
        } finally {
            client.close();
        }
    });

    it("verifies the API server against the kubeconfig's CA, without retrying a bad certificate", async () => {
        let connections = 0;
        const server = https.createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end("{}"));
        server.on("connection", () => connections++);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const yaml = kubeconfigYaml("uksouth", url, otherCa.cert, plugin, { FAKE_TOKEN: "t", FAKE_EXEC_LOG: execLog });
        const client = new KubeClient(parseKubeconfig(yaml, "kubeconfig of uksouth"), { ...OPTIONS, retries: 3 });
        try {
            await assert.rejects(client.listPods("besu", "a=b"), /GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/besu\/pods: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/);
            assert.equal(connections, 1);
        } finally {
            client.close();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    });

    it("sends a JSON-RPC batch through the pod proxy and matches answers to calls", async () => {
        const client = clientFor("token-uksouth");
        try {
            const answers = await client.proxyJsonRpc("besu", "besu-uksouth-validator-0-0", 8545, [
                { method: "eth_blockNumber", params: [] },
                { method: "admin_peers", params: [] },
                { method: "net_peerCount", params: [] },
            ]);
            assert.deepEqual(answers, [
                { ok: true, result: "0x2a" },
                { ok: false, error: "admin_peers: JSON-RPC error -32601: Method not found" },
                { ok: true, result: "0x3" },
            ]);
            await assert.rejects(client.proxyJsonRpc("besu", "besu-uksouth-sentry-9-0", 8545, [{ method: "eth_blockNumber", params: [] }]), /proxy\/: HTTP 503: error trying to reach service/);
        } finally {
            client.close();
        }
    });
});
