import assert from "node:assert/strict";
import { before, test } from "node:test";
import { besuPdb } from "../../policy/policies/besu-pdb";
import { renderBesuChart } from "../support/policy-chart";
import { validateStack, type ResourceSpec } from "../support/policy-harness";

let rendered: ResourceSpec[];
before(() => {
    rendered = renderBesuChart();
});

test("the chart's StatefulSets are all covered by its PodDisruptionBudgets", async () => {
    assert.equal(rendered.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet").length, 3);
    assert.equal(rendered.filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget").length, 2);
    assert.deepEqual(await validateStack(besuPdb, rendered), []);
});

test("without the validators' PDB each validator StatefulSet is reported; a PDB in another namespace does not count", async () => {
    const withoutValidatorPdb = rendered.filter((r) => !(r.type === "kubernetes:policy/v1:PodDisruptionBudget" && r.name.endsWith("-validators")));
    const violations = await validateStack(besuPdb, withoutValidatorPdb);
    assert.equal(violations.length, 2);
    for (const v of violations) assert.match(v.message, /^besu-japaneast:besu-[\w-]+: no PodDisruptionBudget in namespace besu selects its pods/);
    const elsewhere = rendered.map((r) =>
        r.type === "kubernetes:policy/v1:PodDisruptionBudget"
            ? { ...r, props: { ...r.props, metadata: { ...(r.props["metadata"] as object), namespace: "other" } } }
            : r,
    );
    assert.equal((await validateStack(besuPdb, elsewhere)).length, 3);
    assert.equal(besuPdb.enforcementLevel, "advisory");
});
