// installBesu under mocks: no Kubernetes Secret holds a key; the chart gets the region's vault and identity and no
// key, and those very values render with the real helm into pods that each mount only their own key.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Wallet } from "ethers";
import { installBesu, BESU_CHART_PATH, type BesuRelease } from "../../components/besu/release";
import { BesuNetwork } from "../../components/besu/network";
import { besuChartValues } from "../../components/besu/chart-values";
import { installBesuMocks, TEST_KEY_CUSTODY, valueOf } from "../support/besu-mocks";
import { memoryVaults } from "../../devkit/memory-key-vault";
import { parse, parseAllDocuments } from "yaml";
import { multicall3RuntimeCode } from "../support/besu-fixtures";
import { runHelm } from "../support/helm";

const seen = installBesuMocks();
const REGIONS = ["eastus", "westeurope2", "japaneast"];

class Holder extends pulumi.ComponentResource {
    constructor(name: string) {
        super("chain138:index:TestRegion", name, {});
    }
}

let net: BesuNetwork;
let release: BesuRelease;
let keys: Map<string, string>;
let secretNames: Map<string, string>;
let vaultName: string;
const CLIENT_ID = "0d4c7a4e-1111-2222-3333-444455556666";

before(async () => {
    net = new BesuNetwork("chain138", {
        chainId: 138,
        deployerAddress: Wallet.createRandom().address,
        multicall3RuntimeCode: multicall3RuntimeCode(),
        regions: REGIONS.map((region) => ({ region, validatorCount: 2, sentryCount: 1, zones: ["1", "2", "3"] })),
        keyCustody: TEST_KEY_CUSTODY,
    });
    const parent = new Holder("eastus");
    const provider = new k8s.Provider("eastus-k8s", { kubeconfig: "{}" }, { parent });
    const besu = net.regionInputs("eastus");
    release = installBesu(
        "eastus-besu",
        {
            namespace: "chain138",
            besu,
            chartValues: { image: { tag: "25.8.0" } },
            keyAccess: { clientId: CLIENT_ID, serviceAccountName: "besu-node-keys" },
        },
        { parent, provider },
    );
    vaultName = await valueOf(besu.keyVault!.name);
    keys = new Map();
    secretNames = new Map();
    for (const n of [...besu.validators, ...besu.sentries]) {
        const secretName = await valueOf(n.keySecretName!);
        secretNames.set(n.name, secretName);
        keys.set(n.name, memoryVaults.get(`https://${vaultName}.vault.azure.net/`)!.get(secretName)!);
    }
    // Let every registration reach the mocks.
    await valueOf(release.chart.urn);
});

interface K8sObject {
    kind: string;
    metadata: { name: string; annotations?: Record<string, string> };
    spec?: Record<string, unknown>;
}

test("no Kubernetes Secret is made for node keys", () => {
    assert.equal(seen.filter((s) => s.type === "kubernetes:core/v1:Secret").length, 0);
});

test("the helm v4 Chart gets the local chart, the region's vault and identity, and no key material", async () => {
    const reg = seen.find((s) => s.type === "kubernetes:helm.sh/v4:Chart");
    assert.ok(reg, "helm v4 Chart registered");
    assert.equal(reg.inputs["chart"], BESU_CHART_PATH);
    assert.ok(existsSync(join(BESU_CHART_PATH, "Chart.yaml")));
    assert.equal(reg.inputs["name"], "besu");
    const values = reg.inputs["values"] as Record<string, unknown>;
    assert.deepEqual(values["nodeKeys"], {
        keyVault: { name: vaultName, tenantId: TEST_KEY_CUSTODY.tenantId, clientId: CLIENT_ID, serviceAccountName: "besu-node-keys" },
    });
    assert.deepEqual((values["image"] as Record<string, unknown>)["tag"], "25.8.0");
    assert.deepEqual(
        (values["validators"] as { name: string }[]).map((v) => v.name),
        ["eastus-validator-0", "eastus-validator-1"],
    );
    const text = JSON.stringify(seen.map((s) => [s.inputs, s.state])).toLowerCase();
    for (const [name, key] of keys) assert.ok(!text.includes(key.slice(2)), `key of ${name} in a resource's inputs or state`);

    // The exact values Pulumi hands to the chart render with the real helm; each pod mounts its own key alone.
    const dir = mkdtempSync(join(tmpdir(), "besu-release-"));
    try {
        const file = join(dir, "values.yaml");
        writeFileSync(file, JSON.stringify(values));
        const res = runHelm(["template", "besu", BESU_CHART_PATH, "--namespace", "chain138", "-f", file]);
        assert.equal(res.status, 0, res.stderr);
        const objects = parseAllDocuments(res.stdout)
            .map((d) => d.toJS() as K8sObject | null)
            .filter((o): o is K8sObject => o !== null);
        const account = objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === "besu-node-keys");
        assert.equal(account?.metadata.annotations?.["azure.workload.identity/client-id"], CLIENT_ID);
        const classes = objects.filter((o) => o.kind === "SecretProviderClass");
        const sets = objects.filter((o) => o.kind === "StatefulSet");
        assert.equal(sets.length, keys.size);
        assert.equal(classes.length, keys.size, "one SecretProviderClass per node");
        for (const set of sets) {
            const node = set.metadata.name.replace(/^besu-/, "");
            const pod = (set.spec!["template"] as { spec: { serviceAccountName?: string; volumes: { name: string; csi?: Record<string, unknown> }[] } }).spec;
            assert.equal(pod.serviceAccountName, "besu-node-keys", set.metadata.name);
            const volume = pod.volumes.find((v) => v.name === "node-key")!;
            assert.equal(volume.csi?.["driver"], "secrets-store.csi.k8s.io");
            const className = (volume.csi?.["volumeAttributes"] as Record<string, string>)["secretProviderClass"];
            const spc = classes.find((c) => c.metadata.name === className)!;
            const params = spc.spec!["parameters"] as Record<string, string>;
            assert.equal(params["keyvaultName"], vaultName);
            assert.equal(params["clientID"], CLIENT_ID);
            assert.equal(params["usePodIdentity"], "false");
            const objectsOf = (parse(params["objects"]) as { array: string[] }).array.map((o) => parse(o) as { objectName: string; objectType: string });
            assert.deepEqual(
                objectsOf.map((o) => [o.objectName, o.objectType]),
                [[secretNames.get(node), "secret"]],
                `${set.metadata.name} mounts exactly its own key`,
            );
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("children hang under the caller's parent with the region provider", () => {
    assert.ok(seen.some((s) => s.type === "kubernetes:helm.sh/v4:Chart" && s.name === "eastus-besu-chart"));
});

test("overrides cannot replace fleet-owned values", () => {
    const fleet = {
        genesisJson: "{}",
        validators: [],
        sentries: [],
        nodesAllowlist: [],
        inClusterHosts: [],
        fleetCidrs: [],
        p2pResourceGroupName: "rg",
        p2pPort: 30303,
    };
    assert.throws(() => besuChartValues(fleet, "s", { permissions: { nodesAllowlist: [] } }), /"permissions" is not allowed/);
    assert.throws(() => besuChartValues(fleet, "s", { p2p: { sourceRanges: ["0.0.0.0/0"] } }), /"p2p.sourceRanges" is not allowed/);
    assert.deepEqual(besuChartValues(fleet, "s", { rpc: { wsEnabled: false } })["rpc"], { wsEnabled: false });
});
