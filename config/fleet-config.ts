import { computeAddress, getAddress } from "ethers";
import { z } from "zod";
import { findRegion, knownRegions, zonesOf } from "../regions/catalog";
import { addressAt, firstSubnet, Ipv4Block, nthSubnet, overlaps, parseCidr } from "../regions/cidr";
import { rpcAllowedCidrProblems, rpcCorsOriginProblems } from "./rpc-access";
import { kubernetesVersionVerdict } from "../regions/kubernetes-versions";
import { qbftQuorum } from "../stack/qbft";
import { BESU_P2P_PORT, POOL_NAMES } from "../stack/names";
import { ownClusterPlans, type OwnClusterPlan } from "./own-clusters";
import { describeHour, MaintenanceWindow, planMaintenance } from "../regions/maintenance";
import { knownVmSizes, vcpusOf } from "../regions/vm-sizes";
import { fleetConfigSchema, RawFleetConfig } from "./schema";

/** Pod and service address ranges every cluster uses (Azure CNI overlay): never routed outside. */
export const CLUSTER_POD_CIDR = "192.168.0.0/16";
export const CLUSTER_SERVICE_CIDR = "172.16.0.0/16";
export const CLUSTER_DNS_SERVICE_IP = "172.16.0.10";

/** QBFT needs n >= 3f + 1 validators to tolerate f faults; below 4 it tolerates none. */
export const MIN_VALIDATORS = 4;

export type PoolRole = "system" | "validator" | "sentry" | "admin";

/** One AKS node pool, fully resolved. */
export interface PoolPlan {
    /** AKS pool name (lowercase, at most 12 characters). */
    readonly name: string;
    readonly role: PoolRole;
    readonly vmSize: string;
    readonly count: number;
    readonly vcpusPerNode: number;
    /**
     * Upgrade settings, in nodes. AKS (rolling node pool upgrades doc, articles/aks/upgrade-aks-node-pools-rolling.md):
     * "You can't set max unavailable on system node pools", and "When maxUnavailable is 0, AKS requires maxSurge
     * to be greater than 0". So System-mode pools surge one node; user pools drain one node at a time without a
     * surge node, which the quota has no room for. A surge node exists during the upgrade and counts against quota.
     */
    readonly maxSurge: number;
    readonly maxUnavailable: number;
}

/** Everything the program deploys in one region, resolved from config and the catalog. */
export interface RegionPlan {
    readonly name: string;
    readonly zones: string[];
    readonly vnetCidr: string;
    /** The node subnet: the VNet's first /20 (pods use the overlay range, so a /20 is ample). */
    readonly subnetCidr: string;
    /**
     * The subnet of the internal load balancer in front of the region's RPC nodes: the /28 right after the node
     * subnet. AKS: an internal LB's IP "can't already be assigned to another resource" and should not come from the
     * node subnet's range (articles/aks/internal-lb.md, "Specify an IP address"), so it gets a subnet of its own.
     */
    readonly rpcSubnetCidr: string;
    /**
     * The internal load balancer's static IP: the subnet's 5th address. Azure reserves the first four of every subnet
     * (network, default gateway, two for DNS) and the last (Azure Virtual Network FAQ, "Are there any restrictions on
     * using IP addresses within these subnets?"), so .4 is the first an LB can take.
     */
    readonly rpcPrivateIp: string;
    /** Rollout wave (1-based) this region belongs to; 0 for the admin region. */
    readonly wave: number;
    readonly pools: PoolPlan[];
    /** vCPUs of the pools in steady state. */
    readonly vcpuUsed: number;
    /** vCPUs of the surge nodes that exist while pools upgrade. */
    readonly vcpuSurge: number;
    /** vcpuUsed + vcpuSurge: what the regional quota must hold. */
    readonly vcpuPeak: number;
    readonly vcpuQuota: number;
    /** The cluster's weekly planned-maintenance window (auto-upgrade and node OS), staggered fleet-wide. */
    readonly maintenance: MaintenanceWindow;
}

