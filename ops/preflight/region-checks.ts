// One region's checks: what ARM says is free and offered there against what `pulumi up` will create (targets.ts).
//
// APIs (the SDK versions in package-lock.json call these api-versions; tests/support/fake-arm.ts serves the same):
//   Compute usages          GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/usages          2026-04-01
//   Resource SKUs           GET /subscriptions/{s}/providers/Microsoft.Compute/skus?$filter=location eq '{l}' 2021-07-01
//   Network usages          GET /subscriptions/{s}/providers/Microsoft.Network/locations/{l}/usages          2026-01-01
//   Public IPs of a group   GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/publicIPAddresses 2026-01-01
//   Managed cluster         GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.ContainerService/managedClusters/{n} 2026-06-01
//   Kubernetes versions     GET /subscriptions/{s}/providers/Microsoft.ContainerService/locations/{l}/kubernetesVersions 2026-06-01
//   Permissions of a group  GET /subscriptions/{s}/resourcegroups/{g}/providers/Microsoft.Authorization/permissions 2022-04-01
//
// Usage that this stack's own resources already hold (a re-run on a deployed fleet) is not "used by something else":
// the existing cluster's pools and the P2P group's IPs are counted as ours and subtracted.
import type { ResourceSku, Usage as ComputeUsage } from "@azure/arm-compute";
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { PublicIPAddress, Usage as NetworkUsage } from "@azure/arm-network";
import type { Permission } from "@azure/arm-authorization";
import type { PoolPlan } from "../../config/fleet-config";
import { vcpusOf } from "../../regions/vm-sizes";
import type { CheckResult } from "../verify/report";
import { ArmCallError, armCall, collect, type ArmClients, type CallBounds } from "./arm";
import { operationVerdict, ROLE_ASSIGNMENT_WRITE, type PermissionEntry } from "./permissions";
import { peakNodes, type RegionTarget } from "./targets";

/**
 * Compute usages name the regional vCPU quota `cores` ("Total Regional vCPUs") and each family's quota by the family
 * name the Resource SKUs API gives every VM size (`family`, e.g. standardDSv5Family): Azure docs, "Check vCPU quotas"
 * (articles/virtual-machines/quotas.md), and Compute REST "Resource Skus - List" (ResourceSku.family).
 */
export const REGIONAL_VCPU_USAGE = "cores";

/**
 * The Standard public IP quota in Network usages: `StandardSkuPublicIpAddresses` ("Public IP Addresses - Standard";
 * the Quota API's Microsoft.Network examples, azure-rest-api-specs specification/quota …/putNetworkOneSkuQuotaRequest
 * StandardSkuPublicIpAddresses.json); newer answers may name it `IPv4StandardSkuPublicIpAddresses`.
 */
export const STANDARD_PUBLIC_IP_USAGES = ["StandardSkuPublicIpAddresses", "IPv4StandardSkuPublicIpAddresses"];

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
    try {
        return { ok: true, value: await promise };
    } catch (error) {
        return { ok: false, error: error as Error };
    }
}

/**
 * ARM's answer for a resource group or resource that does not exist (yet) as `undefined`: 404 with the codes
 * ResourceGroupNotFound or ResourceNotFound (ARM's "Resolve resource not found errors",
 * articles/azure-resource-manager/troubleshooting/error-not-found.md). Any other failure, e.g. a 404
 * SubscriptionNotFound, stays an error.
 */
async function unlessNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
        return await promise;
    } catch (error) {
        if (error instanceof ArmCallError && error.statusCode === 404 && NOT_FOUND_CODES.has(error.code ?? "")) return undefined;
        throw error;
    }
}
const NOT_FOUND_CODES = new Set(["ResourceGroupNotFound", "ResourceNotFound"]);

