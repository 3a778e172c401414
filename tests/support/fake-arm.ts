// A fake Azure Resource Manager for `npm run preflight`'s tests: HTTPS on 127.0.0.1 with a throwaway certificate
// (the SDK sends bearer tokens over TLS only; the clients trust it through their tlsOptions), a bearer token only
// the fake credential hands out, and the paths, api-versions, bodies and errors ARM documents for what preflight reads:
//
//   GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/usages                  2026-04-01  Compute "Usage - List"
//   GET /subscriptions/{s}/providers/Microsoft.Compute/skus?$filter=location eq '{l}'        2021-07-01  Compute "Resource Skus - List"
//   GET /subscriptions/{s}/providers/Microsoft.Network/locations/{l}/usages                  2026-01-01  Network "Usages - List"
//   GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/publicIPAddresses  2026-01-01  "Public IP Addresses - List"
//   GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.ContainerService/managedClusters/{n}
//                                                                                            2026-06-01  "Managed Clusters - Get"
//   GET /subscriptions/{s}/providers/Microsoft.ContainerService/locations/{l}/kubernetesVersions
//                                                                                            2026-06-01  "Managed Clusters - List Kubernetes Versions"
//   GET /subscriptions/{s}/resourcegroups/{g}/providers/Microsoft.Authorization/permissions   2022-04-01  "Permissions - List For Resource Group"
//   GET /subscriptions/{s}/providers/{namespace}                                             2025-04-01  "Providers - Get"
//   GET /subscriptions/{s}/providers/Microsoft.Authorization/roleAssignments?$filter=assignedTo('{oid}')
//                                                                                            2022-04-01  "Role Assignments - List For Subscription"
//   GET /subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{id}            2022-04-01  "Role Definitions - Get By Id"
//
// Errors are ARM's `{ error: { code, message } }`: 404 ResourceGroupNotFound / ResourceNotFound, 400
// InvalidApiVersionParameter for an api-version the route does not serve (so an SDK upgrade that changes one fails
// here until the shapes are checked again), 401 without the token, and throttling as ARM does it: 429 with a
// Retry-After header in seconds ("Understand how Azure Resource Manager throttles requests",
// articles/azure-resource-manager/management/request-limits-and-throttling.md).
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCredential } from "@azure/identity";
import { findRegion, zonesOf } from "../../regions/catalog";
import type { TestCertificate } from "./fake-kube-api";

export interface FakeUsage {
    name: string;
    localizedName?: string;
    currentValue: number;
    limit: number;
}

/** A Resource SKUs entry as the API returns it (only the fields preflight reads, plus a few for realism). */
export interface FakeSku {
    resourceType: "virtualMachines";
    name: string;
    tier: string;
    size: string;
    family: string;
    locations: string[];
    locationInfo: { location: string; zones: string[]; zoneDetails: unknown[] }[];
    capabilities: { name: string; value: string }[];
    restrictions: {
        type: "Location" | "Zone";
        values: string[];
        restrictionInfo: { locations: string[]; zones?: string[] };
        reasonCode: "NotAvailableForSubscription" | "QuotaId";
    }[];
}

/** A VM size offered in `location` (its zones), family and vCPUs as Azure reports them. */
export function vmSku(name: string, family: string, vcpus: number, location: string, zones: string[]): FakeSku {
    return {
        resourceType: "virtualMachines",
        name,
        tier: "Standard",
        size: name.replace(/^Standard_/, ""),
        family,
        locations: [location],
        locationInfo: [{ location, zones, zoneDetails: [] }],
        capabilities: [{ name: "vCPUs", value: String(vcpus) }],
        restrictions: [],
    };
}

/** One existing agent pool of a managed cluster (`properties.agentPoolProfiles[]`). */
export interface FakePool {
    name: string;
    count: number;
    vmSize: string;
}

export interface FakeCluster {
    pools: FakePool[];
    /** ARM ids of the load balancer's effective outbound IPs. */
    effectiveOutboundIps?: string[];
}

/** `values[]` of List Kubernetes Versions. */
export interface FakeKubernetesVersion {
    version: string;
    isPreview?: boolean;
    patchVersions: string[];
}

/** What ARM holds for one location. */
export interface FakeRegion {
    computeUsages: FakeUsage[];
    networkUsages: FakeUsage[];
    skus: FakeSku[];
    kubernetesVersions: FakeKubernetesVersion[];
    /** Answer this many location-scoped requests with 429 first ("always": every one). */
    throttle?: { times: number | "always"; retryAfterSeconds: number };
}

