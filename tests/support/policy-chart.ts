// The besu-node chart rendered by a real helm for one region of a plain fleet, as the Kubernetes resources
// helm v4 Chart would register (type token, name, props), so policy tests check what the chart really emits.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { besuChartValues } from "../../components/besu/chart-values";
import { BESU_CHART_PATH } from "../../components/besu/release";
import { buildPlainFleet } from "./besu-fleet";
import { runHelm } from "./helm";
import type { ResourceSpec } from "./policy-harness";

/** `kubernetes:<group>/<version>:<Kind>` as the Kubernetes provider names resource types. */
export function k8sTypeToken(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
    return `kubernetes:${group}/${version}:${kind}`;
}

/** The chart rendered by helm for `region` of a plain fleet (2 validators, 1 sentry) with value `overrides`, as YAML. */
export function renderBesuChartYaml(region = "japaneast", namespace = "besu", overrides: Record<string, unknown> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), "besu-chart-"));
    try {
        const values = besuChartValues(buildPlainFleet(2, 1).region(region), "besu-node-keys", overrides);
        const file = join(dir, "values.json");
        writeFileSync(file, JSON.stringify(values));
        const res = runHelm(["template", "besu", BESU_CHART_PATH, "--namespace", namespace, "-f", file]);
        if (res.status !== 0) throw new Error(`helm template failed: ${res.stderr}`);
        return res.stdout;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Renders the chart for `region` (2 validators, 1 sentry) into resource specs. */
export function renderBesuChart(region = "japaneast", namespace = "besu", overrides: Record<string, unknown> = {}): ResourceSpec[] {
    return parseAllDocuments(renderBesuChartYaml(region, namespace, overrides))
        .map((doc) => doc.toJS() as Record<string, unknown> | null)
        .filter((o): o is Record<string, unknown> => o !== null)
        .map((o) => {
            const metadata = (o["metadata"] ?? {}) as Record<string, unknown>;
            // helm template omits the namespace on namespaced objects; the Chart resource sets it.
            const props = { ...o, metadata: { namespace, ...metadata } };
            return { type: k8sTypeToken(String(o["apiVersion"]), String(o["kind"])), name: `besu-${region}:${String(metadata["name"])}`, props };
        });
}
