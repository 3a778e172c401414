// The ops tools' Kubernetes client (@kubernetes/client-node's kubeconfig handling, our bounded exec plugin runs,
// timeouts and retries) against the one fake API server: kubeconfig checks, the exec credential flow, TLS with the
// cluster CA, 401 re-login, selectors the fake really applies, the field manager, and JSON-RPC through the proxies.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { ExecCredentialCache, runExecPlugin, type ExecConfig, type ExecCredential } from "../../ops/shared/exec-credential";
import { KubeClient, type KubeClientOptions } from "../../ops/shared/kube-client";
import { FakeCluster, kubeconfigYaml, makeCertificate, writeExecPlugin, type TestCertificate } from "../support/fake-kube-api";

const OPTIONS: KubeClientOptions = { timeoutMs: 5_000, retries: 0, retryDelayMs: 10, execTimeoutMs: 10_000 };
const CHART = "app.kubernetes.io/name=besu-node,app.kubernetes.io/part-of=chain138";

let dir: string;
let tls: TestCertificate;
let otherCa: TestCertificate;
let plugin: string;
let cluster: FakeCluster;
let execLog: string;

before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "kube-client-"));
    tls = makeCertificate(dir, "fake-aks");
    otherCa = makeCertificate(dir, "someone-else");
    plugin = writeExecPlugin(dir);
    execLog = path.join(dir, "exec.log");
    cluster = new FakeCluster("uksouth", "token-uksouth", [
        { name: "uksouth-validator-0", role: "validator", replicas: 1, ready: true, blockNumber: 0x2a, peers: 3 },
        { name: "uksouth-sentry-0", role: "sentry", replicas: 1, ready: true, blockNumber: 0x29, peers: 2 },
        { name: "uksouth-validator-1", role: "validator", replicas: 1, ready: false, blockNumber: 0, peers: 0 },
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
    return new KubeClient(yaml, "kubeconfig of uksouth", { ...OPTIONS, ...options });
}
const execRuns = () =>
    readFileSync(execLog, "utf8")
        .split("\n")
        .filter((line) => line !== "").length;

/** A kubeconfig with a static-token user for the fake, and `cluster` fields on top. */
function tokenKubeconfig(token: string, cluster: Record<string, unknown>, user: Record<string, unknown> = { token }): string {
    return stringify({
        "current-context": "ctx",
        clusters: [{ name: "c", cluster: { "certificate-authority-data": Buffer.from(tls.cert).toString("base64"), ...cluster } }],
        contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
        users: [{ name: "u", user }],
    });
}

describe("kubeconfig through @kubernetes/client-node", () => {
    it("uses the current context's server, CA and static token", async () => {
        const client = new KubeClient(tokenKubeconfig("token-uksouth", { server: cluster.url }), "kubeconfig of x", OPTIONS);
        try {
            assert.deepEqual((await client.getStatefulSets("besu", CHART)).map((set) => set.metadata.name).length, 3);
        } finally {
            client.close();
        }
        const wrong = new KubeClient(tokenKubeconfig("s3cret-wrong", { server: cluster.url }), "kubeconfig of x", OPTIONS);
        try {
            await assert.rejects(
                wrong.listPods("besu", CHART),
                (error: Error) => /HTTP 401: Unauthorized$/.test(error.message) && !error.message.includes("s3cret"),
            );
        } finally {
            wrong.close();
        }
    });

    it("refuses plain http and skipped TLS verification, naming the kubeconfig", () => {
        assert.throws(
            () => new KubeClient(tokenKubeconfig("t", { server: "http://10.0.0.1" }), "kubeconfig of x", OPTIONS),
            /^Error: kubeconfig of x: server http:\/\/10\.0\.0\.1 is not https$/,
        );
        const insecure = tokenKubeconfig("t", { server: "https://10.0.0.1", "insecure-skip-tls-verify": true });
        assert.throws(() => new KubeClient(insecure, "kubeconfig of x", OPTIONS), /kubeconfig of x: insecure-skip-tls-verify is set/);
    });

    it("refuses auth-provider users, whose commands the library runs synchronously without a timeout", () => {
        const azure = tokenKubeconfig("t", { server: "https://10.0.0.1" }, { "auth-provider": { name: "azure", config: { "cmd-path": "az" } } });
        assert.throws(
            () => new KubeClient(azure, "kubeconfig of x", OPTIONS),
            /kubeconfig of x: user "u" uses the auth-provider "azure", which is not supported; convert .*kubelogin/,
        );
    });

    it("names a dangling context reference and never quotes credentials", () => {
        const dangling = stringify({
            "current-context": "ctx",
            clusters: [{ name: "c", cluster: { server: "https://10.0.0.1" } }],
            contexts: [{ name: "ctx", context: { cluster: "c", user: "nobody" } }],
            users: [{ name: "u", user: { token: "s3cret-token" } }],
        });
        assert.throws(
            () => new KubeClient(dangling, "kubeconfig of x", OPTIONS),
            (error: Error) => /context "ctx" names user "nobody", which is not defined/.test(error.message) && !error.message.includes("s3cret"),
        );
        const noServer = tokenKubeconfig("s3cret-token", { server: undefined });
        assert.throws(
            () => new KubeClient(noServer, "kubeconfig of x", OPTIONS),
            (error: Error) => /^kubeconfig of x: not a kubeconfig \(clusters\[0\]\.cluster\.server is missing\)$/.test(error.message),
        );
        const badYaml = "users:\n  - name: u\n    user: {token: s3cret-token\n   bad: [\n";
        assert.throws(
            () => new KubeClient(badYaml, "kubeconfig of x", OPTIONS),
            (error: Error) => /^kubeconfig of x: not a kubeconfig/.test(error.message) && !error.message.includes("s3cret"),
        );
        const badExec = tokenKubeconfig("t", { server: "https://10.0.0.1" }, { exec: { apiVersion: "client.authentication.k8s.io/v1", args: ["s3cret"] } });
        assert.throws(
            () => new KubeClient(badExec, "kubeconfig of x", OPTIONS),
            (error: Error) => /exec is not a valid ExecConfig \(command:/.test(error.message) && !error.message.includes("s3cret"),
        );
    });
});

describe("exec credential plugin", () => {
    const exec = (overrides: Partial<ExecConfig>): ExecConfig => ({
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: plugin,
        args: [],
        env: [
            { name: "FAKE_TOKEN", value: "t" },
            { name: "FAKE_EXEC_LOG", value: path.join(dir, "plugin.log") },
        ],
        provideClusterInfo: false,
        interactiveMode: "IfAvailable",
        ...overrides,
    });
    const info = { server: "https://10.0.0.1:443", caPem: Buffer.from("PEM"), tlsServerName: undefined };
    const script = (name: string, text: string) => {
        const file = path.join(dir, name);
        writeFileSync(file, `#!/bin/sh\n${text}`);
        chmodSync(file, 0o755);
        return file;
    };

    it("hands the plugin KUBERNETES_EXEC_INFO with the cluster when provideClusterInfo is set", async () => {
        const infoFile = path.join(dir, "exec-info.json");
        const dump = script(
            "dump-exec-info",
            `printf '%s' "$KUBERNETES_EXEC_INFO" > "${infoFile}"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x"}}'\n`,
        );
        const credential = await runExecPlugin(
            exec({ command: dump, apiVersion: "client.authentication.k8s.io/v1", provideClusterInfo: true }),
            info,
            "uksouth",
            10_000,
        );
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
        const failing = script("failing-plugin", "echo 'AADSTS700082: the refresh token has expired' >&2\nexit 1\n");
        await assert.rejects(
            runExecPlugin(exec({ command: failing }), info, "uksouth", 10_000),
            /^Error: uksouth: exec plugin .*failing-plugin failed: exit 1: AADSTS700082: the refresh token has expired$/,
        );
        await assert.rejects(runExecPlugin(exec({ command: "kubelogin-not-installed" }), info, "uksouth", 10_000), /kubelogin-not-installed is not on PATH/);
        await assert.rejects(runExecPlugin(exec({ interactiveMode: "Always" }), info, "uksouth", 10_000), /needs an interactive terminal/);
    });

    it("rejects an answer that is not an ExecCredential without quoting it", async () => {
        const chatty = script("chatty-plugin", "echo 'token=s3cret'\n");
        await assert.rejects(
            runExecPlugin(exec({ command: chatty }), info, "uksouth", 10_000),
            (error: Error) => /not JSON/.test(error.message) && !error.message.includes("s3cret"),
        );
        const flood = script("flood-plugin", "head -c 2000000 /dev/zero | tr '\\0' a\n");
        await assert.rejects(runExecPlugin(exec({ command: flood }), info, "uksouth", 10_000), /flood-plugin failed: printed more than 1048576 bytes$/);
    });

    it("kills a plugin that does not answer in time, with what it started, and the request fails naming the cluster", async () => {
        const pidFile = path.join(dir, "hung.pids");
        // Ignores SIGTERM and leaves a child holding stdout: the deadline must hold anyway.
        const hung = script("hung-plugin", `trap '' TERM\nsleep 30 &\necho "$$ $!" > "${pidFile}"\nwait\n`);
        const yaml = kubeconfigYaml("uksouth", cluster.url, tls.cert, hung, {});
        const client = new KubeClient(yaml, "kubeconfig of uksouth", { ...OPTIONS, execTimeoutMs: 300 });
        const started = Date.now();
        try {
            await assert.rejects(
                client.listPods("besu", CHART),
                /^KubeApiError: GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/besu\/pods: cluster 127\.0\.0\.1:\d+: exec plugin .*hung-plugin failed: no answer within 300 ms$/,
            );
        } finally {
            client.close();
        }
        assert.ok(Date.now() - started < 3_000, "rejected at the deadline, not when the plugin exits");
        const pids = readFileSync(pidFile, "utf8").trim().split(" ").map(Number);
        assert.equal(pids.length, 2);
        // SIGKILL follows SIGTERM after a second's grace.
        const deadline = Date.now() + 5_000;
        const alive = () =>
            pids.filter((pid) => {
                try {
                    process.kill(pid, 0);
                    return true;
                } catch {
                    return false;
                }
            });
        while (alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(alive(), [], "the plugin and its child are gone");
    });
});

describe("exec credential cache", () => {
    const token = (value: string, expiresAt?: number): ExecCredential => ({
        kind: "token",
        token: value,
        expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt),
    });

    it("shares one run between concurrent callers and reuses it until shortly before expiry", async () => {
        let now = 1_000_000;
        let runs = 0;
        const cache = new ExecCredentialCache(
            async () => token(`t${++runs}`, 1_000_000 + 120_000),
            () => now,
        );
        const [a, b] = await Promise.all([cache.get(), cache.get()]);
        assert.deepEqual(
            [a, b].map((c) => c.kind === "token" && c.token),
            ["t1", "t1"],
        );
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

describe("Kubernetes client against the fake API server", () => {
    it("lists with the bearer token from the plugin, running it once for several calls", async () => {
        const client = clientFor("token-uksouth");
        try {
            const [sets, pods] = await Promise.all([client.getStatefulSets("besu", CHART), client.listPods("besu", CHART)]);
            await client.getStatefulSets("besu", CHART);
            assert.deepEqual(
                sets.map((set) => set.metadata.name),
                ["besu-uksouth-validator-0", "besu-uksouth-sentry-0", "besu-uksouth-validator-1"],
            );
            assert.deepEqual(
                pods.map((pod) => pod.metadata.name),
                ["besu-uksouth-validator-0-0", "besu-uksouth-sentry-0-0", "besu-uksouth-validator-1-0"],
            );
            assert.equal(execRuns(), 1);
        } finally {
            client.close();
        }
    });

    it("sends the label selector, and the fake applies it: a wrong selector matches nothing", async () => {
        const client = clientFor("token-uksouth");
        try {
            const before = cluster.requests.length;
            assert.deepEqual(await client.listPods("besu", "app.kubernetes.io/name=besu-nod"), []);
            assert.deepEqual(await client.getStatefulSets("besu", "app.kubernetes.io/name=besu-node,app.kubernetes.io/part-of=chain137"), []);
            assert.deepEqual(
                (await client.listPods("besu", "app.kubernetes.io/component=sentry")).map((pod) => pod.metadata.name),
                ["besu-uksouth-sentry-0-0"],
            );
            // As on a real API server, `!=` also matches objects without the label.
            assert.deepEqual(
                (await client.listPods("besu", "app.kubernetes.io/component!=validator,app.kubernetes.io/name")).map((pod) => pod.metadata.name),
                ["besu-uksouth-sentry-0-0", "log-shipper-0"],
            );
            // No selector lists the namespace's other workloads too.
            assert.ok((await client.listPods("besu", "")).some((pod) => pod.metadata.name === "log-shipper-0"));
            assert.ok(!(await client.listPods("besu", CHART)).some((pod) => pod.metadata.name === "log-shipper-0"));
            assert.deepEqual(
                cluster.requests.slice(before, before + 1).map((r) => r.query),
                [`?labelSelector=${encodeURIComponent("app.kubernetes.io/name=besu-nod")}`],
            );
            await assert.rejects(client.listPods("besu", "app in (besu)"), /pods: HTTP 400: unable to parse requirement/);
        } finally {
            client.close();
        }
    });

    it("the fake applies field selectors as the API server does, and refuses unsupported fields", async () => {
        const client = clientFor("token-uksouth");
        try {
            const names = async (query: string) =>
                (JSON.parse(await client.getText(`/api/v1/namespaces/besu/pods?${query}`)) as { items: { metadata: { name: string } }[] }).items.map(
                    (pod) => pod.metadata.name,
                );
            assert.deepEqual(await names("fieldSelector=metadata.name%3Dbesu-uksouth-sentry-0-0"), ["besu-uksouth-sentry-0-0"]);
            assert.deepEqual(await names("fieldSelector=metadata.name%3Dbesu-uksouth-sentry-9-0"), []);
            assert.deepEqual(await names("fieldSelector=status.phase%3DPending"), ["log-shipper-0"]);
            await assert.rejects(
                client.getText("/api/v1/namespaces/besu/pods?fieldSelector=spec.nodeName%3Dx"),
                /HTTP 400: field label not supported: spec\.nodeName/,
            );
        } finally {
            client.close();
        }
    });

    it("scales through /scale sending the given field manager (?fieldManager=), which the fake records", async () => {
        const client = clientFor("token-uksouth");
        try {
            const scale = await client.scaleStatefulSet("besu", "besu-uksouth-sentry-0", 0, "chain138-fleet");
            // 0 is omitted from the answer (ScaleSpec.replicas is omitempty), as a real API server does.
            assert.equal(scale.spec.replicas ?? 0, 0);
            const list = JSON.parse(
                await client.getText(`/apis/apps/v1/namespaces/besu/statefulsets?labelSelector=${encodeURIComponent("chain138.io/node=uksouth-sentry-0")}`),
            ) as {
                items: { spec: { replicas: number }; metadata: { managedFields: { manager: string; subresource: string }[] } }[];
            };
            assert.equal(list.items[0].spec.replicas, 0);
            assert.deepEqual(
                list.items[0].metadata.managedFields.map((f) => [f.manager, f.subresource]),
                [["chain138-fleet", "scale"]],
            );
            await assert.rejects(
                client.scaleStatefulSet("besu", "besu-nope", 1, "chain138-fleet"),
                /scale: HTTP 404: statefulsets\.apps "besu-nope" not found$/,
            );
            await client.scaleStatefulSet("besu", "besu-uksouth-sentry-0", 1, "chain138-fleet");
        } finally {
            client.close();
        }
    });

    it("on 401 runs the plugin again before giving up, and says so without the token", async () => {
        const client = clientFor("stale-token", { retries: 1 });
        try {
            await assert.rejects(
                client.listPods("besu", "a=b"),
                (error: Error) =>
                    /^GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/besu\/pods: HTTP 401 Unauthorized with the exec plugin's token$/.test(
                        error.message,
                    ) && !error.message.includes("stale-token"),
            );
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
        const client = new KubeClient(yaml, "kubeconfig of uksouth", { ...OPTIONS, retries: 3 });
        try {
            await assert.rejects(
                client.listPods("besu", "a=b"),
                /GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/besu\/pods: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/,
            );
            assert.equal(connections, 1);
        } finally {
            client.close();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    });

    it("retries 5xx a bounded number of times and names the label, method and path", async () => {
        writeFileSync(execLog, "");
        const yaml = kubeconfigYaml("uksouth", cluster.url, tls.cert, plugin, { FAKE_TOKEN: "token-uksouth", FAKE_EXEC_LOG: execLog });
        const client = new KubeClient(yaml, "kubeconfig of uksouth", { ...OPTIONS, retries: 2 }, undefined, "uksouth");
        cluster.failure = "http500";
        const before = cluster.requests.length;
        try {
            await assert.rejects(
                client.getText("/readyz"),
                /^KubeApiError: uksouth: GET https:\/\/127\.0\.0\.1:\d+\/readyz: HTTP 500: etcdserver: request timed out$/,
            );
            assert.equal(cluster.requests.length - before, 3);
        } finally {
            cluster.failure = "none";
            client.close();
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
            assert.equal(cluster.requests.at(-1)!.contentType, "application/json");
            await assert.rejects(
                client.proxyJsonRpc("besu", "besu-uksouth-validator-1-0", 8545, [{ method: "eth_blockNumber", params: [] }]),
                /proxy\/: HTTP 503: error trying to reach service/,
            );
            await assert.rejects(
                client.proxyJsonRpc("besu", "besu-uksouth-sentry-9-0", 8545, [{ method: "eth_blockNumber", params: [] }]),
                /proxy\/: HTTP 404: pods "besu-uksouth-sentry-9-0" not found$/,
            );
        } finally {
            client.close();
        }
    });

    it("posts JSON-RPC through the service proxy to a ready sentry", async () => {
        const client = clientFor("token-uksouth");
        try {
            const body = await client.postJsonRpc(
                "/api/v1/namespaces/besu/services/besu-rpc:8545/proxy/",
                JSON.stringify({ jsonrpc: "2.0", id: 7, method: "net_peerCount", params: [] }),
            );
            assert.deepEqual(JSON.parse(body), { jsonrpc: "2.0", id: 7, result: "0x2" });
            await assert.rejects(
                client.postJsonRpc("/api/v1/namespaces/besu/services/besu-rpcx:8545/proxy/", "{}"),
                /HTTP 404: services "besu-rpcx" not found$/,
            );
        } finally {
            client.close();
        }
    });
});
