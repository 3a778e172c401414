// Grafana dashboards kept as JSON in monitoring/dashboards/, provisioned into the admin Grafana as ConfigMaps that
// kube-prometheus-stack's Grafana sidecar imports (the chart's values: grafana.sidecar.dashboards.label
// "grafana_dashboard", labelValue "1"; monitoringValues() sets both so the contract is ours, not a default's).
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

export const DASHBOARDS_DIR = path.join(__dirname, "..", "..", "monitoring", "dashboards");
/** The label (and value) the Grafana sidecar watches for dashboard ConfigMaps. */
export const DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

const targetSchema = z.looseObject({ refId: z.string(), expr: z.string().min(1) });
const panelSchema = z.looseObject({ id: z.number(), title: z.string().min(1), targets: z.array(targetSchema).min(1) });
const dashboardSchema = z.looseObject({
    uid: z.string().regex(/^[a-z0-9-]{1,40}$/),
    title: z.string().min(1),
    panels: z.array(panelSchema).min(1),
});

/** One dashboard file: its name, parsed JSON and raw text (the ConfigMap carries the text unchanged). */
export interface DashboardFile {
    readonly file: string;
    readonly uid: string;
    readonly title: string;
    readonly text: string;
    /** Every query: panel title and PromQL as written (with Grafana variables such as $region). */
    readonly queries: { panel: string; expr: string }[];
}

/** Every `*.json` dashboard in `dir`; the error names the file and the problem. */
export function loadDashboards(dir: string = DASHBOARDS_DIR): DashboardFile[] {
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort();
    if (files.length === 0) throw new Error(`no dashboards (*.json) in ${dir}`);
    return files.map((file) => {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        const parsed = dashboardSchema.safeParse(JSON.parse(text));
        if (!parsed.success) throw new Error(`dashboard ${file}: ${z.prettifyError(parsed.error)}`);
        const queries = parsed.data.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
        return { file, uid: parsed.data.uid, title: parsed.data.title, text, queries };
    });
}
