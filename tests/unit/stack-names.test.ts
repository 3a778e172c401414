// The names the tools look up (stack/names.ts) find what the program creates: the Besu chart, installed the way
// RegionDeployment installs it, rendered with the real helm. The oracle is the rendered objects, not the module.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Wallet } from "ethers";
import { parseAllDocuments } from "yaml";
import { installBesu, BESU_CHART_PATH } from "../../components/besu/release";
import { BesuNetwork } from "../../components/besu/network";
import {
    BESU_METRICS_PORT,
    BESU_NAMESPACE,
    BESU_NODE_LABEL,
    BESU_P2P_PORT,
    BESU_ROLE_LABEL,
    BESU_RPC_PORT,
    BESU_RPC_SERVICE,
    BESU_SELECTOR,
    besuPodName,
    besuStatefulSetName,
    POOL_ROLE_LABEL,
} from "../../stack/names";
import { installBesuMocks, TEST_KEY_CUSTODY, valueOf } from "../support/besu-mocks";
import { multicall3RuntimeCode } from "../support/besu-fixtures";
import { runHelm } from "../support/helm";

interface K8sObject {
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
    spec?: Record<string, unknown>;
}

const seen = installBesuMocks();
const NODES = { validator: ["eastus-validator-0", "eastus-validator-1"], sentry: ["eastus-sentry-0"] };

class Holder extends pulumi.ComponentResource {
    constructor(name: string) {
        super("chain138:index:TestRegion", name, {});
    }
}

/** Kubernetes equality-based selector semantics ("Labels and Selectors"): every `k=v` term must hold. */
function selects(selector: string, labels: Record<string, string> | undefined): boolean {
    return selector.split(",").every((term) => {
        const [key, value] = term.split("=");
        return labels?.[key] === value;
    });
}

let objects: K8sObject[];

before(async () => {
    const net = new BesuNetwork("chain138", {
        chainId: 138,
        deployerAddress: Wallet.createRandom().address,
        multicall3RuntimeCode: multicall3RuntimeCode(),
        regions: [{ region: "eastus", validatorCount: 2, sentryCount: 1, zones: ["1", "2", "3"] }],
        keyCustody: TEST_KEY_CUSTODY,
    });
    const parent = new Holder("eastus");
    const provider = new k8s.Provider("eastus-k8s", { kubeconfig: "{}" }, { parent });
    // As RegionDeployment installs it: its namespace, the default release name.
    const release = installBesu(
        "eastus-besu",
        { namespace: BESU_NAMESPACE, besu: net.regionInputs("eastus"), keyAccess: { clientId: "client", serviceAccountName: "besu-node-keys" } },
        { parent, provider },
    );
    await valueOf(release.chart.urn);
    const chart = seen.find((s) => s.type === "kubernetes:helm.sh/v4:Chart")!;
    const dir = mkdtempSync(join(tmpdir(), "stack-names-"));
    try {
        writeFileSync(join(dir, "values.json"), JSON.stringify(chart.inputs["values"]));
        const res = runHelm([
            "template",
            chart.inputs["name"] as string,
            BESU_CHART_PATH,
            "--namespace",
            chart.inputs["namespace"] as string,
            "-f",
            join(dir, "values.json"),
        ]);
        assert.equal(res.status, 0, res.stderr);
        objects = parseAllDocuments(res.stdout)
            .map((doc) => doc.toJSON() as K8sObject | null)
            .filter((o): o is K8sObject => o !== null);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

describe("names shared by the program and its tools", () => {
    it("the selector matches exactly one StatefulSet per node, named as the tools name it, with its role label", () => {
        const sets = objects.filter((o) => o.kind === "StatefulSet" && selects(BESU_SELECTOR, o.metadata.labels));
        const expected = [...NODES.validator, ...NODES.sentry].map(besuStatefulSetName).sort();
        assert.deepEqual(sets.map((s) => s.metadata.name).sort(), expected);
        for (const [role, nodes] of Object.entries(NODES)) {
            for (const node of nodes) {
                const set = sets.find((s) => s.metadata.name === besuStatefulSetName(node))!;
                const template = set.spec!["template"] as {
                    metadata: { labels: Record<string, string> };
                    spec: { nodeSelector?: Record<string, string>; tolerations?: { key?: string; value?: string }[] };
                };
                assert.equal(template.metadata.labels[BESU_ROLE_LABEL], role, node);
                // The pods select, and tolerate, the pool label the program puts on their role's pool.
                assert.equal(template.spec.nodeSelector?.[POOL_ROLE_LABEL], role, `${node}: nodeSelector`);
                assert.ok(
                    (template.spec.tolerations ?? []).some((t) => t.key === POOL_ROLE_LABEL && t.value === role),
                    `${node}: tolerates ${POOL_ROLE_LABEL}=${role}`,
                );
                assert.equal(template.metadata.labels[BESU_NODE_LABEL], node);
                assert.equal(set.metadata.labels?.[BESU_NODE_LABEL], node);
                assert.ok(selects(BESU_SELECTOR, template.metadata.labels), `${node}: pods carry the selector's labels`);
                // One replica, so the pod the tools proxy to is ordinal 0 (StatefulSet docs, "Pod Identity").
                assert.equal(`${set.metadata.name}-0`, besuPodName(node));
            }
        }
    });

    it("the RPC Service and every node's ports are where the tools call them", () => {
        const service = objects.find((o) => o.kind === "Service" && o.metadata.name === BESU_RPC_SERVICE);
        assert.ok(service, `a Service named ${BESU_RPC_SERVICE}`);
        assert.ok((service.spec!["ports"] as { port: number }[]).some((p) => p.port === BESU_RPC_PORT));
        for (const set of objects.filter((o) => o.kind === "StatefulSet")) {
            const pod = (set.spec!["template"] as { spec: { containers: { name: string; ports?: { containerPort: number }[] }[] } }).spec;
            const ports = pod.containers.find((c) => c.name === "besu")!.ports!.map((p) => p.containerPort);
            for (const port of [BESU_P2P_PORT, BESU_RPC_PORT, BESU_METRICS_PORT]) assert.ok(ports.includes(port), `${set.metadata.name} listens on ${port}`);
        }
    });
});
