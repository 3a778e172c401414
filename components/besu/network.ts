// BesuNetwork: node keys, static P2P public IPs, the one genesis and every peer list of the fleet.
//
// Everything here exists before any cluster does: a key and a static IP per node give every enode URL up
// front, so each region's deployment receives complete peer lists and never depends on another region.
// Keys are generated into their region's own Key Vault (vault-node-key.ts): this program and its state see only
// their public side.
import { GenesisLock, type ValidatorChanges } from "./genesis-lock";
import * as pulumi from "@pulumi/pulumi";
import * as azure from "@pulumi/azure-native";
import { buildQbftGenesis, renderGenesisJson, type QbftTiming } from "./genesis";
import { enodeUrl } from "./keys";
import { BESU_P2P_PORT, P2P_RESOURCE_GROUP_PREFIX, p2pResourceGroupName } from "../../stack/names";
import { besuPublicIps, regionNodeNames } from "./public-ips";
import { VaultNodeKey } from "./vault-node-key";
import { NodeKey } from "./node-key";
import { createRegionKeyVault, type RegionKeyVault } from "./key-vaults";
import {
    checkFleet,
    fleetCidrs,
    nodesAllowlist,
    regionAllowlist,
    regionInClusterHosts,
    sentryStaticNodes,
    validatorStaticNodes,
    type FleetPeer,
} from "./peers";
import type { BesuNodeInputs, RegionBesuInputs } from "./types";

export type { BesuNodeInputs, RegionBesuInputs } from "./types";

/** One validator region of the fleet. */
export interface BesuRegionSpec {
    /** Azure location, lowercase (e.g. `eastus`). Required. */
    region: string;
    /** Validators in the region. Required (the fleet runs 2). */
    validatorCount: number;
    /** Sentry/RPC nodes in the region. Required (0 allowed). */
    sentryCount: number;
    /** Availability zones of the region; empty for a region without zones. Required. */
    zones: string[];
    /**
     * An own cluster's addressing (`chain138:clusters`): the operator's addresses instead of Azure static IPs, and no
     * Azure resource for the region. Default: AKS (a static public IP per node and an egress IP).
     */
    ownCluster?: OwnClusterAddressing;
}

/** Where an own cluster's nodes are reached (config/own-clusters.ts). */
export interface OwnClusterAddressing {
    publishing: "LoadBalancer" | "NodePort";
    /** Per node of the region, in node order (validators, then sentries): its P2P address and port, and the Kubernetes node it is pinned to. */
    nodes: readonly { readonly address: string; readonly port: number; readonly host?: string }[];
    /** The address the cluster's outbound connections leave from. */
    egressAddress: string;
}

/** Genesis knobs beyond the required ones. */
export interface BesuGenesisOptions {
    /** Deployer balance in wei. Default 1,000,000 ether. */
    deployerBalanceWei?: bigint;
    /** Block gas limit. Default 30,000,000. */
    gasLimit?: bigint;
    /** Genesis base fee in wei. Default 1 gwei. */
    baseFeePerGas?: bigint;
    /** Genesis timestamp (seconds). Default 0. */
    timestamp?: number;
    /** QBFT timing. Default 2 s blocks, epoch 30000, 10 s request timeout. */
    qbft?: QbftTiming;
}

/** Arguments of {@link BesuNetwork}. */
export interface BesuNetworkArgs {
    /** EIP-155 chain id. Required (Chain 138: 138). */
    chainId: number;
    /** Deployer account funded at genesis. Required. */
    deployerAddress: pulumi.Input<string>;
    /** Multicall3 runtime code (`deployedBytecode`), predeployed at 0xcA11…CA11. Required. */
    multicall3RuntimeCode: pulumi.Input<string>;
    /** Validator regions, in fleet order. Required, non-empty, distinct region names. */
    regions: BesuRegionSpec[];
    /** Tags for every Azure resource. Default none. */
    tags?: Record<string, string>;
    /** devp2p port of every node. Default 30303. */
    p2pPort?: number;
    /** Prefix of the per-region P2P resource groups (`<prefix>-<region>`). Default `chain138-p2p`. */
    p2pResourceGroupPrefix?: string;
    /** Key rotation marker passed to every VaultNodeKey; changing it generates new keys under new secret names. Default `"1"`. */
    keyRotation?: string;
    /** Genesis options. Defaults as documented on {@link BesuGenesisOptions}. */
    genesis?: BesuGenesisOptions;
    /** Give every region a static public IP for its public JSON-RPC endpoint (the rpc-gateway). Default false. */
    publicRpc?: boolean;
    /**
     * Where the AKS regions' node keys are kept: one Key Vault per region (components/besu/key-vaults.ts). Required with
     * AKS regions; own clusters keep their keys in the stack's state (NodeKey: README "Own clusters").
     */
    keyCustody?: KeyCustodyArgs;
}

