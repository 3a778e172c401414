import type * as azureInputs from "@pulumi/azure-native/types/input";
import { createHash } from "node:crypto";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PoolPlan, RegionPlan } from "../config/fleet-config";
import { installBesu, type BesuRelease } from "./besu/release";
import { grantNodeKeyAccess, type NodeKeyAccess } from "./besu/node-key-access";
import type { RegionBesuInputs } from "./besu/types";
import { clusterSettings, ClusterSettings, createRegionalCluster, sendDiagnostics } from "./cluster";
import {
    ATTESTER_PORT,
    BESU_NAMESPACE,
    BESU_P2P_PORT,
    BESU_RPC_PORT,
    BESU_RPC_PUBLIC_TLS_SECRET,
    BESU_RPC_TLS_SECRET,
    LB_SUBNET,
    RPC_PUBLIC_PORT,
} from "../stack/names";
import type { RpcServerCertificate } from "./rpc-tls";

/** The admin region's network, the hub every validator region peers with. */
export interface HubNetwork {
    region: string;
    virtualNetworkId: pulumi.Input<string>;
    virtualNetworkName: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    /** The hub's node subnet: where its pods' connections come from (overlay pods leave SNATed to the node IP). */
    sourceCidr: string;
    /** The hub's subnets: a peering referencing the hub VNet must wait for them (see cluster.ts createNetwork). */
    subnets: pulumi.Resource[];
}

/** A validator region's VNet, peered with the hub. */
export interface SpokeNetwork {
    region: string;
    resourceGroupName: pulumi.Input<string>;
    virtualNetworkName: pulumi.Input<string>;
    virtualNetworkId: pulumi.Input<string>;
    /** Its subnets: a peering referencing the VNet waits for them. */
    subnets: pulumi.Resource[];
}

/** A region's JSON-RPC endpoints, on its sentries. */
export interface RegionRpcArgs {
    /** Sources admitted to the public endpoint; [] = none (no gateway, no public IP use). */
    allowedCidrs: string[];
    /** CORS origins Besu answers (rpc-http-cors-origins). */
    corsOrigins: string[];
    /** The public endpoint's certificate; required when allowedCidrs is not empty. */
    tls?: RpcServerCertificate;
    /** The operator's publicly trusted certificate for the region's host name (browser dApps). Default none. */
    publicTls?: { hostname: string; certificatePem: pulumi.Output<string>; privateKeyPem: pulumi.Output<string> };
}
import { deployRegionalAgent, type RegionalAgent } from "./monitoring/regional-agent";
import { deploySignerExporter } from "./monitoring/signer-exporter";

export interface RegionDeploymentArgs extends ClusterSettings {
    /** The region's resolved plan (location, zones, CIDRs, pools within quota). */
    plan: RegionPlan;
    /**
     * Public addresses (CIDRs) of every node in the fleet: the only sources admitted to P2P
     * port 30303. Comes from the Besu network, the one cross-region input a region takes.
     */
    p2pAllowedCidrs: pulumi.Input<string[]>;
    /** Log Analytics workspace (admin region) that receives the cluster's diagnostics. Default: none. */
    diagnosticsWorkspaceId?: pulumi.Input<string>;
    /** The region's Besu nodes (keys, static IPs, genesis, peers) from BesuNetwork. Default: no Besu installed. */
    besu?: RegionBesuInputs;
    /** Besu chart value overrides (image tag, resources, ServiceMonitor). Default: the chart's values. */
    besuChartValues?: Record<string, unknown>;
    /** Storage class of the data disks. Default: per region (see besuStorageClass). */
    besuStorageClass?: string;
    /** The hub whose nodes may reach the private JSON-RPC endpoint (the peering itself: components/hub-peering.ts). Default: no private endpoint. */
    hub?: HubNetwork;
    /** The JSON-RPC endpoints on the region's sentries. Default: in-cluster only. */
    rpc?: RegionRpcArgs;
    /** The region's cluster runs an attester (components/attester.ts): the hub's nodes (the relayer) may reach its port. */
    attester?: boolean;
    /**
     * The region's metrics agent: the admin receiver's URL on the private path and this region's password
     * (components/monitoring/credentials.ts). Default: no agent.
     */
    metricsAgent?: { remoteWriteUrl: pulumi.Input<string>; remoteWritePassword: pulumi.Input<string>; remoteWriteCa: pulumi.Input<string> };
    /**
     * The signer exporter next to the region's validators (components/monitoring/signer-exporter.ts): its image, every
     * genesis validator's address by node name, and the block window. Default: none (needs Besu with validators).
     */
    signerExporter?: { image: string; validatorAddresses: pulumi.Input<Record<string, string>>; windowBlocks: number };
}