export interface FakeRoleAssignment {
    scope: string;
    roleDefinitionGuid: string;
    principalId: string;
    condition?: string;
}

export interface FakeArmState {
    subscriptionId: string;
    /** Object id of the identity the token is issued to (its `oid` claim). */
    objectId: string;
    regions: Record<string, FakeRegion>;
    /** Existing resource groups: their public IPs (Standard SKU) and the caller's permissions there. */
    groups: Record<string, { publicIps: string[]; permissions: { actions: string[]; notActions: string[] }[]; clusters: Record<string, FakeCluster> }>;
    providers: Record<string, "Registered" | "NotRegistered" | "Registering">;
    roleAssignments: FakeRoleAssignment[];
    roleDefinitions: Record<string, { roleName: string; actions: string[]; notActions: string[] }>;
}

export interface FakeArmRequest {
    path: string;
    apiVersion: string | null;
    at: number;
}

export interface FakeArm {
    endpoint: string;
    ca: string;
    credential: TokenCredential;
    state: FakeArmState;
    requests: FakeArmRequest[];
    close(): Promise<void>;
}

/** An unsigned token shaped like an Entra ID access token (header.payload.signature) with the identity's oid. */
function fakeToken(objectId: string): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${part({ alg: "none", typ: "JWT" })}.${part({ aud: "https://management.azure.com", oid: objectId })}.fake-signature`;
}

type Route = { pattern: RegExp; apiVersion: string; handle: (match: RegExpMatchArray, query: URLSearchParams) => [number, unknown] };

export async function startFakeArm(certificate: TestCertificate, state: FakeArmState): Promise<FakeArm> {
    const token = fakeToken(state.objectId);
    const requests: FakeArmRequest[] = [];
    const throttled = new Map<string, number>();
    const sub = state.subscriptionId;
    const notFound = (code: string, message: string): [number, unknown] => [404, { error: { code, message } }];
    const group = (name: string) => Object.entries(state.groups).find(([g]) => g.toLowerCase() === name.toLowerCase())?.[1];
    const groupMissing = (name: string) => notFound("ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
    const region = (location: string) => state.regions[location];
    const usageList = (kind: string, location: string, usages: FakeUsage[]) => ({
        value: usages.map((u) => ({
            id: `/subscriptions/${sub}/providers/${kind}/locations/${location}/usages/${u.name}`,
            unit: "Count",
            currentValue: u.currentValue,
            limit: u.limit,
            name: { value: u.name, localizedValue: u.localizedName ?? u.name },
        })),
    });
    const routes: Route[] = [
        {
            pattern: new RegExp(`^/subscriptions/${sub}/providers/Microsoft\\.Compute/locations/([^/]+)/usages$`),
            apiVersion: "2026-04-01",
            handle: ([, l]) => [200, usageList("Microsoft.Compute", l, region(l)?.computeUsages ?? [])],
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/providers/Microsoft\\.Compute/skus$`),
            apiVersion: "2021-07-01",
            handle: (_, query) => {
                // The API supports one filter, on location.
                const filter = /^location eq '([^']+)'$/.exec(query.get("$filter") ?? "");
                if (!filter) return [400, { error: { code: "InvalidFilter", message: "only location eq '<location>' is supported" } }];
                return [200, { value: region(filter[1])?.skus ?? [] }];
            },
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/providers/Microsoft\\.Network/locations/([^/]+)/usages$`),
            apiVersion: "2026-01-01",
            handle: ([, l]) => [200, usageList("Microsoft.Network", l, region(l)?.networkUsages ?? [])],
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/resourceGroups/([^/]+)/providers/Microsoft\\.Network/publicIPAddresses$`, "i"),
            apiVersion: "2026-01-01",
            handle: ([, g]) => {
                const found = group(g);
                if (found === undefined) return groupMissing(g);
                return [
                    200,
                    {
                        value: found.publicIps.map((name) => ({
                            id: `/subscriptions/${sub}/resourceGroups/${g}/providers/Microsoft.Network/publicIPAddresses/${name}`,
                            name,
                            type: "Microsoft.Network/publicIPAddresses",
                            sku: { name: "Standard", tier: "Regional" },
                            properties: { provisioningState: "Succeeded", publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4" },
                        })),
                    },
                ];
            },
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/resourceGroups/([^/]+)/providers/Microsoft\\.ContainerService/managedClusters/([^/]+)$`, "i"),
            apiVersion: "2026-06-01",
            handle: ([, g, n]) => {
                const found = group(g);
                if (found === undefined) return groupMissing(g);
                const cluster = found.clusters[n];
                if (cluster === undefined)
                    return notFound(
                        "ResourceNotFound",
                        `The Resource 'Microsoft.ContainerService/managedClusters/${n}' under resource group '${g}' was not found.`,
                    );
                return [
                    200,
                    {
                        id: `/subscriptions/${sub}/resourcegroups/${g}/providers/Microsoft.ContainerService/managedClusters/${n}`,
                        name: n,
                        type: "Microsoft.ContainerService/ManagedClusters",
                        properties: {
                            provisioningState: "Succeeded",
                            agentPoolProfiles: cluster.pools.map((p) => ({ name: p.name, count: p.count, vmSize: p.vmSize, mode: "User" })),
                            networkProfile: {
                                loadBalancerProfile: { effectiveOutboundIPs: (cluster.effectiveOutboundIps ?? []).map((id) => ({ id })) },
                            },
                        },
                    },
                ];
            },
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/providers/Microsoft\\.ContainerService/locations/([^/]+)/kubernetesVersions$`),
            apiVersion: "2026-06-01",
            handle: ([, l]) => [
                200,
                {
                    values: (region(l)?.kubernetesVersions ?? []).map((v) => ({
                        version: v.version,
                        isPreview: v.isPreview,
                        capabilities: { supportPlan: ["KubernetesOfficial"] },
                        patchVersions: Object.fromEntries(v.patchVersions.map((p) => [p, { upgrades: [] }])),
                    })),
                },
            ],
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/resourcegroups/([^/]+)/providers/Microsoft\\.Authorization/permissions$`, "i"),
            apiVersion: "2022-04-01",
            handle: ([, g]) => {
                const found = group(g);
                if (found === undefined) return groupMissing(g);
                return [200, { value: found.permissions.map((p) => ({ ...p, dataActions: [], notDataActions: [] })) }];
            },
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/providers/Microsoft\\.Authorization/roleAssignments$`),
            apiVersion: "2022-04-01",
            handle: (_, query) => {
                const filter = /^assignedTo\('([^']+)'\)$/.exec(query.get("$filter") ?? "");
                if (!filter) return [400, { error: { code: "UnsupportedQuery", message: "this fake serves $filter=assignedTo('<objectId>') only" } }];
                return [
                    200,
                    {
                        value: state.roleAssignments
                            .filter((a) => a.principalId === filter[1])
                            .map((a, i) => ({
                                id: `${a.scope === "/" ? "" : a.scope}/providers/Microsoft.Authorization/roleAssignments/0000000${i}-0000-0000-0000-000000000000`,
                                name: `0000000${i}-0000-0000-0000-000000000000`,
                                type: "Microsoft.Authorization/roleAssignments",
                                properties: {
                                    scope: a.scope,
                                    roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionGuid}`,
                                    principalId: a.principalId,
                                    principalType: "ServicePrincipal",
                                    condition: a.condition ?? null,
                                    conditionVersion: a.condition === undefined ? null : "2.0",
                                },
                            })),
                    },
                ];
            },
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/providers/Microsoft\\.Authorization/roleDefinitions/([^/]+)$`),
            apiVersion: "2022-04-01",
            handle: ([, id]) => {
                const definition = state.roleDefinitions[id];
                if (definition === undefined) return notFound("RoleDefinitionDoesNotExist", `The specified role definition with ID '${id}' does not exist.`);
                return [
                    200,
                    {
                        id: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${id}`,
                        name: id,
                        type: "Microsoft.Authorization/roleDefinitions",
                        properties: {
                            roleName: definition.roleName,
                            type: "BuiltInRole",
                            permissions: [{ actions: definition.actions, notActions: definition.notActions, dataActions: [], notDataActions: [] }],
                            assignableScopes: ["/"],
                        },
                    },
                ];
            },
        },
        {
            pattern: new RegExp(`^/subscriptions/${sub}/providers/([^/]+)$`),
            apiVersion: "2025-04-01",
            handle: ([, namespace]) => {
                const registrationState = state.providers[namespace];
                if (registrationState === undefined) return notFound("InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid.`);
                return [200, { id: `/subscriptions/${sub}/providers/${namespace}`, namespace, registrationState, resourceTypes: [] }];
            },
        },
    ];

    const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ms-request-id": String(requests.length), ...headers });
        res.end(JSON.stringify(body));
    };
    const server = https.createServer({ cert: certificate.cert, key: certificate.key }, (req: IncomingMessage, res: ServerResponse) => {
        const url = new URL(req.url ?? "/", "https://127.0.0.1");
        requests.push({ path: url.pathname, apiVersion: url.searchParams.get("api-version"), at: Date.now() });
        if (req.method !== "GET") return answer(res, 405, { error: { code: "MethodNotAllowed", message: `${req.method} is not served` } });
        if (req.headers.authorization !== `Bearer ${token}`) {
            return answer(res, 401, { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
        }
        // ARM throttles per location-scoped request here (a region whose quota calls are being limited).
        const location = /\/locations\/([^/]+)\//.exec(url.pathname)?.[1];
        const throttle = location === undefined ? undefined : region(location)?.throttle;
        if (location !== undefined && throttle !== undefined) {
            const used = throttled.get(location) ?? 0;
            if (throttle.times === "always" || used < throttle.times) {
                throttled.set(location, used + 1);
                return answer(
                    res,
                    429,
                    { error: { code: "TooManyRequests", message: "The request is being throttled." } },
                    { "retry-after": String(throttle.retryAfterSeconds) },
                );
            }
        }
        for (const route of routes) {
            const match = url.pathname.match(route.pattern);
            if (!match) continue;
            const apiVersion = url.searchParams.get("api-version");
            if (apiVersion !== route.apiVersion) {
                return answer(res, 400, {
                    error: {
                        code: "InvalidApiVersionParameter",
                        message: `The api-version '${apiVersion}' is invalid. This fake serves '${route.apiVersion}'.`,
                    },
                });
            }
            const [status, body] = route.handle(match, url.searchParams);
            return answer(res, status, body);
        }
        return answer(res, 404, { error: { code: "InvalidResourceType", message: `no fake route for ${url.pathname}` } });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        endpoint: `https://127.0.0.1:${port}`,
        ca: certificate.cert,
        credential: { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
        state,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Azure built-in role Owner (actions ["*"]), by its role definition id ("Azure built-in roles"). */
export const OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

/** A catalog location where everything a region needs is free and offered (a 10-vCPU quota, as the README budgets). */
export function healthyRegion(location: string): FakeRegion {
    const zones = zonesOf(findRegion(location)!);
    return {
        computeUsages: [
            { name: "cores", localizedName: "Total Regional vCPUs", currentValue: 0, limit: 10 },
            { name: "standardDSv5Family", localizedName: "Standard DSv5 Family vCPUs", currentValue: 0, limit: 10 },
            { name: "standardFSv2Family", localizedName: "Standard FSv2 Family vCPUs", currentValue: 0, limit: 10 },
        ],
        networkUsages: [
            { name: "PublicIPAddresses", localizedName: "Public IP Addresses - Basic", currentValue: 0, limit: 10 },
            { name: "StandardSkuPublicIpAddresses", localizedName: "Public IP Addresses - Standard", currentValue: 0, limit: 10 },
        ],
        skus: [
            vmSku("Standard_D2s_v5", "standardDSv5Family", 2, location, zones),
            vmSku("Standard_D4s_v5", "standardDSv5Family", 4, location, zones),
            vmSku("Standard_F2s_v2", "standardFSv2Family", 2, location, zones),
        ],
        kubernetesVersions: [
            { version: "1.35", patchVersions: ["1.35.4", "1.35.5"] },
            { version: "1.36", patchVersions: ["1.36.1", "1.36.2"] },
            { version: "1.37", isPreview: true, patchVersions: ["1.37.0"] },
        ],
    };
}

/** A subscription that can hold a fleet in `locations`: nothing exists yet, providers registered, the caller Owner. */
export function healthyArmState(subscriptionId: string, objectId: string, locations: string[]): FakeArmState {
    return {
        subscriptionId,
        objectId,
        regions: Object.fromEntries(locations.map((r) => [r, healthyRegion(r)])),
        groups: {},
        providers: Object.fromEntries(
            [
                "Microsoft.ContainerService",
                "Microsoft.Network",
                "Microsoft.Compute",
                "Microsoft.OperationalInsights",
                "Microsoft.Storage",
                "Microsoft.ManagedIdentity",
                "Microsoft.Authorization",
                "Microsoft.KeyVault",
            ].map((ns) => [ns, "Registered" as const]),
        ),
        roleAssignments: [{ scope: `/subscriptions/${subscriptionId}`, roleDefinitionGuid: OWNER_ROLE, principalId: objectId }],
        roleDefinitions: { [OWNER_ROLE]: { roleName: "Owner", actions: ["*"], notActions: [] } },
    };
}