/** What the per-region key vaults need. */
export interface KeyCustodyArgs {
    /** Stack environment (part of each vault's name). */
    environment: string;
    subscriptionId: string;
    /** Entra tenant of the vaults. */
    tenantId: string;
    /** Object id of the identity running `pulumi up` (it writes the keys). */
    writerObjectId: string;
    /** IPv4 CIDRs of the machines running `pulumi up` (the vaults' firewall admits them and the region's egress IP). */
    writerCidrs: pulumi.Input<string[]>;
}

interface PlannedNode {
    name: string;
    region: string;
    role: "validator" | "sentry";
    index: number;
    zones: string[];
}

/** Validates the args and lays out the fleet's nodes in a stable order. Throws a message naming the culprit. */
export function planFleet(args: Pick<BesuNetworkArgs, "chainId" | "regions" | "p2pPort">): PlannedNode[] {
    if (!Number.isSafeInteger(args.chainId) || args.chainId <= 0) {
        throw new Error(`chainId must be a positive integer; got ${args.chainId}`);
    }
    const port = args.p2pPort ?? BESU_P2P_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`p2pPort must be in 1..65535; got ${port}`);
    if (!Array.isArray(args.regions) || args.regions.length === 0) throw new Error("regions must list at least one region");
    const seen = new Set<string>();
    const nodes: PlannedNode[] = [];
    for (const [i, r] of args.regions.entries()) {
        if (typeof r.region !== "string" || !/^[a-z][a-z0-9]{1,39}$/.test(r.region)) {
            throw new Error(`regions[${i}].region must be a lowercase Azure location like "eastus"; got ${JSON.stringify(r.region)}`);
        }
        if (seen.has(r.region)) throw new Error(`regions[${i}]: region ${r.region} is listed twice`);
        seen.add(r.region);
        for (const key of ["validatorCount", "sentryCount"] as const) {
            if (!Number.isSafeInteger(r[key]) || r[key] < 0 || r[key] > 64) {
                throw new Error(`regions[${i}] (${r.region}).${key} must be an integer in 0..64; got ${r[key]}`);
            }
        }
        if (!Array.isArray(r.zones) || !r.zones.every((z) => typeof z === "string" && /^[1-9]$/.test(z)) || new Set(r.zones).size !== r.zones.length) {
            throw new Error(`regions[${i}] (${r.region}).zones must be distinct zone numbers like ["1","2","3"] (or []); got ${JSON.stringify(r.zones)}`);
        }
        const names = regionNodeNames(r);
        if (r.ownCluster !== undefined && r.ownCluster.nodes.length !== names.length) {
            throw new Error(`regions[${i}] (${r.region}): the own cluster gives ${r.ownCluster.nodes.length} P2P addresses for ${names.length} nodes`);
        }
        for (const n of names) nodes.push({ ...n, region: r.region, zones: r.zones });
    }
    // At least 4 validators (one fault tolerated) is checked with the rest of the stack config (config/fleet-config.ts).
    return nodes;
}

