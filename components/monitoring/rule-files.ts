// The alert and recording rules kept as Prometheus rule files in monitoring/rules/, read for the admin region's
// PrometheusRule. The files stay in Prometheus's own format so `promtool check rules` / `promtool test rules` run on
// exactly what is deployed (PrometheusRule `spec.groups` takes the same groups: prometheus-operator API docs,
// PrometheusRuleSpec / RuleGroup).
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";

/** The repository's rule-file directory. */
export const RULES_DIR = path.join(__dirname, "..", "..", "monitoring", "rules");

const ruleSchema = z.union([
    z.strictObject({
        alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
        expr: z.string().min(1),
        for: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
        annotations: z.record(z.string(), z.string()).optional(),
    }),
    z.strictObject({
        record: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
        expr: z.string().min(1),
        labels: z.record(z.string(), z.string()).optional(),
    }),
]);
const ruleFileSchema = z.strictObject({
    groups: z.array(z.strictObject({ name: z.string().min(1), interval: z.string().optional(), rules: z.array(ruleSchema).min(1) })).min(1),
});

export type RuleFileGroup = z.infer<typeof ruleFileSchema>["groups"][number];
export type Rule = RuleFileGroup["rules"][number];

/** Every group of every `*.yaml` rule file in `dir`, in file-name order; the error names the file and the problem. */
export function loadRuleFiles(dir: string = RULES_DIR): RuleFileGroup[] {
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort();
    if (files.length === 0) throw new Error(`no rule files (*.yaml) in ${dir}`);
    return files.flatMap((file) => {
        const parsed = ruleFileSchema.safeParse(parse(fs.readFileSync(path.join(dir, file), "utf8")));
        if (!parsed.success) throw new Error(`rule file ${file}: ${z.prettifyError(parsed.error)}`);
        return parsed.data.groups;
    });
}
