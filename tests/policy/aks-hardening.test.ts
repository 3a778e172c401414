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

test("Kubernetes versions: below the minimum, unset, or outside the supported list are violations", async () => {
    const old = await validateResource(aksHardening, managedCluster("japaneast", undefined, { kubernetesVersion: "1.31.4" }));
    assert.deepEqual(old.map((v) => v.message), ["region-japaneast-aks: kubernetesVersion \"1.31.4\" is below the minimum supported 1.32"]);
    const unset = await validateResource(aksHardening, managedCluster("japaneast", undefined, { kubernetesVersion: undefined }));
    assert.deepEqual(unset.map((v) => v.message), ["region-japaneast-aks: kubernetesVersion is not set"]);
    const listed = await validateResource(aksHardening, managedCluster("japaneast"), { supportedKubernetesVersions: ["1.32", "1.33"] });
    assert.deepEqual(listed.map((v) => v.message), ["region-japaneast-aks: kubernetesVersion \"1.34\" is not a supported minor (1.32, 1.33)"]);
    assert.deepEqual(await validateResource(aksHardening, managedCluster("japaneast"), { minimumKubernetesVersion: "1.34" }), []);
});
