// The besu-node chart linted and rendered by a real helm v4 with realistic values (48-validator fleet).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { runHelm } from "../support/helm";
import { buildPlainFleet, type PlainFleet } from "../support/besu-fleet";
import { parseFlatToml } from "../support/besu-toml";
import { besuChartValues, type ChartFleetInputs } from "../../components/besu/chart-values";
import { BESU_CHART_PATH } from "../../components/besu/release";

// Besu CLI options this chart may write, each checked against the Besu CLI reference
// (hyperledger/besu-docs docs/public-networks/reference/cli/options.md, "Configuration file" tabs).
const BESU_OPTIONS = new Set([
    "data-path",
    "genesis-file",
    "node-private-key-file",
    "sync-mode",
    "data-storage-format",
    "logging",
    "p2p-enabled",
    "p2p-host",
    "p2p-interface",
    "p2p-port",
    "nat-method",
    "discovery-enabled",
    "static-nodes-file",
    "max-peers",
    "permissions-nodes-config-file-enabled",
    "permissions-nodes-config-file",
    "rpc-http-enabled",
    "rpc-http-host",
    "rpc-http-port",
    "rpc-http-api",
    "rpc-http-cors-origins",
    "rpc-ws-enabled",
    "rpc-ws-host",
    "rpc-ws-port",
    "rpc-ws-api",
    "metrics-enabled",
    "metrics-host",
    "metrics-port",
    "min-gas-price",
    "tx-pool-min-gas-price",
]);

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> } };
// Loose accessors for rendered manifests (shape asserted as we go).
type Any = ReturnType<typeof JSON.parse>;

let dir: string;
let fleet: PlainFleet;
let region: ChartFleetInputs;
let values: Record<string, unknown>;
let objects: Obj[];
let rendered: string;
const SECRET = "besu-node-keys";

