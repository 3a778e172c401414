// Whether a set of Azure RBAC permissions allows one management operation.
//
// The rule (Azure RBAC docs, articles/role-based-access-control/role-definitions.md, "Actions", "NotActions" and
// "Wildcard permissions"): a role definition's permission grants an operation when one of its `actions` matches it and
// none of its `notActions` does ("effective management permissions = Actions − NotActions"); `*` matches any run of
// characters and operation names are case-insensitive. NotActions are not deny rules: they only trim the permission
// they belong to, so another permission (another role) may still grant the operation. A caller's permissions at a
// scope are the union over its role assignments there and above (what the Permissions API returns).
//
// Not evaluated: deny assignments, and ABAC conditions on role assignments (e.g. a Role Based Access Control
// Administrator limited to some roles). The Permissions API (2022-04-01) reports no conditions; where preflight reads
// role assignments itself, a grant that holds only under a condition is reported as such.

/** One permission of a role definition (the Permissions and Role Definitions APIs' `Permission`). */
export interface PermissionEntry {
    actions?: string[];
    notActions?: string[];
    /** The ABAC condition of the role assignment it came from, when known. */
    condition?: string;
}

/** The operation creating a role assignment (Azure resource provider operations, Microsoft.Authorization). */
export const ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write";

/** Whether an action pattern (`*` wildcards, case-insensitive) matches the operation. */
export function actionMatches(pattern: string, operation: string): boolean {
    const regex = new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`, "i");
    return regex.test(operation);
}

function escapeRegex(text: string): string {
    return text.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
}

/** Whether one permission grants the operation: an action matches and no notAction does. */
export function permissionGrants(permission: PermissionEntry, operation: string): boolean {
    return (permission.actions ?? []).some((a) => actionMatches(a, operation)) && !(permission.notActions ?? []).some((n) => actionMatches(n, operation));
}

/** The verdict over a caller's permissions: granted outright, only under ABAC conditions, or not at all. */
export function operationVerdict(permissions: readonly PermissionEntry[], operation: string): "granted" | "conditional" | "denied" {
    const granting = permissions.filter((p) => permissionGrants(p, operation));
    if (granting.some((p) => p.condition === undefined || p.condition === "")) return "granted";
    return granting.length > 0 ? "conditional" : "denied";
}