/** The validated fleet: the only shape of configuration the rest of the program sees. */
export interface FleetConfig {
    /** Stack name, used as the `environment` tag. */
    readonly environment: string;
    readonly chainId: number;
    readonly validatorsPerRegion: number;
    readonly sentriesPerRegion: number;
    readonly kubernetesVersion: string;
    /** Every configured validator region, in config order: keys and genesis cover all of them. */
    readonly validatorRegions: RegionPlan[];
    /** The regions whose clusters this stack deploys (the selected rollout waves). */
    readonly deployedRegions: RegionPlan[];
    readonly waves: string[][];
    readonly deployWaves: number;
    /** Undefined when the stack runs no Azure fleet (`regions: []`). */
    readonly admin?: AdminPlan;
    /** The operator's own clusters (`clusters`), each a region of the chain; [] on an Azure stack. */
    readonly ownClusters: OwnClusterPlan[];
    /** Sources admitted to every region's public JSON-RPC endpoint; empty: no public endpoint. */
    readonly rpcAllowedCidrs: string[];
    /** Sources the node-key vaults admit besides each region's nodes (keyVaultWriterCidrs, else rpcAllowedCidrs). */
    readonly keyVaultWriterCidrs: string[];
    /** CORS origins of JSON-RPC (Besu rpc-http-cors-origins). */
    readonly rpcCorsOrigins: string[];
    /** The operator's publicly trusted certificate for the public endpoints (plain here; the loaded config makes it secret). */
    readonly rpcPublicTls?: { readonly hostname: string; readonly certificate: string; readonly privateKey: string };
    readonly tags: { readonly owner: string; readonly costCentre: string };
    readonly aksAdminGroupObjectIds: string[];
    /** Principals granted AKS RBAC Cluster Admin on every cluster (the deploying identity is added at run time). */
    readonly clusterAdminObjectIds: string[];
    /** Storage class of Besu's data disks; undefined = per region (ZRS where zoned). */
    readonly besuStorageClass?: string;
    readonly kubeloginMode: "azurecli" | "workloadidentity" | "spn" | "msi";
    /** Address of the contract deployer (funded in the Chain 138 genesis); derived from its key. */
    readonly deployerAddress?: string;
    /** Chains that get the contract suite, sorted by name; [] when `chains` is absent (no contracts). */
    readonly chains: ChainPlan[];
    /** CCIP settings for the lanes between `chains` (every pair); undefined with fewer than two chains. */
    readonly ccip?: CcipPlan;
    /** The CCIP relayer in the admin region; undefined when not configured. */
    readonly relayer?: RelayerPlan;
    /** Attester services by name order; [] when not configured. */
    readonly attesters: AttesterPlan[];
    /** Fleet observability (agents, receiver, Alertmanager receivers); undefined when not configured. */
    readonly monitoring?: MonitoringPlan;
    /** Accepted, but worth an operator's attention (e.g. a Kubernetes minor near its end of life). */
    readonly warnings: string[];
}

/** One Alertmanager receiver, validated (credentials plain here; the loaded config makes them secret). */
export interface AlertReceiverPlan {
    readonly name: string;
    readonly webhookUrl?: string;
    readonly slack?: { readonly apiUrl: string; readonly channel: string };
    readonly pagerDutyRoutingKey?: string;
}

/** Fleet observability, validated. */
export interface MonitoringPlan {
    readonly remoteWriteSecret: string;
    readonly receivers: AlertReceiverPlan[];
    readonly route: { readonly critical: string; readonly warning: string };
    /** The signer exporter's image (ops/signer-exporter), when each region should run one. */
    readonly signerExporterImage?: string;
}

/** An attester service, validated (key and token plain here; the loaded config makes them secret). */
export type AttesterPlan =
    | {
          readonly kind: "deployed";
          readonly name: string;
          readonly address: string;
          readonly region: string;
          readonly key: string;
          readonly token: string;
          readonly image: string;
          readonly rpcUrls: Record<string, string>;
          readonly storageClass: string;
      }
    | { readonly kind: "external"; readonly name: string; readonly address: string; readonly url: string; readonly token: string };

/** The relayer Deployment's settings, validated (keys plain here; the loaded config makes them secret). */
export interface RelayerPlan {
    readonly image: string;
    readonly relayerKey: string;
    readonly pollIntervalMs: number;
    readonly storageClass: string;
}

/** One chain of the contract suite, validated. */
export interface ChainPlan {
    readonly name: string;
    /** Plain here; the loaded config hands it on only as a secret Output. Undefined when {@link rpcFromFleet}. */
    readonly rpcUrl?: string;
    /**
     * The fleet's own chain without a configured rpcUrl: the program reaches it through the fleet's public RPC
     * endpoint and waits for it to make blocks (components/chain-endpoints.ts). Never true without a fleet.
     */
    readonly rpcFromFleet: boolean;
    readonly chainId: number;
    /** Decimal string (selectors exceed 2^53). */
    readonly chainSelector: string;
    readonly confirmations: number;
    readonly receiptTimeoutSeconds: number;
    /** Existing router to use (not deployed, not wired by us). */
    readonly router?: string;
    /** Existing Multicall3 (not deployed). */
    readonly multicall3?: string;
    readonly bridgeLiquidityWei: string;
    readonly oracleFundingWei: string;
    /** Node minimum gas price (decimal wei) the senders' fees clear; undefined = 0. */
    readonly minGasPriceWei?: string;
}

/** CCIP settings, validated. */
export interface CcipPlan {
    readonly attesters: string[];
    readonly threshold: number;
    readonly fee: { readonly baseFee: string; readonly feePerByte: string; readonly feePerGas: string };
    readonly salt: string;
}