/**
 * One validator region: resource group, network, AKS with system/validator/sentry pools,
 * a Kubernetes provider, and the namespace the Besu chart goes into. Every child is parented
 * here so `pulumi up --target '**<region>**' --target-dependents` touches exactly this region.
 */
export class RegionDeployment extends pulumi.ComponentResource {
    public readonly region: string;
    public readonly clusterName: pulumi.Output<string>;
    public readonly resourceGroupName: pulumi.Output<string>;
    public readonly cluster: containerservice.ManagedCluster;
    public readonly nodePools: PoolPlan[];
    public readonly vcpuUsed: number;
    public readonly vcpuSurge: number;
    public readonly vcpuPeak: number;
    public readonly vcpuQuota: number;
    /** Entra ID kubeconfig (kubelogin); a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly besuNamespace: k8s.core.v1.Namespace;
    /** The Besu chart, when the region runs Besu. */
    public readonly besu?: BesuRelease;
    /** The region's node-key reader (workload identity granted its own vault), when the region runs Besu. */
    public readonly nodeKeyAccess?: NodeKeyAccess;
    /** The private JSON-RPC endpoint (internal LB on the sentries), reachable from the hub; when peered with sentries. */
    public readonly privateRpcUrl?: string;
    /** The public JSON-RPC endpoint (TLS, allowlisted sources), when configured. */
    public readonly publicRpcUrl?: pulumi.Output<string>;
    /** The host name the operator's certificate serves (point its DNS at the public endpoint's IP), when configured. */
    public readonly publicRpcHostname?: string;
    /** The region's VNet (a spoke): what the hub peers with (components/hub-peering.ts). */
    public readonly spoke: SpokeNetwork;
    /** The Prometheus agent writing this region's metrics to the admin region, when configured. */
    public readonly metricsAgent?: RegionalAgent;
    /** The signer exporter's Deployment, when configured. */
    public readonly signerExporter?: k8s.apps.v1.Deployment;

