// Pure peer-topology rules of the fleet: who dials whom, who may connect, which source IPs are allowed.
import { isIpv4, parseEnodeUrl } from "./keys";
import { BESU_NAMESPACE, BESU_RELEASE } from "../../stack/names";

/** One fleet node as the topology rules see it. */
export interface FleetPeer {
    /** Node name, unique in the fleet (e.g. `eastus-validator-0`). */
    name: string;
    /** Azure location of the node. */
    region: string;
    /** Consensus role. */
    role: "validator" | "sentry";
    /** `enode://<id>@<ip>:<port>`. */
    enode: string;
}

/** Checks that names, enode ids and IP:port endpoints are unique across the fleet; names the clash. */
export function checkFleet(peers: readonly FleetPeer[]): void {
    const names = new Map<string, string>();
    const ids = new Map<string, string>();
    const endpoints = new Map<string, string>();
    for (const p of peers) {
        const { id, ip, port } = parseEnodeUrl(p.enode);
        for (const [seen, key, what] of [
            [names, p.name, "name"],
            [ids, id, "enode id"],
            [endpoints, `${ip}:${port}`, "P2P endpoint"],
        ] as const) {
            const other = seen.get(key);
            if (other !== undefined) throw new Error(`fleet nodes ${other} and ${p.name} share the same ${what} (${key.slice(0, 24)})`);
            seen.set(key, p.name);
        }
    }
}

/**
 * How a node is named inside its own cluster: the besu-node chart's StatefulSet `<release>-<node>` (one replica,
 * so pod `<release>-<node>-0`) governed by the headless Service `<release>-headless`. Kubernetes gives such a pod
 * the DNS name `<pod>.<service>.<namespace>.svc.<cluster domain>` (StatefulSet docs, "Stable Network ID"), which
 * resolves to the pod's IP — also while it is not Ready, since the Service publishes not-ready addresses.
 */
export interface InClusterNaming {
    readonly release: string;
    readonly namespace: string;
    readonly clusterDomain: string;
}

/** The names RegionDeployment installs the chart under. */
export const DEFAULT_IN_CLUSTER: InClusterNaming = { release: BESU_RELEASE, namespace: BESU_NAMESPACE, clusterDomain: "cluster.local" };

/** A node's pod DNS name in its own cluster. */
export function inClusterHost(nodeName: string, naming: InClusterNaming = DEFAULT_IN_CLUSTER): string {
    return `${naming.release}-${nodeName}-0.${naming.release}-headless.${naming.namespace}.svc.${naming.clusterDomain}`;
}

/** A node's enode at its in-cluster DNS name (same id and port as its public enode). */
export function inClusterEnode(peer: FleetPeer, naming: InClusterNaming = DEFAULT_IN_CLUSTER): string {
    const { id, port } = parseEnodeUrl(peer.enode);
    return `enode://${id}@${inClusterHost(peer.name, naming)}:${port}`;
}

/**
 * How `from` dials `to`. Inside one cluster, traffic to a LoadBalancer IP never reaches the load balancer:
 * kube-proxy and Cilium hand it straight to the pod (Kubernetes "LoadBalancer IP mode"; blog 2023-12-18), so the
 * listener would see the dialer's pod IP, which no public-IP allowlist entry admits. Same-region peers therefore
 * dial each other's pod DNS names; other regions are dialled at their public P2P IPs.
 */
export function dialEnode(from: FleetPeer, to: FleetPeer, naming: InClusterNaming = DEFAULT_IN_CLUSTER): string {
    return from.region === to.region ? inClusterEnode(to, naming) : to.enode;
}

/** A validator's static nodes: every other validator of the fleet (QBFT needs a validator full mesh). */
export function validatorStaticNodes(peers: readonly FleetPeer[], self: string, naming: InClusterNaming = DEFAULT_IN_CLUSTER): string[] {
    const me = peers.find((p) => p.name === self && p.role === "validator");
    if (me === undefined) {
        throw new Error(`validatorStaticNodes: ${self} is not a validator of the fleet`);
    }
    return peers.filter((p) => p.role === "validator" && p.name !== self).map((p) => dialEnode(me, p, naming));
}

