import assert from "node:assert/strict";
import { test } from "node:test";
import { aksHardening } from "../../policy/policies/aks-hardening";
import { managedCluster } from "../support/policy-fixtures";
import { validateResource } from "../support/policy-harness";

test("a cluster as createRegionalCluster builds it passes", async () => {
    assert.deepEqual(await validateResource(aksHardening, managedCluster("japaneast")), []);
});

test("each missing control is its own violation naming the cluster and the property", async () => {
    const cluster = managedCluster("japaneast", undefined, {
        aadProfile: { managed: true, enableAzureRBAC: false },
        disableLocalAccounts: false,
        oidcIssuerProfile: undefined,
        securityProfile: { workloadIdentity: { enabled: false } },
    });
    const messages = (await validateResource(aksHardening, cluster)).map((v) => v.message);
    assert.deepEqual(messages, [
        "region-japaneast-aks: aadProfile.enableAzureRBAC is false; Kubernetes authorization must go through Azure RBAC",
        "region-japaneast-aks: disableLocalAccounts is false; local (certificate) accounts must be disabled",
        "region-japaneast-aks: oidcIssuerProfile.enabled is null; workload identity needs the OIDC issuer",
        "region-japaneast-aks: securityProfile.workloadIdentity.enabled is false; pods authenticate to Azure through workload identity",
    ]);
});

// AKS release calendar ("Supported Kubernetes versions in AKS"): 1.34's end of life is Nov 2026, i.e. the
// 30th ("the EOL date is the last day of the specified month"); after it a new cluster is not supported.
test("Kubernetes versions: end of life by the AKS calendar, unset, or outside an allowlist are violations", async () => {
    const at = (date: string, version: string | undefined, extra: Record<string, unknown> = {}) =>
        validateResource(aksHardening, managedCluster("japaneast", undefined, { kubernetesVersion: version }), { supportCalendarDate: date, ...extra });
    assert.deepEqual(await at("2026-11-30", "1.34.2"), []);
    const ended = (await at("2026-12-01", "1.34.2")).map((v) => v.message);
    assert.equal(ended.length, 1);
    assert.match(
        ended[0],
        /^region-japaneast-aks: kubernetesVersion: Kubernetes 1\.34 reached end of life in AKS on 2026-11-30 .*supported minors: 1\.35, 1\.36, 1\.37$/,
    );
    assert.match((await at("2026-12-02", "1.31"))[0].message, /1\.31 is not in the AKS support table/);
    assert.deepEqual(await at("2026-12-01", "1.34.2", { acceptEndOfLife: true }), [], "accepted for existing clusters");
    assert.deepEqual(
        (await at("2026-12-02", undefined)).map((v) => v.message),
        ["region-japaneast-aks: kubernetesVersion is not set"],
    );
    const listed = await at("2026-12-02", "1.36", { supportedKubernetesVersions: ["1.35"] });
    assert.deepEqual(
        listed.map((v) => v.message),
        ['region-japaneast-aks: kubernetesVersion "1.36" is not a supported minor (1.35)'],
    );
});