export interface AdminPlan extends RegionPlan {
    readonly monitoringChartVersion: string;
    readonly logRetentionDays: number;
}

/** A configuration error: every problem found, each naming the key or value at fault. */
export class FleetConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
        this.name = "FleetConfigError";
    }
}

function formatZodIssue(namespace: string, issue: z.core.$ZodIssue): string {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    if (issue.code === "unrecognized_keys") {
        const where = issue.path.length > 0 ? `${namespace}:${path}` : `namespace ${namespace}`;
        return `${where}: unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
    }
    return `${namespace}:${path}: ${issue.message}`;
}

/**
 * Validates raw config values (already decoded from the CLI's strings) into a FleetConfig.
 * Throws FleetConfigError listing every problem; creates nothing.
 */
export interface ValidateOptions {
    namespace: string;
    environment: string;
    /** The date the Kubernetes support calendar is read at. Default: now. */
    today?: Date;
}

export function validateFleetConfig(raw: unknown, options: ValidateOptions): FleetConfig {
    const parsed = fleetConfigSchema.safeParse(raw);
    if (!parsed.success) {
        throw new FleetConfigError(parsed.error.issues.map((issue) => formatZodIssue(options.namespace, issue)));
    }
    return resolveFleet(parsed.data, options);
}

function resolveFleet(config: RawFleetConfig, options: ValidateOptions): FleetConfig {
    const ns = options.namespace;
    const warnings: string[] = [];
    const problems = [
        ...kubernetesVersionProblems(config, ns, options.today ?? new Date(), warnings),
        ...regionProblems(config, ns),
        ...sizingProblems(config, ns),
        ...chainProblems(config, ns),
        ...rpcAllowedCidrProblems(config.rpcAllowedCidrs, `${ns}:rpcAllowedCidrs`),
        ...rpcAllowedCidrProblems(config.keyVaultWriterCidrs, `${ns}:keyVaultWriterCidrs`),
        ...rpcCorsOriginProblems(config.rpcCorsOrigins, `${ns}:rpcCorsOrigins`),
        ...(config.rpcPublicTls !== undefined && config.rpcAllowedCidrs.length === 0
            ? [`${ns}:rpcPublicTls is set but ${ns}:rpcAllowedCidrs is empty: there is no public endpoint to serve it`]
            : []),
        ...monitoringProblems(config, ns),
        ...attesterProblems(config, ns),
    ];
    const ownClusters = ownClustersOf(config, ns, problems);
    if (problems.length > 0) throw new FleetConfigError(problems);

    const waves = resolveWaves(config, ns, problems);
    const deployWaves = config.rollout.deployWaves ?? waves.length;
    if (deployWaves > waves.length) {
        problems.push(`${ns}:rollout.deployWaves: ${deployWaves} waves selected but only ${waves.length} exist`);
    }
    const { validatorRegions, admin } = planRegions(config, waves, problems);
    const plans = [...validatorRegions, ...(admin ? [admin] : [])];
    problems.push(...quotaProblems(plans, ns), ...cidrOverlaps(plans, ns));
    const monitoring = config.monitoring === undefined || admin === undefined ? undefined : monitoringPlan(config.monitoring);
    if (problems.length > 0) throw new FleetConfigError(problems);

    const deployed = new Set(waves.slice(0, deployWaves).flat());
    return {
        environment: options.environment,
        chainId: config.chainId,
        validatorsPerRegion: config.validatorsPerRegion,
        sentriesPerRegion: config.sentriesPerRegion,
        kubernetesVersion: config.kubernetesVersion,
        validatorRegions,
        deployedRegions: validatorRegions.filter((plan) => deployed.has(plan.name)),
        waves,
        deployWaves,
        admin,
        ownClusters,
        tags: config.tags,
        aksAdminGroupObjectIds: config.aksAdminGroupObjectIds,
        clusterAdminObjectIds: config.clusterAdminObjectIds,
        besuStorageClass: config.besuStorageClass === "" ? undefined : config.besuStorageClass,
        kubeloginMode: config.kubeloginMode,
        deployerAddress: config.deployerKey === undefined ? undefined : computeAddress(config.deployerKey),
        rpcAllowedCidrs: config.rpcAllowedCidrs,
        keyVaultWriterCidrs: config.keyVaultWriterCidrs.length > 0 ? config.keyVaultWriterCidrs : config.rpcAllowedCidrs,
        rpcCorsOrigins: config.rpcCorsOrigins,
        rpcPublicTls: config.rpcPublicTls,
        // By name: the CLI may hand objects over with keys in any order, and resource names follow this order.
        chains: Object.entries(withFleetChain(config))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, chain]) => ({ name, ...chain, rpcFromFleet: chain.rpcUrl === undefined })),
        ccip: config.ccip,
        relayer: config.relayer,
        attesters: attesterPlans(config),
        monitoring,
        warnings,
    };
}

/**
 * The operator's own clusters: a stack runs either AKS regions or its own clusters (the own clusters have no VNet to
 * peer with the admin hub, and the hub's monitoring and relayer reach regions only over that peering), enough
 * validators, and a deployer to fund in the genesis.
 */
function ownClustersOf(config: RawFleetConfig, ns: string, problems: string[]): OwnClusterPlan[] {
    if (config.clusters === undefined) return [];
    if (config.regions.length > 0) {
        problems.push(
            `${ns}:clusters and ${ns}:regions are both set: a stack runs either AKS regions or the operator's own clusters; ` +
                `put the own clusters in a stack of their own`,
        );
        return [];
    }
    const plans = ownClusterPlans(
        config.clusters,
        { validatorsPerRegion: config.validatorsPerRegion, sentriesPerRegion: config.sentriesPerRegion, p2pPort: BESU_P2P_PORT },
        ns,
        problems,
    );
    const total = Object.keys(config.clusters).length * config.validatorsPerRegion;
    if (total < MIN_VALIDATORS) {
        problems.push(
            `${ns}:clusters × ${ns}:validatorsPerRegion gives ${total} validator(s) ` +
                `(${Object.keys(config.clusters).length} × ${config.validatorsPerRegion}); QBFT needs at least ${MIN_VALIDATORS} (3f+1 with f ≥ 1)`,
        );
    }
    if (config.deployerKey === undefined) {
        problems.push(
            `${ns}:deployerKey is not set: the Chain 138 genesis funds the contract deployer; ` +
                `set it with \`pulumi config set --secret ${ns}:deployerKey 0x…\``,
        );
    }
    for (const key of ["relayer", "attesters", "monitoring", "rpcPublicTls"] as const) {
        if (config[key] !== undefined) problems.push(`${ns}:${key} is set but this stack runs own clusters: it needs the AKS admin region (${ns}:regions)`);
    }
    if (config.rpcAllowedCidrs.length > 0) {
        problems.push(`${ns}:rpcAllowedCidrs is set but this stack runs own clusters: their public JSON-RPC endpoints are the operator's to publish`);
    }
    return plans;
}