    constructor(name: string, args: RegionDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:RegionDeployment", name, {}, opts);
        // The plan fits the region's vCPU quota, surge nodes included: config validation refuses it otherwise.
        const besu = args.besu;
        if (besu !== undefined && besu.region !== args.plan.name) {
            throw new pulumi.ResourceError(`region ${args.plan.name} was given Besu inputs of ${besu.region}`, this);
        }
        if (besu !== undefined && (besu.p2pResourceGroupId === undefined || besu.egressPublicIpId === undefined || besu.keyVault === undefined)) {
            throw new pulumi.ResourceError(`region ${args.plan.name}: its Besu inputs are an own cluster's (no Azure P2P IPs), not an AKS region's`, this);
        }
        const sentries = besu !== undefined && besu.sentries.length > 0;
        const privateRpc = args.hub !== undefined && sentries;
        const publicRpc = (args.rpc?.allowedCidrs.length ?? 0) > 0 && sentries;
        if (publicRpc && (args.rpc?.tls === undefined || besu?.rpcPublicIp === undefined)) {
            throw new pulumi.ResourceError(`region ${args.plan.name}: a public RPC endpoint needs its certificate and its public IP`, this);
        }
        const built = createRegionalCluster(
            name,
            {
                ...clusterSettings(args),
                plan: args.plan,
                securityRules: [
                    ...p2pSecurityRules(args.p2pAllowedCidrs),
                    ...rpcSecurityRules({
                        hubCidr: privateRpc ? args.hub?.sourceCidr : undefined,
                        publicCidrs: publicRpc ? args.rpc!.allowedCidrs : [],
                        attester: privateRpc && args.attester === true,
                    }),
                ],
                loadBalancerSubnet: privateRpc ? { name: LB_SUBNET, cidr: args.plan.rpcSubnetCidr } : undefined,
                // The static P2P and egress IPs live in BesuNetwork's resource group: AKS's load balancer
                // attaches them with the control-plane identity, so it needs Network Contributor there too.
                networkScopes: besu && [
                    {
                        name: "p2p-ip-access",
                        scope: besu.p2pResourceGroupId!,
                    },
                ],
                // Connections a node opens leave through this one address, which every peer admits.
                outboundIpIds: besu && [besu.egressPublicIpId!],
                // Besu pods mount their keys from the region's vault (components/besu/node-key-access.ts).
                keyVaultSecretsProvider: besu !== undefined,
            },
            this,
        );
        if (args.diagnosticsWorkspaceId !== undefined) {
            sendDiagnostics(name, built.cluster, args.diagnosticsWorkspaceId, this);
        }
        this.spoke = {
            region: args.plan.name,
            resourceGroupName: built.resourceGroup.name,
            virtualNetworkName: built.virtualNetwork.name,
            virtualNetworkId: built.virtualNetwork.id,
            subnets: [built.nodeSubnet, ...(built.loadBalancerSubnet ? [built.loadBalancerSubnet] : [])],
        };
        this.besuNamespace = new k8s.core.v1.Namespace(
            `${name}-besu-ns`,
            {
                metadata: {
                    name: BESU_NAMESPACE,
                    labels: {
                        // Besu runs non-root with no extra capabilities: hold it to "restricted".
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                        "chain138.io/region": args.plan.name,
                    },
                },
            },
            { parent: this, provider: built.provider },
        );
        if (besu !== undefined) {
            const storageClass =
                args.besuStorageClass !== undefined
                    ? { name: args.besuStorageClass, resource: undefined }
                    : besuStorageClass(`${name}-besu-storage`, args.plan, { parent: this, provider: built.provider });
            const k8sOpts = { parent: this, provider: built.provider };
            const tlsSecret = publicRpc
                ? rpcTlsSecret(`${name}-rpc-tls`, BESU_RPC_TLS_SECRET, args.rpc!.tls!.certificatePem, args.rpc!.tls!.privateKeyPem, this.besuNamespace, k8sOpts)
                : undefined;
            const publicTls = publicRpc ? args.rpc?.publicTls : undefined;
            const publicTlsSecret =
                publicTls === undefined
                    ? undefined
                    : rpcTlsSecret(
                          `${name}-rpc-public-tls`,
                          BESU_RPC_PUBLIC_TLS_SECRET,
                          publicTls.certificatePem,
                          publicTls.privateKeyPem,
                          this.besuNamespace,
                          k8sOpts,
                      );
            // Either certificate renewed rolls the gateway (nginx reads them only when it starts).
            const checksum = pulumi
                .all([args.rpc?.tls?.checksum, publicTls?.certificatePem])
                .apply(([stackCert, publicCert]) =>
                    publicCert === undefined ? stackCert : `${stackCert}/${createHash("sha256").update(publicCert).digest("hex")}`,
                );
            const rpcValues = pulumi.all([besu.rpcPublicIp?.address, besu.rpcPublicIp?.name, checksum]).apply(([ip, ipName, tlsChecksum]) =>
                rpcChartValues({
                    privateIp: privateRpc ? args.plan.rpcPrivateIp : undefined,
                    hubCidr: args.hub?.sourceCidr,
                    publicIp: publicRpc ? ip : undefined,
                    publicIpName: ipName,
                    allowedCidrs: args.rpc?.allowedCidrs ?? [],
                    corsOrigins: args.rpc?.corsOrigins ?? [],
                    tlsChecksum,
                    publicHostname: publicTls?.hostname,
                }),
            );
            const chartValues = pulumi.output(rpcValues).apply((rpc) => ({
                ...args.besuChartValues,
                rpc: { ...(args.besuChartValues?.["rpc"] as object | undefined), ...rpc },
                storage: { ...(args.besuChartValues?.["storage"] as object | undefined), storageClassName: storageClass.name },
            }));
            this.nodeKeyAccess = grantNodeKeyAccess(
                name,
                {
                    region: args.plan.name,
                    environment: args.environment,
                    subscriptionId: args.subscriptionId,
                    resourceGroupName: built.resourceGroup.name,
                    issuerUrl: built.cluster.oidcIssuerProfile.apply((profile) => {
                        if (!profile?.issuerURL) throw new Error(`cluster of ${args.plan.name} has no OIDC issuer URL (oidcIssuerProfile.enabled)`);
                        return profile.issuerURL;
                    }),
                    namespace: BESU_NAMESPACE,
                    vaultId: besu.keyVault!.id,
                    tags: args.tags ?? {},
                },
                this,
            );
            this.besu = installBesu(
                `${name}-besu`,
                {
                    namespace: this.besuNamespace.metadata.name,
                    besu,
                    chartValues,
                    keyAccess: { clientId: this.nodeKeyAccess.clientId, serviceAccountName: this.nodeKeyAccess.serviceAccountName },
                },
                // Validators and sentries are scheduled only on their own pools: wait for those to exist.
                {
                    parent: this,
                    provider: built.provider,
                    dependsOn: [
                        ...built.agentPools,
                        ...(storageClass.resource ? [storageClass.resource] : []),
                        ...(tlsSecret ? [tlsSecret] : []),
                        ...(publicTlsSecret ? [publicTlsSecret] : []),
                        // A pod mounting its key before the federation and the grant exist would fail its volume.
                        this.nodeKeyAccess.federation,
                        this.nodeKeyAccess.grant,
                    ],
                },
            );
            if (privateRpc) this.privateRpcUrl = `http://${args.plan.rpcPrivateIp}:${BESU_RPC_PORT}`;
            if (publicRpc) this.publicRpcUrl = pulumi.interpolate`https://${besu.rpcPublicIp!.address}`;
            this.publicRpcHostname = publicTls?.hostname;
        }
        if (args.signerExporter !== undefined && besu !== undefined && besu.validators.length > 0) {
            this.signerExporter = deploySignerExporter(
                `${name}-signer-exporter`,
                {
                    region: args.plan.name,
                    namespace: this.besuNamespace.metadata.name,
                    image: args.signerExporter.image,
                    validatorNodes: besu.validators.map((v) => v.name),
                    validatorAddresses: args.signerExporter.validatorAddresses,
                    windowBlocks: args.signerExporter.windowBlocks,
                },
                { parent: this, provider: built.provider },
            ).deployment;
        }
        if (args.metricsAgent !== undefined) {
            this.metricsAgent = deployRegionalAgent(
                `${name}-metrics-agent`,
                { region: args.plan.name, ...args.metricsAgent },
                { parent: this, provider: built.provider },
            );
        }

        this.region = args.plan.name;
        this.cluster = built.cluster;
        this.clusterName = built.cluster.name;
        this.resourceGroupName = built.resourceGroup.name;
        this.nodePools = args.plan.pools;
        this.vcpuUsed = args.plan.vcpuUsed;
        this.vcpuSurge = args.plan.vcpuSurge;
        this.vcpuPeak = args.plan.vcpuPeak;
        this.vcpuQuota = args.plan.vcpuQuota;
        this.kubeconfig = built.kubeconfig;
        this.provider = built.provider;
        this.registerOutputs({
            clusterName: this.clusterName,
            resourceGroupName: this.resourceGroupName,
            kubeconfig: this.kubeconfig,
        });
    }
}