const pass = (name: string, detail: string): CheckResult => ({ name, status: "pass", detail });
const fail = (name: string, detail: string): CheckResult => ({ name, status: "fail", detail });
const skip = (name: string, detail: string): CheckResult => ({ name, status: "skip", detail });
const same = (a: string | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();

/** The caller's role-assignment rights where a group does not exist yet (subscription-checks.ts). */
export type SubscriptionGrants = () => Promise<PermissionEntry[]>;

interface RegionAnswers {
    computeUsages: Settled<ComputeUsage[]>;
    skus: Settled<ResourceSku[]>;
    networkUsages: Settled<NetworkUsage[]>;
    ourIps: Settled<PublicIPAddress[]>;
    cluster: Settled<ManagedCluster | undefined>;
}

/** Runs every check of one region; never throws (a failed API call fails the checks that needed it, naming it). */
export async function checkRegion(
    target: RegionTarget,
    clients: ArmClients,
    bounds: CallBounds,
    kubernetesVersion: string,
    grants: SubscriptionGrants,
): Promise<CheckResult[]> {
    const location = target.plan.name;
    const [computeUsages, skus, networkUsages, ourIps, cluster, kubernetes] = await Promise.all([
        settle(
            target.deployed
                ? armCall(`Compute usages of ${location}`, bounds, (abortSignal) => collect(clients.compute.usage.list(location, { abortSignal })))
                : Promise.resolve([]),
        ),
        settle(
            target.deployed
                ? armCall(`Resource SKUs of ${location}`, bounds, (abortSignal) =>
                      collect(clients.compute.resourceSkus.list({ filter: `location eq '${location}'`, abortSignal })),
                  )
                : Promise.resolve([]),
        ),
        settle(armCall(`Network usages of ${location}`, bounds, (abortSignal) => collect(clients.network.usages.list(location, { abortSignal })))),
        settle(
            target.p2pResourceGroup === undefined
                ? Promise.resolve([])
                : unlessNotFound(
                      armCall(`public IPs of ${target.p2pResourceGroup}`, bounds, (abortSignal) =>
                          collect(clients.network.publicIPAddresses.list(target.p2pResourceGroup!, { abortSignal })),
                      ),
                  ).then((ips) => ips ?? []),
        ),
        settle(
            target.deployed
                ? unlessNotFound(
                      armCall(`managed cluster ${target.clusterName}`, bounds, (abortSignal) =>
                          clients.containerService.managedClusters.get(target.clusterResourceGroup, target.clusterName, { abortSignal }),
                      ),
                  )
                : Promise.resolve(undefined),
        ),
        target.deployed ? checkKubernetesVersion(target, clients, bounds, kubernetesVersion) : Promise.resolve(undefined),
    ]);
    const answers: RegionAnswers = { computeUsages, skus, networkUsages, ourIps, cluster };
    const checks: CheckResult[] = [];
    if (target.deployed) {
        checks.push(...vcpuChecks(target, answers), ...sizeChecks(target, answers));
    } else {
        checks.push(
            skip("cluster", `not deployed by this stack (rollout wave ${target.plan.wave} is past rollout.deployWaves): only its P2P IPs are created now`),
        );
    }
    checks.push(publicIpCheck(target, answers));
    if (kubernetes !== undefined) checks.push(kubernetes);
    for (const group of target.roleAssignmentGroups) checks.push(await roleAssignmentCheck(group, clients, bounds, grants));
    return checks;
}

/** vCPUs of an existing cluster's pools by VM size (this stack's own usage). */
function existingPools(cluster: ManagedCluster | undefined): { vmSize: string; count: number }[] {
    return (cluster?.agentPoolProfiles ?? []).map((p) => ({ vmSize: p.vmSize ?? "", count: p.count ?? 0 }));
}

function skuOf(skus: ResourceSku[], size: string): ResourceSku | undefined {
    return skus.find((s) => same(s.resourceType, "virtualMachines") && same(s.name, size));
}

function usageOf<U extends { name?: { value?: string }; currentValue?: number; limit?: number }>(usages: U[], names: readonly string[]): U | undefined {
    return usages.find((u) => names.some((n) => same(u.name?.value, n)));
}

/** The regional quota and each VM family's quota against the pools at their upgrade peak. */
function vcpuChecks(target: RegionTarget, answers: RegionAnswers): CheckResult[] {
    const { plan } = target;
    const name = "vCPUs (regional)";
    if (!answers.computeUsages.ok) return [fail(name, answers.computeUsages.error.message)];
    if (!answers.cluster.ok) return [fail(name, answers.cluster.error.message)];
    const usages = answers.computeUsages.value;
    const existing = existingPools(answers.cluster.value);
    const unknown = existing.filter((p) => vcpusOf(p.vmSize) === undefined);
    if (unknown.length > 0) {
        return [fail(name, `the existing cluster ${target.clusterName} has pools of ${unknown.map((p) => p.vmSize).join(", ")}, not in regions/vm-sizes.ts`)];
    }
    const checks: CheckResult[] = [];
    const ours = existing.reduce((sum, p) => sum + p.count * vcpusOf(p.vmSize)!, 0);
    const regional = usageOf(usages, [REGIONAL_VCPU_USAGE]);
    checks.push(
        regional === undefined
            ? fail(name, `the Compute usages of ${plan.name} report no "${REGIONAL_VCPU_USAGE}" (Total Regional vCPUs)`)
            : quotaVerdict(
                  name,
                  plan.vcpuPeak,
                  `${plan.vcpuUsed} steady + ${plan.vcpuSurge} for upgrade surge nodes`,
                  regional,
                  ours,
                  "vCPUs",
                  "Total Regional vCPUs",
              ),
    );
    if (!answers.skus.ok) return [...checks, fail("vCPUs per family", answers.skus.error.message)];
    const skus = answers.skus.value;
    const families = new Map<string, PoolPlan[]>();
    for (const pool of plan.pools) {
        const family = skuOf(skus, pool.vmSize)?.family;
        if (family === undefined) continue; // the size check reports a size the region does not list
        families.set(family, [...(families.get(family) ?? []), pool]);
    }
    for (const [family, pools] of families) {
        const need = pools.reduce((sum, pool) => sum + peakNodes(pool) * pool.vcpusPerNode, 0);
        const ourFamily = existing.filter((p) => same(skuOf(skus, p.vmSize)?.family, family)).reduce((sum, p) => sum + p.count * vcpusOf(p.vmSize)!, 0);
        const usage = usageOf(usages, [family]);
        const why = `upgrade peak: ${pools.map((pool) => `${pool.name} ${peakNodes(pool)}×${pool.vmSize}`).join(" + ")}`;
        checks.push(
            usage === undefined
                ? fail(`vCPUs ${family}`, `the Compute usages of ${plan.name} report no quota for ${family}`)
                : quotaVerdict(`vCPUs ${family}`, need, why, usage, ourFamily, "vCPUs", usage.name?.localizedValue ?? family),
        );
    }
    return checks;
}

/** Pass when `need` fits the limit minus what others use (current usage minus `ours`). */
function quotaVerdict(
    name: string,
    need: number,
    why: string,
    usage: { currentValue?: number; limit?: number; name?: { value?: string } },
    ours: number,
    unit: string,
    quotaName: string,
): CheckResult {
    const limit = usage.limit ?? 0;
    const used = usage.currentValue ?? 0;
    const others = Math.max(0, used - ours);
    const free = limit - others;
    const usedText = `${used} used${ours > 0 ? ` (${Math.min(ours, used)} by this stack)` : ""}`;
    if (need <= free) return pass(name, `needs ${need} ${unit} (${why}); ${quotaName}: limit ${limit}, ${usedText}`);
    return fail(
        name,
        `needs ${need} ${unit} (${why}) but only ${Math.max(free, 0)} are free: ${quotaName} limit ${limit}, ${others} used by other resources; ` +
            `request a limit of ${need + others} or free ${need - free} ${unit}`,
    );
}

/** Every VM size of the region's pools is offered to this subscription there, in every zone the pools use. */
function sizeChecks(target: RegionTarget, answers: RegionAnswers): CheckResult[] {
    const location = target.plan.name;
    const sizes = [...new Set(target.plan.pools.map((p) => p.vmSize))];
    const skus = answers.skus;
    if (!skus.ok) return sizes.map((size) => fail(`VM size ${size}`, skus.error.message));
    return sizes.map((size) => {
        const name = `VM size ${size}`;
        const sku = skuOf(skus.value, size);
        if (sku === undefined) return fail(name, `not offered in ${location}: absent from its Resource SKUs list`);
        const restrictions = sku.restrictions ?? [];
        const regionWide = restrictions.find(
            (r) => same(r.type, "Location") && [...(r.values ?? []), ...(r.restrictionInfo?.locations ?? [])].some((l) => same(l, location)),
        );
        if (regionWide !== undefined) return fail(name, `restricted in ${location} for this subscription (${regionWide.reasonCode ?? "no reason code"})`);
        const zones = target.plan.zones;
        if (zones.length === 0) return pass(name, `offered in ${location} (no availability zones used)`);
        const offered = new Set((sku.locationInfo ?? []).filter((i) => same(i.location, location)).flatMap((i) => i.zones ?? []));
        const zoneRestrictions = restrictions.filter((r) => same(r.type, "Zone"));
        const restricted = new Map(zoneRestrictions.flatMap((r) => (r.restrictionInfo?.zones ?? []).map((z) => [z, r.reasonCode ?? "restricted"] as const)));
        const missing = zones.filter((z) => !offered.has(z) || restricted.has(z));
        if (missing.length > 0) {
            const why = missing.map((z) => `zone ${z}: ${restricted.get(z) ?? "not offered"}`).join(", ");
            return fail(name, `not available in every zone the pools use (${zones.join(", ")}) in ${location}: ${why}`);
        }
        return pass(name, `offered in ${location}, zones ${zones.join(", ")}`);
    });
}

/** The Standard public IP quota holds the IPs the program allocates here that do not exist yet. */
function publicIpCheck(target: RegionTarget, answers: RegionAnswers): CheckResult {
    const name = "public IPs (Standard)";
    if (!answers.networkUsages.ok) return fail(name, answers.networkUsages.error.message);
    if (!answers.ourIps.ok) return fail(name, answers.ourIps.error.message);
    if (target.kind === "admin" && !answers.cluster.ok) return fail(name, answers.cluster.error.message);
    const usage = usageOf(answers.networkUsages.value, STANDARD_PUBLIC_IP_USAGES);
    if (usage === undefined)
        return fail(name, `the Network usages of ${target.plan.name} report no Standard public IP quota (${STANDARD_PUBLIC_IP_USAGES.join(" or ")})`);
    const ours =
        target.kind === "admin"
            ? ((answers.cluster.ok ? answers.cluster.value : undefined)?.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs?.length ?? 0)
            : answers.ourIps.value.filter((ip) => same(ip.sku?.name, "Standard")).length;
    const why = target.kind === "admin" ? "the cluster's AKS-managed outbound IP" : "one per Besu node + the region's egress IP";
    return quotaVerdict(name, target.publicIps, why, usage, ours, "IPs", "Public IP Addresses - Standard");
}

/**
 * The configured version is offered by AKS in the region: a minor (`1.36`) must be listed and not preview only; a
 * patch (`1.36.2`) must be one of its minor's patchVersions (ContainerService "Managed Clusters - List Kubernetes
 * Versions": values[].version, isPreview, patchVersions).
 */
async function checkKubernetesVersion(target: RegionTarget, clients: ArmClients, bounds: CallBounds, configured: string): Promise<CheckResult> {
    const location = target.plan.name;
    const name = `Kubernetes ${configured}`;
    let values;
    try {
        values = (
            await armCall(`AKS Kubernetes versions of ${location}`, bounds, (abortSignal) =>
                clients.containerService.managedClusters.listKubernetesVersions(location, { abortSignal }),
            )
        ).values;
    } catch (error) {
        return fail(name, (error as Error).message);
    }
    const minor = configured.split(".").slice(0, 2).join(".");
    const offered = (values ?? []).map((v) => `${v.version}${v.isPreview ? " (preview)" : ""}`).join(", ");
    const entry = (values ?? []).find((v) => v.version === minor);
    if (entry === undefined) return fail(name, `AKS does not offer ${minor} in ${location} (offered: ${offered || "none"})`);
    if (entry.isPreview) return fail(name, `AKS offers ${minor} in ${location} only as a preview`);
    if (configured !== minor && !(configured in (entry.patchVersions ?? {}))) {
        return fail(
            name,
            `AKS offers ${minor} in ${location} but not the patch ${configured} (patches: ${Object.keys(entry.patchVersions ?? {}).join(", ") || "none"})`,
        );
    }
    return pass(name, `offered by AKS in ${location}`);
}

/**
 * The deploying identity may create role assignments in the group: the Permissions API's answer for the group, or,
 * while the group does not exist yet (404: the program creates it), the grants it would inherit from the subscription.
 */
async function roleAssignmentCheck(group: string, clients: ArmClients, bounds: CallBounds, grants: SubscriptionGrants): Promise<CheckResult> {
    const name = `role assignments in ${group}`;
    let permissions: PermissionEntry[];
    let where = group;
    try {
        const answer = await unlessNotFound(
            armCall(`permissions in ${group}`, bounds, (abortSignal) =>
                collect(clients.authorization.permissions.listForResourceGroup(group, { abortSignal })),
            ),
        );
        if (answer === undefined) {
            permissions = await grants();
            where = `the subscription (${group} does not exist yet; it inherits these)`;
        } else {
            permissions = answer.map((p: Permission) => ({ actions: p.actions, notActions: p.notActions }));
        }
    } catch (error) {
        return fail(name, (error as Error).message);
    }
    const verdict = operationVerdict(permissions, ROLE_ASSIGNMENT_WRITE);
    if (verdict === "granted") return pass(name, `${ROLE_ASSIGNMENT_WRITE} granted at ${where}`);
    if (verdict === "conditional") {
        return fail(
            name,
            `${ROLE_ASSIGNMENT_WRITE} is granted at ${where} only under an ABAC condition, which preflight does not evaluate: ` +
                `it must allow Network Contributor, Azure Kubernetes Service RBAC Cluster Admin, Key Vault Secrets Officer and Key Vault Secrets User`,
        );
    }
    return fail(
        name,
        `the deploying identity lacks ${ROLE_ASSIGNMENT_WRITE} at ${where}; the program grants Network Contributor, AKS RBAC Cluster Admin ` +
            `and the Key Vault Secrets Officer/User roles in the region's groups (e.g. assign it User Access Administrator or Role Based Access Control Administrator)`,
    );
}
