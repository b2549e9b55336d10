import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import type { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "../constructs/cdktf.js";
import { TerraformCloudRoles } from "../constructs/terraform-cloud-access.js";
import { TfcWorkspaces } from "../constructs/tfc-workspace.js";
import { coreAccount, type Organization } from "../inventory/model.js";
import { ACCESS_VARIABLE, DIRECT_ACCESS } from "../terraform/commands.js";
import { defaultTags, localStatePath, terraformCloudRoleNamesOf } from "./account-stack.js";

/** Name of the bootstrap workspace of organization `org`. */
export function bootstrapWorkspaceName(org: string): string {
  return `${org}-tfc-bootstrap`;
}

/**
 * The workspace that creates the Terraform Cloud workspaces themselves: one per account
 * with an id, in the configured organization and project, each with the variables of
 * Terraform Cloud's dynamic AWS credentials (a role per run phase, in the account itself);
 * and, in the management account, Terraform Cloud's OIDC provider and the management
 * workspace's two phase roles (the members' come from the management workspace's stack
 * set). Applied by hand with a TFE_TOKEN and the management account's AWS credentials;
 * its state is local until it is moved.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, organization: Organization) {
    const inventory = organization.inventory;
    const cloud = inventory.organization.terraformCloud;
    if (!cloud) throw new Error("the bootstrap workspace needs organization.terraformCloud");
    super(scope, bootstrapWorkspaceName(inventory.organization.name));
    new LocalBackend(this, { path: localStatePath(this.node.id) });
    const provider = new TfeProvider(this, "tfe", {});
    const project = cloud.project
      ? new DataTfeProject(this, "project", { provider, name: cloud.project, organization: cloud.organization })
      : undefined;
    const roleNames = terraformCloudRoleNamesOf(organization);
    const management = coreAccount(organization, "management");
    const aws = new AwsProvider(this, "aws", {
      region: inventory.organization.homeRegion,
      allowedAccountIds: [management.id ?? ""],
      defaultTags: [{ tags: defaultTags(management) }],
    });
    new TerraformCloudRoles(this, "management-roles", {
      provider: aws,
      organization: cloud.organization,
      project: cloud.project,
      roleNames,
      workspace: management.workspace,
    });
    new TfcWorkspaces(this, "workspaces", {
      provider,
      organization: cloud.organization,
      projectId: project?.id,
      variables: { [ACCESS_VARIABLE]: DIRECT_ACCESS },
      workspaces: Object.fromEntries(
        organization.accounts
          .filter((a) => a.id)
          .map((a) => [
            a.key,
            {
              workspaceName: a.workspace,
              tags: ["fleetfile", `team-${a.team}`, `env-${a.env}`, `type-${a.type}`],
              planRoleArn: `arn:aws:iam::${a.id}:role/${roleNames.plan}`,
              applyRoleArn: `arn:aws:iam::${a.id}:role/${roleNames.apply}`,
            },
          ]),
      ),
    });
  }
}