/** Receivers named once, routes naming receivers that exist, and a fleet to observe. */
function monitoringProblems(config: RawFleetConfig, ns: string): string[] {
    const monitoring = config.monitoring;
    if (monitoring === undefined) return [];
    const problems: string[] = [];
    if (config.regions.length === 0) problems.push(`${ns}:monitoring is set but ${ns}:regions is empty: there is no fleet to observe`);
    const names = monitoring.receivers.map((r) => r.name);
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push(`${ns}:monitoring.receivers: "${name}" is listed twice`);
    for (const severity of ["critical", "warning"] as const) {
        const target = monitoring.route[severity];
        if (!names.includes(target)) problems.push(`${ns}:monitoring.route.${severity}: no receiver named "${target}" in ${ns}:monitoring.receivers`);
    }
    return problems;
}

/** The validated observability settings (the receiver's address is the admin region's internal LB: components/fleet.ts). */
function monitoringPlan(raw: NonNullable<RawFleetConfig["monitoring"]>): MonitoringPlan {
    return {
        remoteWriteSecret: raw.remoteWriteSecret,
        receivers: raw.receivers,
        route: raw.route,
        ...(raw.signerExporterImage === undefined ? {} : { signerExporterImage: raw.signerExporterImage }),
    };
}

/** The Kubernetes version against the AKS calendar: refusals as problems, the approaching end of life in `warnings`. */
function kubernetesVersionProblems(config: RawFleetConfig, ns: string, today: Date, warnings: string[]): string[] {
    const problems: string[] = [];
    if (config.regions.length === 0) return problems;
    const verdict = kubernetesVersionVerdict(config.kubernetesVersion, today);
    if (verdict.status === "refused") {
        // AKS still operates clusters in platform support (scale, node image, upgrade); it only refuses new ones.
        // An operator mid-upgrade may accept that for the clusters that exist.
        const endOfLife = verdict.message.includes("reached end of life");
        if (endOfLife && config.acceptEndOfLifeKubernetes) {
            warnings.push(
                `${ns}:kubernetesVersion: ${verdict.message}; accepted by ${ns}:acceptEndOfLifeKubernetes, but AKS refuses to create a cluster on it`,
            );
        } else {
            problems.push(
                `${ns}:kubernetesVersion: ${verdict.message}${endOfLife ? ` (to keep operating existing clusters while upgrading region by region, set ${ns}:acceptEndOfLifeKubernetes true)` : ""}`,
            );
        }
    }
    if (verdict.status === "ending") warnings.push(`${ns}:kubernetesVersion: ${verdict.message}`);
    return problems;
}

