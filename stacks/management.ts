import { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator";
import { RamSharingWithOrganization } from "@cdktf/provider-aws/lib/ram-sharing-with-organization";
import { AccountVending } from "../constructs/account-vending.js";
import { TerraformOutput } from "../constructs/cdktf.js";
import { Guardrails } from "../constructs/guardrails.js";
import { IdentityCenter } from "../constructs/identity-center.js";
import { OrganizationalUnits } from "../constructs/organizational-units.js";
import { PipelineRoles } from "../constructs/pipeline-roles.js";
import { DelegatedAdministration } from "../constructs/security-services.js";
import { TerraformCloudStackSet } from "../constructs/terraform-cloud-access.js";
import { coreAccount, groupListings, identityCenterRegion, unitsOf } from "../inventory/model.js";
import {
  type AccountStack,
  applyRoleNamesOf,
  planRoleNameOf,
  stateLocation,
  terraformCloudRoleNamesOf,
} from "./account-stack.js";
import { organization as readOrganization } from "./organization-data.js";

/** Output of the management workspace: the ARN of the role the plan workflow assumes. */
export const PLAN_ROLE_OUTPUT = "github_plan_role_arn";

/** Output of the management workspace: the ARN of the role the apply workflow assumes. */
export const APPLY_ROLE_OUTPUT = "github_apply_role_arn";

/**
 * The management workspace's own part: every member account (vended when pending,
 * imported otherwise), the guardrails at the root, AWS Config's delegated administrator
 * (the audit account), RAM sharing with the organization; the pipeline's roles with
 * organization.github, and Terraform Cloud's roles in every member with
 * organization.terraformCloud.
 */
export function addManagement(stack: AccountStack): void {
  const { organization } = stack;
  const org = organization.inventory.organization;
  const members = organization.accounts.filter((a) => a.type !== "management");
  const rootId = readOrganization(stack).roots.get(0).id;
  const units = addUnits(stack, rootId);
  new AccountVending(stack, "accounts", {
    provider: stack.globalProvider,
    roleName: org.executionRoleName,
    accounts: Object.fromEntries(
      members.map((a) => [
        a.key,
        {
          name: a.name,
          email: a.email,
          id: a.id,
          parentId: a.unit === undefined ? undefined : a.unit === null ? rootId : units.get(a.unit),
        },
      ]),
    ),
  });
  new Guardrails(stack, "guardrails", {
    provider: stack.globalProvider,
    flags: org.guardrails,
    namePrefix: org.name,
    executionRoleName: org.executionRoleName,
    applyRoleNames: applyRoleNamesOf(organization),
    regions: org.regions,
    accountRegions: Object.fromEntries(
      organization.accounts
        .filter((a) => a.id && a.type !== "management" && org.regions.some((r) => !a.regions.includes(r)))
        .map((a) => [a.id as string, a.regions]),
    ),
    logArchiveAccountId: coreAccount(organization, "log-archive").id ?? "",
    auditAccountId: coreAccount(organization, "audit").id ?? "",
    rootId,
  });
  new OrganizationsDelegatedAdministrator(stack, "config-administrator", {
    provider: stack.globalProvider,
    accountId: coreAccount(organization, "audit").id ?? "",
    servicePrincipal: "config.amazonaws.com",
  });
  new RamSharingWithOrganization(stack, "ram-sharing", { provider: stack.globalProvider });
  if (org.identityCenter) addIdentityCenter(stack, org.identityCenter.sessionDuration);
  if (org.securityServices) {
    new DelegatedAdministration(stack, "security-services", {
      provider: stack.globalProvider,
      adminAccountId: coreAccount(organization, "audit").id ?? "",
      guardduty: org.securityServices.guardduty,
      securityHub: org.securityServices.securityHub !== undefined,
      regionalProviders: stack.account.regions.map((region) => stack.providerFor(region)),
    });
  }
  if (org.github) addPipelineRoles(stack, org.github);
  if (org.terraformCloud) {
    new TerraformCloudStackSet(stack, "terraform-cloud", {
      provider: stack.globalProvider,
      name: `${org.name}-terraform-cloud`,
      organization: org.terraformCloud.organization,
      project: org.terraformCloud.project,
      roleNames: terraformCloudRoleNamesOf(organization),
      workspaces: Object.fromEntries(members.flatMap((a) => (a.id ? [[a.id, a.workspace]] : []))),
      rootId,
      region: org.homeRegion,
    });
  }
}

/**
 * The organizational units and the guardrails each adds; a unit's flags count only where
 * the root's guardrail is off (validation refuses lifting one). Returns each unit's id by path.
 */
function addUnits(stack: AccountStack, rootId: string): ReadonlyMap<string, string> {
  const { organization } = stack;
  const org = organization.inventory.organization;
  const units = unitsOf(organization);
  if (units.length === 0) return new Map();
  const added = (flag: keyof typeof org.guardrails, on: boolean | undefined) =>
    (on && !org.guardrails[flag]) || undefined;
  return new OrganizationalUnits(stack, "units", {
    provider: stack.globalProvider,
    rootId,
    namePrefix: org.name,
    writerRoleNames: [org.executionRoleName, ...applyRoleNamesOf(organization)],
    logArchiveAccountId: coreAccount(organization, "log-archive").id ?? "",
    auditAccountId: coreAccount(organization, "audit").id ?? "",
    units: units.map((unit) => ({
      path: unit.path,
      name: unit.name,
      parent: unit.parent,
      id: unit.id,
      guardrails: {
        denyAll: unit.guardrails.denyAll,
        regions: unit.guardrails.regions,
        flags: {
          denyRootUser: added("denyRootUser", unit.guardrails.denyRootUser),
          denyLeaveOrganization: added("denyLeaveOrganization", unit.guardrails.denyLeaveOrganization),
          protectBaseline: added("protectBaseline", unit.guardrails.protectBaseline),
          denyIamUsers: added("denyIamUsers", unit.guardrails.denyIamUsers),
        },
      },
    })),
  }).ids;
}

/** The permission sets and every account's assignments, in the management account's Identity Center instance. */
function addIdentityCenter(stack: AccountStack, sessionDuration: string): void {
  const { organization } = stack;
  const assignments = organization.accounts.flatMap((account) =>
    account.id
      ? groupListings(account.groups).flatMap(({ role, groups }) =>
          groups.map((group) => ({ accountKey: account.key, accountId: account.id as string, role, group })),
        )
      : [],
  );
  new IdentityCenter(stack, "identity-center", {
    provider: stack.providerIn(identityCenterRegion(organization)),
    sessionDuration,
    assignments,
    contentBuckets: Object.fromEntries(
      organization.accounts.flatMap((a) => (a.id && a.groups?.content ? [[a.id, a.groups.content.buckets]] : [])),
    ),
    developerBoundaryName: `${organization.inventory.organization.name}-developer-boundary`,
  });
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
