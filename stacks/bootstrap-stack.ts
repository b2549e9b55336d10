import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import type { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "../constructs/cdktf.js";
import { TfcWorkspaces } from "../constructs/tfc-workspace.js";
import { coreAccount, type Organization } from "../inventory/model.js";
import { localStatePath } from "./account-stack.js";

/** Name of the bootstrap workspace of organization `org`. */
export function bootstrapWorkspaceName(org: string): string {
  return `${org}-tfc-bootstrap`;
}

/** Role in the management account that Terraform Cloud runs assume through OIDC. */
export function runRoleArn(organization: Organization): string {
  return `arn:aws:iam::${coreAccount(organization, "management").id}:role/${organization.inventory.organization.name}-terraform-cloud`;
}

/**
 * The workspace that creates the Terraform Cloud workspaces themselves: one per account
 * with an id, in the configured organization and project. Applied by hand (or from a
 * workspace of its own) with a TFE_TOKEN; its state is local until it is moved.
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
    new TfcWorkspaces(this, "workspaces", {
      provider,
      organization: cloud.organization,
      projectId: project?.id,
      runRoleArn: runRoleArn(organization),
      workspaces: Object.fromEntries(
        organization.accounts
          .filter((a) => a.id)
          .map((a) => [
            a.key,
            {
              workspaceName: a.workspace,
              tags: ["fleetfile", `team-${a.team}`, `env-${a.env}`, `type-${a.type}`],
            },
          ]),
      ),
    });
  }
}
