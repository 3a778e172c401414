// The `local` stack (chain138:clusters, two regions) on two real Kubernetes control planes on loopback, with the real
// Pulumi CLI and the real Kubernetes provider plugin (toolchain/kube/ensure-kube): what only a running control plane
// shows — admission under Pod Security "restricted", the StatefulSet controller creating pods the scheduler places on
// the role's nodes, claims bound, Pulumi's awaits completing — then a second preview with no changes, the ops tools
// (`npm run fleet`, `npm run verify`) against it, `fleet stop` surviving an `up`, and `destroy` leaving nothing.
//
// kwok stands in for kubelets: pods become Running and Ready without containers, so nothing here runs Besu. JSON-RPC
// (block heights, peers, QBFT validators) needs real Besu nodes and is not checked: the tools' JSON-RPC checks fail
// here by design, and the test asserts they fail for that reason (no answer from the pod), not for another.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { openPulumiWorkspace, REPO_ROOT, type PulumiWorkspace } from "../../ops/shared/pulumi-workspace";
import { parseStackOutputs } from "../../stack/outputs";
import { DEV_KEYS } from "../../scripts/dev-bridge";
import { controlPlaneBinDir, startControlPlane, type ControlPlane, type FakeNode } from "../support/control-plane";
import { tail } from "../support/e2e-stack";

const REGIONS = ["alpha", "beta"] as const;
/** Each region's nodes' P2P addresses (loopback: nothing connects here; they only have to be distinct). */
const ADDRESS_PREFIX: Record<(typeof REGIONS)[number], string> = { alpha: "127.0.1", beta: "127.0.2" };

/** Kubernetes nodes as an operator labels them for the chart: one Besu per node and role (its anti-affinity). */
function regionNodes(region: string): FakeNode[] {
    const node = (role: "validator" | "sentry", i: number): FakeNode => ({
        name: `${region}-${role}-node-${i}`,
        labels: { "chain138.io/role": role },
        taints: [{ key: "chain138.io/role", value: role, effect: "NoSchedule" }],
    });
    return [node("validator", 0), node("validator", 1), node("sentry", 0)];
}

/** Runs one of the repo's CLIs (`npm run <script>`'s entry) and returns its exit code and output. */
function runTool(script: string, args: readonly string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts", script), ...args], {
            cwd: REPO_ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code: code ?? 1, stdout, stderr });
        });
    });
}

interface FleetJson {
    ok: boolean;
    refused: boolean;
    forced: boolean;
    regions: {
        region: string;
        ok: boolean;
        nodes: { node: string; role: string; replicas: number; readyReplicas: number; podReady: boolean; rpcError?: string }[];
    }[];
}