/** Everything {@link createBesuNetwork} produces. */
export interface BesuNetworkOutputs {
    /** Genesis JSON (same bytes for every node). */
    genesisJson: pulumi.Output<string>;
    /** Validator addresses in fleet order. */
    validatorAddresses: pulumi.Output<string[]>;
    /** Validators to add/remove by QBFT votes against the launched genesis (none until the set changes). */
    validatorChanges: pulumi.Output<ValidatorChanges>;
    /** Validator node name → address. */
    validatorNodes: pulumi.Output<Record<string, string>>;
    /** Enode URL per node name. */
    enodeUrls: pulumi.Output<Record<string, string>>;
    /** Node-permissioning allowlist. */
    nodesAllowlist: pulumi.Output<string[]>;
    /** Fleet public IPs as /32 CIDRs. */
    fleetCidrs: pulumi.Output<string[]>;
    /** Per-region inputs keyed by Azure location. */
    regions: Record<string, RegionBesuInputs>;
}

/** A planned node with its key, public IP and enode. */
interface BuiltNode extends PlannedNode {
    /** AKS regions: a key in the region's vault; own clusters: a key in the stack's state. */
    key: VaultNodeKey | NodeKey;
    /** The node's Azure static IP; undefined on an own cluster. */
    ip?: azure.network.PublicIPAddress;
    publicIp: pulumi.Output<string>;
    p2pPort: number;
    /** The Kubernetes node an own cluster's node is pinned to (NodePort publishing). */
    host?: string;
    enode: pulumi.Output<string>;
}

/** A Standard static public IP and its address, once Azure has assigned one. */
type StaticIp = (
    resourceName: string,
    region: string,
    ipName: string,
    zones: string[],
    extraTags: Record<string, string>,
) => { ip: azure.network.PublicIPAddress; address: pulumi.Output<string> };

