// Subscription-wide checks: the resource providers the program needs are registered, and (for resource groups that
// do not exist yet) the deploying identity's role-assignment rights inherited from the subscription.
//
// APIs (api-versions the SDKs in package-lock.json call; tests/support/fake-arm.ts serves the same):
//   Providers - Get                     GET /subscriptions/{s}/providers/{namespace}                              2025-04-01
//   Role Assignments - List For Subscription
//                                       GET /subscriptions/{s}/providers/Microsoft.Authorization/roleAssignments  2022-04-01
//   Role Definitions - Get By Id        GET /{roleDefinitionId}                                                   2022-04-01
import type { CheckResult } from "../verify/report";
import { ARM_SCOPE, armCall, collect, type ArmClients, type CallBounds } from "./arm";
import type { PermissionEntry } from "./permissions";

/**
 * Providers of every resource type the program creates: AKS clusters and pools, VNets/NSGs/public IPs, the VMs behind
 * the pools, the Log Analytics workspace, the backup storage account, user-assigned identities, role assignments, the
 * node-key vaults.
 * A subscription must register a provider before it can create its resources (Azure docs, "Azure resource providers
 * and types", articles/azure-resource-manager/management/resource-providers-and-types.md).
 */
export const REQUIRED_PROVIDERS = [
    "Microsoft.ContainerService",
    "Microsoft.Network",
    "Microsoft.Compute",
    "Microsoft.OperationalInsights",
    "Microsoft.Storage",
    "Microsoft.ManagedIdentity",
    "Microsoft.Authorization",
    "Microsoft.KeyVault",
] as const;

/** One check per provider: registered, or what to run. */
export async function providerChecks(clients: ArmClients, bounds: CallBounds): Promise<CheckResult[]> {
    return Promise.all(
        REQUIRED_PROVIDERS.map(async (namespace): Promise<CheckResult> => {
            const name = `provider ${namespace}`;
            try {
                const provider = await armCall(`resource provider ${namespace}`, bounds, (abortSignal) =>
                    clients.resources.providers.get(namespace, { abortSignal }),
                );
                if (provider.registrationState === "Registered") return { name, status: "pass", detail: "Registered" };
                return {
                    name,
                    status: "fail",
                    detail: `${provider.registrationState ?? "no registration state"}: register it with \`az provider register --namespace ${namespace}\``,
                };
            } catch (error) {
                return { name, status: "fail", detail: (error as Error).message };
            }
        }),
    );
}

/** The `oid` claim of an Entra ID access token: the object id of the identity it was issued to. */
export function tokenObjectId(token: string): string {
    const payload = token.split(".")[1];
    let oid: unknown;
    try {
        oid = (JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as { oid?: unknown }).oid;
    } catch {
        oid = undefined;
    }
    if (typeof oid !== "string" || oid === "") throw new Error("the ARM access token carries no oid claim: cannot tell which identity deploys");
    return oid;
}

/**
 * The deploying identity's permissions that a new resource group inherits: the role definitions of its role
 * assignments at the subscription or above (a management group, or `/`). `assignedTo('{objectId}')` returns the
 * principal's assignments including those through its groups (Role Assignments - List For Subscription, `$filter`);
 * assignments on other groups or resources are left out, as a new group does not inherit them. Each permission keeps
 * its assignment's ABAC condition. Asked once per run, only when some group does not exist yet.
 */
export function subscriptionGrants(clients: ArmClients, bounds: CallBounds): () => Promise<PermissionEntry[]> {
    let answer: Promise<PermissionEntry[]> | undefined;
    return () => (answer ??= readSubscriptionGrants(clients, bounds));
}

async function readSubscriptionGrants(clients: ArmClients, bounds: CallBounds): Promise<PermissionEntry[]> {
    const token = await armCall("an ARM access token", bounds, (abortSignal) => clients.credential.getToken(ARM_SCOPE, { abortSignal }));
    if (token === null) throw new Error("the Azure credential returned no ARM access token");
    const objectId = tokenObjectId(token.token);
    const subscriptionScope = `/subscriptions/${clients.subscriptionId}`.toLowerCase();
    const assignments = await armCall(`role assignments of ${objectId}`, bounds, (abortSignal) =>
        collect(clients.authorization.roleAssignments.listForSubscription({ filter: `assignedTo('${objectId}')`, abortSignal })),
    );
    const inherited = assignments.filter((a) => {
        const scope = (a.scope ?? "").toLowerCase();
        return scope === "/" || scope === subscriptionScope || scope.startsWith("/providers/microsoft.management/managementgroups/");
    });
    const permissions: PermissionEntry[] = [];
    // getById's path is `/{roleId}` with the id unescaped: without its own leading slash the URL is the canonical one.
    const definitions = new Map<string, Promise<PermissionEntry[]>>();
    for (const assignment of inherited) {
        const id = assignment.roleDefinitionId ?? "";
        if (!definitions.has(id)) {
            definitions.set(
                id,
                armCall(`role definition ${id}`, bounds, (abortSignal) =>
                    clients.authorization.roleDefinitions.getById(id.replace(/^\/+/, ""), { abortSignal }),
                ).then((d) => (d.permissions ?? []).map((p) => ({ actions: p.actions, notActions: p.notActions }))),
            );
        }
        for (const permission of await definitions.get(id)!) permissions.push({ ...permission, condition: assignment.condition ?? undefined });
    }
    return permissions;
}