describe("local stack on real control planes: up, no-change preview, fleet, verify, destroy", { concurrency: false }, () => {
    const planes = new Map<string, ControlPlane>();
    let root: string;
    let workspace: PulumiWorkspace;
    let outputsFile: string;

    before(async () => {
        const bin = controlPlaneBinDir();
        // The Kubernetes provider plugin comes first on PATH: the CLI uses a plugin found there (no download here).
        process.env["PATH"] = `${bin}${path.delimiter}${process.env["PATH"] ?? ""}`;
        for (const region of REGIONS) {
            planes.set(region, await startControlPlane(region, bin, { nodes: regionNodes(region), persistentVolumes: { count: 3, size: "300Gi" } }));
        }
        root = mkdtempSync(path.join(tmpdir(), "chain138-own-"));
        outputsFile = path.join(root, "outputs.json");
        workspace = openPulumiWorkspace({ stack: "local", dir: path.join(root, "project"), stateDir: path.join(root, "state") });
        await workspace.runOk(["stack", "init", "local"]);
        // As README "Own clusters" says: secrets through stdin, never argv.
        await workspace.runOk(["config", "set", "--secret", "chain138:deployerKey"], { input: DEV_KEYS.deployer });
        for (const region of REGIONS) {
            await workspace.runOk(["config", "set", "--secret", "--path", `chain138:clusters.${region}.kubeconfig`], { input: planes.get(region)!.kubeconfig });
            await workspace.runOk(["config", "set", "--path", `chain138:clusters.${region}.p2p.service`, "NodePort"]);
            // Validators, then the sentry, each pinned to a Kubernetes node of its role (what the chart's scheduling needs).
            for (const [i, node] of regionNodes(region).entries()) {
                await workspace.runOk(["config", "set", "--path", `chain138:clusters.${region}.p2p.nodes[${i}].host`, node.name]);
                await workspace.runOk([
                    "config",
                    "set",
                    "--path",
                    `chain138:clusters.${region}.p2p.nodes[${i}].address`,
                    `${ADDRESS_PREFIX[region]}.${10 + i}`,
                ]);
            }
        }
    });
    after(async () => {
        for (const plane of planes.values()) await plane.stop();
        if (root !== undefined) rmSync(root, { recursive: true, force: true });
    });

    it("pulumi up: every object accepted, pods admitted under restricted and Ready, the awaits complete", async () => {
        const up = await workspace.run(["up", "--yes", "--skip-preview", "--parallel", "16"], { timeoutMs: 20 * 60_000 });
        assert.equal(up.code, 0, tail(up));
        for (const [region, plane] of planes) {
            const pods = JSON.parse(plane.kubectl(["get", "pods", "-n", "besu", "-o", "json"])) as {
                items: { metadata: { name: string }; spec: { nodeName?: string }; status: { conditions?: { type: string; status: string }[] } }[];
            };
            assert.deepEqual(pods.items.map((p) => p.metadata.name).sort(), [
                `besu-${region}-sentry-0-0`,
                `besu-${region}-validator-0-0`,
                `besu-${region}-validator-1-0`,
            ]);
            for (const pod of pods.items) {
                assert.equal(pod.status.conditions?.find((c) => c.type === "Ready")?.status, "True", `${pod.metadata.name} not Ready`);
                // The scheduler honoured the role's nodeSelector and the anti-affinity (one Besu per node and role).
                const [, role, index] = /-(validator|sentry)-(\d)-0$/.exec(pod.metadata.name)!;
                assert.equal(pod.spec.nodeName, `${region}-${role}-node-${index}`, `${pod.metadata.name} runs elsewhere than its pinned node`);
            }
            assert.equal(new Set(pods.items.map((p) => p.spec.nodeName)).size, 3, `${region}: two Besu pods on one node`);
            const claims = plane.kubectl(["get", "pvc", "-n", "besu", "-o", "jsonpath={range .items[*]}{.status.phase}{' '}{end}"]).trim().split(" ");
            assert.deepEqual(claims, ["Bound", "Bound", "Bound"]);
            const services = JSON.parse(plane.kubectl(["get", "services", "-n", "besu", "-o", "json"])) as {
                items: { metadata: { name: string }; spec: { type: string; ports: { nodePort?: number }[] } }[];
            };
            const p2p = services.items.filter((s) => s.metadata.name.endsWith("-p2p"));
            assert.equal(p2p.length, 3);
            for (const s of p2p) assert.equal(s.spec.type, "NodePort");
        }
    });

    it("the control plane enforces Pod Security restricted in the namespace (a pod without the restricted settings is refused)", () => {
        // What the chart's pods were admitted against: no privilege escalation, all capabilities dropped, non-root,
        // a seccomp profile (kubernetes.io/docs/concepts/security/pod-security-standards/, "Restricted").
        const pod = JSON.stringify({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "unrestricted-probe", namespace: "besu" },
            spec: { containers: [{ name: "c", image: "busybox" }] },
        });
        assert.throws(() => planes.get("alpha")!.kubectl(["apply", "-f", "-"], pod), /violates PodSecurity "restricted/);
    });

    it("the outputs are the one outputs contract, and a second preview finds nothing to change", async () => {
        const json = await workspace.runOk(["stack", "output", "--json", "--show-secrets"]);
        writeFileSync(outputsFile, json, { mode: 0o600 });
        const raw = JSON.parse(json) as unknown;
        assert.deepEqual(parseStackOutputs(raw, "pulumi stack output -s local"), raw);
        const preview = await workspace.run(["preview", "--expect-no-changes"], { timeoutMs: 10 * 60_000 });
        assert.equal(preview.code, 0, tail(preview));
    });

    it("no kubeconfig or key in plain text in the state", async () => {
        const state = await workspace.runOk(["stack", "export"]);
        for (const [region, plane] of planes) {
            const token = /token: (\S+)/.exec(plane.kubeconfig)![1];
            assert.ok(!state.includes(token), `${region}'s bearer token is in the state in plain text`);
        }
        assert.ok(!state.includes(DEV_KEYS.deployer.slice(2)), "the deployer key is in the state in plain text");
    });

    it("npm run verify: the Kubernetes checks pass; the JSON-RPC checks need real Besu", async () => {
        const res = await runTool("verify.ts", ["--outputs", outputsFile, "--json", "--timeout", "3000", "--sample", "100"]);
        assert.ok(res.stdout.trim().startsWith("{"), `verify printed no report (exit ${res.code}): ${res.stderr}`);
        const report = JSON.parse(res.stdout) as { regions: { name: string; checks: { name: string; status: string; detail: string }[] }[] };
        assert.deepEqual(
            report.regions.map((r) => r.name),
            [...REGIONS],
        );
        for (const region of report.regions) {
            const check = (name: string) => region.checks.find((c) => c.name === name);
            assert.equal(check("kubernetes api")?.status, "pass", JSON.stringify(check("kubernetes api")));
            assert.equal(check("besu pods ready")?.status, "pass", JSON.stringify(check("besu pods ready")));
            // Nothing that needs a Besu answer passes without one.
            const rpc = region.checks.filter((c) => c.name !== "kubernetes api" && c.name !== "besu pods ready");
            assert.ok(rpc.length > 0 && rpc.every((c) => c.status !== "pass"), JSON.stringify(rpc));
        }
        assert.equal(res.code, 1, "JSON-RPC checks cannot pass without Besu");
    });

    it("npm run fleet: status reads every node; stop is refused below quorum, forced, survives `pulumi up`; start brings it back", async () => {
        const fleet = async (args: string[]) => {
            const res = await runTool("fleet.ts", [...args, "-s", "local", "--outputs", outputsFile, "--json", "--timeout", "3", "--retries", "0"]);
            assert.ok(res.stdout.trim().startsWith("{"), `fleet ${args.join(" ")} printed no report (exit ${res.code}): ${res.stderr}`);
            return { code: res.code, json: JSON.parse(res.stdout) as FleetJson, stderr: res.stderr };
        };
        const status = await fleet(["status", "all"]);
        for (const region of status.json.regions) {
            assert.equal(region.nodes.length, 3);
            for (const node of region.nodes) {
                assert.deepEqual([node.replicas, node.readyReplicas, node.podReady], [1, 1, true], `${node.node}`);
                assert.ok(node.rpcError !== undefined, `${node.node}: JSON-RPC answered without a Besu`);
            }
        }
        // 4 validators: QBFT quorum ⌈2·4/3⌉ = 3; stopping a region leaves 2.
        const refused = await fleet(["stop", "beta"]);
        assert.equal(refused.code, 2, refused.stderr);
        assert.equal(refused.json.refused, true);
        const stopped = await fleet(["stop", "beta", "--force"]);
        assert.equal(stopped.json.forced, true, stopped.stderr);
        assert.equal(stopped.json.refused, false, stopped.stderr);
        const replicas = () =>
            planes.get("beta")!.kubectl(["get", "statefulsets", "-n", "besu", "-o", "jsonpath={range .items[*]}{.spec.replicas}{' '}{end}"]).trim();
        assert.equal(replicas(), "0 0 0");
        // The chart leaves spec.replicas to the scale subresource: a later up does not start a stopped region.
        const preview = await workspace.run(["preview", "--expect-no-changes"], { timeoutMs: 10 * 60_000 });
        assert.equal(preview.code, 0, tail(preview));
        const up = await workspace.run(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 });
        assert.equal(up.code, 0, tail(up));
        assert.equal(replicas(), "0 0 0", "pulumi up started a region fleet stop stopped");
        const started = await fleet(["start", "beta"]);
        assert.ok(started.json.regions.length === 1, started.stderr);
        assert.equal(replicas(), "1 1 1");
    });

    it("pulumi destroy leaves nothing of the stack in either cluster", async () => {
        const destroy = await workspace.run(["destroy", "--yes", "--skip-preview"], { timeoutMs: 15 * 60_000 });
        assert.equal(destroy.code, 0, tail(destroy));
        for (const [region, plane] of planes) {
            const namespaces = plane.kubectl(["get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"]).split(" ");
            assert.ok(!namespaces.includes("besu"), `${region}: namespace besu is still there`);
            const left = plane.kubectl([
                "get",
                "statefulsets,services,secrets,configmaps,poddisruptionbudgets,networkpolicies",
                "-A",
                "-l",
                "app.kubernetes.io/part-of=chain138",
                "-o",
                "name",
            ]);
            assert.equal(left.trim(), "", `${region}: ${left}`);
        }
    });
});
