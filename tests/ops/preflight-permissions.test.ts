// The role-assignment rule of `npm run preflight` (ops/preflight/permissions.ts) on Azure's own role definitions.
// Azure RBAC (articles/role-based-access-control/role-definitions.md): effective permissions are Actions minus
// NotActions of the same permission, `*` is a wildcard, operation names are case-insensitive, and NotActions do not
// deny what another role grants. The roles below are Azure built-in roles as "Azure built-in roles" lists them
// (Network Contributor abridged to its Microsoft.Authorization and Microsoft.Network entries).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { actionMatches, operationVerdict, ROLE_ASSIGNMENT_WRITE } from "../../ops/preflight/permissions";

const OWNER = { actions: ["*"], notActions: [] };
const CONTRIBUTOR = {
    actions: ["*"],
    notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"],
};
const USER_ACCESS_ADMINISTRATOR = { actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], notActions: [] };
const READER = { actions: ["*/read"], notActions: [] };
const NETWORK_CONTRIBUTOR = { actions: ["Microsoft.Authorization/*/read", "Microsoft.Network/*", "Microsoft.Resources/deployments/*"], notActions: [] };

describe("preflight's role-assignment rule", () => {
    it("matches Azure operation patterns: wildcards anywhere, case-insensitive, nothing else", () => {
        assert.ok(actionMatches("*", ROLE_ASSIGNMENT_WRITE));
        assert.ok(actionMatches("Microsoft.Authorization/*", ROLE_ASSIGNMENT_WRITE));
        assert.ok(actionMatches("microsoft.authorization/*/write", ROLE_ASSIGNMENT_WRITE));
        assert.ok(!actionMatches("*/read", ROLE_ASSIGNMENT_WRITE));
        assert.ok(!actionMatches("Microsoft.Authorization/roleAssignments/read", ROLE_ASSIGNMENT_WRITE));
        // A dot in a pattern is literal, not "any character".
        assert.ok(!actionMatches("Microsoft.Authorization/roleAssignments/write", "MicrosoftXAuthorization/roleAssignments/write"));
    });

    it("grants role assignments to Owner and User Access Administrator, not to Contributor, Reader or Network Contributor", () => {
        assert.equal(operationVerdict([OWNER], ROLE_ASSIGNMENT_WRITE), "granted");
        assert.equal(operationVerdict([USER_ACCESS_ADMINISTRATOR], ROLE_ASSIGNMENT_WRITE), "granted");
        assert.equal(operationVerdict([CONTRIBUTOR], ROLE_ASSIGNMENT_WRITE), "denied");
        assert.equal(operationVerdict([READER], ROLE_ASSIGNMENT_WRITE), "denied");
        assert.equal(operationVerdict([NETWORK_CONTRIBUTOR], ROLE_ASSIGNMENT_WRITE), "denied");
    });

    it("lets another role grant what one role's NotActions leave out (NotActions are no deny)", () => {
        assert.equal(operationVerdict([CONTRIBUTOR, USER_ACCESS_ADMINISTRATOR], ROLE_ASSIGNMENT_WRITE), "granted");
    });

    it("reports a grant that holds only under an ABAC condition as conditional", () => {
        const conditional = {
            ...USER_ACCESS_ADMINISTRATOR,
            condition: "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {…}",
        };
        assert.equal(operationVerdict([conditional], ROLE_ASSIGNMENT_WRITE), "conditional");
        assert.equal(operationVerdict([conditional, OWNER], ROLE_ASSIGNMENT_WRITE), "granted");
    });
});