/** The admin region, the validator regions and their VNet overrides name known, distinct regions. */
function regionProblems(config: RawFleetConfig, ns: string): string[] {
    const problems: string[] = [];
    if (!findRegion(config.adminRegion)) {
        problems.push(`${ns}:adminRegion: unknown Azure region "${config.adminRegion}"; known regions: ${knownRegions().join(", ")}`);
    }
    const seen = new Set<string>();
    for (const name of config.regions) {
        if (name === config.adminRegion) {
            problems.push(`${ns}:regions: "${name}" is the admin region (${ns}:adminRegion); it never runs validators or sentries`);
        } else if (!findRegion(name)) {
            problems.push(`${ns}:regions: unknown Azure region "${name}"; known regions: ${knownRegions().join(", ")}`);
        }
        if (seen.has(name)) problems.push(`${ns}:regions: "${name}" is listed more than once`);
        seen.add(name);
    }
    for (const [name, vnet] of Object.entries(config.vnetCidrs ?? {})) {
        if (!seen.has(name) && name !== config.adminRegion) {
            problems.push(`${ns}:vnetCidrs.${name}: "${name}" is not a configured region`);
        }
        const block = parseCidr(vnet);
        if (!block) problems.push(`${ns}:vnetCidrs.${name}: "${vnet}" is not an IPv4 CIDR block`);
        else if (nthSubnet(block, 28, 2 ** (28 - 20)) === undefined) {
            problems.push(
                `${ns}:vnetCidrs.${name}: "${vnet}" is too small: a region needs a /20 for its nodes and a /28 after it for the RPC load balancer (a /19 or larger)`,
            );
        }
    }
    return problems;
}

/** Enough validators, VM sizes with known vCPUs, and the deployer key a fleet's genesis funds. */
function sizingProblems(config: RawFleetConfig, ns: string): string[] {
    const problems: string[] = [];
    const totalValidators = config.regions.length * config.validatorsPerRegion;
    if (config.regions.length > 0 && totalValidators < MIN_VALIDATORS) {
        problems.push(
            `${ns}:regions × ${ns}:validatorsPerRegion gives ${totalValidators} validator(s) ` +
                `(${config.regions.length} × ${config.validatorsPerRegion}); QBFT needs at least ${MIN_VALIDATORS} (3f+1 with f ≥ 1)`,
        );
    }
    for (const [pool, size] of Object.entries({ ...config.nodeSizes, admin: config.admin.nodeSize })) {
        if (vcpusOf(size) === undefined) {
            const key = pool === "admin" ? `${ns}:admin.nodeSize` : `${ns}:nodeSizes.${pool}`;
            problems.push(`${key}: VM size "${size}" is not in the vCPU table (regions/vm-sizes.ts); known sizes: ${knownVmSizes().join(", ")}`);
        }
    }
    if (config.regions.length > 0 && config.deployerKey === undefined) {
        problems.push(
            `${ns}:deployerKey is not set: the Chain 138 genesis funds the contract deployer; ` +
                `set it with \`pulumi config set --secret ${ns}:deployerKey 0x…\``,
        );
    }
    return problems;
}

/** Every region's plan, with maintenance windows that keep QBFT's fault budget (else a problem). */
function planRegions(config: RawFleetConfig, waves: string[][], problems: string[]): { validatorRegions: RegionPlan[]; admin: AdminPlan | undefined } {
    const totalValidators = config.regions.length * config.validatorsPerRegion;
    const vnetOf = (name: string): string => config.vnetCidrs?.[name] ?? findRegion(name)!.vnetCidr;
    // Maintenance slots follow config order (validator regions, then the admin region), deployed or not,
    // so deploying a later wave never moves an existing cluster's window.
    const validatorPoolsOf = validatorPools(config);
    const maintenance = planMaintenance([
        ...config.regions.map((name) => ({ name, validatorsAtRisk: validatorsAtRisk(validatorPoolsOf) })),
        ...(config.regions.length > 0 ? [{ name: config.adminRegion, validatorsAtRisk: 0 }] : []),
    ]);
    const validatorRegions = config.regions.map((name) =>
        planRegion(name, vnetOf(name), waveOf(waves, name), validatorPoolsOf, config.vcpuQuotaPerRegion, maintenance.windows.get(name)!),
    );
    const faultTolerance = config.regions.length > 0 ? qbftQuorum(totalValidators).faultTolerance : 0;
    if (config.regions.length > 0 && maintenance.peakValidatorsAtRisk > faultTolerance) {
        problems.push(
            `planned maintenance: ${maintenance.peakValidatorsAtRisk} validators could be drained at once (${describeHour(maintenance.peakHour)}) ` +
                `but QBFT tolerates ${faultTolerance} of ${totalValidators}; add regions or validators`,
        );
    }
    const admin: AdminPlan | undefined =
        config.regions.length === 0
            ? undefined
            : {
                  ...planRegion(
                      config.adminRegion,
                      vnetOf(config.adminRegion),
                      0,
                      [
                          {
                              name: "system",
                              role: "admin",
                              vmSize: config.admin.nodeSize,
                              count: config.admin.nodeCount,
                              vcpusPerNode: vcpusOf(config.admin.nodeSize)!,
                              ...SYSTEM_UPGRADE,
                          },
                      ],
                      config.vcpuQuotaPerRegion,
                      maintenance.windows.get(config.adminRegion)!,
                  ),
                  monitoringChartVersion: config.admin.monitoringChartVersion,
                  logRetentionDays: config.admin.logRetentionDays,
              };

    return { validatorRegions, admin };
}

