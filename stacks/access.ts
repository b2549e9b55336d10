import { AccessRoles } from "../constructs/access-roles.js";
import type { AccountStack } from "./account-stack.js";
import { organization as organizationData } from "./organization-data.js";

/** The four roles, where the account sets `access`. */
export function addAccessRoles(stack: AccountStack): void {
  const { account, organization } = stack;
  if (!account.access) return;
  const org = organization.inventory.organization;
  const trusted = organization.byKey.get(org.identity.trustedAccount);
  new AccessRoles(stack, "access", {
    provider: stack.globalProvider,
    trustedAccountId: trusted?.id ?? "",
    requireMfa: org.identity.requireMfa,
    organizationId: organizationData(stack).id,
    externalAccounts: org.identity.externalAccounts,
    accountId: account.id ?? "",
    baseline: {
      namePrefix: org.name,
      executionRoleName: org.executionRoleName,
      holdsLogKey: account.type === "log-archive",
      holdsAlertInbox: account.type === "audit",
    },
    ...account.access,
  });
}