/** Creates the network's resources under `parent` and derives every output from them. */
export function createBesuNetwork(name: string, args: BesuNetworkArgs, parent: pulumi.Resource): BesuNetworkOutputs {
    let plan: PlannedNode[];
    try {
        plan = planFleet(args);
    } catch (e) {
        throw new pulumi.ResourceError(`BesuNetwork ${name}: ${(e as Error).message}`, parent);
    }
    const port = args.p2pPort ?? BESU_P2P_PORT;
    const azureRegions = args.regions.filter((r) => r.ownCluster === undefined);
    const { groups, staticIp } = p2pAddressing(name, { ...args, regions: azureRegions }, parent);
    // Exactly the IPs of besuPublicIps (preflight checks the quota against the same list): per node its P2P
    // address, per region one egress IP, the AKS outbound IP, so peers can admit connections this region opens, and,
    // with public RPC, the endpoint's IP: its address is the endpoint's URL (and the certificate's IP SAN), known before
    // any cluster exists, so the contract suites can be wired to it up front.
    const ipsOf = new Map(azureRegions.map((r) => [r.region, besuPublicIps({ ...r, publicRpc: args.publicRpc })]));
    const rpcIps = new Map(
        azureRegions.flatMap((r) => {
            const rpc = ipsOf.get(r.region)!.find((ip) => ip.role === "rpc");
            return rpc === undefined
                ? []
                : [[r.region, staticIp(`${name}-${r.region}-rpc-ip`, r.region, rpc.ipName, r.zones, { "chain138-role": "rpc" })] as const];
        }),
    );
    const egress = new Map<string, { ip?: azure.network.PublicIPAddress; address: pulumi.Output<string> }>(
        args.regions.map((r) => {
            if (r.ownCluster !== undefined) return [r.region, { address: pulumi.output(r.ownCluster.egressAddress) }];
            const ipName = ipsOf.get(r.region)!.find((ip) => ip.role === "egress")!.ipName;
            return [r.region, staticIp(`${name}-${r.region}-egress-ip`, r.region, ipName, r.zones, { "chain138-role": "egress" })];
        }),
    );
    const keyCustody = args.keyCustody;
    if (azureRegions.length > 0 && keyCustody === undefined) {
        throw new pulumi.ResourceError(`BesuNetwork ${name}: AKS regions need keyCustody (their node keys live in Key Vaults)`, parent);
    }
    const vaults = new Map(
        azureRegions.map((r) => [
            r.region,
            createRegionKeyVault(
                name,
                {
                    ...keyCustody!,
                    region: r.region,
                    egressIp: egress.get(r.region)!.address,
                    writerCidrs: keyCustody!.writerCidrs,
                    tags: args.tags ?? {},
                },
                parent,
            ),
        ]),
    );
    const specOf = new Map(args.regions.map((r) => [r.region, r]));
    const built: BuiltNode[] = plan.map((n, fleetIndex) => {
        const own = specOf.get(n.region)!.ownCluster;
        let key: VaultNodeKey | NodeKey;
        let ip: azure.network.PublicIPAddress | undefined;
        let publicIp: pulumi.Output<string>;
        let nodePort = port;
        let host: string | undefined;
        if (own !== undefined) {
            key = new NodeKey(`${name}-${n.name}-key`, { label: n.name, rotation: args.keyRotation ?? "1" }, { parent });
            // Node order within the region is planFleet's (validators, then sentries), the order of the config's addresses.
            const regionIndex = plan.slice(0, fleetIndex).filter((other) => other.region === n.region).length;
            publicIp = pulumi.output(own.nodes[regionIndex].address);
            nodePort = own.nodes[regionIndex].port;
            host = own.nodes[regionIndex].host;
        } else {
            // The same resource name as the NodeKey that kept keys in state: its update moves such a key into the vault.
            const vault = vaults.get(n.region)!;
            key = new VaultNodeKey(
                `${name}-${n.name}-key`,
                { label: n.name, rotation: args.keyRotation ?? "1", vaultUrl: vault.url },
                { parent, dependsOn: [vault.writerGrant] },
            );
            const ipName = ipsOf.get(n.region)!.find((candidate) => candidate.node === n.name)!.ipName;
            ({ ip, address: publicIp } = staticIp(`${name}-${n.name}-ip`, n.region, ipName, n.zones, {
                "chain138-node": n.name,
                "chain138-role": n.role,
            }));
        }
        const enode = pulumi.all([key.publicKey, publicIp]).apply(([pub, addr]) => enodeUrl(pub, addr, nodePort));
        return { ...n, key, ip, publicIp, p2pPort: nodePort, host, enode };
    });

    // The fleet topology as one plain value; every peer list is derived from it.
    const fleet: pulumi.Output<FleetPeer[]> = pulumi.all(built.map((b) => b.enode)).apply((enodes) => {
        const peers = built.map((b, i) => ({ name: b.name, region: b.region, role: b.role, enode: enodes[i] }));
        checkFleet(peers);
        return peers;
    });

    const validators = built.filter((b) => b.role === "validator");
    const validatorAddresses = pulumi.all(validators.map((v) => v.key.address));
    // After launch the genesis never changes (genesis-lock.ts): every node gets the locked one.
    const lock = new GenesisLock(`${name}-genesis`, { computedGenesisJson: genesisFor(args, validatorAddresses) }, { parent });
    const egressRegions = [...egress.keys()];
    const egressIps = pulumi
        .all(egressRegions.map((r) => egress.get(r)!.address))
        .apply((ips) => Object.fromEntries(egressRegions.map((r, i) => [r, ips[i]])) as Record<string, string>);
    // Azure allocates each of its static IPs once: the same address twice is a broken state. An own cluster's nodes
    // share their address (NodePorts: one address, a port each), and their egress address is often that address too.
    const azureAddresses = [
        ...built.filter((b) => b.ip !== undefined).map((b) => b.publicIp),
        ...egressRegions.filter((r) => egress.get(r)!.ip !== undefined).map((r) => egress.get(r)!.address),
    ];
    const cidrs = pulumi
        .all([pulumi.all(azureAddresses), pulumi.all([...built.map((b) => b.publicIp), ...egressRegions.map((r) => egress.get(r)!.address)])])
        .apply(([azureIps, ips]) => {
            const dup = azureIps.find((ip, i) => azureIps.indexOf(ip) !== i);
            if (dup !== undefined) throw new Error(`public IP ${dup} is assigned twice in the fleet`);
            return fleetCidrs([...new Set(ips)]);
        });
    const regions: Record<string, RegionBesuInputs> = {};
    for (const r of args.regions) {
        const inputsOf = (b: BuiltNode) => nodeInputs(b, fleet, groups.get(b.region));
        const mine = built.filter((b) => b.region === r.region);
        regions[r.region] = {
            region: r.region,
            chainId: args.chainId,
            p2pPort: port,
            p2pPublishing: r.ownCluster?.publishing ?? "AzureLoadBalancer",
            zones: [...r.zones],
            genesisJson: lock.lockedGenesisJson,
            validators: mine.filter((b) => b.role === "validator").map(inputsOf),
            sentries: mine.filter((b) => b.role === "sentry").map(inputsOf),
            nodesAllowlist: pulumi.all([fleet, egressIps]).apply(([peers, ips]) => regionAllowlist(peers, ips, r.region)),
            inClusterHosts: regionInClusterHosts(plan, r.region),
            fleetCidrs: cidrs,
            p2pResourceGroupName: groups.get(r.region)?.name,
            p2pResourceGroupId: groups.get(r.region)?.id,
            egressPublicIpId: egress.get(r.region)!.ip?.id,
            egressPublicIp: egress.get(r.region)!.address,
            rpcPublicIp: rpcIps.get(r.region) && { address: rpcIps.get(r.region)!.address, name: rpcIps.get(r.region)!.ip.name },
            keyVault: vaults.has(r.region) ? keyVaultInputs(vaults.get(r.region)!) : undefined,
        };
    }
    return {
        genesisJson: lock.lockedGenesisJson,
        validatorAddresses,
        validatorNodes: validatorAddresses.apply((addresses) => Object.fromEntries(validators.map((v, i) => [v.name, addresses[i]]))),
        validatorChanges: lock.validatorChanges,
        enodeUrls: fleet.apply((peers) => Object.fromEntries(peers.map((p) => [p.name, p.enode]))),
        nodesAllowlist: pulumi.all([fleet, egressIps]).apply(([peers, ips]) => nodesAllowlist(peers, ips)),
        fleetCidrs: cidrs,
        regions,
    };
}

