// Advisory: every Besu StatefulSet is covered by a PodDisruptionBudget in its namespace, so node drains and
// upgrades take at most what QBFT tolerates.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isBesuWorkload } from "../lib/besu";
import { asString, asStringMap, at } from "../lib/read";
import { K8S_PDB, K8S_STATEFULSET } from "../lib/types";

const namespaceOf = (r: PolicyResource) => asString(at(r.props, "metadata", "namespace")) ?? "default";

/** Whether every label of `selector` is on `labels` (an empty selector selects nothing here). */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
    const entries = Object.entries(selector);
    return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

export const besuPdb: StackValidationPolicy = {
    name: "besu-statefulsets-have-pdb",
    description: "Each Besu StatefulSet's pods are selected by a PodDisruptionBudget in the same namespace.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const pdbs = args.resources
            .filter((r) => r.type === K8S_PDB)
            .map((r) => ({ namespace: namespaceOf(r), selector: asStringMap(at(r.props, "spec", "selector", "matchLabels")) }));
        for (const sts of args.resources.filter((r) => r.type === K8S_STATEFULSET)) {
            const podLabels = asStringMap(at(sts.props, "spec", "template", "metadata", "labels"));
            if (!isBesuWorkload(podLabels)) continue;
            const ns = namespaceOf(sts);
            if (!pdbs.some((p) => p.namespace === ns && selects(p.selector, podLabels))) {
                report(`${sts.name}: no PodDisruptionBudget in namespace ${ns} selects its pods (${JSON.stringify(podLabels)})`, sts.urn);
            }
        }
    },
};
