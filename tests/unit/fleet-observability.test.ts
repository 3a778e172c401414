// Fleet observability in the prod program under Pulumi's mock runtime: one metrics agent per deployed region, each
// writing to the admin receiver's private address with its own credentials, nothing that listens on the public
// internet, the rules and dashboards in the admin cluster, and an Alertmanager config the real amtool accepts.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { REPO_ROOT, type ProgramRun, type RecordedResource, runFailingProgram, runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { metricsNotPublic } from "../../policy/policies/metrics-not-public";
import { validateResource } from "../support/policy-harness";
import { tempDir } from "../support/promtool";

const prodFile = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
const PROD_REGIONS = prodFile.config["chain138:regions"] as string[];

const SECRET = "s3cret-remote-write-0123456789-abcdef";
const WEBHOOK = "https://hooks.example.invalid/T0K3N";
const monitoring = {
    remoteWriteSecret: SECRET,
    receivers: [
        { name: "oncall", webhookUrl: WEBHOOK },
        { name: "team", slack: { apiUrl: "https://slack.example.invalid/services/X", channel: "#chain138" } },
    ],
    route: { critical: "oncall", warning: "team" },
    signerExporterImage: "registry.example.invalid/chain138-signer-exporter:1.0.0",
};

let run: ProgramRun;
const ofKind = (kind: string) => run.resources.filter((r) => r.type === `kubernetes:${kind}`);
const metadata = (r: RecordedResource) =>
    r.inputs["metadata"] as { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
/** The region a resource belongs to: its RegionDeployment ancestor's name (`region-<name>`) or the admin region. */
function regionOf(r: RecordedResource): string {
    let urn = r.parent;
    while (urn !== "") {
        const parent = run.resources.find((x) => x.urn === urn);
        if (parent === undefined) break;
        if (parent.type === "chain138:index:RegionDeployment") return parent.name.replace(/^region-/, "");
        if (parent.type === "chain138:index:AdminRegion") return "admin";
        urn = parent.parent;
    }
    return "";
}

/** Pulumi's wire marker of a secret value (sdk/nodejs/runtime/rpc.ts specialSigKey / specialSecretSig). */
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
function isSecretWrapped(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG.key] === SECRET_SIG.value;
}
/** The value inside a secret marker (or the value itself). */
function reveal<T>(value: unknown): T {
    return (isSecretWrapped(value) ? value.value : value) as T;
}

/** RFC 2307 {SSHA}: base64(sha1(password ‖ salt) ‖ salt), sha1 is 20 bytes. */
function sshaMatches(line: string, password: string): boolean {
    const blob = Buffer.from(line.replace(/^[^:]+:\{SSHA\}/, ""), "base64");
    const digest = blob.subarray(0, 20);
    const salt = blob.subarray(20);
    return createHash("sha1").update(password).update(salt).digest().equals(digest);
}

