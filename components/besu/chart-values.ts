// Pure mapping from a region's resolved Besu inputs to besu-node chart values (no Pulumi, no secrets).

/** One node as the chart sees it (resolved values; never the key). */
export interface ChartNode {
    /** Node name (with a node-key Secret, also its entry `<name>.key`). */
    name: string;
    /** The Key Vault secret holding its key (Key Vault mode). */
    keySecretName?: string;
    /** Static public IPv4 address. */
    publicIp: string;
    /** Azure name of the public IP resource (AKS regions only). */
    publicIpName?: string;
    /** The node's own P2P port when it differs from the fleet's (own clusters' NodePorts). */
    p2pPort?: number;
    /** The Kubernetes node it is pinned to (kubernetes.io/hostname), own clusters' NodePorts only. */
    host?: string;
    /** Static peers (enode URLs). */
    staticNodes: string[];
}

/** A region's resolved fleet inputs. */
export interface ChartFleetInputs {
    /** Genesis JSON. */
    genesisJson: string;
    /** The region's validators. */
    validators: ChartNode[];
    /** The region's sentries. */
    sentries: ChartNode[];
    /** The region's allowlist (fleet enodes, egress entries, the region's in-cluster names). */
    nodesAllowlist: string[];
    /** In-cluster DNS names of the region's nodes. */
    inClusterHosts: string[];
    /** Every fleet IP as /32. */
    fleetCidrs: string[];
    /** Resource group of the public IPs (AKS regions only). */
    p2pResourceGroupName?: string;
    /** devp2p port. */
    p2pPort: number;
    /** How the P2P Services are published (the chart's p2p.publishing). Default AzureLoadBalancer (AKS). */
    p2pPublishing?: "AzureLoadBalancer" | "LoadBalancer" | "NodePort";
}

/** Where the chart's pods read their keys: a node-key Secret, or the region's Key Vault through the CSI driver. */
export type ChartNodeKeys = { secretName: string } | { keyVault: { name: string; tenantId: string; clientId: string; serviceAccountName: string } };

/** Value paths that only the fleet inputs may set; overrides touching them are rejected. */
export const FLEET_OWNED_VALUES: readonly string[] = [
    "genesis",
    "nodeKeys",
    "validators",
    "sentries",
    "permissions",
    "p2p.port",
    "p2p.sourceRanges",
    "p2p.publicIpResourceGroup",
    "p2p.inClusterHosts",
    "p2p.publishing",
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, arrays and scalars replace. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
        out[k] = isPlainObject(v) && isPlainObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
    }
    return out;
}

/** Throws when `overrides` sets a fleet-owned path. */
function checkOverrides(overrides: Record<string, unknown>): void {
    for (const path of FLEET_OWNED_VALUES) {
        let cur: unknown = overrides;
        let hit = true;
        for (const part of path.split(".")) {
            if (!isPlainObject(cur) || !(part in cur)) {
                hit = false;
                break;
            }
            cur = cur[part];
        }
        if (hit) throw new Error(`besu chart override "${path}" is not allowed: it comes from RegionBesuInputs`);
    }
}

/**
 * Builds the chart values of one region; `nodeKeys` says where the pods read their keys. `overrides` (deep-merged last) may tune anything except
 * {@link FLEET_OWNED_VALUES}; the chart's values.schema.json validates the result when it renders.
 */
export function besuChartValues(fleet: ChartFleetInputs, nodeKeys: string | ChartNodeKeys, overrides: Record<string, unknown> = {}): Record<string, Json> {
    checkOverrides(overrides);
    const node = (n: ChartNode) => ({
        name: n.name,
        ...(n.keySecretName === undefined ? {} : { keySecretName: n.keySecretName }),
        publicIp: n.publicIp,
        ...(n.publicIpName === undefined ? {} : { publicIpName: n.publicIpName }),
        ...(n.p2pPort === undefined || n.p2pPort === fleet.p2pPort ? {} : { p2pPort: n.p2pPort }),
        ...(n.host === undefined ? {} : { host: n.host }),
        staticNodes: [...n.staticNodes],
    });
    const base: Record<string, unknown> = {
        genesis: { json: fleet.genesisJson },
        // A plain string names a node-key Secret (charts rendered outside the program: tests, other clusters).
        nodeKeys: typeof nodeKeys === "string" ? { secretName: nodeKeys } : nodeKeys,
        p2p: {
            port: fleet.p2pPort,
            publishing: fleet.p2pPublishing ?? "AzureLoadBalancer",
            publicIpResourceGroup: fleet.p2pResourceGroupName ?? "",
            sourceRanges: [...fleet.fleetCidrs],
            inClusterHosts: [...fleet.inClusterHosts],
        },
        permissions: { nodesAllowlist: [...fleet.nodesAllowlist] },
        validators: fleet.validators.map(node),
        sentries: fleet.sentries.map(node),
    };
    return merge(base, overrides) as Record<string, Json>;
}
