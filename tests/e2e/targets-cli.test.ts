// `npm run targets` against the real Pulumi CLI: the engine, not the repo, says what the printed command selects.
//
// The CLI's rule (pulumi/pulumi v3.259.0, pkg/resource/deploy/deployment.go, NewUrnTargets/getMatcher/Contains):
// a --target containing `*` is a glob over the whole URN, anything else a literal URN. The glob is split at
// `**`, which matches any text (`.*`, so across `::`, `$` and `:`); each piece is split at `*`, which matches
// any text without a `:` (`[^:]*`); everything else is literal (regexp.QuoteMeta), and the match is anchored at
// both ends (`^…$`). With --target-dependents (step_generator.go, isTargetedForUpdate) a resource is selected
// too when its provider or any dependency (its parent included) was selected.
//
// The stack is a replica of the prod program (tests/support/targets-replica.ts): the URNs, parents and
// dependencies of a mock run of index.ts with Pulumi.prod.yaml, plus what the mock cannot show: the Helm
// charts' objects (`<chart>:<namespace>/<object>`, Helm v4 Chart) and contract suites of chains whose names
// extend one another. Which resources belong to a region is stated from the program's data (the parent chain
// under the RegionDeployment whose cluster is in that location, the Azure location or key label of
// BesuNetwork's resources), never from the target globs' naming scheme.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { CONTRACT_NAMES } from "../../contracts/artifacts";
import { runTargets } from "../../ops/targets/main";
import { PROD_VALIDATOR_REGIONS } from "../../regions/catalog";
import { createdResource, eventLog, failedCreate } from "../support/ops-pulumi-events";
import { runProgram, TEST_DEPLOYER_KEY, type RecordedResource } from "../../devkit/mock-program";
import { childOf, createReplicaStack, fromRecorded, type ReplicaResource, type ReplicaStack } from "../support/targets-replica";

const REGION_DEPLOYMENT = "chain138:index:RegionDeployment";
const BESU_NETWORK = "chain138:index:BesuNetwork";
const CHART = "kubernetes:helm.sh/v4:Chart";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

let recorded: RecordedResource[];
let resources: ReplicaResource[];
let stack: ReplicaStack;
const dir = mkdtempSync(path.join(tmpdir(), "targets-cli-"));

