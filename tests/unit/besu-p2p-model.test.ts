// A model of the fleet's P2P network, built from what Kubernetes, Azure and Besu document, run over the rendered
// chart of every region: for each link that must exist (the validator full mesh; each sentry to its region's
// validators) it follows the dial from the dialer's static nodes to the listener and checks the listener admits it.
//
// Rules the model encodes (each from its source, none from the code under test):
// - StatefulSet pods are named <statefulset>-<ordinal>; with a headless governing Service (clusterIP None) a pod
//   gets <pod>.<service>.<namespace>.svc.cluster.local, resolving to its IP; with publishNotReadyAddresses also
//   while not Ready (Kubernetes docs: StatefulSet "Stable Network ID", Service "publishNotReadyAddresses").
// - Inside a cluster, traffic to a LoadBalancer Service's IP is delivered straight to a backing pod by kube-proxy
//   and Cilium; the pod sees the client's pod IP (Kubernetes "LoadBalancer IP mode", blog 2023-12-18).
// - Traffic to another cluster's public IP leaves through the dialer's outbound SNAT IP (the AKS outbound IP) and
//   reaches the listener's pod with that source only under externalTrafficPolicy: Local (Kubernetes "Preserving the
//   client source IP"), after the NSG rules of the listener's subnet and the Service's loadBalancerSourceRanges.
// - Besu admits an inbound peer when an allowlist entry equals (node id, TCP source address, advertised listening
//   port) (DeFramer.createPeer builds the peer from the source address; EnodeURLImpl.sameListeningEndpoint), and
//   dials only static nodes that are in its own allowlist (RlpxAgent). With --Xdns-enabled a host name is resolved
//   at start; one that does not resolve becomes 127.0.0.1 (EnodeURLImpl.Builder.ipAddress); names are resolved in
//   the node's own cluster only.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { besuChartValues, type ChartFleetInputs } from "../../components/besu/chart-values";
import { nodesAllowlist } from "../../components/besu/peers";
import { BESU_CHART_PATH } from "../../components/besu/release";
import { p2pSecurityRules } from "../../components/region-deployment";
import { buildPlainFleet, type PlainFleet } from "../support/besu-fleet";
import { parseFlatToml } from "../support/besu-toml";
import { runHelm } from "../support/helm";

const REGIONS = ["uksouth", "northeurope", "japaneast", "ukwest"];
const NAMESPACE = "besu";
type K8sObject = {
    kind: string;
    metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: Record<string, unknown>;
    data?: Record<string, string>;
};

interface Pod {
    region: string;
    node: string;
    ip: string;
    id: string;
    labels: Record<string, string>;
    listenPort: number;
    staticNodes: string[];
    allowlist: string[];
    dnsFlags: boolean;
}

interface Cluster {
    region: string;
    objects: K8sObject[];
    pods: Pod[];
    dns: Map<string, string>;
    /** Public P2P IP → the node its LoadBalancer Service selects. */
    loadBalancers: Map<string, { node: string; sourceRanges: string[]; externalTrafficPolicy: string }>;
    nsgSources: string[];
    egressIp: string;
}

