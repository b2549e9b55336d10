import type { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { Construct } from "constructs";
import { TerraformIterator } from "./cdktf.js";

/** One Terraform Cloud workspace to create. */
export interface TfcWorkspaceSpec {
  readonly workspaceName: string;
  readonly tags: readonly string[];
}

/** Props of {@link TfcWorkspaces}. */
export interface TfcWorkspacesProps {
  /** Workspaces by stable key (the account's key). */
  readonly workspaces: Readonly<Record<string, TfcWorkspaceSpec>>;
  readonly organization: string;
  /** @default - the organization's default project */
  readonly projectId?: string;
  /** Role that Terraform Cloud's dynamic credentials assume (OIDC). */
  readonly runRoleArn: string;
  readonly provider?: TfeProvider;
}

/**
 * The Terraform Cloud workspaces of the accounts, as `for_each` resources with
 * no working directory: a CLI-driven run uploads the folder it runs in, the workspace's
 * own synthesized folder wherever the synth went (`cdktf.out/stacks/<ws>` on a laptop,
 * `$RUNNER_TEMP/head/stacks/<ws>` in CI), which holds the whole configuration; and
 * `prevent_destroy`: each applies on its own when a merged change reaches it, with
 * dynamic AWS credentials, and (as with the accounts themselves) deleting an account from
 * the inventory fails the plan instead of deleting its workspace and state.
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
    const env = (id: string, key: string, value: string) => {
      const variable = new Variable(this, id, {
        provider,
        forEach: TerraformIterator.fromMap(Object.fromEntries(Object.keys(props.workspaces).map((k) => [k, k]))),
        workspaceId: `\${tfe_workspace.workspaces[each.key].id}`,
        category: "env",
        key,
        value,
      });
      variable.overrideLogicalId(id);
    };
    env("provider-auth", "TFC_AWS_PROVIDER_AUTH", "true");
    env("run-role-arn", "TFC_AWS_RUN_ROLE_ARN", props.runRoleArn);
  }
}
