import * as pulumi from "@pulumi/pulumi";
import { loadArtifact } from "../contracts/artifacts";
import type { LoadedFleetConfig } from "../config/load";
import { AdminRegion } from "./admin-region";
import { BesuNetwork } from "./besu/network";
import { RegionDeployment } from "./region-deployment";
import { OwnClusterRegion } from "./own-cluster-region";
import { renewalPeriod, RpcCertificates } from "./rpc-tls";
import { peerSpokesWithHub } from "./hub-peering";
import { DEFAULT_BLOCK_PERIOD_SECONDS } from "./besu/genesis";
import { regionRemoteWritePassword } from "./monitoring/credentials";
import { signerWindowBlocks } from "./monitoring/signer-exporter";
import { LB_SUBNET, REMOTE_WRITE_PORT } from "../stack/names";
import { BESU_NETWORK_NAME, regionComponentName } from "../regions/targets";
import { regionTags } from "./tags";
import { qbftQuorum } from "../stack/qbft";
import type { ExportsOf, FleetStackOutputs } from "../stack/outputs";

/** The Azure side of a stack: admin region, Besu network and one RegionDeployment per deployed region. */
export interface Fleet {
    admin: AdminRegion;
    besu: BesuNetwork;
    regions: RegionDeployment[];
    /** The public endpoints' CA, when the fleet has public JSON-RPC endpoints (`chain138:rpcAllowedCidrs`). */
    rpcCertificates?: RpcCertificates;
}

/**
 * Builds the Azure fleet. Regions never depend on each other: each takes only its own plan,
 * the Besu network's fleet-wide values (genesis, peers, P2P addresses) and the admin
 * workspace id. Keys, addresses and genesis cover every configured region, deployed or not, so
 * the genesis does not change when a later rollout wave is deployed.
 */
/** Who runs the update, from Azure's client config (asked once per update, in index.ts). */
export interface Deployer {
    objectId: string;
    subscriptionId: string;
    /** Entra tenant (the key vaults' tenant). */
    tenantId: string;
}