/** Each region's pools fit its vCPU quota during upgrades, surge nodes included. */
function quotaProblems(plans: RegionPlan[], ns: string): string[] {
    const problems: string[] = [];
    for (const plan of plans) {
        if (plan.vcpuPeak > plan.vcpuQuota) {
            const pools = plan.pools
                .map(
                    (pool) =>
                        `${pool.name} ${pool.count}×${pool.vmSize} = ${pool.count * pool.vcpusPerNode}${pool.maxSurge > 0 ? ` + ${pool.maxSurge} surge node = ${pool.maxSurge * pool.vcpusPerNode}` : ""}`,
                )
                .join(", ");
            problems.push(
                `region ${plan.name}: node pools need ${plan.vcpuPeak} vCPUs during upgrades (${plan.vcpuUsed} steady + ${plan.vcpuSurge} for surge nodes: ${pools}) ` +
                    `but ${ns}:vcpuQuotaPerRegion is ${plan.vcpuQuota}; request a quota of ${plan.vcpuPeak} or use fewer or smaller nodes`,
            );
        }
    }
    return problems;
}

/** Cross-field checks of `chains` and `ccip`; messages name keys, never RPC URLs. */
function chainProblems(config: RawFleetConfig, ns: string): string[] {
    const problems: string[] = [];
    const chains = Object.entries(withFleetChain(config));
    for (const [name, chain] of chains) {
        if (chain.rpcUrl !== undefined) continue;
        if (config.regions.length === 0 || chain.chainId !== config.chainId) {
            problems.push(
                `${ns}:chains.${name}.rpcUrl is not set; only the fleet's own chain (chainId ${config.chainId}, on a stack with regions) gets its RPC endpoint from the program`,
            );
        } else if (config.sentriesPerRegion === 0) {
            problems.push(`${ns}:chains.${name}.rpcUrl is not set, but ${ns}:sentriesPerRegion is 0: the fleet serves JSON-RPC only from sentries`);
        } else if (config.rpcAllowedCidrs.length === 0) {
            problems.push(
                `${ns}:chains.${name}.rpcUrl is not set and ${ns}:rpcAllowedCidrs is empty: the program deploys Chain 138's contracts through the fleet's ` +
                    `public RPC endpoint, which exists only for listed sources. Add the egress address of the machine running \`pulumi up\` ` +
                    `(e.g. ${ns}:rpcAllowedCidrs[0] = 203.0.113.7/32), or set ${ns}:chains.${name}.rpcUrl to an endpoint it can reach`,
            );
        }
    }
    const byId = new Map<number, string>();
    const bySelector = new Map<string, string>();
    for (const [name, chain] of chains) {
        const id = byId.get(chain.chainId);
        if (id !== undefined) problems.push(`${ns}:chains.${name}.chainId: ${chain.chainId} is also the chain id of ${ns}:chains.${id}`);
        byId.set(chain.chainId, name);
        const sel = bySelector.get(chain.chainSelector);
        if (sel !== undefined) problems.push(`${ns}:chains.${name}.chainSelector: ${chain.chainSelector} is also the selector of ${ns}:chains.${sel}`);
        bySelector.set(chain.chainSelector, name);
    }
    if (chains.length >= 2 && config.ccip === undefined) {
        problems.push(`${ns}:ccip is not set: ${chains.length} chains need attesters, a threshold and a fee config for their CCIP lanes`);
    }
    if (config.ccip !== undefined) {
        const { attesters, threshold } = config.ccip;
        if (threshold > attesters.length)
            problems.push(`${ns}:ccip.threshold: ${threshold} exceeds the ${attesters.length} attester(s) in ${ns}:ccip.attesters`);
        if (new Set(attesters.map((a) => a.toLowerCase())).size !== attesters.length)
            problems.push(`${ns}:ccip.attesters: an address is listed more than once`);
        if (chains.length < 2) problems.push(`${ns}:ccip is set but ${ns}:chains has ${chains.length} chain(s); a lane needs two`);
    }
    if (config.relayer !== undefined) {
        if (config.ccip === undefined) problems.push(`${ns}:relayer is set but ${ns}:ccip is not: there are no lanes to relay`);
        if (config.regions.length === 0)
            problems.push(`${ns}:relayer is set but ${ns}:regions is empty: the relayer runs in the admin region's cluster, which exists only with a fleet`);
        const ours = chains.filter(([, chain]) => chain.router === undefined).map(([name]) => name);
        if (ours.length < 2) {
            problems.push(
                `${ns}:relayer: it relays between routers this stack deploys, and only ${ours.length} chain(s) (${ours.join(", ") || "none"}) have no configured ${ns}:chains.<name>.router`,
            );
        }
        const reachable = Object.keys(config.attesters ?? {}).length;
        if (config.ccip !== undefined && reachable < config.ccip.threshold) {
            problems.push(
                `${ns}:relayer: ${reachable} attester service(s) in ${ns}:attesters cannot reach ${ns}:ccip.threshold ${config.ccip.threshold}; the relayer holds no attester key`,
            );
        }
    }
    return problems;
}

