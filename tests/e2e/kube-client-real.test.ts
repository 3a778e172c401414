// The ops tools' Kubernetes client (ops/shared/kube-client.ts) against a real kube-apiserver (tests/support/control-plane.ts)
// instead of the fake API server (tests/support/fake-kube-api.ts): label and field selectors as the API server applies
// them, the /scale subresource under a field manager, Status errors. The fake stays for what a real control plane
// cannot be made to do on demand here (exec-plugin failures, 401 then success, 5xx bursts, JSON-RPC answers from Besu).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { KubeClient, type KubeClientOptions } from "../../ops/shared/kube-client";
import { controlPlaneBinDir, startControlPlane, type ControlPlane } from "../support/control-plane";

const CHART = "app.kubernetes.io/name=besu-node,app.kubernetes.io/part-of=chain138";
const OPTIONS: KubeClientOptions = { timeoutMs: 10_000, retries: 0, retryDelayMs: 100, execTimeoutMs: 10_000 };

/** A StatefulSet as the chart makes one: one replica of a node's pod, labelled, restricted-compliant. */
function statefulSet(node: string, role: "validator" | "sentry"): Record<string, unknown> {
    const labels = {
        "app.kubernetes.io/name": "besu-node",
        "app.kubernetes.io/part-of": "chain138",
        "app.kubernetes.io/component": role,
        "chain138.io/node": node,
    };
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: `besu-${node}`, namespace: "besu", labels },
        spec: {
            serviceName: "besu-headless",
            selector: { matchLabels: { "chain138.io/node": node } },
            template: {
                metadata: { labels },
                spec: {
                    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "besu",
                            image: "hyperledger/besu:25.8.0",
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        },
                    ],
                },
            },
        },
    };
}

describe("ops Kubernetes client against a real API server", { concurrency: false }, () => {
    let plane: ControlPlane;
    let client: KubeClient;

    before(async () => {
        plane = await startControlPlane("kubeclient", controlPlaneBinDir(), { nodes: [{ name: "n0" }] });
        const objects = [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "besu", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
            statefulSet("uksouth-validator-0", "validator"),
            statefulSet("uksouth-sentry-0", "sentry"),
            {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "log-shipper-0", namespace: "besu", labels: { "app.kubernetes.io/name": "log-shipper" } },
                spec: {
                    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{ name: "c", image: "busybox", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
                },
            },
        ];
        plane.kubectl(["apply", "-f", "-"], objects.map((o) => stringify(o)).join("---\n"));
        // The StatefulSet controller creates the pods.
        for (let i = 0; i < 120; i++) {
            if (plane.kubectl(["get", "pods", "-n", "besu", "-l", CHART, "-o", "name"]).trim().split("\n").filter(Boolean).length === 2) break;
            await new Promise((r) => setTimeout(r, 500));
        }
        client = new KubeClient(plane.kubeconfig, "the test control plane's kubeconfig", OPTIONS, undefined, "uksouth");
    });
    after(async () => {
        client?.close();
        await plane?.stop();
    });

    it("lists the chart's StatefulSets and pods by label selector; a wrong selector matches nothing", async () => {
        assert.deepEqual((await client.getStatefulSets("besu", CHART)).map((s) => s.metadata.name).sort(), [
            "besu-uksouth-sentry-0",
            "besu-uksouth-validator-0",
        ]);
        assert.deepEqual((await client.listPods("besu", CHART)).map((p) => p.metadata.name).sort(), ["besu-uksouth-sentry-0-0", "besu-uksouth-validator-0-0"]);
        assert.deepEqual(await client.listPods("besu", "app.kubernetes.io/name=besu-nod"), []);
        assert.deepEqual(await client.getStatefulSets("besu", "app.kubernetes.io/name=besu-node,app.kubernetes.io/part-of=chain137"), []);
        // `!=` also matches objects without the label (Kubernetes "Labels and Selectors", equality-based requirement).
        assert.deepEqual((await client.listPods("besu", "app.kubernetes.io/component!=validator,app.kubernetes.io/name")).map((p) => p.metadata.name).sort(), [
            "besu-uksouth-sentry-0-0",
            "log-shipper-0",
        ]);
        // (`name==` is a valid selector, "equals the empty value"; a set-based `in` needs its parentheses.)
        await assert.rejects(client.listPods("besu", "app.kubernetes.io/name in besu-node"), /pods: HTTP 400: unable to parse requirement/);
    });

    it("field selectors as the API server supports them for pods, and a refusal for others", async () => {
        const names = async (query: string) =>
            (JSON.parse(await client.getText(`/api/v1/namespaces/besu/pods?${query}`)) as { items: { metadata: { name: string } }[] }).items.map(
                (pod) => pod.metadata.name,
            );
        assert.deepEqual(await names("fieldSelector=metadata.name%3Dbesu-uksouth-sentry-0-0"), ["besu-uksouth-sentry-0-0"]);
        assert.deepEqual(await names("fieldSelector=metadata.name%3Dbesu-uksouth-sentry-9-0"), []);
        await assert.rejects(client.getText("/api/v1/namespaces/besu/pods?fieldSelector=spec.containers%3Dx"), /HTTP 400: .*field label not supported/);
    });

    it("scales through /scale (a merge patch of spec.replicas), and a missing StatefulSet is a 404 naming it", async () => {
        const scale = await client.scaleStatefulSet("besu", "besu-uksouth-sentry-0", 0, "chain138-fleet");
        // autoscaling/v1 ScaleSpec.replicas is `omitempty` (k8s.io/api autoscaling/v1 types.go): 0 comes back as `spec: {}`.
        assert.deepEqual(scale.spec, {});
        const read = () =>
            JSON.parse(plane.kubectl(["get", "statefulset", "besu-uksouth-sentry-0", "-n", "besu", "-o", "json", "--show-managed-fields"])) as {
                spec: { replicas: number };
                metadata: { managedFields: { manager: string; subresource?: string }[] };
            };
        assert.equal(read().spec.replicas, 0);
        await client.scaleStatefulSet("besu", "besu-uksouth-sentry-0", 1, "chain138-fleet");
        // Seen here (kube-apiserver v1.34.2): neither scale leaves a `chain138-fleet` entry in managedFields (the object was
        // created by client-side apply). What the fleet relies on holds either way: nobody's apply owns spec.replicas, so
        // a stopped region stays stopped through `pulumi up` (tests/e2e/own-clusters.test.ts).
        assert.equal(read().spec.replicas, 1);
        await assert.rejects(client.scaleStatefulSet("besu", "besu-nope", 1, "chain138-fleet"), /scale: HTTP 404: statefulsets\.apps "besu-nope" not found$/);
    });
});