export function deployFleet(config: LoadedFleetConfig, deployer: Deployer): Fleet | undefined {
    const adminPlan = config.admin;
    if (adminPlan === undefined || config.deployerAddress === undefined) return undefined;
    const baseTags = { environment: config.environment, owner: config.tags.owner, costCentre: config.tags.costCentre };
    const shared = {
        environment: config.environment,
        kubernetesVersion: config.kubernetesVersion,
        aksAdminGroupObjectIds: config.aksAdminGroupObjectIds,
        // The identity running this update first: the access gate waits for its grant.
        clusterAdminObjectIds: [deployer.objectId, ...config.clusterAdminObjectIds],
        subscriptionId: deployer.subscriptionId,
        kubeloginMode: config.kubeloginMode,
    };

    const deployedNames = new Set(config.deployedRegions.map((plan) => plan.name));
    const monitoring = config.monitoring;
    const besu = new BesuNetwork(BESU_NETWORK_NAME, {
        chainId: config.chainId,
        deployerAddress: config.deployerAddress,
        multicall3RuntimeCode: loadArtifact("Multicall3").deployedBytecode,
        regions: config.validatorRegions.map((plan) => ({
            region: plan.name,
            validatorCount: config.validatorsPerRegion,
            sentryCount: config.sentriesPerRegion,
            zones: plan.zones,
        })),
        tags: regionTags(baseTags, "global"),
        publicRpc: hasPublicRpc(config),
        // Each region's keys in that region's vault, written by the identity running this update from an address the
        // vaults' firewalls admit (keyVaultWriterCidrs, else rpcAllowedCidrs).
        keyCustody: {
            environment: config.environment,
            subscriptionId: deployer.subscriptionId,
            tenantId: deployer.tenantId,
            writerObjectId: deployer.objectId,
            writerCidrs: config.keyVaultWriterCidrs,
        },
    });
    if (config.keyVaultWriterCidrs.length === 0) {
        pulumi.log.warn(
            "chain138:keyVaultWriterCidrs and chain138:rpcAllowedCidrs are empty: the node-key vaults admit only their regions' nodes, " +
                "so writing the keys fails (403) unless this machine reaches them otherwise; set chain138:keyVaultWriterCidrs[0] = <your egress IP>/32",
        );
    }
    // The stack CA signs the public endpoints' certificates and the metrics receiver's (its private IP on the hub).
    const rpcCertificates =
        hasPublicRpc(config) || monitoring !== undefined
            ? new RpcCertificates("rpc-tls", {
                  environment: config.environment,
                  renewalPeriod: renewalPeriod(new Date()),
                  endpoints: hasPublicRpc(config)
                      ? config.deployedRegions.map((plan) => ({ region: plan.name, publicIp: besu.regionInputs(plan.name).rpcPublicIp!.address }))
                      : [],
                  ...(monitoring === undefined ? {} : { metricsReceiverIp: adminPlan.rpcPrivateIp }),
              })
            : undefined;

    const admin = new AdminRegion(`admin-${adminPlan.name}`, {
        ...shared,
        plan: adminPlan,
        tags: regionTags(baseTags, adminPlan.name),
        spokeCidrs: config.validatorRegions.map((plan) => plan.vnetCidr),
        // What crosses from the spokes: their metrics agents' remote-write, from their node subnets (overlay pods leave
        // SNATed to the node's IP) to the receiver's frontend (the load balancer's floating IP keeps its address and port).
        spokeAllowRules: config.monitoring && [
            {
                name: "allow-remote-write-from-spokes",
                priority: 110,
                direction: "Inbound",
                access: "Allow",
                protocol: "Tcp",
                sourceAddressPrefixes: config.validatorRegions.map((plan) => plan.subnetCidr),
                sourcePortRange: "*",
                destinationAddressPrefix: adminPlan.rpcPrivateIp,
                destinationPortRange: String(REMOTE_WRITE_PORT),
            },
        ],
        observability: {
            expectations: {
                regions: config.validatorRegions.map((plan) => ({ region: plan.name, deployed: deployedNames.has(plan.name) })),
                validatorsPerRegion: config.validatorsPerRegion,
                sentriesPerRegion: config.sentriesPerRegion,
                blockPeriodSeconds: DEFAULT_BLOCK_PERIOD_SECONDS,
            },
            alerting: monitoring && { receivers: monitoring.receivers, route: monitoring.route },
            // The hub's internal load balancer (its own /28, like every region's RPC endpoint), reached over the peerings.
            receiver: monitoring && {
                staticIp: adminPlan.rpcPrivateIp,
                subnetName: LB_SUBNET,
                regions: config.deployedRegions.map((plan) => plan.name),
                remoteWriteSecret: monitoring.remoteWriteSecret,
                sourceRanges: config.validatorRegions.map((plan) => plan.subnetCidr),
                tls: rpcCertificates!.metricsReceiver!,
            },
        },
    });
    const remoteWriteUrl = admin.observability?.receiver?.url;

    // A partial rollout is fine for the infrastructure, but the chain makes blocks only once a quorum runs.
    const total = config.validatorRegions.length * config.validatorsPerRegion;
    const deployed = config.deployedRegions.length * config.validatorsPerRegion;
    const { quorum } = qbftQuorum(total);
    if (deployed < quorum) {
        pulumi.log.warn(
            `rollout deploys ${deployed} of ${total} genesis validators (waves 1–${config.deployWaves}); ` +
                `Chain 138 produces blocks only once ${quorum} run`,
        );
    }

    const regions = config.deployedRegions.map(
        (plan) =>
            new RegionDeployment(regionComponentName(plan.name), {
                ...shared,
                plan,
                tags: regionTags(baseTags, plan.name),
                p2pAllowedCidrs: besu.fleetCidrs,
                diagnosticsWorkspaceId: admin.logAnalyticsWorkspaceId,
                besu: besu.regionInputs(plan.name),
                besuStorageClass: config.besuStorageClass,
                hub: admin.hub,
                attester: config.attesters.some((a) => a.kind === "deployed" && a.region === plan.name),
                rpc: {
                    allowedCidrs: config.rpcAllowedCidrs,
                    corsOrigins: config.rpcCorsOrigins,
                    tls: rpcCertificates?.servers.get(plan.name),
                    publicTls: config.rpcPublicTls && {
                        hostname: config.rpcPublicTls.hostname.replace("{region}", plan.name),
                        certificatePem: config.rpcPublicTls.certificate,
                        privateKeyPem: config.rpcPublicTls.privateKey,
                    },
                },
                metricsAgent:
                    monitoring && remoteWriteUrl
                        ? {
                              remoteWriteUrl,
                              remoteWritePassword: regionRemoteWritePassword(monitoring.remoteWriteSecret, plan.name),
                              remoteWriteCa: rpcCertificates!.caCertificate,
                          }
                        : undefined,
                signerExporter:
                    monitoring?.signerExporterImage === undefined
                        ? undefined
                        : {
                              image: monitoring.signerExporterImage,
                              validatorAddresses: besu.validatorNodes,
                              windowBlocks: signerWindowBlocks(config.validatorRegions.length * config.validatorsPerRegion),
                          },
            }),
    );
    peerSpokesWithHub(
        admin.hub,
        regions.map((region) => region.spoke),
        admin,
    );
    return { admin, besu, regions, rpcCertificates };
}

