// verify through the real KubernetesProbe (the shared Kubernetes client with the region's kubeconfig: CA, fake
// kubelogin exec plugin, bearer token) against the one fake API server over HTTPS: /readyz, the chart's ready pods
// (by label selector, which the fake applies), JSON-RPC through the pod and service proxies.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { KubeCredentials } from "../../ops/shared/kube-client";
import { openKubeProbe } from "../../ops/verify/kube-probe";
import { runVerify } from "../../ops/verify/main";
import type { VerifyReport } from "../../ops/verify/report";
import { FakeCluster, kubeconfigYaml, makeCertificate, writeExecPlugin, type FakeNode, type TestCertificate } from "../support/fake-kube-api";
import { startFakeBesu, type FakeBesu } from "../support/ops-fake-besu";
import { fleetOutputsJson, healthyNodes } from "../support/ops-fleet-fixture";

const TOKEN = "s3cr3t-kube-token";
const SVC = "/api/v1/namespaces/besu/services/besu-rpc:8545/proxy/";
const pod = (node: string) => `/api/v1/namespaces/besu/pods/besu-${node}-0:8545/proxy/`;
const CHART_SELECTOR = `?labelSelector=${encodeURIComponent("app.kubernetes.io/name=besu-node,app.kubernetes.io/part-of=chain138")}`;

