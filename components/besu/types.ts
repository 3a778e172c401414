// What a region's Besu deployment consumes from BesuNetwork: its only cross-region input.
import * as pulumi from "@pulumi/pulumi";

/** Everything one node (validator or sentry) needs. */
export interface BesuNodeInputs {
    /** Node name, unique in the fleet and a valid DNS label, e.g. `eastus-validator-0`. */
    name: string;
    /** Consensus role. */
    role: "validator" | "sentry";
    /** Index of the node among its region's nodes of the same role (0-based). */
    index: number;
    /** Checksummed node address (for validators: the QBFT validator address). */
    address: pulumi.Output<string>;
    /** `enode://<id>@<public ip>:<p2p port>`. */
    enodeUrl: pulumi.Output<string>;
    /** The node's P2P address: its static public IPv4 (the P2P LoadBalancer frontend), or an own cluster's address. */
    publicIp: pulumi.Output<string>;
    /** The node's P2P port (the fleet's on AKS; on an own cluster with NodePorts, its own NodePort). */
    p2pPort: number;
    /** The Kubernetes node it must run on (own clusters' NodePorts answer only where the pod runs). Default: any. */
    host?: string;
    /** Azure name of the public IP resource (for `service.beta.kubernetes.io/azure-pip-name`); AKS regions only. */
    publicIpName?: pulumi.Output<string>;
    /** Resource group holding the public IP (for `service.beta.kubernetes.io/azure-load-balancer-resource-group`); AKS regions only. */
    publicIpResourceGroup?: pulumi.Output<string>;
    /** Name of the Key Vault secret holding the node's key (in the region's vault); AKS regions. */
    keySecretName?: pulumi.Output<string>;
    /** `0x` + 64 hex node private key, always a secret Output; own clusters only (their keys live in the stack state). */
    privateKey?: pulumi.Output<string>;
    /** Static peers: all other validators (validators) or the region's validators (sentries). */
    staticNodes: pulumi.Output<string[]>;
}

/** Per-region Besu inputs: key locations, addresses and peer lists for the region's nodes plus fleet-wide data. */
export interface RegionBesuInputs {
    /** Azure location. */
    region: string;
    /** EIP-155 chain id. */
    chainId: number;
    /** devp2p TCP/UDP port of the fleet (a node on an own cluster's NodePort has its own: BesuNodeInputs.p2pPort). */
    p2pPort: number;
    /** How the region's P2P Services are published (the chart's p2p.publishing). */
    p2pPublishing: "AzureLoadBalancer" | "LoadBalancer" | "NodePort";
    /** Availability zones of the region (may be empty). */
    zones: string[];
    /** The fleet's genesis JSON: identical bytes in every region. */
    genesisJson: pulumi.Output<string>;
    /** The region's validators. */
    validators: BesuNodeInputs[];
    /** The region's sentry/RPC nodes. */
    sentries: BesuNodeInputs[];
    /**
     * This region's node permissioning allowlist: every fleet enode URL, every node id at its region's egress IP,
     * and this region's nodes at their in-cluster DNS names (same-cluster peers arrive from pod IPs).
     */
    nodesAllowlist: pulumi.Output<string[]>;
    /** In-cluster DNS names of this region's nodes (each pod waits until they resolve before starting Besu). */
    inClusterHosts: string[];
    /** Every fleet public IP (node P2P IPs and region egress IPs) as a `/32` CIDR, sorted. */
    fleetCidrs: pulumi.Output<string[]>;
    /**
     * ARM id of the region's egress public IP. The region's AKS cluster must use it as its only outbound
     * IP (`networkProfile.loadBalancerProfile.outboundIPs.publicIPs: [{ id }]`): peers admit this region's
     * nodes by it (allowlist and `loadBalancerSourceRanges`).
     */
    egressPublicIpId?: pulumi.Output<string>;
    /** The region's egress IPv4 address (AKS: its outbound IP; own cluster: its configured egress address). */
    egressPublicIp: pulumi.Output<string>;
    /** The public JSON-RPC endpoint's static IP (in the P2P resource group), when the fleet has one. */
    rpcPublicIp?: { address: pulumi.Output<string>; name: pulumi.Output<string> };
    /** Resource group holding the region's P2P public IPs (AKS regions only). */
    p2pResourceGroupName?: pulumi.Output<string>;
    /** Its ARM id (the scope of the cluster identity's grant on those IPs; AKS regions only). */
    p2pResourceGroupId?: pulumi.Output<string>;
    /** The region's Key Vault, holding this region's node keys only (AKS regions; undefined on an own cluster). */
    keyVault?: {
        /** ARM id: the only scope the region's workload identity is granted on. */
        id: pulumi.Output<string>;
        /** Vault name (the SecretProviderClass's `keyvaultName`). */
        name: pulumi.Output<string>;
        /** Entra tenant of the vault. */
        tenantId: string;
    };
}