function render(values: Record<string, unknown>): K8sObject[] {
    const dir = mkdtempSync(join(tmpdir(), "p2p-model-"));
    try {
        writeFileSync(join(dir, "values.json"), JSON.stringify(values));
        const res = runHelm(["template", "besu", BESU_CHART_PATH, "--namespace", NAMESPACE, "-f", join(dir, "values.json")]);
        if (res.status !== 0) throw new Error(res.stderr);
        return parseAllDocuments(res.stdout)
            .map((d) => d.toJS() as K8sObject | null)
            .filter((o): o is K8sObject => o !== null);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const parseEnode = (enode: string) => {
    const m = /^enode:\/\/([0-9a-f]{128})@([^:]+):(\d+)$/.exec(enode);
    assert.ok(m, `not an enode: ${enode}`);
    return { id: m[1], host: m[2], port: Number(m[3]) };
};
const isIp = (host: string) => /^\d+\.\d+\.\d+\.\d+$/.test(host);

function buildCluster(fleet: PlainFleet, region: string, index: number, inputs: ChartFleetInputs): Cluster {
    const objects = render(besuChartValues(inputs, "besu-node-keys"));
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    const configMaps = new Map(byKind("ConfigMap").map((c) => [c.metadata.name, c.data ?? {}]));
    const allowlistToml = parseFlatToml([...configMaps.values()].find((d) => "permissions_config.toml" in d)!["permissions_config.toml"]);
    const pods: Pod[] = byKind("StatefulSet").map((sts, i) => {
        const template = sts.spec!["template"] as {
            metadata: { labels: Record<string, string> };
            spec: { containers: { args: string[] }[]; volumes: { name: string; configMap?: { name: string } }[] };
        };
        const node = template.metadata.labels["chain138.io/node"];
        const config = configMaps.get(template.spec.volumes.find((v) => v.name === "config")!.configMap!.name)!;
        const toml = parseFlatToml(config["config.toml"]);
        const args = template.spec.containers[0].args;
        return {
            region,
            node,
            ip: `10.244.${index}.${i + 10}`,
            id: parseEnode(fleet.nodes.find((n) => n.name === node)!.enode).id,
            labels: template.metadata.labels,
            listenPort: Number(toml["p2p-port"]),
            staticNodes: JSON.parse(config["static-nodes.json"]) as string[],
            allowlist: allowlistToml["nodes-allowlist"] as string[],
            dnsFlags: args.includes("--Xdns-enabled=true") && args.includes("--Xdns-update-enabled=true"),
        };
    });
    // Cluster DNS: a StatefulSet pod's name, under its governing Service when that Service is headless and selects it.
    const dns = new Map<string, string>();
    for (const sts of byKind("StatefulSet")) {
        const service = byKind("Service").find((s) => s.metadata.name === sts.spec!["serviceName"]);
        const pod = pods.find(
            (p) => p.node === (sts.spec!["template"] as { metadata: { labels: Record<string, string> } }).metadata.labels["chain138.io/node"],
        )!;
        if (service === undefined || service.spec!["clusterIP"] !== "None" || service.spec!["publishNotReadyAddresses"] !== true) continue;
        if (!matches(service.spec!["selector"] as Record<string, string>, pod.labels)) continue;
        dns.set(`${sts.metadata.name}-0.${service.metadata.name}.${NAMESPACE}.svc.cluster.local`, pod.ip);
    }
    const loadBalancers = new Map<string, { node: string; sourceRanges: string[]; externalTrafficPolicy: string }>();
    for (const service of byKind("Service").filter((s) => s.spec!["type"] === "LoadBalancer")) {
        const ip = service.metadata.annotations!["service.beta.kubernetes.io/azure-load-balancer-ipv4"];
        const pod = pods.find((p) => matches(service.spec!["selector"] as Record<string, string>, p.labels))!;
        loadBalancers.set(ip, {
            node: pod.node,
            sourceRanges: service.spec!["loadBalancerSourceRanges"] as string[],
            externalTrafficPolicy: String(service.spec!["externalTrafficPolicy"]),
        });
    }
    const allow = p2pSecurityRules(inputs.fleetCidrs).find((r) => r.access === "Allow")!;
    return { region, objects, pods, dns, loadBalancers, nsgSources: allow.sourceAddressPrefixes as string[], egressIp: fleet.egressIps[region] };
}

/** What Besu makes of an enode in `cluster`: its (id, ip, port); a name it cannot resolve is 127.0.0.1. */
function resolve(cluster: Cluster, pod: Pod, enode: string) {
    const { id, host, port } = parseEnode(enode);
    if (isIp(host)) return { id, ip: host, port };
    assert.ok(pod.dnsFlags, `${pod.node} lists the DNS name ${host} without --Xdns-enabled/--Xdns-update-enabled`);
    return { id, ip: cluster.dns.get(host) ?? "127.0.0.1", port };
}

/** Follows one dial; returns why it fails, or undefined when the listener admits it. */
function dial(clusters: Map<string, Cluster>, from: Pod, to: Pod): string | undefined {
    const home = clusters.get(from.region)!;
    const entry = from.staticNodes.find((e) => parseEnode(e).id === to.id);
    if (entry === undefined) return `${to.node} is not in ${from.node}'s static nodes`;
    const target = resolve(home, from, entry);
    if (!from.allowlist.some((a) => JSON.stringify(resolve(home, from, a)) === JSON.stringify(target)))
        return `${from.node} may not dial ${entry} (not in its own allowlist)`;
    let listener: Pod | undefined;
    let source: string;
    const inCluster = home.pods.find((p) => p.ip === target.ip);
    const ownLoadBalancer = home.loadBalancers.get(target.ip);
    if (inCluster !== undefined || ownLoadBalancer !== undefined) {
        // Pod IP, or this cluster's own LoadBalancer IP (short-circuited to the pod): the source stays the pod IP.
        listener = inCluster ?? home.pods.find((p) => p.node === ownLoadBalancer!.node);
        source = from.ip;
    } else {
        const remote = [...clusters.values()].find((c) => c.loadBalancers.has(target.ip));
        if (remote === undefined) return `${entry} resolves to ${target.ip}, which is nobody`;
        const lb = remote.loadBalancers.get(target.ip)!;
        source = home.egressIp;
        if (!remote.nsgSources.includes(`${source}/32`)) return `${remote.region}'s NSG drops ${source}`;
        if (!lb.sourceRanges.includes(`${source}/32`)) return `${lb.node}'s loadBalancerSourceRanges drop ${source}`;
        if (lb.externalTrafficPolicy !== "Local") return `${lb.node}'s Service hides the source address (externalTrafficPolicy ${lb.externalTrafficPolicy})`;
        listener = remote.pods.find((p) => p.node === lb.node);
    }
    if (listener === undefined || listener.id !== to.id) return `${entry} reaches ${listener?.node ?? "no pod"}, not ${to.node}`;
    const seen = { id: from.id, ip: source, port: from.listenPort };
    const admitted = listener.allowlist.some((a) => JSON.stringify(resolve(clusters.get(listener.region)!, listener, a)) === JSON.stringify(seen));
    return admitted
        ? undefined
        : `${listener.node} refuses ${from.node}: no allowlist entry for its id at ${source}:${from.listenPort} ("Node is not permitted to connect")`;
}

/** Every link the chain needs: the validator full mesh, and each sentry to its region's validators. */
function requiredLinks(clusters: Map<string, Cluster>): [Pod, Pod][] {
    const pods = [...clusters.values()].flatMap((c) => c.pods);
    const validators = pods.filter((p) => p.labels["app.kubernetes.io/component"] === "validator");
    const sentries = pods.filter((p) => p.labels["app.kubernetes.io/component"] === "sentry");
    return [
        ...validators.flatMap((a) => validators.filter((b) => b !== a).map((b): [Pod, Pod] => [a, b])),
        ...sentries.flatMap((s) => validators.filter((v) => v.region === s.region).map((v): [Pod, Pod] => [s, v])),
    ];
}

describe("P2P network model over the rendered charts", () => {
    let fleet: PlainFleet;
    let clusters: Map<string, Cluster>;

    before(() => {
        fleet = buildPlainFleet(2, 1, REGIONS);
        clusters = new Map(REGIONS.map((r, i) => [r, buildCluster(fleet, r, i, fleet.region(r))]));
    });

    it("admits every link of the validator mesh and every sentry-to-validator link", () => {
        const links = requiredLinks(clusters);
        assert.equal(links.length, 8 * 7 + 4 * 2);
        const failures = links.map(([a, b]) => dial(clusters, a, b)).filter((f): f is string => f !== undefined);
        assert.deepEqual(failures, []);
    });

    it("dials same-cluster peers inside the cluster and other regions at their public IPs", () => {
        for (const [from, to] of requiredLinks(clusters)) {
            const { host } = parseEnode(from.staticNodes.find((e) => parseEnode(e).id === to.id)!);
            assert.equal(isIp(host), from.region !== to.region, `${from.node} → ${to.node} via ${host}`);
        }
    });

    it("would refuse same-cluster links dialled at public IPs (the model sees the pod-IP source)", () => {
        // The previous topology: every static node at its public P2P IP, the allowlist public and egress IPs only.
        const publicOnly = (region: string): ChartFleetInputs => {
            const inputs = fleet.region(region);
            const publicEnode = (e: string) => fleet.nodes.find((n) => n.enode.startsWith(e.slice(0, 136)))!.enode;
            const nodes = (list: ChartFleetInputs["validators"]) => list.map((n) => ({ ...n, staticNodes: n.staticNodes.map(publicEnode) }));
            return {
                ...inputs,
                validators: nodes(inputs.validators),
                sentries: nodes(inputs.sentries),
                nodesAllowlist: nodesAllowlist(fleet.nodes, fleet.egressIps),
                inClusterHosts: [],
            };
        };
        const old = new Map(REGIONS.map((r, i) => [r, buildCluster(fleet, r, i, publicOnly(r))]));
        const failures = requiredLinks(old)
            .map(([a, b]) => [a, b, dial(old, a, b)] as const)
            .filter(([, , f]) => f !== undefined);
        // Exactly the same-region links fail: 2 validator pairs × 2 directions + 2 sentry links, per region.
        assert.equal(failures.length, REGIONS.length * 4);
        for (const [a, b, why] of failures) {
            assert.equal(a.region, b.region);
            assert.match(why!, /Node is not permitted to connect/);
        }
    });

    it("puts no other cluster's DNS names in a node's lists (they would become 127.0.0.1)", () => {
        for (const cluster of clusters.values()) {
            for (const pod of cluster.pods) {
                for (const entry of [...pod.staticNodes, ...pod.allowlist]) {
                    const { host } = parseEnode(entry);
                    if (!isIp(host)) assert.ok(cluster.dns.has(host), `${pod.node}: ${host} does not resolve in ${cluster.region}`);
                }
            }
        }
    });
});