/** Whether the fleet serves JSON-RPC publicly: sources are listed and there are sentries to serve it. */
export function hasPublicRpc(config: Pick<LoadedFleetConfig, "rpcAllowedCidrs" | "sentriesPerRegion">): boolean {
    return config.rpcAllowedCidrs.length > 0 && config.sentriesPerRegion > 0;
}

/** Stack outputs of the fleet: everything an operator reads, kubeconfigs only as secrets. */
export function fleetOutputs(config: LoadedFleetConfig, fleet: Fleet): ExportsOf<Omit<FleetStackOutputs, "contracts">> {
    const regions: ExportsOf<FleetStackOutputs["regions"]> = {};
    const kubeconfigs: Record<string, pulumi.Output<string>> = {};
    for (const region of fleet.regions) {
        const plan = config.deployedRegions.find((candidate) => candidate.name === region.region)!;
        regions[region.region] = {
            clusterName: region.clusterName,
            resourceGroup: region.resourceGroupName,
            wave: plan.wave,
            nodePools: region.nodePools.map((pool) => ({
                name: pool.name,
                role: pool.role,
                vmSize: pool.vmSize,
                count: pool.count,
                vcpus: pool.count * pool.vcpusPerNode,
            })),
            vcpuUsed: region.vcpuUsed,
            vcpuSurge: region.vcpuSurge,
            vcpuPeak: region.vcpuPeak,
            vcpuQuota: region.vcpuQuota,
            maintenanceWindow: plan.maintenance,
        };
        kubeconfigs[region.region] = region.kubeconfig;
    }
    kubeconfigs[fleet.admin.region] = fleet.admin.kubeconfig;
    return {
        regions,
        admin: {
            region: fleet.admin.region,
            clusterName: fleet.admin.clusterName,
            resourceGroup: fleet.admin.resourceGroupName,
            logAnalyticsWorkspaceId: fleet.admin.logAnalyticsWorkspaceId,
            backupStorageAccount: fleet.admin.backupStorageAccountName,
            backupContainer: fleet.admin.backupContainerName,
            grafana: "kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80",
        },
        rollout: {
            waves: config.waves,
            deployWaves: config.deployWaves,
            deployedRegions: config.deployedRegions.map((plan) => plan.name),
        },
        besu: {
            chainId: config.chainId,
            validatorAddresses: fleet.besu.validatorAddresses,
            validatorChanges: fleet.besu.validatorChanges,
            validatorNodes: fleet.besu.validatorNodes,
            enodes: fleet.besu.enodeUrls,
            genesisJson: fleet.besu.genesisJson,
        },
        rpc: {
            ...(fleet.rpcCertificates === undefined ? {} : { caCertificate: fleet.rpcCertificates.caCertificate }),
            regions: Object.fromEntries(
                fleet.regions.map((region) => [
                    region.region,
                    {
                        ...(region.privateRpcUrl === undefined ? {} : { private: region.privateRpcUrl }),
                        ...(region.publicRpcUrl === undefined ? {} : { public: region.publicRpcUrl }),
                        ...(region.publicRpcHostname === undefined ? {} : { publicHostname: region.publicRpcHostname }),
                    },
                ]),
            ),
        },
        kubeconfigs: pulumi.secret(kubeconfigs),
    };
}

