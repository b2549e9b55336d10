import { Construct } from "constructs";
import { AccessRoles, developerBoundaryPolicy } from "../constructs/access-roles.js";
import type { AccountStack } from "./account-stack.js";
import { organization as organizationData } from "./organization-data.js";

/**
 * The four roles, where the account sets `access`; and where only `groups` gives
 * `developer` (Identity Center), the boundary policy its permission set refers to.
 */
export function addAccessRoles(stack: AccountStack): void {
  const { account, organization } = stack;
  const org = organization.inventory.organization;
  const baseline = {
    namePrefix: org.name,
    executionRoleName: org.executionRoleName,
    holdsLogKey: account.type === "log-archive",
    holdsAlertInbox: account.type === "audit",
  };
  if (account.groups?.developer && !account.access?.developer) {
    // Under the same path as AccessRoles' own: dropping `access` for `groups` keeps the policy in place.
    developerBoundaryPolicy(new Construct(stack, "access"), "developer-boundary", {
      provider: stack.globalProvider,
      accountId: account.id ?? "",
      baseline,
    });
  }
  if (!account.access) return;
  const trusted = organization.byKey.get(org.identity.trustedAccount);
  new AccessRoles(stack, "access", {
    provider: stack.globalProvider,
    trustedAccountId: trusted?.id ?? "",
    requireMfa: org.identity.requireMfa,
    organizationId: organizationData(stack).id,
    externalAccounts: org.identity.externalAccounts,
    accountId: account.id ?? "",
    baseline,
    ...account.access,
  });
}
