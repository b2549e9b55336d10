import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** GitHub Actions' OIDC issuer, without the scheme (the condition keys' prefix). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** The audience GitHub's tokens carry for AWS (aws-actions/configure-aws-credentials). */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** The `sub` claim of a GitHub Actions token: of a pull request's run, or of a push to `branch`. */
export function githubSubject(repository: string, run: { readonly pullRequest: true } | { readonly branch: string }) {
  return "pullRequest" in run ? `repo:${repository}:pull_request` : `repo:${repository}:ref:refs/heads/${run.branch}`;
}

/** Where the workspaces keep state, for the pipeline roles' access to it. */
export interface PipelineState {
  readonly bucket: string;
}

/** Props of {@link PipelineRoles}. */
export interface PipelineRolesProps {
  /** Prefix of the two roles' names: `<prefix>-github-plan`, `<prefix>-github-apply`. */
  readonly namePrefix: string;
  /** The GitHub repository, `owner/name`. */
  readonly repository: string;
  /** The branch whose pushes apply. */
  readonly branch: string;
  /** The read-only role of every account (`PlanRole`), by name. */
  readonly planRoleName: string;
  /** The role Terraform applies as in every account, by name. */
  readonly executionRoleName: string;
  /**
   * The S3 backend's bucket: the plan role reads it, the apply role reads and writes it.
   * @default - no state access (state lives elsewhere)
   */
  readonly state?: PipelineState;
  readonly provider?: AwsProvider;
}

/** The pipeline roles' permissions: what a plan and an apply may do, and nothing else. */
export function pipelineStatements(
  props: Pick<PipelineRolesProps, "planRoleName" | "executionRoleName" | "state">,
  phase: "plan" | "apply",
): PolicyStatement[] {
  const target = phase === "plan" ? props.planRoleName : props.executionRoleName;
  const statements: PolicyStatement[] = [
    {
      Sid: "AssumeInEveryAccount",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: `arn:aws:iam::*:role/${target}`,
    },
  ];
  if (props.state) {
    const bucket = `arn:aws:s3:::${props.state.bucket}`;
    statements.push(
      { Sid: "ListState", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
      {
        Sid: phase === "plan" ? "ReadState" : "ReadWriteStateAndLocks",
        Effect: "Allow",
        Action: phase === "plan" ? "s3:GetObject" : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: `${bucket}/*`,
      },
    );
  }
  return statements;
}

/** The trust of a pipeline role: GitHub's tokens for `subjects` only. */
export function githubTrust(providerArn: string, subjects: readonly string[]): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Federated: providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : [...subjects],
        },
      },
    },
  ]);
}

/**
 * GitHub Actions' way into the organization, in the management account: GitHub's OIDC
 * provider and two roles. `<prefix>-github-plan` answers pull requests' runs (and the
 * applying branch's, for the drift check) and may do nothing but assume each account's
 * read-only plan role and read the state, so no pull request can write to AWS, whatever
 * its code. `<prefix>-github-apply` answers
 * pushes to the applying branch only and may assume the execution role and write state.
 */
export class PipelineRoles extends Construct {
  readonly planRole: IamRole;
  readonly applyRole: IamRole;

  constructor(scope: Construct, id: string, props: PipelineRolesProps) {
    super(scope, id);
    const oidc = new IamOpenidConnectProvider(this, "github", {
      provider: props.provider,
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
    });
    const role = (phase: "plan" | "apply", subjects: readonly string[]) => {
      const roleName = `${props.namePrefix}-github-${phase}`;
      const created = new IamRole(this, phase, {
        provider: props.provider,
        name: roleName,
        description:
          phase === "plan"
            ? `Pull requests of ${props.repository}: terraform plan, read-only`
            : `Pushes to ${props.branch} of ${props.repository}: terraform apply`,
        assumeRolePolicy: githubTrust(oidc.arn, subjects),
        maxSessionDuration: phase === "plan" ? 3600 : 4 * 3600,
      });
      new IamRolePolicy(this, `${phase}-policy`, {
        provider: props.provider,
        role: created.id,
        name: roleName,
        policy: policyDocument(pipelineStatements(props, phase)),
      });
      return created;
    };
    const branch = githubSubject(props.repository, { branch: props.branch });
    // The branch's own runs plan too: the drift workflow, on a schedule.
    this.planRole = role("plan", [githubSubject(props.repository, { pullRequest: true }), branch]);
    this.applyRole = role("apply", [branch]);
  }
}
