import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PoolPlan, RegionPlan } from "../config/fleet-config";
import { installBesu, type BesuRelease } from "./besu/release";
import type { RegionBesuInputs } from "./besu/types";
import { clusterSettings, ClusterSettings, createRegionalCluster, sendDiagnostics } from "./cluster";
import { BESU_NAMESPACE, BESU_P2P_PORT } from "../stack/names";
import { deployRegionalAgent, type RegionalAgent } from "./monitoring/regional-agent";

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
    /**
     * The region's metrics agent: the admin receiver's URL on the private path and this region's password
     * (components/monitoring/credentials.ts). Default: no agent.
     */
    metricsAgent?: { remoteWriteUrl: pulumi.Input<string>; remoteWritePassword: pulumi.Input<string> };
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
    /** The Besu node-key Secret and chart, when the region runs Besu. */
    public readonly besu?: BesuRelease;
    /** The Prometheus agent writing this region's metrics to the admin region, when configured. */
    public readonly metricsAgent?: RegionalAgent;

    constructor(name: string, args: RegionDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:RegionDeployment", name, {}, opts);
        // The plan fits the region's vCPU quota, surge nodes included: config validation refuses it otherwise.
        const besu = args.besu;
        if (besu !== undefined && besu.region !== args.plan.name) {
            throw new pulumi.ResourceError(`region ${args.plan.name} was given Besu inputs of ${besu.region}`, this);
        }
        const built = createRegionalCluster(
            name,
            {
                ...clusterSettings(args),
                plan: args.plan,
                securityRules: p2pSecurityRules(args.p2pAllowedCidrs),
                // The static P2P and egress IPs live in BesuNetwork's resource group: AKS's load balancer
                // attaches them with the control-plane identity, so it needs Network Contributor there too.
                networkScopes: besu && [
                    {
                        name: "p2p-ip-access",
                        scope: besu.p2pResourceGroupId,
                    },
                ],
                // Connections a node opens leave through this one address, which every peer admits.
                outboundIpIds: besu && [besu.egressPublicIpId],
            },
            this,
        );
        if (args.diagnosticsWorkspaceId !== undefined) {
            sendDiagnostics(name, built.cluster, args.diagnosticsWorkspaceId, this);
        }
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
            const chartValues = {
                ...args.besuChartValues,
                storage: { ...(args.besuChartValues?.["storage"] as object | undefined), storageClassName: storageClass.name },
            };
            this.besu = installBesu(
                `${name}-besu`,
                { namespace: this.besuNamespace.metadata.name, besu, chartValues, tags: args.tags },
                // Validators and sentries are scheduled only on their own pools: wait for those to exist.
                { parent: this, provider: built.provider, dependsOn: [...built.agentPools, ...(storageClass.resource ? [storageClass.resource] : [])] },
            );
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