/** AKS's built-in Premium SSD class (locally redundant): for regions without availability zones. */
export const REGIONAL_STORAGE_CLASS = "managed-csi-premium";
/** Our zone-redundant Premium SSD class, created in every zonal region. */
export const ZONE_REDUNDANT_STORAGE_CLASS = "chain138-premium-zrs";

/**
 * The storage class of Besu's data disks. An LRS managed disk lives in one zone and attaches only to a VM in that
 * zone; a ZRS disk replicates over the region's zones and attaches to a VM in any of them (Azure "Redundancy
 * options for managed disks"). The pools span three zones, so a validator whose node is replaced in another zone
 * would be stranded with an LRS disk; zone-pinning the pool instead would put both validators of a region in one
 * zone. So zonal regions get Premium_ZRS (WaitForFirstConsumer, volumes kept when a claim goes); regions without
 * zones keep AKS's Premium_LRS class, whose disks attach anywhere in the region.
 */
function besuStorageClass(
    name: string,
    plan: { zones: string[] },
    opts: pulumi.CustomResourceOptions,
): { name: string; resource?: k8s.storage.v1.StorageClass } {
    if (plan.zones.length === 0) return { name: REGIONAL_STORAGE_CLASS };
    const resource = new k8s.storage.v1.StorageClass(
        name,
        {
            metadata: { name: ZONE_REDUNDANT_STORAGE_CLASS },
            provisioner: "disk.csi.azure.com",
            parameters: { skuName: "Premium_ZRS", cachingMode: "ReadOnly" },
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        },
        opts,
    );
    return { name: ZONE_REDUNDANT_STORAGE_CLASS, resource };
}

/**
 * Inbound rules for the node subnet: P2P only from the fleet's own addresses, and never from
 * the rest of the Internet. Azure's default rules still admit load-balancer probes and VNet traffic.
 */
export function p2pSecurityRules(allowedCidrs: pulumi.Input<string[]>): azureInputs.network.SecurityRuleArgs[] {
    return [
        {
            name: "allow-besu-p2p-from-fleet",
            priority: 100,
            direction: "Inbound",
            access: "Allow",
            protocol: "*",
            sourceAddressPrefixes: allowedCidrs,
            sourcePortRange: "*",
            destinationAddressPrefix: "*",
            destinationPortRange: String(BESU_P2P_PORT),
        },
        {
            name: "deny-besu-p2p-from-internet",
            priority: 4000,
            direction: "Inbound",
            access: "Deny",
            protocol: "*",
            sourceAddressPrefix: "Internet",
            sourcePortRange: "*",
            destinationAddressPrefix: "*",
            destinationPortRange: String(BESU_P2P_PORT),
        },
    ];
}

