import { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator";
import { RamSharingWithOrganization } from "@cdktf/provider-aws/lib/ram-sharing-with-organization";
import { AccountVending } from "../constructs/account-vending.js";
import { Guardrails } from "../constructs/guardrails.js";
import { coreAccount } from "../inventory/model.js";
import type { AccountStack } from "./account-stack.js";
import { organization as readOrganization } from "./organization-data.js";

/**
 * The management workspace's own part: every member account (vended when pending,
 * imported otherwise), the guardrails at the root, AWS Config's delegated administrator
 * (the audit account) and RAM sharing with the organization.
 */
export function addManagement(stack: AccountStack): void {
  const { organization } = stack;
  const org = organization.inventory.organization;
  const members = organization.accounts.filter((a) => a.type !== "management");
  new AccountVending(stack, "accounts", {
    provider: stack.globalProvider,
    roleName: org.executionRoleName,
    accounts: Object.fromEntries(members.map((a) => [a.key, { name: a.name, email: a.email, id: a.id }])),
  });
  new Guardrails(stack, "guardrails", {
    provider: stack.globalProvider,
    flags: org.guardrails,
    namePrefix: org.name,
    executionRoleName: org.executionRoleName,
    regions: org.regions,
    accountRegions: Object.fromEntries(
      organization.accounts
        .filter((a) => a.id && a.type !== "management" && org.regions.some((r) => !a.regions.includes(r)))
        .map((a) => [a.id as string, a.regions]),
    ),
    logArchiveAccountId: coreAccount(organization, "log-archive").id ?? "",
    auditAccountId: coreAccount(organization, "audit").id ?? "",
    rootId: readOrganization(stack).roots.get(0).id,
  });
  new OrganizationsDelegatedAdministrator(stack, "config-administrator", {
    provider: stack.globalProvider,
    accountId: coreAccount(organization, "audit").id ?? "",
    servicePrincipal: "config.amazonaws.com",
  });
  new RamSharingWithOrganization(stack, "ram-sharing", { provider: stack.globalProvider });
}