/** Per region a resource group for the P2P IPs, and the factory of those IPs. */
function p2pAddressing(
    name: string,
    args: BesuNetworkArgs,
    parent: pulumi.Resource,
): { groups: Map<string, azure.resources.ResourceGroup>; staticIp: StaticIp } {
    const tags = args.tags ?? {};
    const prefix = args.p2pResourceGroupPrefix ?? P2P_RESOURCE_GROUP_PREFIX;
    const groups = new Map<string, azure.resources.ResourceGroup>();
    for (const r of args.regions) {
        groups.set(
            r.region,
            new azure.resources.ResourceGroup(
                `${name}-p2p-${r.region}`,
                { resourceGroupName: p2pResourceGroupName(r.region, prefix), location: r.region, tags },
                { parent },
            ),
        );
    }
    const staticIp: StaticIp = (resourceName, region, ipName, zones, extraTags) => {
        const ip = new azure.network.PublicIPAddress(
            resourceName,
            {
                resourceGroupName: groups.get(region)!.name,
                location: region,
                publicIpAddressName: ipName,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
                zones: zones.length > 0 ? zones : undefined,
                tags: { ...tags, ...extraTags },
            },
            { parent },
        );
        const address = ip.ipAddress.apply((a) => {
            if (!a) throw new Error(`public IP ${ipName} has no address`);
            return a;
        });
        return { ip, address };
    };
    return { groups, staticIp };
}

/** The QBFT genesis of `validatorAddresses` with the deployer funded and Multicall3 predeployed. */
function genesisFor(args: BesuNetworkArgs, validatorAddresses: pulumi.Output<string[]>): pulumi.Output<string> {
    return pulumi.all([validatorAddresses, args.deployerAddress, args.multicall3RuntimeCode]).apply(([addresses, deployer, multicall3]) =>
        renderGenesisJson(
            buildQbftGenesis({
                chainId: args.chainId,
                validators: addresses,
                deployerAddress: deployer,
                multicall3RuntimeCode: multicall3,
                deployerBalanceWei: args.genesis?.deployerBalanceWei,
                gasLimit: args.genesis?.gasLimit,
                baseFeePerGas: args.genesis?.baseFeePerGas,
                timestamp: args.genesis?.timestamp,
                qbft: args.genesis?.qbft,
            }),
        ),
    );
}