function attesterPlans(config: RawFleetConfig): AttesterPlan[] {
    return Object.entries(config.attesters ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, a]) =>
            "region" in a
                ? {
                      kind: "deployed",
                      name,
                      address: computeAddress(a.key),
                      region: a.region,
                      key: a.key,
                      token: a.token,
                      image: a.image,
                      rpcUrls: a.rpcUrls ?? {},
                      storageClass: a.storageClass,
                  }
                : { kind: "external", name, address: getAddress(a.address), url: a.url, token: a.token },
        );
}

/**
 * Attesters are independent or the threshold means nothing: each is a lane attester, each address once, each deployed
 * one in a validator region's cluster (never the admin region's, where the relayer runs), and no region holding a
 * threshold of keys (its cluster's admins could sign alone). Messages name addresses, never keys or tokens.
 */
function attesterProblems(config: RawFleetConfig, ns: string): string[] {
    if (config.attesters === undefined) return [];
    const problems: string[] = [];
    if (config.ccip === undefined) return [`${ns}:attesters is set but ${ns}:ccip is not: there are no lanes to attest`];
    const allowed = new Set(config.ccip.attesters.map((a) => a.toLowerCase()));
    const plans = attesterPlans(config);
    const seen = new Set<string>();
    const perRegion = new Map<string, string[]>();
    for (const a of plans) {
        const address = a.address.toLowerCase();
        if (!allowed.has(address)) problems.push(`${ns}:attesters.${a.name}: its address ${address} is not in ${ns}:ccip.attesters`);
        if (seen.has(address)) problems.push(`${ns}:attesters.${a.name}: address ${address} is configured twice`);
        seen.add(address);
        if (a.kind !== "deployed") continue;
        if (a.region === config.adminRegion) {
            problems.push(`${ns}:attesters.${a.name}.region: ${a.region} is the admin region, where the relayer runs; attester keys never go there`);
        } else if (!config.regions.includes(a.region)) {
            problems.push(`${ns}:attesters.${a.name}.region: ${a.region} is not one of ${ns}:regions (its cluster runs the attester)`);
        }
        perRegion.set(a.region, [...(perRegion.get(a.region) ?? []), a.name]);
    }
    for (const [region, names] of perRegion) {
        if (names.length >= config.ccip.threshold) {
            problems.push(
                `${ns}:attesters: region ${region} would hold ${names.length} attester keys (${names.join(", ")}), a threshold (${config.ccip.threshold}) of ${ns}:ccip: one cluster could sign alone`,
            );
        }
    }
    return problems;
}

/** The name the fleet's own chain gets when `chains` lists other chains but not it. */
export const FLEET_CHAIN_NAME = "chain138";

/**
 * `chains` with the fleet's own chain: on a stack with regions whose `chains` lists other chains (mainnet) but none with
 * the fleet's chain id, Chain 138 is added under {@link FLEET_CHAIN_NAME} with its RPC from the fleet and the defaults
 * (selector = the chain id until Chainlink assigns one). Set `chains.chain138` to tune it (liquidity, selector).
 */
function withFleetChain(config: RawFleetConfig): NonNullable<RawFleetConfig["chains"]> {
    const chains = config.chains ?? {};
    const listed = Object.values(chains).some((chain) => chain.chainId === config.chainId);
    if (config.regions.length === 0 || Object.keys(chains).length === 0 || listed || FLEET_CHAIN_NAME in chains) return chains;
    return {
        ...chains,
        [FLEET_CHAIN_NAME]: {
            chainId: config.chainId,
            chainSelector: String(config.chainId),
            confirmations: 1,
            receiptTimeoutSeconds: 600,
            bridgeLiquidityWei: "0",
            oracleFundingWei: "0",
        },
    };
}

/** System-mode pools may not set maxUnavailable, so they surge one node (see PoolPlan). */
const SYSTEM_UPGRADE = { maxSurge: 1, maxUnavailable: 0 } as const;
/** User pools drain one node at a time and need no surge node. */
const USER_UPGRADE = { maxSurge: 0, maxUnavailable: 1 } as const;

