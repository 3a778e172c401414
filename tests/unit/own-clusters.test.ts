// A stack of the operator's own clusters (`chain138:clusters`) under Pulumi's mock runtime on the real program: the same
// Besu chart, keys, genesis and peering as an AKS region, nothing in Azure, the kubeconfigs secret, and P2P reachable
// where the enodes say. The chart the program hands the Kubernetes provider is rendered by the real helm.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { runProgram, type ProgramRun } from "../../devkit/mock-program";
import { BESU_CHART_PATH } from "../../components/besu/release";
import { parseEnodeUrl } from "../../components/besu/keys";
import { parseStackOutputs } from "../../stack/outputs";
import { fleetView } from "../../ops/fleet/stack-outputs";
import { runHelm } from "../support/helm";
import { OWN_CLUSTERS_KUBECONFIG, ownClustersStack, TWO_NODEPORT_CLUSTERS as clusters } from "../support/own-clusters";

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown>; data?: Record<string, string> };

let run: ProgramRun;
const rendered = new Map<string, Manifest[]>();

before(async () => {
    run = await runProgram(ownClustersStack());
    for (const chart of run.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart")) {
        const dir = mkdtempSync(join(tmpdir(), "own-cluster-chart-"));
        try {
            writeFileSync(join(dir, "values.json"), JSON.stringify(chart.inputs["values"]));
            const res = runHelm([
                "template",
                String(chart.inputs["name"]),
                BESU_CHART_PATH,
                "--namespace",
                String(chart.inputs["namespace"]),
                "-f",
                join(dir, "values.json"),
            ]);
            assert.equal(res.status, 0, res.stderr);
            rendered.set(
                chart.name,
                parseAllDocuments(res.stdout)
                    .map((d) => d.toJS() as Manifest | null)
                    .filter((m): m is Manifest => m !== null),
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }
});

describe("own clusters under mocks", () => {
    it("registers nothing in Azure", () => {
        const azure = run.resources.filter((r) => r.type.startsWith("azure-native:") || r.type.startsWith("azure:"));
        assert.deepEqual(
            azure.map((r) => r.type),
            [],
        );
        assert.equal(
            run.invokes.filter((i) => i.token.startsWith("azure-native:")).length,
            0,
            "no Azure invoke (getClientConfig) on a stack without AKS regions",
        );
    });

    it("one Kubernetes provider per cluster, from its kubeconfig as a secret", () => {
        const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        assert.equal(providers.length, 2);
        for (const p of providers) assert.ok(p.secretInputs.includes("kubeconfig"), `${p.name}: kubeconfig is not a secret input`);
        for (const r of run.resources) {
            const plain = JSON.stringify({ inputs: Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !r.secretInputs.includes(k))) });
            assert.ok(!plain.includes("own-cluster-token-0f9e8d7c6b5a"), `${r.name} carries the kubeconfig's token in plain text`);
        }
        assert.ok(run.secretOutputs.includes("kubeconfigs"), "the kubeconfigs output is not secret");
        assert.equal((run.resolved["kubeconfigs"] as Record<string, string>)["alpha"], OWN_CLUSTERS_KUBECONFIG);
    });

    it("each region's namespace is held to Pod Security restricted", () => {
        const namespaces = run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
        assert.equal(namespaces.length, 2);
        for (const ns of namespaces) {
            const labels = (ns.inputs["metadata"] as { labels: Record<string, string> }).labels;
            assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
        }
    });

    it("every node is reachable where its enode says: a NodePort equal to the port Besu listens on and advertises", () => {
        const enodes = run.resolved["besu"] as { enodes: Record<string, string> };
        const seen: string[] = [];
        for (const [chart, manifests] of rendered) {
            const services = manifests.filter((m) => m.kind === "Service" && m.metadata.name.endsWith("-p2p"));
            assert.equal(services.length, 3, `${chart}: one P2P Service per node`);
            for (const service of services) {
                const node = service.metadata.name.replace(/^besu-/, "").replace(/-p2p$/, "");
                const { ip, port } = parseEnodeUrl(enodes.enodes[node]);
                assert.equal(service.spec["type"], "NodePort");
                // A NodePort forwards <node address>:<nodePort> to the Service; Local keeps the peer's source IP, which
                // Besu's allowlist checks (Kubernetes "Using Source IP", Type=NodePort).
                assert.equal(service.spec["externalTrafficPolicy"], "Local");
                const ports = service.spec["ports"] as { protocol: string; nodePort: number; port: number }[];
                for (const p of ports) assert.equal(p.nodePort, port, `${node} ${p.protocol}: nodePort ${p.nodePort}, enode port ${port}`);
                // The API server's default --service-node-port-range.
                assert.ok(port >= 30000 && port <= 32767, `${node}: ${port} outside 30000-32767`);
                const statefulSet = manifests.find((m) => m.kind === "StatefulSet" && m.metadata.name === `besu-${node}`)!;
                const containers = (
                    statefulSet.spec["template"] as { spec: { containers: { name: string; ports?: { name: string; containerPort: number }[] }[] } }
                ).spec.containers;
                const p2p = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === "p2p-tcp")!;
                assert.equal(p2p.containerPort, port, `${node}: listens on ${p2p.containerPort}, reached on ${port}`);
                const toml = manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name === `besu-${node}`)!.data!["config.toml"];
                assert.match(toml, new RegExp(`^p2p-port=${port}$`, "m"), `${node}: advertises another port`);
                assert.match(toml, new RegExp(`^p2p-host="${ip.replace(/\./g, "\\.")}"$`, "m"));
                assert.ok(!JSON.stringify(service.metadata).includes("azure"), `${node}: Azure annotations on an own cluster`);
                // With Local, a NodePort answers only on the Kubernetes nodes running its pod: the pod is pinned to the
                // node whose address the enode names.
                const selector = (statefulSet.spec["template"] as { spec: { nodeSelector: Record<string, string> } }).spec.nodeSelector;
                const region = node.split("-")[0];
                const pinned = (clusters[region] as { p2p: { nodes: { host: string; address: string }[] } }).p2p.nodes.find((n) => n.address === ip)!;
                assert.equal(selector["kubernetes.io/hostname"], pinned.host, `${node}: not pinned to the node at ${ip}`);
                seen.push(node);
            }
        }
        assert.equal(seen.length, 6);
    });

    it("volumes use the configured class, else the cluster's default (no storageClassName)", () => {
        const classes = (chart: string) =>
            rendered
                .get(chart)!
                .filter((m) => m.kind === "StatefulSet")
                .map((m) => (m.spec["volumeClaimTemplates"] as { spec: Record<string, unknown> }[])[0].spec["storageClassName"]);
        const alpha = [...rendered.keys()].find((k) => k.includes("alpha"))!;
        const beta = [...rendered.keys()].find((k) => k.includes("beta"))!;
        assert.deepEqual(classes(alpha), [undefined, undefined, undefined]);
        assert.deepEqual(classes(beta), ["fast", "fast", "fast"]);
    });

    it("exports what the ops tools read, parsed by the one outputs schema", () => {
        const outputs = parseStackOutputs(run.resolved, "own-clusters stack");
        const view = fleetView(outputs, "own-clusters stack");
        assert.deepEqual(view.regions, ["alpha", "beta"]);
        assert.equal(view.validatorCount, 4);
        assert.deepEqual(Object.keys(view.validatorsByRegion).sort(), ["alpha", "beta"]);
    });
});
