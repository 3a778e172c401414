// verify through the real KubernetesProbe (kubectl proxy with the region's kubeconfig) against a loopback
// fake Kubernetes API server: /readyz, ready pods, JSON-RPC through the pod and service proxies.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { runVerify } from "../../ops/verify/main";
import { startKubectlProxy } from "../../ops/verify/kube-probe";
import type { VerifyReport } from "../../ops/verify/report";
import { startFakeBesu, type FakeBesu } from "../support/ops-fake-besu";
import { startFakeKube, type FakeKube } from "../support/ops-fake-kube";
import { fleetOutputsJson, healthyNodes } from "../support/ops-fleet-fixture";

const TOKEN = "s3cr3t-kube-token";
const SVC = "/api/v1/namespaces/besu/services/besu-rpc:8545/proxy/";
const pod = (node: string) => `/api/v1/namespaces/besu/pods/besu-${node}-0:8545/proxy/`;

describe("verify via kubectl proxy", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ops-verify-kube-"));
    let besu: FakeBesu;
    let eastasia: FakeKube;
    let japaneast: FakeKube;
    let out = "";
    let err = "";
    let code: number;
    let report: VerifyReport;

    before(async () => {
        besu = await startFakeBesu({ ...healthyNodes("eastasia"), ...healthyNodes("japaneast") });
        const proxies = (region: string) => ({
            [SVC]: `${region}/rpc`,
            [pod(`${region}-validator-0`)]: `${region}/validator-0`,
            [pod(`${region}-validator-1`)]: `${region}/validator-1`,
        });
        const pods = (region: string, notReady?: string) =>
            ["validator-0", "validator-1", "sentry-0"].map((n) => ({ name: `besu-${region}-${n}-0`, ready: n !== notReady }));
        eastasia = await startFakeKube(pods("eastasia"), besu, proxies("eastasia"));
        japaneast = await startFakeKube(pods("japaneast", "validator-1"), besu, proxies("japaneast"));
        const outputs = fleetOutputsJson(["eastasia", "japaneast"], { kubeconfigs: { eastasia: eastasia.kubeconfig(TOKEN), japaneast: japaneast.kubeconfig(TOKEN) } });
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
        await eastasia.stop();
        await japaneast.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("checks the API, the pods and every node through the API server's proxies", () => {
        const east = report.regions.find((g) => g.name === "eastasia")!;
        assert.equal(east.ok, true, JSON.stringify(east, null, 1));
        assert.deepEqual(east.checks.slice(0, 2).map((c) => c.detail), ["/readyz ok", "3/3 ready in namespace besu"]);
        assert.ok(eastasia.requests.includes(`POST ${SVC}`));
        assert.ok(eastasia.requests.includes(`POST ${pod("eastasia-validator-1")}`));
        assert.ok(besu.calls.get("eastasia/validator-1")!.includes("qbft_getValidatorsByBlockNumber"));
    });

    it("fails a region whose pod is not ready, naming the pod", () => {
        assert.equal(code, 1);
        const pods = report.regions.find((g) => g.name === "japaneast")!.checks.find((c) => c.name === "besu pods ready")!;
        assert.equal(pods.status, "fail");
        assert.equal(pods.detail, "2/3 ready in namespace besu; not ready: besu-japaneast-validator-1-0 (Pending)");
    });

    it("never prints the kubeconfig", () => {
        assert.ok(!out.includes(TOKEN) && !err.includes(TOKEN));
        assert.ok(!JSON.stringify(report).includes(TOKEN));
    });

    it("fails (not skips) the Kubernetes checks when the kubeconfig cannot be used, even with --rpc routes", async () => {
        const file = path.join(dir, "one.json");
        writeFileSync(file, JSON.stringify(fleetOutputsJson(["eastasia"], { kubeconfigs: { eastasia: eastasia.kubeconfig(TOKEN) } })));
        let json = "";
        const exit = await runVerify(["--outputs", file, "--kubectl", path.join(dir, "no-kubectl"), "--rpc", `eastasia=${besu.url("eastasia/rpc")}`, "--sample", "30", "--json"], {
            out: (t) => (json += t),
            err: () => undefined,
        });
        assert.equal(exit, 1);
        const checks = (JSON.parse(json) as VerifyReport).regions[0].checks;
        assert.equal(checks[0].status, "fail");
        assert.match(checks[0].detail, /eastasia: kubectl proxy: .*ENOENT/);
        assert.equal(checks.find((c) => c.name === "eastasia rpc peers")!.status, "pass");
    });

    it("fails clearly when the API server is unreachable", async () => {
        const dead = eastasia.kubeconfig(TOKEN).replace(/127\.0\.0\.1:\d+/, "127.0.0.1:1");
        const probe = await startKubectlProxy(dead, { label: "deadregion" });
        try {
            await assert.rejects(probe.get("/readyz", 3000), /deadregion: GET \/readyz: HTTP 50\d/);
        } finally {
            await probe.close();
        }
    });
});