describe("verify through the Kubernetes API", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ops-verify-kube-"));
    let tls: TestCertificate;
    let plugin: string;
    const execLog = path.join(dir, "exec.log");
    let besu: FakeBesu;
    let eastasia: FakeCluster;
    let japaneast: FakeCluster;
    let out = "";
    let err = "";
    let code: number;
    let report: VerifyReport;
    const kubeconfig = (cluster: FakeCluster, token = TOKEN, command = plugin) =>
        kubeconfigYaml(cluster.region, cluster.url, tls.cert, command, { FAKE_TOKEN: token, FAKE_EXEC_LOG: execLog });

    /** A region of 2 validators and a sentry whose JSON-RPC, behind the proxies, is the FakeBesu's. */
    async function region(name: string, notReady?: string): Promise<FakeCluster> {
        const nodes: FakeNode[] = ["validator-0", "validator-1", "sentry-0"].map((n) => ({
            name: `${name}-${n}`,
            role: n.startsWith("sentry") ? "sentry" : "validator",
            replicas: 1,
            ready: n !== notReady,
            phase: "Pending",
            blockNumber: 0,
            peers: 0,
        }));
        const cluster = new FakeCluster(name, TOKEN, nodes);
        cluster.rpc = async (target, node, body) =>
            besu.answer(target === "service/besu-rpc" ? `${name}/rpc` : `${name}/${node.name.slice(name.length + 1)}`, body);
        await cluster.start(tls);
        return cluster;
    }

    before(async () => {
        tls = makeCertificate(dir, "fake-aks");
        plugin = writeExecPlugin(dir);
        writeFileSync(execLog, "");
        besu = await startFakeBesu({ ...healthyNodes("eastasia"), ...healthyNodes("japaneast") });
        eastasia = await region("eastasia");
        japaneast = await region("japaneast", "validator-1");
        const outputs = fleetOutputsJson(["eastasia", "japaneast"], { kubeconfigs: { eastasia: kubeconfig(eastasia), japaneast: kubeconfig(japaneast) } });
        const file = path.join(dir, "outputs.json");
        writeFileSync(file, JSON.stringify(outputs));
        const argv = ["--outputs", file, "--sample", "30", "--timeout", "5000"];
        code = await runVerify(argv, { out: (t) => (out += t + "\n"), err: (t) => (err += t + "\n") });
        let json = "";
        await runVerify([...argv, "--json"], { out: (t) => (json += t), err: () => undefined });
        report = JSON.parse(json) as VerifyReport;
    });
    after(async () => {
        await besu.stop();
        await eastasia.close();
        await japaneast.close();
        rmSync(dir, { recursive: true, force: true });
    });

    const requests = (cluster: FakeCluster) => cluster.requests.map((r) => `${r.method} ${r.path}${r.query}`);

    it("checks the API, the pods and every node through the API server's proxies", () => {
        const east = report.regions.find((g) => g.name === "eastasia")!;
        assert.equal(east.ok, true, JSON.stringify(east, null, 1));
        assert.deepEqual(
            east.checks.slice(0, 2).map((c) => c.detail),
            ["/readyz ok", "3/3 ready in namespace besu"],
        );
        assert.ok(requests(eastasia).includes("GET /readyz"));
        assert.ok(requests(eastasia).includes(`POST ${SVC}`));
        assert.ok(requests(eastasia).includes(`POST ${pod("eastasia-validator-1")}`));
        assert.ok(eastasia.requests.filter((r) => r.method === "POST").every((r) => r.contentType === "application/json"));
        assert.ok(besu.calls.get("eastasia/validator-1")!.includes("qbft_getValidatorsByBlockNumber"));
        assert.ok(besu.calls.get("eastasia/rpc")!.includes("net_peerCount"));
    });

    it("lists only the chart's pods, by label selector", () => {
        assert.ok(requests(eastasia).includes(`GET /api/v1/namespaces/besu/pods${CHART_SELECTOR}`));
        // The namespace's log shipper (never ready) is no Besu node: with a wrong selector it would show up here.
        assert.ok(!JSON.stringify(report).includes("log-shipper"));
    });

    it("fails a region whose pod is not ready, naming the pod", () => {
        assert.equal(code, 1);
        const pods = report.regions.find((g) => g.name === "japaneast")!.checks.find((c) => c.name === "besu pods ready")!;
        assert.equal(pods.status, "fail");
        assert.equal(pods.detail, "2/3 ready in namespace besu; not ready: besu-japaneast-validator-1-0 (Pending)");
    });

    it("logs in once per run for regions whose kubeconfigs share an exec user", () => {
        const runs = readFileSync(execLog, "utf8")
            .split("\n")
            .filter((line) => line !== "");
        assert.deepEqual(runs, Array(2).fill("get-token --login azurecli --server-id 6dae42f8-4368-4678-94ff-3960e28e3630"));
    });

    it("never prints the token or the kubeconfig", () => {
        const everything = out + err + JSON.stringify(report);
        assert.ok(!everything.includes(TOKEN));
        assert.ok(!everything.includes("certificate-authority-data") && !everything.includes(Buffer.from(tls.cert).toString("base64").slice(0, 40)));
    });

    it("fails (not skips) the Kubernetes checks when the kubeconfig cannot be used, even with --rpc routes", async () => {
        const cases = [
            {
                yaml: kubeconfig(eastasia, TOKEN, path.join(dir, "no-kubelogin")),
                why: /^eastasia: GET https:\/\/127\.0\.0\.1:\d+\/readyz: cluster 127\.0\.0\.1:\d+: exec plugin .*no-kubelogin failed: .*not on PATH$/,
            },
            {
                yaml: kubeconfig(eastasia).replace("server: https:", "server: http:"),
                why: /^kubeconfig of eastasia: server http:\/\/127\.0\.0\.1:\d+ is not https$/,
            },
        ];
        for (const { yaml, why } of cases) {
            const file = path.join(dir, "one.json");
            writeFileSync(file, JSON.stringify(fleetOutputsJson(["eastasia"], { kubeconfigs: { eastasia: yaml } })));
            let json = "";
            const exit = await runVerify(["--outputs", file, "--rpc", `eastasia=${besu.url("eastasia/rpc")}`, "--sample", "30", "--json"], {
                out: (t) => (json += t),
                err: () => undefined,
            });
            assert.equal(exit, 1);
            const checks = (JSON.parse(json) as VerifyReport).regions[0].checks;
            assert.equal(checks[0].status, "fail");
            assert.match(checks[0].detail, why);
            assert.equal(checks.find((c) => c.name === "eastasia rpc peers")!.status, "pass");
        }
    });

    it("bounds each call through the proxy: a hung node fails its checks, the others pass", async () => {
        const hung = await startFakeBesu({ ...healthyNodes("eastasia"), "eastasia/validator-0": { peers: 5, validators: [], head: 1000, hang: true } });
        const route = eastasia.rpc;
        eastasia.rpc = async (target, node, body) =>
            hung.answer(target === "service/besu-rpc" ? "eastasia/rpc" : `eastasia/${node.name.slice("eastasia-".length)}`, body);
        try {
            const file = path.join(dir, "hung.json");
            writeFileSync(file, JSON.stringify(fleetOutputsJson(["eastasia"], { kubeconfigs: { eastasia: kubeconfig(eastasia) } })));
            let json = "";
            const started = Date.now();
            const exit = await runVerify(["--outputs", file, "--sample", "30", "--timeout", "700", "--json"], {
                out: (t) => (json += t),
                err: () => undefined,
            });
            assert.equal(exit, 1);
            // One retry of a timed-out call: at most 2 × 700 ms + backoff per check, the checks run side by side.
            assert.ok(Date.now() - started < 10_000);
            const checks = (JSON.parse(json) as VerifyReport).regions[0].checks;
            for (const check of ["peers", "head", "validators"]) {
                const c = checks.find((candidate) => candidate.name === `eastasia-validator-0 ${check}`)!;
                assert.equal(c.status, "fail");
                assert.match(
                    c.detail,
                    /^eastasia: POST https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/besu\/pods\/besu-eastasia-validator-0-0:8545\/proxy\/: no answer within 700 ms$/,
                );
            }
            assert.equal(checks.find((c) => c.name === "eastasia-validator-1 peers")!.status, "pass");
        } finally {
            eastasia.rpc = route;
            await hung.stop();
        }
    });

    it("fails a rejected token with the API server's 401, without the token", async () => {
        const probe = openKubeProbe("eastasia", kubeconfig(eastasia, "s3cr3t-but-wrong"), 3000, new KubeCredentials(10_000));
        try {
            await assert.rejects(
                probe.get("/readyz", 3000),
                (error: Error) =>
                    /^eastasia: GET https:\/\/127\.0\.0\.1:\d+\/readyz: HTTP 401 Unauthorized with the exec plugin's token$/.test(error.message) &&
                    !error.message.includes("s3cr3t"),
            );
        } finally {
            await probe.close();
        }
    });

    it("fails clearly when the API server is unreachable", async () => {
        const dead = kubeconfig(eastasia).replace(/127\.0\.0\.1:\d+/, "127.0.0.1:1");
        const probe = openKubeProbe("deadregion", dead, 3000, new KubeCredentials(10_000));
        try {
            await assert.rejects(probe.get("/readyz", 3000), /^KubeApiError: deadregion: GET https:\/\/127\.0\.0\.1:1\/readyz: ECONNREFUSED/);
        } finally {
            await probe.close();
        }
    });
});