/** What a region needs of its vault: who may read it is the region's decision (RegionDeployment). */
function keyVaultInputs(vault: RegionKeyVault): NonNullable<RegionBesuInputs["keyVault"]> {
    return { id: vault.id, name: vault.name, tenantId: vault.tenantId };
}

/** What a region's chart needs of one of its nodes: where its key is (AKS), or the key as a secret (own clusters). */
function nodeInputs(b: BuiltNode, fleet: pulumi.Output<FleetPeer[]>, group: azure.resources.ResourceGroup | undefined): BesuNodeInputs {
    return {
        name: b.name,
        role: b.role,
        index: b.index,
        address: b.key.address,
        enodeUrl: b.enode,
        publicIp: b.publicIp,
        p2pPort: b.p2pPort,
        host: b.host,
        publicIpName: b.ip?.name,
        publicIpResourceGroup: group?.name,
        ...(b.key instanceof VaultNodeKey ? { keySecretName: b.key.secretName } : { privateKey: pulumi.secret(b.key.privateKey) }),
        staticNodes: fleet.apply((peers) => (b.role === "validator" ? validatorStaticNodes(peers, b.name) : sentryStaticNodes(peers, b.region))),
    };
}

/**
 * The Chain 138 Besu network: per node a key in its region's Key Vault and a Standard static public IP, per region
 * a vault, a resource group for those IPs and an egress IP (the cluster's outbound IP); from them the genesis, the
 * enode URLs and every region's inputs.
 */
export class BesuNetwork extends pulumi.ComponentResource {
    /** The genesis JSON, identical for every node. */
    public readonly genesisJson: pulumi.Output<string>;
    /** Validator addresses in fleet order (the genesis writes them sorted). */
    public readonly validatorAddresses: pulumi.Output<string[]>;
    /** Validators to add/remove by QBFT votes (`npm run fleet -- votes`) against the launched genesis. */
    public readonly validatorChanges: pulumi.Output<ValidatorChanges>;
    /** Validator node name → address (the fleet tool maps pods to validators with it). */
    public readonly validatorNodes: pulumi.Output<Record<string, string>>;
    /** Every node's enode URL keyed by node name. */
    public readonly enodeUrls: pulumi.Output<Record<string, string>>;
    /** The node-permissioning allowlist (every fleet enode, and every node id at its region's egress IP). */
    public readonly nodesAllowlist: pulumi.Output<string[]>;
    /** Every fleet public IP (node and egress) as a /32 CIDR. */
    public readonly fleetCidrs: pulumi.Output<string[]>;
    /** Per-region inputs keyed by Azure location. */
    public readonly regions: Readonly<Record<string, RegionBesuInputs>>;

    constructor(name: string, args: BesuNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:BesuNetwork", name, {}, opts);
        const out = createBesuNetwork(name, args, this);
        this.genesisJson = out.genesisJson;
        this.validatorAddresses = out.validatorAddresses;
        this.validatorChanges = out.validatorChanges;
        this.validatorNodes = out.validatorNodes;
        this.enodeUrls = out.enodeUrls;
        this.nodesAllowlist = out.nodesAllowlist;
        this.fleetCidrs = out.fleetCidrs;
        this.regions = out.regions;

        this.registerOutputs({
            genesisJson: this.genesisJson,
            validatorAddresses: this.validatorAddresses,
            enodeUrls: this.enodeUrls,
            nodesAllowlist: this.nodesAllowlist,
            fleetCidrs: this.fleetCidrs,
        });
    }

    /** The inputs of one region; throws naming the region when it is not part of the fleet. */
    public regionInputs(region: string): RegionBesuInputs {
        const found = this.regions[region];
        if (!found) {
            throw new pulumi.ResourceError(`BesuNetwork has no region "${region}"; known: ${Object.keys(this.regions).join(", ")}`, this);
        }
        return found;
    }
}