/**
 * Inbound rules for JSON-RPC. From the hub: only the internal endpoint's port, then nothing else — Azure's default
 * AllowVnetInBound (priority 65000) admits every address of a peered VNet ("VirtualNetwork" service tag: the VNet's
 * space, peered VNets' spaces, …; Azure "Network security groups", default rules), so the hub is denied explicitly
 * below our allows. The AKS load balancer uses floating IP, so a rule sees the frontend's port (8545, 443), not a
 * node port. From the Internet: 443 only from the allowlist.
 */
export function rpcSecurityRules(sources: { hubCidr?: string; publicCidrs: string[]; attester?: boolean }): azureInputs.network.SecurityRuleArgs[] {
    const rules: azureInputs.network.SecurityRuleArgs[] = [];
    if (sources.hubCidr !== undefined && sources.attester === true) {
        // The relayer (admin region, behind the hub) asks this region's attester for signatures.
        rules.push({
            name: "allow-attester-from-hub",
            priority: 111,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefix: sources.hubCidr,
            sourcePortRange: "*",
            destinationAddressPrefix: "*",
            destinationPortRange: String(ATTESTER_PORT),
        });
    }
    if (sources.hubCidr !== undefined) {
        rules.push(
            {
                name: "allow-besu-rpc-from-hub",
                priority: 110,
                direction: "Inbound",
                access: "Allow",
                protocol: "Tcp",
                sourceAddressPrefix: sources.hubCidr,
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRange: String(BESU_RPC_PORT),
            },
            {
                name: "deny-other-from-hub",
                priority: 3900,
                direction: "Inbound",
                access: "Deny",
                protocol: "*",
                sourceAddressPrefix: sources.hubCidr,
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRange: "*",
            },
        );
    }
    if (sources.publicCidrs.length > 0) {
        rules.push({
            name: "allow-rpc-https-from-allowlist",
            priority: 120,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefixes: sources.publicCidrs,
            sourcePortRange: "*",
            destinationAddressPrefix: "*",
            destinationPortRange: String(RPC_PUBLIC_PORT),
        });
    }
    return rules;
}

/** A gateway kubernetes.io/tls Secret (certificate and key; the key, and so the whole input, secret). */
function rpcTlsSecret(
    name: string,
    secretName: string,
    certificatePem: pulumi.Input<string>,
    privateKeyPem: pulumi.Input<string>,
    namespace: k8s.core.v1.Namespace,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
        name,
        {
            metadata: { name: secretName, namespace: namespace.metadata.name },
            type: "kubernetes.io/tls",
            stringData: pulumi.secret(pulumi.all([certificatePem, privateKeyPem]).apply(([crt, key]) => ({ "tls.crt": crt, "tls.key": key }))),
        },
        { ...opts, additionalSecretOutputs: ["data", "stringData"] },
    );
}

/** The chart's `rpc` values for the region's endpoints (charts/besu-node/values.yaml, rpc.*). */
export function rpcChartValues(rpc: {
    privateIp?: string;
    hubCidr?: string;
    publicIp?: string;
    publicIpName?: string;
    allowedCidrs: string[];
    corsOrigins: string[];
    tlsChecksum?: string;
    /** The operator certificate's host name (served by SNI beside the stack CA's certificate for the IP). */
    publicHostname?: string;
}): Record<string, unknown> {
    const values: Record<string, unknown> = { corsOrigins: rpc.corsOrigins };
    if (rpc.privateIp !== undefined && rpc.hubCidr !== undefined) {
        values["internalLoadBalancer"] = { enabled: true, ip: rpc.privateIp, subnet: LB_SUBNET, sourceRanges: [rpc.hubCidr] };
    }
    if (rpc.publicIp !== undefined && rpc.publicIpName !== undefined) {
        values["gateway"] = {
            enabled: true,
            publicIp: rpc.publicIp,
            publicIpName: rpc.publicIpName,
            sourceRanges: rpc.allowedCidrs,
            tlsSecretName: BESU_RPC_TLS_SECRET,
            tlsChecksum: rpc.tlsChecksum ?? "",
            serverNames: rpc.publicHostname === undefined ? [] : [rpc.publicHostname],
            publicTlsSecretName: rpc.publicHostname === undefined ? "" : BESU_RPC_PUBLIC_TLS_SECRET,
        };
    }
    return values;
}