/** Objects a region's Besu chart renders, as Helm v4 names them: `<chart>:<namespace>/<object>`, cluster-scoped `<chart>:<object>`. */
function chartObjects(chart: ReplicaResource): ReplicaResource[] {
    const region = recorded.find((r) => r.urn === chart.parent && r.type === REGION_DEPLOYMENT);
    if (region === undefined) return [];
    const prefix = `besu-${clusterLocation(region.urn)}`;
    return [
        childOf(chart, "kubernetes:apps/v1:StatefulSet", `${chart.name}:besu/${prefix}-validator-0`),
        childOf(chart, "kubernetes:core/v1:Service", `${chart.name}:besu/${prefix}-sentry-0-p2p`),
        childOf(chart, "kubernetes:policy/v1:PodDisruptionBudget", `${chart.name}:besu/${prefix}-validators`),
        childOf(chart, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", `${chart.name}:${prefix}-metrics`),
    ];
}

/** Contract suites as the program names them (components/contract-suite.ts), for chains whose names extend one another. */
function contractSuites(): ReplicaResource[] {
    const suites = ["chain138", "chain138-testnet", "mainnet"].map((chain) => ({
        urn: `urn:pulumi:prod::chain138::chain138:index:ContractSuite::contracts-${chain}`,
        type: "chain138:index:ContractSuite",
        name: `contracts-${chain}`,
        parent: "",
        dependencies: [],
    }));
    const deployments = suites.flatMap((suite) => CONTRACT_NAMES.map((contract) => childOf(suite, DYNAMIC, `${suite.name}-${contract}`)));
    const wiring = {
        urn: "urn:pulumi:prod::chain138::chain138:index:CcipWiring::ccip-chain138-mainnet",
        type: "chain138:index:CcipWiring",
        name: "ccip-chain138-mainnet",
        parent: "",
        dependencies: [],
    };
    const lane = childOf(
        wiring,
        DYNAMIC,
        "ccip-chain138-mainnet-lane",
        deployments.filter((d) => /^contracts-(chain138|mainnet)-/.test(d.name) && !d.name.startsWith("contracts-chain138-testnet-")).map((d) => d.urn),
    );
    return [...suites, ...deployments, wiring, lane];
}

/** The location of the cluster a RegionDeployment creates. */
function clusterLocation(componentUrn: string): string {
    const cluster = recorded.find((r) => r.parent === componentUrn && r.type === "azure-native:containerservice:ManagedCluster");
    assert.ok(cluster, `${componentUrn} creates no cluster`);
    return cluster.inputs["location"] as string;
}

/** Every URN at or under `root` in the parent tree. */
function subtree(root: string): Set<string> {
    const found = new Set([root]);
    for (let grew = true; grew;) {
        grew = false;
        for (const r of resources) if (!found.has(r.urn) && found.has(r.parent)) grew = found.add(r.urn).size > 0;
    }
    return found;
}

/** What belongs to `region`: its RegionDeployment's tree, and BesuNetwork's resources located there or keyed for its nodes. */
function owned(region: string): Set<string> {
    const component = recorded.find((r) => r.type === REGION_DEPLOYMENT && clusterLocation(r.urn) === region);
    assert.ok(component, `no RegionDeployment deploys a cluster in ${region}`);
    const own = subtree(component.urn);
    const besu = recorded.find((r) => r.type === BESU_NETWORK)!;
    const children = recorded.filter((x) => x.parent === besu.urn);
    for (const r of children) {
        const label = r.inputs["label"];
        if (r.inputs["location"] === region || (typeof label === "string" && label.startsWith(`${region}-`))) own.add(r.urn);
    }
    // A grant on one of the region's resources (the key writer's role on the region's vault) has no location of its own:
    // it is the region's when every network resource it depends on is (the genesis lock depends on every region's keys).
    const childUrns = new Set(children.map((r) => r.urn));
    for (const r of children.filter((x) => !own.has(x.urn) && x.inputs["location"] === undefined)) {
        const deps = r.dependencies.filter((d) => childUrns.has(d));
        if (deps.length > 0 && deps.every((d) => own.has(d))) own.add(r.urn);
    }
    return own;
}

const union = (sets: Set<string>[]) => new Set(sets.flatMap((s) => [...s]));
const sorted = (urns: Iterable<string>) => [...urns].sort();

/** The CLI's selection equals `expected`; the message lists only the differences (the sets have hundreds of URNs). */
function assertSelection(selected: Iterable<string>, expected: Iterable<string>): void {
    const got = new Set(selected);
    const want = new Set(expected);
    const extra = sorted([...got].filter((u) => !want.has(u)));
    const missing = sorted([...want].filter((u) => !got.has(u)));
    assert.ok(
        extra.length === 0 && missing.length === 0,
        `selected but not expected:\n  ${extra.join("\n  ")}\nexpected but not selected:\n  ${missing.join("\n  ")}`,
    );
    assert.ok(got.size > 0);
}

/** What the engine's --target-dependents adds to `selected`: resources whose parent or a dependency is selected, transitively. */
function downstream(selected: Set<string>): Set<string> {
    const all = new Set(selected);
    for (let grew = true; grew;) {
        grew = false;
        for (const r of resources) {
            if (!all.has(r.urn) && [r.parent, ...r.dependencies].some((u) => all.has(u))) grew = all.add(r.urn).size > 0;
        }
    }
    return all;
}

/** The command `npm run targets -- <argv>` prints, split into words (it single-quotes the globs). */
async function printedCommand(argv: string[]): Promise<string[]> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTargets(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    assert.equal(code, 0, err.join("\n"));
    assert.equal(out.length, 1);
    const words = [...out[0].matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
    assert.deepEqual(words.slice(0, 2), ["pulumi", "up"]);
    assert.deepEqual(words.slice(-4), ["--target-dependents", "--parallel", "128", "--continue-on-error"]);
    return words.slice(2, -1);
}

/** The command's arguments that `pulumi preview` takes: all of `up`'s but --continue-on-error (gone above), and without --target-dependents. */
const targetsOnly = (args: string[]) => args.filter((a) => a !== "--target-dependents");

describe("npm run targets, selection by the Pulumi CLI", { concurrency: false }, () => {
    before(async () => {
        recorded = (await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } })).resources;
        const base = fromRecorded(recorded);
        resources = [...base, ...base.filter((r) => r.type === CHART).flatMap(chartObjects), ...contractSuites()];
        stack = await createReplicaStack("prod", resources);
    });
    after(() => {
        stack?.remove();
        rmSync(dir, { recursive: true, force: true });
    });

    it("the replica has every prod region, with its chart objects", () => {
        for (const region of PROD_VALIDATOR_REGIONS) {
            const own = owned(region);
            // The component, its children, the chart's objects; BesuNetwork's group, 3 keys, 3 node and 1 egress address.
            assert.ok(own.size > 20, `${region}: ${own.size} resources`);
            assert.ok(
                [...own].some((u) => u.includes(`${CHART}$kubernetes:apps/v1:StatefulSet::`)),
                `${region}: no chart object`,
            );
        }
    });

    it("named regions: the --target globs select exactly their resources, nothing of southeastasia or australiasoutheast", async () => {
        const regions = ["eastasia", "australiaeast", "japanwest"];
        const args = await printedCommand(["-s", "prod", ...regions]);
        const selected = await stack.selected(targetsOnly(args));
        assertSelection(selected, union(regions.map(owned)));
        for (const neighbour of ["southeastasia", "australiasoutheast", "japaneast"]) {
            const stray = selected.filter((u) => owned(neighbour).has(u));
            assert.deepEqual(stray, [], `${neighbour} is selected`);
        }
    });

    it("the loose glob the README warns about does select southeastasia with eastasia", async () => {
        const selected = new Set(await stack.selected(["--target", "**eastasia**"]));
        assert.ok([...owned("eastasia")].every((u) => selected.has(u)));
        assert.ok(
            [...owned("southeastasia")].some((u) => selected.has(u)),
            "'**eastasia**' left southeastasia alone",
        );
    });

    it("the printed command with --target-dependents adds only what depends on those regions' resources", async () => {
        const regions = ["eastasia"];
        const args = await printedCommand(["-s", "prod", ...regions]);
        const selected = new Set(await stack.selected(args));
        const own = union(regions.map(owned));
        for (const u of own) assert.ok(selected.has(u), `${u} is not selected`);
        const expected = downstream(own);
        assertSelection(selected, expected);
        // Every region's NSG admits the fleet's P2P addresses and every chart peers with the fleet's nodes, so
        // another region follows eastasia's addresses and keys; the engine changes it only where its inputs differ.
        const southeast = owned("southeastasia");
        assert.ok(
            [...selected].some((u) => southeast.has(u) && u.endsWith("::region-southeastasia-nsg")),
            "southeastasia's NSG, which lists eastasia's addresses, is not a dependent",
        );
    });

    it("--failed: the command for an event log selects exactly the failed regions", async () => {
        const byName = (name: string) => resources.find((r) => r.name === name)!.urn;
        const log = eventLog(
            [
                ...createdResource(byName("region-southeastasia-aks")),
                ...failedCreate(byName("besu-eastasia-validator-1-ip"), "PublicIPCountLimitReached"),
                ...createdResource(byName("region-koreacentral-besu-chart:besu/besu-koreacentral-validator-0"), ["timed out waiting for the condition"]),
            ],
            true,
        );
        const file = path.join(dir, "events.jsonl");
        writeFileSync(file, log);
        const args = await printedCommand(["-s", "prod", "--failed", "--event-log", file]);
        const selected = await stack.selected(targetsOnly(args));
        assertSelection(selected, union([owned("eastasia"), owned("koreacentral")]));
    });

    it("--chain: selects that chain's suite and deployments, not a chain whose name extends it; dependents add the lane", async () => {
        const args = await printedCommand(["-s", "prod", "--chain", "chain138"]);
        const suite = resources.filter((r) => r.name === "contracts-chain138" || r.parent.endsWith("::contracts-chain138")).map((r) => r.urn);
        assert.equal(suite.length, 1 + CONTRACT_NAMES.length);
        assertSelection(await stack.selected(targetsOnly(args)), suite);
        const lane = resources.find((r) => r.name === "ccip-chain138-mainnet-lane")!.urn;
        assertSelection(await stack.selected(args), [...suite, lane]);
    });
});
