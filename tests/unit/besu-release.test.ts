// installBesu under mocks: the key Secret carries exactly the region's keys (secret), the chart gets
// values without any key, and those very values render with the real helm.
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
import { installBesuMocks, valueOf } from "../support/besu-mocks";
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

before(async () => {
    net = new BesuNetwork("chain138", {
        chainId: 138,
        deployerAddress: Wallet.createRandom().address,
        multicall3RuntimeCode: multicall3RuntimeCode(),
        regions: REGIONS.map((region) => ({ region, validatorCount: 2, sentryCount: 1, zones: ["1", "2", "3"] })),
    });
    const parent = new Holder("eastus");
    const provider = new k8s.Provider("eastus-k8s", { kubeconfig: "{}" }, { parent });
    const besu = net.regionInputs("eastus");
    release = installBesu(
        "eastus-besu",
        { namespace: "chain138", besu, tags: { env: "test" }, chartValues: { image: { tag: "25.8.0" } } },
        { parent, provider },
    );
    keys = new Map();
    for (const n of [...besu.validators, ...besu.sentries]) keys.set(n.name, await valueOf(n.privateKey));
    // Let every registration (Secret, Chart) reach the mocks.
    await valueOf(release.nodeKeySecret.urn);
    await valueOf(release.chart.urn);
});

test("the node-key Secret holds exactly the region's keys under <node>.key and stays secret", async () => {
    const reg = seen.find((s) => s.type === "kubernetes:core/v1:Secret");
    assert.ok(reg, "Secret registered");
    const meta = reg.inputs["metadata"] as Record<string, unknown>;
    assert.equal(meta["name"], release.nodeKeySecretName);
    assert.equal(meta["namespace"], "chain138");
    // On the wire to the engine the whole stringData is a secret (sig-wrapped), not a plain map.
    const wire = reg.inputs["stringData"] as Record<string, unknown>;
    assert.equal(wire[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig, "stringData is sent as a secret");
    const data = wire["value"] as Record<string, string>;
    assert.deepEqual(Object.keys(data).sort(), [...keys.keys()].map((k) => `${k}.key`).sort());
    for (const [name, key] of keys) assert.equal(data[`${name}.key`], key);
    assert.equal(await pulumi.isSecret(release.nodeKeySecret.stringData), true);
});

test("the helm v4 Chart gets the local chart, the Secret name and no key material", async () => {
    const reg = seen.find((s) => s.type === "kubernetes:helm.sh/v4:Chart");
    assert.ok(reg, "helm v4 Chart registered");
    assert.equal(reg.inputs["chart"], BESU_CHART_PATH);
    assert.ok(existsSync(join(BESU_CHART_PATH, "Chart.yaml")));
    assert.equal(reg.inputs["name"], "besu");
    const values = reg.inputs["values"] as Record<string, unknown>;
    assert.deepEqual(values["nodeKeys"], { secretName: release.nodeKeySecretName });
    assert.deepEqual((values["image"] as Record<string, unknown>)["tag"], "25.8.0");
    assert.deepEqual(
        (values["validators"] as { name: string }[]).map((v) => v.name),
        ["eastus-validator-0", "eastus-validator-1"],
    );
    const text = JSON.stringify(reg.inputs).toLowerCase();
    for (const [name, key] of keys) assert.ok(!text.includes(key.slice(2)), `key of ${name} in chart inputs`);
    for (const s of seen) {
        if (s.type === "kubernetes:core/v1:Secret" || s.type === "pulumi-nodejs:dynamic:Resource") continue;
        const all = JSON.stringify(s.inputs).toLowerCase();
        for (const key of keys.values()) assert.ok(!all.includes(key.slice(2)), `${s.type} ${s.name} carries a key`);
    }

    // The exact values Pulumi hands to the chart render with the real helm.
    const dir = mkdtempSync(join(tmpdir(), "besu-release-"));
    try {
        const file = join(dir, "values.yaml");
        writeFileSync(file, JSON.stringify(values));
        const res = runHelm(["template", "besu", BESU_CHART_PATH, "--namespace", "chain138", "-f", file]);
        assert.equal(res.status, 0, res.stderr);
        assert.match(res.stdout, /name: besu-eastus-validator-1-p2p/);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("children hang under the caller's parent with the region provider", () => {
    const reg = seen.find((s) => s.type === "kubernetes:core/v1:Secret");
    assert.equal(reg?.name, "eastus-besu-node-keys");
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