/** A sentry's static nodes: the validators of its own region, at their in-cluster names. */
export function sentryStaticNodes(peers: readonly FleetPeer[], region: string, naming: InClusterNaming = DEFAULT_IN_CLUSTER): string[] {
    return peers.filter((p) => p.role === "validator" && p.region === region).map((p) => inClusterEnode(p, naming));
}

/**
 * One region's allowlist: the fleet's ({@link nodesAllowlist}) plus the region's own nodes at their in-cluster
 * names, which Besu resolves to pod IPs (`--Xdns-enabled`, and `--Xdns-update-enabled` to follow a restarted
 * pod's new IP). Only this cluster's names: a name that does not resolve when Besu starts becomes 127.0.0.1 for
 * good (EnodeURLImpl.Builder.ipAddress), so another region's names would be dead entries.
 */
export function regionAllowlist(
    peers: readonly FleetPeer[],
    egressIps: Readonly<Record<string, string>>,
    region: string,
    naming: InClusterNaming = DEFAULT_IN_CLUSTER,
): string[] {
    return [...nodesAllowlist(peers, egressIps), ...peers.filter((p) => p.region === region).map((p) => inClusterEnode(p, naming))];
}

/** The in-cluster DNS names of a region's nodes (the chart waits for them before starting Besu). */
export function regionInClusterHosts(
    peers: readonly Pick<FleetPeer, "name" | "region">[],
    region: string,
    naming: InClusterNaming = DEFAULT_IN_CLUSTER,
): string[] {
    return peers.filter((p) => p.region === region).map((p) => inClusterHost(p.name, naming));
}

/**
 * The node-permissioning allowlist: every fleet enode (fleet order), then, when `egressIps` maps a region
 * to its egress IP, every node's id at its region's egress IP.
 *
 * Why the second part: Besu's allowlist matches an inbound peer on (id, source IP, advertised port), and
 * a connection a node initiates leaves the cluster through the region's outbound SNAT IP, not through the
 * node's P2P LoadBalancer IP. With AKS's outbound IP pinned to the region egress IP, listing
 * `enode://<id>@<egress ip>:<port>` admits exactly the fleet's keys arriving from the fleet's egress IPs.
 */
export function nodesAllowlist(peers: readonly FleetPeer[], egressIps: Readonly<Record<string, string>> = {}): string[] {
    const out = peers.map((p) => p.enode);
    for (const p of peers) {
        const egress = egressIps[p.region];
        if (egress === undefined) continue;
        if (!isIpv4(egress)) throw new Error(`egress IP of ${p.region} is not an IPv4 address: ${JSON.stringify(egress)}`);
        const { id, ip, port } = parseEnodeUrl(p.enode);
        // An own cluster's connections may leave from its nodes' own address (NodePort on the host): its enode admits
        // them already. (On AKS the egress and node IPs are distinct Azure IPs: BesuNetwork refuses an address twice.)
        if (egress === ip) continue;
        out.push(`enode://${id}@${egress}:${port}`);
    }
    const dup = out.find((e, i) => out.indexOf(e) !== i);
    if (dup !== undefined) throw new Error(`allowlist entry ${dup.slice(0, 30)}… appears twice (an egress IP equals a node IP?)`);
    return out;
}

/** Fleet public IPs as sorted, de-duplicated `/32` CIDRs (NSG rules, `loadBalancerSourceRanges`). */
export function fleetCidrs(ips: readonly string[]): string[] {
    for (const ip of ips) {
        if (!isIpv4(ip)) throw new Error(`fleet IP is not an IPv4 address: ${JSON.stringify(ip)}`);
    }
    const key = (ip: string) => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    return [...new Set(ips)].sort((a, b) => key(a) - key(b)).map((ip) => `${ip}/32`);
}
