import type { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { Construct } from "constructs";

/** Props of {@link TfcWorkspace}. */
export interface TfcWorkspaceProps {
  readonly workspaceName: string;
  readonly organization: string;
  /** @default - the organization's default project */
  readonly projectId?: string;
  /** Folder of the workspace's cdk.tf.json in the repository. */
  readonly workingDirectory: string;
  readonly tags: readonly string[];
  /** Role that Terraform Cloud's dynamic credentials assume (OIDC). */
  readonly runRoleArn: string;
  readonly provider?: TfeProvider;
}

/**
 * One Terraform Cloud workspace of an account: applies on its own when a merged change
 * reaches it, with dynamic AWS credentials (no stored keys), never destroyed by a plan.
 */
export class TfcWorkspace extends Construct {
  readonly workspace: Workspace;

  constructor(scope: Construct, id: string, props: TfcWorkspaceProps) {
    super(scope, id);
    const provider = props.provider;
    this.workspace = new Workspace(this, "Resource", {
      provider,
      name: props.workspaceName,
      organization: props.organization,
      projectId: props.projectId,
      workingDirectory: props.workingDirectory,
      tagNames: [...props.tags],
      autoApply: true,
      allowDestroyPlan: false,
      description: "Managed by fleetfile from accounts.yaml; change it there.",
      lifecycle: { preventDestroy: true },
    });
    const env = (key: string, value: string) =>
      new Variable(this, key.toLowerCase().replace(/_/g, "-"), {
        provider,
        workspaceId: this.workspace.id,
        category: "env",
        key,
        value,
      });
    env("TFC_AWS_PROVIDER_AUTH", "true");
    env("TFC_AWS_RUN_ROLE_ARN", props.runRoleArn);
  }
}
