// The static public IPs BesuNetwork allocates in one region. One function for the network (which creates exactly
// these) and for `npm run preflight` (which checks the region's Standard public IP quota can hold them).
// No Pulumi imports: the ops tools load it without the SDK.

/** A region's Besu nodes, in fleet order: its validators, then its sentries. */
export interface RegionNodeCounts {
    region: string;
    validatorCount: number;
    sentryCount: number;
    /** Whether the region serves JSON-RPC publicly (one more IP, the rpc-gateway's). Default false. */
    publicRpc?: boolean;
}

/** One Standard static public IP of the region: a node's P2P address, or the region's egress (AKS outbound) address. */
export interface BesuPublicIp {
    /** The PublicIPAddress's Azure name. */
    ipName: string;
    role: "validator" | "sentry" | "egress" | "rpc";
    /** The node whose P2P address it is (`<region>-validator-<i>`); undefined for the egress and RPC IPs. */
    node?: string;
}

/** The region's node names: `<region>-validator-<i>`, then `<region>-sentry-<i>`. */
export function regionNodeNames(spec: RegionNodeCounts): { name: string; role: "validator" | "sentry"; index: number }[] {
    const nodes: { name: string; role: "validator" | "sentry"; index: number }[] = [];
    for (let v = 0; v < spec.validatorCount; v++) nodes.push({ name: `${spec.region}-validator-${v}`, role: "validator", index: v });
    for (let s = 0; s < spec.sentryCount; s++) nodes.push({ name: `${spec.region}-sentry-${s}`, role: "sentry", index: s });
    return nodes;
}

/**
 * Every static public IP of the region: its egress IP first, then one per node. Each node has its own LoadBalancer
 * Service on its own address (so every enode is known before any cluster exists), and the egress IP is the
 * cluster's only outbound address, which every peer admits.
 */
export function besuPublicIps(spec: RegionNodeCounts): BesuPublicIp[] {
    return [
        { ipName: `${spec.region}-egress`, role: "egress" },
        ...regionNodeNames(spec).map((n) => ({ ipName: `${n.name}-p2p`, role: n.role, node: n.name })),
        // The public JSON-RPC endpoint's address (rpc-gateway), when the fleet serves RPC publicly and has sentries.
        ...(spec.publicRpc === true && spec.sentryCount > 0 ? [{ ipName: `${spec.region}-rpc`, role: "rpc" as const }] : []),
    ];
}
