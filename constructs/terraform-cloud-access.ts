import { CloudformationStackSet } from "@cdktf/provider-aws/lib/cloudformation-stack-set";
import { CloudformationStackSetInstance } from "@cdktf/provider-aws/lib/cloudformation-stack-set-instance";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { planRoleStatements } from "./plan-role.js";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** Terraform Cloud's OIDC issuer, without the scheme (the condition keys' prefix). */
export const TERRAFORM_CLOUD_HOST = "app.terraform.io";
/** The audience of Terraform Cloud's tokens for AWS unless a workspace sets another. */
export const TERRAFORM_CLOUD_AUDIENCE = "aws.workload.identity";
/** The project Terraform Cloud puts a workspace in when none is named. */
export const DEFAULT_PROJECT = "Default Project";

/** A phase of a Terraform Cloud run: each gets its own token, and here its own role. */
export type RunPhase = "plan" | "apply";

/** The managed policy of each phase's role: the plan reads, the apply may do what the execution role does. */
export const PHASE_MANAGED_POLICY: Readonly<Record<RunPhase, string>> = {
  plan: "arn:aws:iam::aws:policy/ReadOnlyAccess",
  apply: "arn:aws:iam::aws:policy/AdministratorAccess",
};

/** The `sub` claim of a Terraform Cloud token: one workspace's runs, in one phase. */
export function terraformCloudSubject(organization: string, project: string, workspace: string, phase: RunPhase) {
  return `organization:${organization}:project:${project}:workspace:${workspace}:run_phase:${phase}`;
}

/** The trust of a phase role: Terraform Cloud's tokens whose subject is `subject`, and no other. */
export function terraformCloudTrust(providerArn: unknown, subject: unknown): { Statement: PolicyStatement[] } {
  return {
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn as string },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${TERRAFORM_CLOUD_HOST}:aud`]: TERRAFORM_CLOUD_AUDIENCE,
            [`${TERRAFORM_CLOUD_HOST}:sub`]: subject as string,
          },
        },
      },
    ],
  };
}

/** The inline statements of a phase role beside its managed policy: the plan reads no data. */
export function phaseStatements(phase: RunPhase): PolicyStatement[] {
  return phase === "plan" ? planRoleStatements() : [];
}

/** Props shared by {@link TerraformCloudRoles} and {@link TerraformCloudStackSet}. */
export interface TerraformCloudAccessProps {
  /** The Terraform Cloud organization. */
  readonly organization: string;
  /** @default DEFAULT_PROJECT */
  readonly project?: string;
  /** The two roles' names, the same in every account. */
  readonly roleNames: Readonly<Record<RunPhase, string>>;
  readonly provider?: AwsProvider;
}

/** Props of {@link TerraformCloudRoles}. */
export interface TerraformCloudRolesProps extends TerraformCloudAccessProps {
  /** The one workspace whose runs the roles answer. */
  readonly workspace: string;
}

/**
 * Terraform Cloud's way into one account, made with Terraform: its OIDC provider and a role
 * per run phase, trusted by the runs of one workspace only. Used in the management
 * account, where a stack set does not deploy, by the bootstrap workspace.
 */
export class TerraformCloudRoles extends Construct {
  readonly roles: Readonly<Record<RunPhase, IamRole>>;

  constructor(scope: Construct, id: string, props: TerraformCloudRolesProps) {
    super(scope, id);
    const { provider } = props;
    const oidc = new IamOpenidConnectProvider(this, "provider", {
      provider,
      url: `https://${TERRAFORM_CLOUD_HOST}`,
      clientIdList: [TERRAFORM_CLOUD_AUDIENCE],
    });
    const role = (phase: RunPhase) => {
      const subject = terraformCloudSubject(
        props.organization,
        props.project ?? DEFAULT_PROJECT,
        props.workspace,
        phase,
      );
      const created = new IamRole(this, phase, {
        provider,
        name: props.roleNames[phase],
        description: `Terraform Cloud, ${phase} phase of ${props.workspace}`,
        assumeRolePolicy: policyDocument(terraformCloudTrust(oidc.arn, subject).Statement),
        maxSessionDuration: phase === "plan" ? 3600 : 4 * 3600,
      });
      new IamRolePolicyAttachment(this, `${phase}-managed`, {
        provider,
        role: created.name,
        policyArn: PHASE_MANAGED_POLICY[phase],
      });
      const statements = phaseStatements(phase);
      if (statements.length > 0)
        new IamRolePolicy(this, `${phase}-inline`, {
          provider,
          role: created.id,
          name: "no-data-reads",
          policy: policyDocument(statements),
        });
      return created;
    };
    this.roles = { plan: role("plan"), apply: role("apply") };
  }
}