function writeValues(v: unknown): string {
    const file = join(dir, `values-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, JSON.stringify(v)); // JSON is YAML
    return file;
}

function template(v: unknown, ...extra: string[]) {
    return runHelm(["template", "besu", BESU_CHART_PATH, "--namespace", "chain138", "-f", writeValues(v), ...extra]);
}

before(() => {
    dir = mkdtempSync(join(tmpdir(), "besu-chart-"));
    fleet = buildPlainFleet(2, 1);
    region = fleet.region("japaneast");
    values = besuChartValues(region, SECRET);
    const res = template(values);
    assert.equal(res.status, 0, res.stderr);
    rendered = res.stdout;
    objects = parseAllDocuments(rendered)
        .map((d) => {
            assert.equal(d.errors.length, 0, String(d.errors[0]));
            return d.toJS() as Obj | null;
        })
        .filter((o): o is Obj => o !== null);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    assert.ok(o, `${kind}/${name} rendered`);
    return o as Any;
};

test("helm lint passes with realistic values", () => {
    const res = runHelm(["lint", BESU_CHART_PATH, "--strict", "-f", writeValues(values)]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

test("one StatefulSet per node; validators and sentries on their own tainted pools, one per host", () => {
    const sts = byKind("StatefulSet") as Any[];
    assert.deepEqual(sts.map((s) => s.metadata.name).sort(), ["besu-japaneast-sentry-0", "besu-japaneast-validator-0", "besu-japaneast-validator-1"]);
    for (const s of sts) {
        const role = s.spec.template.metadata.labels["app.kubernetes.io/component"];
        const pod = s.spec.template.spec;
        // Kubernetes defaults replicas to 1; the chart must not set it, or Pulumi's server-side apply would own it
        // and undo `fleet stop` on the next `pulumi up` (Kubernetes "Server-Side Apply": field management).
        assert.equal(s.spec.replicas, undefined);
        assert.deepEqual(pod.nodeSelector, { "chain138.io/role": role });
        assert.ok(pod.tolerations.some((t: Any) => t.key === "chain138.io/role" && t.value === role && t.effect === "NoSchedule"));
        const anti = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
        assert.equal(anti.topologyKey, "kubernetes.io/hostname");
        assert.equal(anti.labelSelector.matchLabels["app.kubernetes.io/component"], role);
        assert.equal(pod.securityContext.runAsUser, 1000);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        const c = pod.containers[0];
        assert.deepEqual(c.command, ["/opt/besu/bin/besu"], "non-root: run besu directly, not the root entry script");
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.equal(c.livenessProbe.httpGet.path, "/liveness");
        assert.match(c.readinessProbe.httpGet.path, /^\/readiness\?minPeers=1&maxBlocksBehind=2$/);
        assert.equal(c.livenessProbe.httpGet.port, "rpc-http");
        assert.ok(c.resources.limits.memory && c.resources.requests.cpu);
        const claim = s.spec.volumeClaimTemplates[0];
        assert.equal(claim.spec.storageClassName, "managed-csi-premium");
        const allow = c.env.find((e: Any) => e.name === "BESU_HOST_ALLOWLIST").value as string;
        assert.ok(!allow.split(",").includes("*"), "no wildcard host allowlist");
        assert.ok(allow.split(",").includes("$(POD_IP)"), "probes/metrics by pod IP are allowed");
        const podIpIdx = c.env.findIndex((e: Any) => e.name === "POD_IP");
        assert.ok(podIpIdx >= 0 && podIpIdx < c.env.findIndex((e: Any) => e.name === "BESU_HOST_ALLOWLIST"), "POD_IP defined before use");
    }
});

test("validators expose no RPC through any Service; sentry RPC is ClusterIP only", () => {
    const services = byKind("Service") as Any[];
    for (const svc of services) {
        const ports = (svc.spec.ports as Any[]).map((p) => p.port);
        const rpc = ports.filter((p: number) => p === 8545 || p === 8546);
        if (rpc.length === 0) continue;
        assert.equal(svc.spec.type ?? "ClusterIP", "ClusterIP", `${svc.metadata.name} must not publish RPC`);
        assert.equal(svc.spec.selector["app.kubernetes.io/component"], "sentry", `${svc.metadata.name} selects only sentries`);
    }
    assert.deepEqual(
        named("Service", "besu-rpc")
            .spec.ports.map((p: Any) => p.port)
            .sort(),
        [8545, 8546],
    );
    for (const svc of services.filter((s) => s.spec.type === "LoadBalancer")) {
        assert.deepEqual(
            (svc.spec.ports as Any[]).map((p) => p.port),
            [30303, 30303],
        );
    }
});

test("each node has a P2P LoadBalancer on its static IP, fleet-only source ranges, Local policy", () => {
    const lbs = (byKind("Service") as Any[]).filter((s) => s.spec.type === "LoadBalancer");
    const nodes = [...region.validators, ...region.sentries];
    assert.equal(lbs.length, nodes.length);
    for (const n of nodes) {
        const svc = named("Service", `besu-${n.name}-p2p`);
        const a = svc.metadata.annotations;
        assert.equal(a["service.beta.kubernetes.io/azure-pip-name"], n.publicIpName);
        assert.equal(a["service.beta.kubernetes.io/azure-load-balancer-ipv4"], n.publicIp);
        assert.equal(a["service.beta.kubernetes.io/azure-load-balancer-resource-group"], "chain138-p2p-japaneast");
        assert.equal(svc.spec.externalTrafficPolicy, "Local");
        assert.deepEqual(svc.spec.loadBalancerSourceRanges, region.fleetCidrs);
        assert.equal(svc.spec.loadBalancerSourceRanges.length, 72 + 24, "72 node IPs + 24 region egress IPs");
        assert.ok(!svc.spec.loadBalancerSourceRanges.includes("0.0.0.0/0"));
        assert.deepEqual(svc.spec.ports.map((p: Any) => p.protocol).sort(), ["TCP", "UDP"]);
        assert.equal(svc.spec.selector["chain138.io/node"], n.name, "selects exactly its node");
    }
});

test("node keys come from the Pulumi-made Secret, one entry per pod; the chart renders no key and no Secret", () => {
    assert.equal(byKind("Secret").length, 0);
    for (const s of byKind("StatefulSet") as Any[]) {
        const node = s.spec.template.metadata.labels["chain138.io/node"];
        const vol = (s.spec.template.spec.volumes as Any[]).find((v) => v.name === "node-key");
        assert.equal(vol.secret.secretName, SECRET);
        assert.deepEqual(vol.secret.items, [{ key: `${node}.key`, path: "key" }]);
    }
    for (const n of fleet.nodes) {
        assert.ok(!rendered.includes(n.privateKey.slice(2)), `key of ${n.name} must not be rendered`);
    }
});

test("nodeKeys takes exactly one source; Key Vault mode needs each node's secret name", () => {
    const keyVault = { name: "kv138-abc", tenantId: "11111111-2222-3333-4444-555555555555", clientId: "client", serviceAccountName: "besu-node-keys" };
    const both = template({ ...values, nodeKeys: { secretName: SECRET, keyVault } });
    assert.notEqual(both.status, 0);
    assert.match(both.stderr, /nodeKeys/);
    const none = template({ ...values, nodeKeys: {} });
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /nodeKeys/);
    const unnamed = template({ ...values, nodeKeys: { keyVault } });
    assert.notEqual(unnamed.status, 0);
    assert.match(unnamed.stderr, /node japaneast-(validator|sentry)-\d+ has no keySecretName/);
    const named = template(
        besuChartValues(
            {
                ...region,
                validators: region.validators.map((v) => ({ ...v, keySecretName: `${v.name}-key-r1` })),
                sentries: region.sentries.map((v) => ({ ...v, keySecretName: `${v.name}-key-r1` })),
            },
            { keyVault },
        ),
    );
    assert.equal(named.status, 0, named.stderr);
    assert.match(named.stdout, /objectName: japaneast-sentry-0-key-r1/);
});

test("config.toml parses, uses secure RPC settings, and names files that the pod actually mounts", () => {
    for (const s of byKind("StatefulSet") as Any[]) {
        const node = s.spec.template.metadata.labels["chain138.io/node"] as string;
        const role = s.spec.template.metadata.labels["app.kubernetes.io/component"] as string;
        const pod = s.spec.template.spec;
        const c = pod.containers[0];
        const configArg = (c.args as string[]).find((a) => a.startsWith("--config-file="));
        assert.ok(configArg);
        // Resolve a path inside the container to the volume that provides it and read the file.
        const readFile = (path: string): string => {
            const mount = (c.volumeMounts as Any[]).find((m) => path.startsWith(`${m.mountPath}/`));
            assert.ok(mount, `${node}: ${path} is not under any mount`);
            const file = path.slice(mount.mountPath.length + 1);
            if ((s.spec.volumeClaimTemplates as Any[]).some((t) => t.metadata.name === mount.name)) return "<volume>";
            const vol = (pod.volumes as Any[]).find((v) => v.name === mount.name);
            assert.ok(vol, `${node}: mount ${mount.name} has no volume`);
            if (vol.configMap) return named("ConfigMap", vol.configMap.name).data[file] as string;
            if (vol.secret) {
                assert.ok(
                    (vol.secret.items as Any[]).some((i) => i.path === file),
                    `${node}: secret volume lacks ${file}`,
                );
                return "<secret>";
            }
            assert.fail(`${node}: ${path} is on volume ${mount.name}, which provides no files`);
        };
        const toml = parseFlatToml(readFile(configArg.slice("--config-file=".length)));
        for (const key of Object.keys(toml)) assert.ok(BESU_OPTIONS.has(key), `${node}: "${key}" is not a Besu option we checked`);
        for (const key of ["genesis-file", "node-private-key-file", "static-nodes-file", "permissions-nodes-config-file"]) {
            assert.equal(typeof toml[key], "string", `${node}: ${key}`);
            assert.ok(readFile(toml[key] as string).length > 0, `${node}: ${key} -> ${toml[key]}`);
        }
        assert.equal(readFile((toml["data-path"] as string) + "/x"), "<volume>");
        const genesis = JSON.parse(readFile(toml["genesis-file"] as string)) as Any;
        assert.equal(genesis.config.chainId, 138);
        assert.equal(readFile(toml["genesis-file"] as string), fleet.genesisJson, "byte-identical genesis");
        const statics = JSON.parse(readFile(toml["static-nodes-file"] as string)) as string[];
        const me = [...region.validators, ...region.sentries].find((n) => n.name === node)!;
        assert.deepEqual(statics, me.staticNodes);
        assert.equal(statics.length, role === "validator" ? 47 : 2);
        const perms = parseFlatToml(readFile(toml["permissions-nodes-config-file"] as string));
        assert.deepEqual(perms["nodes-allowlist"], region.nodesAllowlist);
        assert.equal(
            (perms["nodes-allowlist"] as string[]).length,
            147,
            "72 enodes + the same ids at their egress IPs + the region's 3 nodes at their pod DNS names",
        );
        for (const n of fleet.nodes) assert.ok((perms["nodes-allowlist"] as string[]).includes(n.enode), `${n.name} allowed`);
        // Node identity and transport.
        assert.equal(toml["p2p-host"], me.publicIp);
        assert.equal(toml["nat-method"], "NONE");
        assert.equal(toml["discovery-enabled"], false);
        assert.equal(toml["permissions-nodes-config-file-enabled"], true);
        assert.equal(toml["sync-mode"], "FULL");
        // RPC: no admin/debug anywhere, QBFT only on validators, no wildcard CORS.
        const apis = toml["rpc-http-api"] as string[];
        assert.ok(!apis.some((a) => ["ADMIN", "DEBUG", "MINER", "PERM", "PLUGINS"].includes(a)), `${node}: ${apis}`);
        assert.equal(apis.includes("QBFT"), role === "validator");
        assert.ok(!("rpc-http-cors-origins" in toml) || !(toml["rpc-http-cors-origins"] as string[]).includes("*"));
        assert.ok(!("host-allowlist" in toml), "host allowlist is set via env (needs the pod IP)");
        assert.equal(toml["rpc-ws-enabled"] ?? false, role === "sentry");
        assert.equal(toml["metrics-port"], 9545);
    }
});

test("PodDisruptionBudgets and the ServiceMonitor toggle", () => {
    const pdbs = byKind("PodDisruptionBudget") as Any[];
    assert.deepEqual(pdbs.map((p) => p.metadata.name).sort(), ["besu-sentries", "besu-validators"]);
    for (const p of pdbs) assert.equal(p.spec.maxUnavailable, 1);
    assert.equal(byKind("ServiceMonitor").length, 0, "off by default");
    const res = template({ ...values, metrics: { serviceMonitor: { enabled: true, labels: { release: "admin-prometheus" } } } });
    assert.equal(res.status, 0, res.stderr);
    const sm = parseAllDocuments(res.stdout)
        .map((d) => d.toJS() as Any)
        .find((o) => o?.kind === "ServiceMonitor");
    assert.ok(sm);
    assert.equal(sm.spec.endpoints[0].port, "metrics");
    assert.equal(sm.metadata.labels.release, "admin-prometheus");
});

test("values.schema.json and template checks reject bad values, naming the culprit", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["world-open P2P", { ...values, p2p: { ...(values.p2p as object), sourceRanges: ["0.0.0.0/0"] } }, /sourceRanges/],
        ["ADMIN on sentries", { ...values, rpc: { sentryApis: ["ETH", "ADMIN"] } }, /sentryApis/],
        ["QBFT on sentries", { ...values, rpc: { sentryApis: ["ETH", "QBFT"] } }, /sentryApis/],
        ["wildcard CORS", { ...values, rpc: { corsOrigins: ["*"] } }, /corsOrigins/],
        ["wildcard host", { ...values, rpc: { extraHostAllowlist: ["*"] } }, /extraHostAllowlist/],
        ["no secret name", { ...values, nodeKeys: { secretName: "" } }, /secretName/],
        ["no genesis", { ...values, genesis: { json: "" } }, /genesis/],
        ["bad enode", { ...values, permissions: { nodesAllowlist: ["enode://abc@1.2.3.4:30303"] } }, /nodesAllowlist/],
        ["typo key", { ...values, metrcis: {} }, /metrcis/],
        ["root", { ...values, podSecurityContext: { runAsUser: 0, runAsNonRoot: false, fsGroup: 0 } }, /podSecurityContext/],
        ["latest tag", { ...values, image: { tag: "latest" } }, /tag/],
        ["duplicate node", { ...values, sentries: [...(values.validators as Any[]).slice(0, 1)] }, /node name "japaneast-validator-0" appears twice/],
    ];
    for (const [what, v, re] of cases) {
        const res = template(v);
        assert.notEqual(res.status, 0, `${what} must be rejected`);
        assert.match(res.stderr, re, what);
    }
});
