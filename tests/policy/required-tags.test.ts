import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { requiredTags, UNTAGGABLE_TYPES } from "../../policy/policies/required-tags";
import { managedCluster, TAGS } from "../support/policy-fixtures";
import { validateResource } from "../support/policy-harness";

test("a resource with environment, region, owner and cost-centre passes", async () => {
    assert.deepEqual(await validateResource(requiredTags, managedCluster("koreacentral")), []);
});

test("missing or empty required tags are a violation naming the resource, the keys and its tags", async () => {
    const tags = { ...TAGS, owner: "", "cost-centre": undefined };
    const violations = await validateResource(requiredTags, managedCluster("koreacentral", undefined, { tags }));
    assert.equal(violations.length, 1);
    assert.match(
        violations[0].message,
        /^region-koreacentral-aks \(azure-native:containerservice:ManagedCluster\): missing tag\(s\) owner, cost-centre; has \{/,
    );
    const none = await validateResource(requiredTags, { type: "azure-native:resources:ResourceGroup", name: "rg", props: { location: "uksouth" } });
    assert.match(none[0].message, /missing tag\(s\) environment, region, owner, cost-centre/);
});

test("the required keys come from policy config; untaggable and non-Azure types are skipped", async () => {
    const violations = await validateResource(requiredTags, managedCluster("koreacentral"), { requiredTags: ["data-class"] });
    assert.equal(violations.length, 1);
    assert.deepEqual(await validateResource(requiredTags, { type: "azure-native:network:Subnet", name: "nodes", props: {} }), []);
    assert.deepEqual(await validateResource(requiredTags, { type: "kubernetes:core/v1:Namespace", name: "ns", props: {} }), []);
});

test("every type listed as untaggable really has no tags input in @pulumi/azure-native", () => {
    const root = dirname(require.resolve("@pulumi/azure-native/package.json"));
    for (const type of UNTAGGABLE_TYPES) {
        const [, module, resource] = type.split(":");
        const dts = readFileSync(join(root, module, `${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`), "utf8");
        assert.ok(dts.includes(`export interface ${resource}Args`), `${type}: found its Args`);
        assert.doesNotMatch(dts, /^\s+tags\?:/m, `${type} declares tags; it must be checked`);
    }
});
