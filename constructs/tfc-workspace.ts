import type { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { Construct } from "constructs";
import { TerraformIterator } from "./cdktf.js";

/** One Terraform Cloud workspace to create. */
export interface TfcWorkspaceSpec {
  readonly workspaceName: string;
  readonly tags: readonly string[];
  /** Role of the account that the plan phase of the workspace's runs federates into (OIDC). */
  readonly planRoleArn: string;
  /** Role of the account that the apply phase federates into. */
  readonly applyRoleArn: string;
}

/** Props of {@link TfcWorkspaces}. */
export interface TfcWorkspacesProps {
  /** Workspaces by stable key (the account's key). */
  readonly workspaces: Readonly<Record<string, TfcWorkspaceSpec>>;
  readonly organization: string;
  /** @default - the organization's default project */
  readonly projectId?: string;
  /**
   * Terraform variables set in every workspace, by name.
   * @default {}
   */
  readonly variables?: Readonly<Record<string, string>>;
  readonly provider?: TfeProvider;
}

/**
 * The Terraform Cloud workspaces of the accounts, as `for_each` resources with
 * no working directory: a CLI-driven run uploads the folder it runs in, the workspace's
 * own synthesized folder wherever the synth went (`cdktf.out/stacks/<ws>` on a laptop,
 * `$RUNNER_TEMP/head/stacks/<ws>` in CI), which holds the whole configuration; and
 * `prevent_destroy`: each applies on its own when a merged change reaches it, with
 * dynamic AWS credentials, and (as with the accounts themselves) deleting an account from
 * the inventory fails the plan instead of deleting its workspace and state. Each workspace
 * has Terraform Cloud's dynamic AWS credentials on, with a role per run phase: the plan
 * phase's reads, only the apply phase's writes.
 */
export class TfcWorkspaces extends Construct {
  constructor(scope: Construct, id: string, props: TfcWorkspacesProps) {
    super(scope, id);
    const provider = props.provider;
    const each = TerraformIterator.fromMap(
      Object.fromEntries(
        Object.entries(props.workspaces).map(([key, w]) => [key, { name: w.workspaceName, tags: [...w.tags] }]),
      ),
    );
    const workspaces = new Workspace(this, "Resource", {
      provider,
      forEach: each,
      name: each.getString("name"),
      organization: props.organization,
      projectId: props.projectId,
      tagNames: each.getList("tags"),
      autoApply: true,
      allowDestroyPlan: false,
      description: "Managed by fleetfile from accounts.yaml; change it there.",
      lifecycle: { preventDestroy: true },
    });
    workspaces.overrideLogicalId("workspaces");
    const variable = (
      id: string,
      category: "env" | "terraform",
      key: string,
      value: (w: TfcWorkspaceSpec) => string,
    ) => {
      const values = TerraformIterator.fromMap(
        Object.fromEntries(Object.entries(props.workspaces).map(([k, w]) => [k, value(w)])),
      );
      const created = new Variable(this, id, {
        provider,
        forEach: values,
        workspaceId: `\${tfe_workspace.workspaces[each.key].id}`,
        category,
        key,
        value: values.value,
      });
      created.overrideLogicalId(id);
    };
    variable("provider-auth", "env", "TFC_AWS_PROVIDER_AUTH", () => "true");
    variable("plan-role-arn", "env", "TFC_AWS_PLAN_ROLE_ARN", (w) => w.planRoleArn);
    variable("apply-role-arn", "env", "TFC_AWS_APPLY_ROLE_ARN", (w) => w.applyRoleArn);
    for (const [key, value] of Object.entries(props.variables ?? {}))
      variable(`var-${key}`, "terraform", key, () => value);
  }
}