/**
 * The CloudFormation template of {@link TerraformCloudStackSet}: Terraform Cloud's OIDC
 * provider and the two phase roles, each trusted by the runs of the account's own
 * workspace only, found by the account's id in a mapping.
 */
export function terraformCloudTemplate(
  props: Omit<TerraformCloudAccessProps, "provider"> & { readonly workspaces: Readonly<Record<string, string>> },
): Record<string, unknown> {
  const project = props.project ?? DEFAULT_PROJECT;
  const role = (phase: RunPhase) => {
    // Fn::Join, not Fn::Sub: a `${...}` in the template would be read by Terraform as its own.
    const [before, after] = terraformCloudSubject(props.organization, project, "\u0000", phase).split("\u0000");
    const subject = {
      "Fn::Join": ["", [before, { "Fn::FindInMap": ["Workspaces", { Ref: "AWS::AccountId" }, "Name"] }, after]],
    };
    const statements = phaseStatements(phase);
    return {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: props.roleNames[phase],
        Description: `Terraform Cloud, ${phase} phase of this account's workspace`,
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          ...terraformCloudTrust({ "Fn::GetAtt": ["Provider", "Arn"] }, subject),
        },
        MaxSessionDuration: phase === "plan" ? 3600 : 4 * 3600,
        ManagedPolicyArns: [PHASE_MANAGED_POLICY[phase]],
        ...(statements.length > 0
          ? {
              Policies: [
                { PolicyName: "no-data-reads", PolicyDocument: { Version: "2012-10-17", Statement: statements } },
              ],
            }
          : {}),
      },
    };
  };
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "fleetfile: Terraform Cloud's way into this account, one role per run phase",
    Mappings: {
      Workspaces: Object.fromEntries(Object.entries(props.workspaces).map(([id, name]) => [id, { Name: name }])),
    },
    Resources: {
      Provider: {
        Type: "AWS::IAM::OIDCProvider",
        Properties: { Url: `https://${TERRAFORM_CLOUD_HOST}`, ClientIdList: [TERRAFORM_CLOUD_AUDIENCE] },
      },
      PlanRole: role("plan"),
      ApplyRole: role("apply"),
    },
  };
}

/** Props of {@link TerraformCloudStackSet}. */
export interface TerraformCloudStackSetProps extends TerraformCloudAccessProps {
  /** Name of the stack set. */
  readonly name: string;
  /** The member accounts to deploy to, by id, with the name of each one's workspace. */
  readonly workspaces: Readonly<Record<string, string>>;
  /** The organization's root, whose accounts the instance is taken from. */
  readonly rootId: string;
  /** The region the stacks live in (their resources are global). */
  readonly region: string;
}

/**
 * Terraform Cloud's way into every member account, before the account's own workspace has
 * run: a service-managed stack set, deployed from the management account to exactly the
 * accounts listed (the root's accounts, intersected with the list), so that a vended
 * account can be planned and applied by its workspace as soon as its id is recorded.
 */
export class TerraformCloudStackSet extends Construct {
  constructor(scope: Construct, id: string, props: TerraformCloudStackSetProps) {
    super(scope, id);
    const { provider } = props;
    const set = new CloudformationStackSet(this, "Resource", {
      provider,
      name: props.name,
      description: "fleetfile: Terraform Cloud's OIDC provider and phase roles in every member account",
      permissionModel: "SERVICE_MANAGED",
      autoDeployment: { enabled: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      templateBody: JSON.stringify(terraformCloudTemplate(props)),
    });
    const accounts = Object.keys(props.workspaces);
    if (accounts.length === 0) return;
    new CloudformationStackSetInstance(this, "instances", {
      provider,
      // By name, not by reference: the set's attributes stay unread where it is left out (count).
      stackSetName: props.name,
      dependsOn: [set],
      region: props.region,
      deploymentTargets: {
        organizationalUnitIds: [props.rootId],
        accounts,
        accountFilterType: "INTERSECTION",
      },
      operationPreferences: { maxConcurrentPercentage: 100, failureTolerancePercentage: 10 },
      retainStack: true,
    });
  }
}