/** Validators AKS may drain at once in one cluster: the validator pool's upgrade batch (one validator per node). */
function validatorsAtRisk(pools: PoolPlan[]): number {
    const validators = pools.find((pool) => pool.role === "validator");
    return validators === undefined ? 0 : Math.min(validators.count, validators.maxSurge + validators.maxUnavailable);
}

function validatorPools(config: RawFleetConfig): PoolPlan[] {
    const pool = (name: string, role: PoolRole, vmSize: string, count: number): PoolPlan => ({
        name,
        role,
        vmSize,
        count,
        vcpusPerNode: vcpusOf(vmSize)!,
        ...(role === "system" ? SYSTEM_UPGRADE : USER_UPGRADE),
    });
    const pools = [
        pool(POOL_NAMES.system, "system", config.nodeSizes.system, config.systemNodeCount),
        // One validator per node: the pool's size is the region's validator count.
        pool(POOL_NAMES.validator, "validator", config.nodeSizes.validator, config.validatorsPerRegion),
    ];
    if (config.sentriesPerRegion > 0) pools.push(pool(POOL_NAMES.sentry, "sentry", config.nodeSizes.sentry, config.sentriesPerRegion));
    return pools;
}

function planRegion(name: string, vnetCidr: string, wave: number, pools: PoolPlan[], vcpuQuota: number, maintenance: MaintenanceWindow): RegionPlan {
    const region = findRegion(name)!;
    const vcpuUsed = pools.reduce((sum, pool) => sum + pool.count * pool.vcpusPerNode, 0);
    // AKS may upgrade a cluster's pools together with its control plane: budget every pool's surge at once.
    const vcpuSurge = pools.reduce((sum, pool) => sum + pool.maxSurge * pool.vcpusPerNode, 0);
    const vnet = parseCidr(vnetCidr)!;
    // The /28 after the node subnet (a /20 holds 256 of them); config validation refuses a VNet too small for both.
    const rpcSubnetCidr = nthSubnet(vnet, 28, 2 ** (28 - 20)) ?? "";
    return {
        name,
        zones: zonesOf(region),
        vnetCidr,
        subnetCidr: firstSubnet(vnet, 20),
        rpcSubnetCidr,
        rpcPrivateIp: rpcSubnetCidr === "" ? "" : addressAt(parseCidr(rpcSubnetCidr)!, 4),
        wave,
        pools,
        vcpuUsed,
        vcpuSurge,
        vcpuPeak: vcpuUsed + vcpuSurge,
        vcpuQuota,
        maintenance,
    };
}

function resolveWaves(config: RawFleetConfig, ns: string, problems: string[]): string[][] {
    if (!config.rollout.waves) {
        const byWave = new Map<number, string[]>();
        for (const name of config.regions) {
            const wave = findRegion(name)!.wave;
            byWave.set(wave, [...(byWave.get(wave) ?? []), name]);
        }
        return [...byWave.keys()].sort((a, b) => a - b).map((wave) => byWave.get(wave)!);
    }
    const configured = new Set(config.regions);
    const placed = new Map<string, number>();
    config.rollout.waves.forEach((wave, index) => {
        for (const name of wave) {
            if (!configured.has(name)) {
                problems.push(`${ns}:rollout.waves[${index}]: "${name}" is not in ${ns}:regions`);
            } else if (placed.has(name)) {
                problems.push(`${ns}:rollout.waves[${index}]: "${name}" is already in wave ${placed.get(name)! + 1}`);
            }
            placed.set(name, index);
        }
    });
    for (const name of config.regions) {
        if (!placed.has(name)) problems.push(`${ns}:rollout.waves: region "${name}" is in no wave`);
    }
    return config.rollout.waves;
}

function waveOf(waves: string[][], name: string): number {
    return waves.findIndex((wave) => wave.includes(name)) + 1;
}

function cidrOverlaps(plans: RegionPlan[], ns: string): string[] {
    const blocks: { owner: string; block: Ipv4Block }[] = [
        { owner: "the clusters' pod range", block: parseCidr(CLUSTER_POD_CIDR)! },
        { owner: "the clusters' service range", block: parseCidr(CLUSTER_SERVICE_CIDR)! },
        ...plans.map((plan) => ({ owner: `region ${plan.name}`, block: parseCidr(plan.vnetCidr)! })),
    ];
    const problems: string[] = [];
    for (let i = 0; i < blocks.length; i++) {
        for (let j = i + 1; j < blocks.length; j++) {
            if (overlaps(blocks[i].block, blocks[j].block)) {
                problems.push(
                    `VNet CIDR overlap: ${blocks[j].owner} (${blocks[j].block.cidr}) overlaps ${blocks[i].owner} (${blocks[i].block.cidr}); ` +
                        `set ${ns}:vnetCidrs to give each region its own range`,
                );
            }
        }
    }
    return problems;
}