describe("fleet observability in prod", () => {
    before(async () => {
        run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY, monitoring: JSON.stringify(monitoring) } });
    });

    it("the receiver sits on the hub's internal-LB subnet, and the hub admits exactly the regions' nodes to its port", () => {
        const service = ofKind("core/v1:Service").find((s) => metadata(s).name === "remote-write-receiver")!;
        const annotations = metadata(service).annotations ?? {};
        const subnet = run.resources.find((r) => r.type === "azure-native:network:Subnet" && r.name === "admin-westeurope-internal-lb");
        assert.ok(subnet, "the hub has an internal-LB subnet");
        assert.equal(annotations["service.beta.kubernetes.io/azure-load-balancer-internal-subnet"], subnet.inputs["subnetName"]);
        const regionSubnets = run.resources
            .filter((r) => r.type === "azure-native:network:Subnet" && /^region-.*-nodes$/.test(r.name))
            .map((r) => r.inputs["addressPrefix"] as string)
            .sort();
        assert.deepEqual([...((service.inputs["spec"] as { loadBalancerSourceRanges: string[] }).loadBalancerSourceRanges ?? [])].sort(), regionSubnets);
        const nsg = run.resources.find((r) => r.type === "azure-native:network:NetworkSecurityGroup" && r.name === "admin-westeurope-nsg")!;
        const allows = (
            nsg.inputs["securityRules"] as {
                access: string;
                priority: number;
                sourceAddressPrefixes?: string[];
                destinationAddressPrefix: string;
                destinationPortRange: string;
            }[]
        ).filter((rule) => rule.access === "Allow");
        assert.equal(allows.length, 1, "one rule lets spokes in");
        const port = (service.inputs["spec"] as { ports: { port: number }[] }).ports[0].port;
        assert.equal(allows[0].destinationAddressPrefix, annotations["service.beta.kubernetes.io/azure-load-balancer-ipv4"]);
        assert.equal(allows[0].destinationPortRange, String(port));
        assert.deepEqual([...(allows[0].sourceAddressPrefixes ?? [])].sort(), regionSubnets);
    });

    it("runs one metrics agent in every deployed region, none in the admin region", () => {
        const agents = ofKind("apps/v1:Deployment").filter((d) => metadata(d).name === "metrics-agent");
        const regions = agents.map(regionOf).sort();
        assert.deepEqual(regions, [...PROD_REGIONS].sort(), "one agent per region (prod deploys both waves)");
    });

    it("every agent writes to the admin receiver's private address with its region's label and user", () => {
        const service = ofKind("core/v1:Service").find((s) => metadata(s).name === "remote-write-receiver");
        assert.ok(service, "no receiver Service");
        assert.equal(regionOf(service), "admin");
        const annotations = metadata(service).annotations ?? {};
        // AKS internal load balancer (AKS docs, "Use an internal load balancer"): the annotation makes the frontend private.
        assert.equal(annotations["service.beta.kubernetes.io/azure-load-balancer-internal"], "true");
        const ip = annotations["service.beta.kubernetes.io/azure-load-balancer-ipv4"];
        assert.match(ip, /^10\./, "a private (RFC 1918) address");
        const port = (service.inputs["spec"] as { ports: { port: number }[] }).ports[0].port;
        for (const config of ofKind("core/v1:ConfigMap").filter((c) => metadata(c).name === "metrics-agent-config")) {
            const region = regionOf(config);
            const prom = parse((config.inputs["data"] as Record<string, string>)["prometheus.yml"]) as {
                global: { external_labels: Record<string, string> };
                remote_write: { url: string; basic_auth: { username: string } }[];
                scrape_configs: Record<string, unknown>[];
            };
            assert.equal(prom.remote_write.length, 1);
            assert.equal(prom.remote_write[0].url, `https://${ip}:${port}/api/v1/write`, `${region}: agent writes elsewhere`);
            assert.equal(prom.remote_write[0].basic_auth.username, region);
            assert.equal(prom.global.external_labels["region"], region);
            // Targets come only from the cluster's own API (pods, nodes): no static target, so nothing on the internet.
            for (const job of prom.scrape_configs) {
                assert.deepEqual(
                    Object.keys(job).filter((k) => k.endsWith("_sd_configs") || k === "static_configs"),
                    ["kubernetes_sd_configs"],
                    `${region}: ${String(job["job_name"])}`,
                );
            }
        }
    });

    it("the remote-write hop is TLS: the receiver's certificate names its IP and comes from the CA every agent pins", () => {
        const ip = metadata(ofKind("core/v1:Service").find((s) => metadata(s).name === "remote-write-receiver")!).annotations![
            "service.beta.kubernetes.io/azure-load-balancer-ipv4"
        ];
        // The stack has one CA (tls SelfSignedCert): the receiver's certificate request is for the IP the agents dial.
        const cas = run.resources.filter((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert");
        assert.equal(cas.length, 1, "one stack CA");
        const requests = run.resources.filter((r) => r.type === "tls:index/certRequest:CertRequest" && r.name.includes("metrics-receiver"));
        assert.equal(requests.length, 1);
        assert.deepEqual(requests[0].inputs["ipAddresses"], [ip]);
        const signed = run.resources.find((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert" && r.name.includes("metrics-receiver"))!;
        assert.deepEqual(reveal<string[]>(signed.inputs["allowedUses"]), ["digital_signature", "key_encipherment", "server_auth"]);
        // The mock runtime's certPem names the resource that made it (devkit/mock-program.ts).
        const tlsSecret = ofKind("core/v1:Secret").find((s) => metadata(s).name === "remote-write-receiver-tls")!;
        assert.equal(regionOf(tlsSecret), "admin");
        assert.equal(tlsSecret.inputs["type"], "kubernetes.io/tls");
        const tlsData = reveal<Record<string, unknown>>(tlsSecret.inputs["stringData"]);
        assert.match(reveal<string>(tlsData["tls.crt"]), new RegExp(`mock ${signed.name}\\b`));
        assert.ok(isSecretWrapped(tlsSecret.inputs["stringData"]) || isSecretWrapped(tlsData["tls.key"]), "the receiver's key is a secret");
        const caConfigs = ofKind("core/v1:ConfigMap").filter((c) => metadata(c).name === "metrics-agent-remote-write-ca");
        assert.deepEqual(caConfigs.map(regionOf).sort(), [...PROD_REGIONS].sort(), "every agent pins the CA");
        for (const config of caConfigs) assert.match((config.inputs["data"] as Record<string, string>)["ca.crt"], new RegExp(`mock ${cas[0].name}\\b`));
    });

    it("runs one signer exporter per region next to its validators, asking them over the namespace-private RPC", () => {
        const exporters = ofKind("apps/v1:Deployment").filter((d) => metadata(d).name === "signer-exporter");
        assert.deepEqual(exporters.map(regionOf).sort(), [...PROD_REGIONS].sort(), "one exporter per region");
        const chart = parse(readFileSync(path.join(REPO_ROOT, "charts", "besu-node", "values.yaml"), "utf8")) as {
            rpc: { validatorApis: string[]; sentryApis: string[] };
        };
        // qbft_getSignerMetrics is in Besu's QBFT API group: on the validators, never on the public sentries.
        assert.ok(chart.rpc.validatorApis.includes("QBFT"));
        assert.ok(!chart.rpc.sentryApis.includes("QBFT"), "the sentries' RPC is public: no QBFT there");
        const validatorsPerRegion = prodFile.config["chain138:validatorsPerRegion"] as number;
        for (const deployment of exporters) {
            const region = regionOf(deployment);
            // The Besu namespace: the chart's NetworkPolicy admits RPC from its own namespace's pods only.
            assert.equal(metadata(deployment).namespace, "besu");
            const spec = (deployment.inputs["spec"] as { template: { spec: { containers: { args: string[]; ports: { name: string }[] }[] } } }).template.spec;
            const args = spec.containers[0].args;
            const rpc = args.flatMap((a, i) => (args[i - 1] === "--rpc" ? [a] : []));
            assert.equal(rpc.length, validatorsPerRegion, `${region}: one URL per validator of the region`);
            for (const url of rpc)
                assert.match(url, new RegExp(`^http://besu-${region}-validator-\\d+-0\\.besu-headless\\.besu\\.svc\\.cluster\\.local:8545$`));
            // Four turns of every genesis validator.
            const total = (prodFile.config["chain138:regions"] as string[]).length * validatorsPerRegion;
            assert.equal(args[args.indexOf("--window-blocks") + 1], String(4 * total));
            assert.deepEqual(
                spec.containers[0].ports.map((p) => p.name),
                ["metrics"],
                "the port the agent's job keeps",
            );
        }
        assert.ok(!ofKind("core/v1:Service").some((s) => metadata(s).name.includes("signer-exporter")), "no Service for the exporter");
    });

    it("exposes nothing publicly: the agents have no Service, the receiver only an internal load balancer", async () => {
        const agentNamespaces = new Set(
            ofKind("core/v1:Namespace")
                .filter((n) => metadata(n).name === "chain138-monitoring")
                .map((n) => n.urn),
        );
        assert.equal(agentNamespaces.size, PROD_REGIONS.length);
        for (const service of ofKind("core/v1:Service")) {
            const spec = service.inputs["spec"] as { type?: string };
            if (metadata(service).namespace === "chain138-monitoring") assert.fail(`agent Service ${metadata(service).name} exists`);
            if (metadata(service).name === "remote-write-receiver") {
                assert.equal(spec.type, "LoadBalancer");
                assert.equal(metadata(service).annotations?.["service.beta.kubernetes.io/azure-load-balancer-internal"], "true");
            }
            // The policy pack's rule over the same Service, as CrossGuard would run it on this program.
            assert.deepEqual(await validateResource(metricsNotPublic, { type: service.type, name: service.name, props: service.inputs }), [], service.name);
        }
    });

    it("each region's password opens only its own htpasswd entry, and both travel as secrets", () => {
        const htpasswdSecret = ofKind("core/v1:Secret").find((s) => metadata(s).name === "remote-write-htpasswd")!;
        assert.ok(htpasswdSecret.secretInputs.includes("stringData"), "htpasswd is not secret");
        const lines = (reveal<Record<string, string>>(htpasswdSecret.inputs["stringData"])["htpasswd"] ?? "").trim().split("\n");
        assert.equal(lines.length, PROD_REGIONS.length);
        const entries = new Map(lines.map((line) => [line.split(":")[0], line]));
        const passwords = new Map<string, string>();
        for (const secret of ofKind("core/v1:Secret").filter((s) => metadata(s).name === "metrics-agent-remote-write")) {
            assert.ok(secret.secretInputs.includes("stringData"), "the agent password is not secret");
            passwords.set(regionOf(secret), reveal<Record<string, string>>(secret.inputs["stringData"])["remote-write-password"]);
        }
        assert.equal(passwords.size, PROD_REGIONS.length);
        assert.equal(new Set(passwords.values()).size, PROD_REGIONS.length, "regions share a password");
        const [first, second] = PROD_REGIONS;
        assert.ok(sshaMatches(entries.get(first)!, passwords.get(first)!), `${first}'s password fails its own entry`);
        assert.ok(!sshaMatches(entries.get(first)!, passwords.get(second)!), `${second}'s password opens ${first}'s entry`);
        for (const text of lines) assert.ok(!text.includes(SECRET), "the stack secret itself is written out");
    });

    it("deploys the rules with the fleet's quorum and the dashboards for Grafana's sidecar", () => {
        const rule = run.resources.find((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        assert.ok(rule, "no PrometheusRule");
        const groups = (rule.inputs["spec"] as { groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[] }).groups;
        const expectations = groups.find((g) => g.name === "chain138-fleet-expectations")!;
        // 24 regions × 2 validators = 48; Besu's quorum ⌈2·48/3⌉ = 32.
        assert.equal(expectations.rules.find((r) => r.record === "chain138:qbft_quorum")?.expr, "vector(32)");
        assert.ok(groups.some((g) => g.rules.some((r) => r.alert === "Chain138ChainStalled")));
        const dashboards = ofKind("core/v1:ConfigMap").filter((c) => metadata(c).labels?.["grafana_dashboard"] === "1");
        assert.ok(dashboards.length >= 2);
        const chart = run.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs["chart"] === "kube-prometheus-stack")!;
        const sidecar = reveal<Record<string, Record<string, Record<string, Record<string, unknown>>>>>(chart.inputs["values"])["grafana"]["sidecar"][
            "dashboards"
        ];
        assert.equal(sidecar["label"], "grafana_dashboard");
        assert.equal(sidecar["labelValue"], "1");
    });

    it("hands Alertmanager a config the real amtool accepts, routing by severity, credentials secret", () => {
        const chart = run.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs["chart"] === "kube-prometheus-stack")!;
        assert.ok(
            chart.secretInputs.includes("values") || isSecretWrapped(chart.inputs["values"]),
            "the chart values carry receiver credentials but are not secret",
        );
        const config = reveal<{ alertmanager: { config: { route: { routes: { receiver: string; matchers: string[] }[] } } } }>(chart.inputs["values"])
            .alertmanager.config;
        const routeOf = (severity: string) => config.route.routes.find((r) => r.matchers.includes(`severity = "${severity}"`))?.receiver;
        assert.equal(routeOf("critical"), "oncall");
        assert.equal(routeOf("warning"), "team");
        const work = tempDir("chain138-am-");
        try {
            const file = path.join(work.dir, "alertmanager.yml");
            writeFileSync(file, stringify(config));
            const check = spawnSync("amtool", ["check-config", file], { encoding: "utf8", timeout: 60_000 });
            assert.equal(check.error, undefined, "amtool missing: apt-get install -y prometheus-alertmanager");
            assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
        } finally {
            work.cleanup();
        }
    });
});

describe("fleet observability config", () => {
    it("without monitoring: rules and dashboards, but no agent and no receiver", async () => {
        const bare = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
        assert.ok(bare.resources.some((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule"));
        assert.ok(
            !bare.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment" && (r.inputs["metadata"] as { name: string }).name === "metrics-agent"),
        );
        assert.ok(
            !bare.resources.some((r) => r.type === "kubernetes:core/v1:Service" && (r.inputs["metadata"] as { name: string }).name === "remote-write-receiver"),
        );
    });

    it("refuses monitoring in plain text without echoing the secret, and a route to an unknown receiver", async () => {
        const plain = await runFailingProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY }, overrides: { monitoring } });
        assert.ok(pulumi.RunError.isInstance(plain.error));
        assert.match(plain.error.message, /chain138:monitoring holds the remote-write secret .* stored in plain text/);
        assert.ok(!plain.error.message.includes(SECRET) && !plain.error.message.includes("T0K3N"));
        const badRoute = await runFailingProgram({
            stack: "prod",
            secrets: { deployerKey: TEST_DEPLOYER_KEY, monitoring: JSON.stringify({ ...monitoring, route: { critical: "pager", warning: "team" } }) },
        });
        assert.match(badRoute.error.message, /chain138:monitoring.route.critical: no receiver named "pager"/);
        assert.equal(badRoute.resources.length, 0);
    });
});
