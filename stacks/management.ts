import { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator";
import { RamSharingWithOrganization } from "@cdktf/provider-aws/lib/ram-sharing-with-organization";
import { AccountVending } from "../constructs/account-vending.js";
import { TerraformOutput } from "../constructs/cdktf.js";
import { Guardrails } from "../constructs/guardrails.js";
import { PipelineRoles } from "../constructs/pipeline-roles.js";
import { coreAccount } from "../inventory/model.js";
import { type AccountStack, planRoleNameOf, stateLocation } from "./account-stack.js";
import { organization as readOrganization } from "./organization-data.js";

/** Output of the management workspace: the ARN of the role the plan workflow assumes. */
export const PLAN_ROLE_OUTPUT = "github_plan_role_arn";

/** Output of the management workspace: the ARN of the role the apply workflow assumes. */
export const APPLY_ROLE_OUTPUT = "github_apply_role_arn";

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
  if (org.github) addPipelineRoles(stack, org.github);
}

/** GitHub Actions' OIDC provider and plan and apply roles, and their ARNs as outputs for the workflows' variables. */
function addPipelineRoles(stack: AccountStack, github: { repository: string; branch: string }): void {
  const { organization } = stack;
  const org = organization.inventory.organization;
  const state = stateLocation(organization);
  const roles = new PipelineRoles(stack, "pipeline", {
    provider: stack.globalProvider,
    namePrefix: org.name,
    repository: github.repository,
    branch: github.branch,
    planRoleName: planRoleNameOf(organization),
    executionRoleName: org.executionRoleName,
    state: state ? { bucket: state.bucket } : undefined,
  });
  new TerraformOutput(stack, PLAN_ROLE_OUTPUT, {
    value: roles.planRole.arn,
    description: "AWS_PLAN_ROLE_ARN of the plan workflow",
  });
  new TerraformOutput(stack, APPLY_ROLE_OUTPUT, {
    value: roles.applyRole.arn,
    description: "AWS_APPLY_ROLE_ARN of the apply workflow",
  });
}