/** A stack of the operator's own clusters (`chain138:clusters`): the Besu network and one OwnClusterRegion each. */
export interface OwnClusterFleet {
    besu: BesuNetwork;
    regions: OwnClusterRegion[];
}

/**
 * Builds Chain 138 on the operator's own clusters: the same keys, genesis and peer lists as an AKS fleet (BesuNetwork),
 * with the operator's P2P addresses instead of Azure static IPs; nothing in Azure. Every configured cluster is deployed
 * (one wave): there is no quota to stage a rollout against.
 */
export function deployOwnClusters(config: LoadedFleetConfig): OwnClusterFleet | undefined {
    if (config.ownClusters.length === 0 || config.deployerAddress === undefined) return undefined;
    const besu = new BesuNetwork(BESU_NETWORK_NAME, {
        chainId: config.chainId,
        deployerAddress: config.deployerAddress,
        multicall3RuntimeCode: loadArtifact("Multicall3").deployedBytecode,
        regions: config.ownClusters.map((plan) => ({
            region: plan.name,
            validatorCount: config.validatorsPerRegion,
            sentryCount: config.sentriesPerRegion,
            zones: [],
            ownCluster: { publishing: plan.service, nodes: plan.nodes, egressAddress: plan.egressAddress },
        })),
    });
    const regions = config.ownClusters.map(
        (plan) =>
            new OwnClusterRegion(regionComponentName(plan.name), {
                region: plan.name,
                kubeconfig: plan.kubeconfig,
                besu: besu.regionInputs(plan.name),
                storageClass: plan.storageClass,
            }),
    );
    return { besu, regions };
}

/** Stack outputs of an own-cluster fleet: the same keys the ops tools read from an AKS fleet, minus Azure's. */
export function ownClusterFleetOutputs(config: LoadedFleetConfig, fleet: OwnClusterFleet): ExportsOf<Omit<FleetStackOutputs, "contracts" | "admin">> {
    const names = config.ownClusters.map((plan) => plan.name);
    return {
        regions: Object.fromEntries(
            config.ownClusters.map((plan) => [
                plan.name,
                {
                    clusterName: plan.name,
                    wave: 1,
                    ownCluster: { p2pPublishing: plan.service, validators: config.validatorsPerRegion, sentries: config.sentriesPerRegion },
                },
            ]),
        ),
        rollout: { waves: [names], deployWaves: 1, deployedRegions: names },
        besu: {
            chainId: config.chainId,
            validatorAddresses: fleet.besu.validatorAddresses,
            validatorChanges: fleet.besu.validatorChanges,
            validatorNodes: fleet.besu.validatorNodes,
            enodes: fleet.besu.enodeUrls,
            genesisJson: fleet.besu.genesisJson,
        },
        rpc: { regions: {} },
        kubeconfigs: pulumi.secret(pulumi.all(Object.fromEntries(fleet.regions.map((region) => [region.region, region.kubeconfig])))),
    };
}
