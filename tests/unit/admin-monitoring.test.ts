// kube-prometheus-stack under `k8s.helm.v4.Chart`, which renders without Helm hooks (the SDK's Chart v4 doc: hooks
// are not supported outside render mode). The chart's own templates say which values switch on a part that needs a
// hook, or that waits for what a hook creates (prometheus-community/helm-charts, charts/kube-prometheus-stack):
//  - templates/prometheus-operator/admission-webhooks/job-patch/*: hook Jobs, rendered when prometheusOperator.enabled
//    and admissionWebhooks.enabled and admissionWebhooks.patch.enabled and not admissionWebhooks.certManager.enabled;
//    they create the `<fullname>-admission` TLS Secret.
//  - templates/prometheus-operator/deployment.yaml mounts that Secret when prometheusOperator.tls.enabled: the pod then
//    waits forever (helm-charts #6363; #6586: disabling only the webhook still mounts it).
//  - validatingWebhookConfiguration.yaml / mutatingWebhookConfiguration.yaml (not hooks) render when
//    admissionWebhooks.enabled, with no CA bundle unless the hook patched it: every PrometheusRule write fails.
//  - charts/crds/templates/upgrade/*: hooks when crds.upgradeJob.enabled; grafana's tests/* when testFramework.enabled.
// Defaults (values.yaml): tls, admissionWebhooks, patch and grafana testFramework on; certManager and upgradeJob off.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ProgramRun, runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

const DEFAULTS: Record<string, boolean> = {
    "prometheusOperator.enabled": true,
    "prometheusOperator.tls.enabled": true,
    "prometheusOperator.admissionWebhooks.enabled": true,
    "prometheusOperator.admissionWebhooks.patch.enabled": true,
    "prometheusOperator.admissionWebhooks.certManager.enabled": false,
    "crds.upgradeJob.enabled": false,
    "grafana.testFramework.enabled": true,
};

let run: ProgramRun;
let values: Record<string, unknown>;

/** A boolean value as the chart sees it: the release's value, else the chart default. */
function flag(path: string): boolean {
    let node: unknown = values;
    for (const key of path.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined) return DEFAULTS[path];
    assert.equal(typeof node, "boolean", `${path} is not a boolean`);
    return node as boolean;
}

describe("the admin region's kube-prometheus-stack needs no Helm hook", () => {
    before(async () => {
        run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
        const chart = run.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs["chart"] === "kube-prometheus-stack");
        assert.ok(chart, "no kube-prometheus-stack chart");
        values = chart.inputs["values"] as Record<string, unknown>;
    });

    it("renders no admission-webhook certificate Job", () => {
        const jobs =
            flag("prometheusOperator.enabled") &&
            flag("prometheusOperator.admissionWebhooks.enabled") &&
            flag("prometheusOperator.admissionWebhooks.patch.enabled") &&
            !flag("prometheusOperator.admissionWebhooks.certManager.enabled");
        assert.equal(jobs, false);
    });

    it("has no operator waiting on the hook-made TLS Secret, and no webhook without a CA bundle", () => {
        assert.equal(flag("prometheusOperator.tls.enabled"), false, "the operator Deployment would mount <fullname>-admission");
        assert.equal(flag("prometheusOperator.admissionWebhooks.enabled"), false, "webhook configurations would reject PrometheusRules");
    });

    it("renders neither the CRD upgrade Job nor Grafana's test pods", () => {
        assert.equal(flag("crds.upgradeJob.enabled"), false);
        assert.equal(flag("grafana.testFramework.enabled"), false);
    });

    it("pins the chart version", () => {
        const chart = run.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs["chart"] === "kube-prometheus-stack")!;
        assert.match(String(chart.inputs["version"]), /^\d+\.\d+\.\d+$/);
    });
});
