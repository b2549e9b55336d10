import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** The four roles of the permission model, by name. */
export const ROLE_NAMES = ["administrator", "developer", "operator", "content"] as const;
/** One of the four roles. */
export type RoleName = (typeof ROLE_NAMES)[number];

/** Longest session of any of the four roles: one hour. */
export const MAX_SESSION_SECONDS = 3600;

/** What the developer boundary protects: the account's baseline, by resource name pattern. */
export interface BaselineResources {
  /** Prefix of every baseline resource name (trail, recorder, topics, rules, service roles). */
  readonly namePrefix: string;
  /** Role Terraform runs as, which keeps every right. */
  readonly executionRoleName: string;
  /**
   * The account holds the organization's CloudTrail key (the log archive): no key of the
   * account may be disabled, deleted or have its policy replaced.
   * @default false
   */
  readonly holdsLogKey?: boolean;
  /**
   * The account receives every account's alerts on its default event buses (the audit
   * account): the buses' policies may not change.
   * @default false
   */
  readonly holdsAlertInbox?: boolean;
}

/** Props of {@link AccessRoles}. */
export interface AccessRolesProps {
  /** Account whose roles are named by bare names. */
  readonly trustedAccountId: string;
  /** Require MFA to assume any role (the content role may say otherwise). */
  readonly requireMfa: boolean;
  /** Organization id (`o-...`) that every principal must belong to, but those of {@link externalAccounts}. */
  readonly organizationId: string;
  /**
   * Accounts outside the organization whose principals `access` may name.
   * @default []
   */
  readonly externalAccounts?: readonly string[];
  readonly administrator?: readonly string[];
  readonly developer?: readonly string[];
  readonly operator?: readonly string[];
  readonly content?: {
    readonly principals: readonly string[];
    readonly buckets: readonly string[];
    /** @default - requireMfa */
    readonly requireMfa?: boolean;
  };
  readonly accountId: string;
  readonly baseline: BaselineResources;
  readonly provider?: AwsProvider;
}

/** A principal as IAM wants it: a bare name is a role of the trusted account, an ARN stays as is. */
export function principalArn(principal: string, trustedAccountId: string): string {
  return principal.startsWith("arn:") ? principal : `arn:aws:iam::${trustedAccountId}:role/${principal}`;
}

/** Who a role's trust policy admits besides its principals' own names. */
export interface TrustBounds {
  readonly requireMfa: boolean;
  /** Organization id (`o-...`) that every principal but the external ones must belong to. */
  readonly organizationId: string;
  /**
   * Ids of accounts outside the organization whose principals are admitted without the organization condition.
   * @default []
   */
  readonly externalAccounts?: readonly string[];
}

/**
 * Trust policy of one role: only its principals, with MFA when required, and only from the
 * organization (aws:PrincipalOrgID), except principals of the accounts named external.
 */
export function roleTrustPolicy(principals: readonly string[], trustedAccountId: string, bounds: TrustBounds): string {
  const arns = principals.map((p) => principalArn(p, trustedAccountId));
  const external = new Set(bounds.externalAccounts ?? []);
  const outside = arns.filter((arn) => external.has(arn.split(":")[4]));
  const inside = arns.filter((arn) => !outside.includes(arn));
  const mfa: Record<string, Record<string, string>> = bounds.requireMfa
    ? { Bool: { "aws:MultiFactorAuthPresent": "true" } }
    : {};
  return policyDocument([
    ...(inside.length > 0
      ? [
          {
            Sid: "OrganizationPrincipals",
            Effect: "Allow" as const,
            Principal: { AWS: inside },
            Action: "sts:AssumeRole",
            Condition: { ...mfa, StringEquals: { "aws:PrincipalOrgID": bounds.organizationId } },
          },
        ]
      : []),
    ...(outside.length > 0
      ? [
          {
            Sid: "ExternalPrincipals",
            Effect: "Allow" as const,
            Principal: { AWS: outside },
            Action: "sts:AssumeRole",
            ...(bounds.requireMfa ? { Condition: mfa } : {}),
          },
        ]
      : []),
  ]);
}

/** Operational actions the operator has beyond ReadOnlyAccess. */
export const OPERATOR_ACTIONS = [
  "ec2:StartInstances",
  "ec2:StopInstances",
  "ec2:RebootInstances",
  "rds:StartDBInstance",
  "rds:StopDBInstance",
  "rds:RebootDBInstance",
  "ecs:UpdateService",
  "autoscaling:SetDesiredCapacity",
  "ssm:StartSession",
  "ssm:ResumeSession",
  "ssm:TerminateSession",
  "support:*",
] as const;

/** IAM path of the roles, instance profiles and policies that developers make for their workloads. */
export const WORKLOAD_PATH = "/workload/";

/**
 * What the developer may do in IAM beyond PowerUserAccess (which allows no IAM): make
 * roles, instance profiles and policies for workloads under {@link WORKLOAD_PATH}, each role
 * only with the developer boundary attached, and pass those roles to services. Nothing
 * outside the path: not the four roles, the execution role or the baseline's roles.
 */
export function workloadIamStatements(accountId: string, boundaryArn: string): PolicyStatement[] {
  const under = (type: string) => `arn:aws:iam::${accountId}:${type}${WORKLOAD_PATH}*`;
  // A boundary ARN with `*` for the account (a permission set serves every account) is a pattern.
  const bounded: PolicyStatement["Condition"] = {
    [boundaryArn.includes("*") ? "ArnLike" : "StringEquals"]: { "iam:PermissionsBoundary": boundaryArn },
  };
  return [
    {
      Sid: "CreateBoundedWorkloadRoles",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Resource: under("role"),
      Condition: bounded,
    },
    {
      Sid: "ManageWorkloadRoles",
      Effect: "Allow",
      Action: [
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:PassRole",
      ],
      Resource: under("role"),
    },
    {
      Sid: "ManageWorkloadInstanceProfiles",
      Effect: "Allow",
      Action: [
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
      ],
      Resource: under("instance-profile"),
    },
    {
      Sid: "ManageWorkloadPolicies",
      Effect: "Allow",
      Action: [
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
      ],
      Resource: under("policy"),
    },
    { Sid: "ReadIam", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
  ];
}

/** Object actions of the content role, on its buckets only. */
export const CONTENT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] as const;

/** The developer boundary as a policy of the account, named `<prefix>-developer-boundary` (the permission set refers to it by that name). */
export function developerBoundaryPolicy(
  scope: Construct,
  id: string,
  props: { readonly provider?: AwsProvider; readonly accountId: string; readonly baseline: BaselineResources },
): IamPolicy {
  return new IamPolicy(scope, id, {
    provider: props.provider,
    name: `${props.baseline.namePrefix}-developer-boundary`,
    description: "Keeps the developer role away from the account's security baseline",
    policy: policyDocument(developerBoundary(props.accountId, props.baseline)),
  });
}

/** Statements of the developer's permissions boundary: everything but the baseline. */
export function developerBoundary(accountId: string, baseline: BaselineResources): PolicyStatement[] {
  const prefix = baseline.namePrefix;
  const roles = [...ROLE_NAMES, `${prefix}-*`, baseline.executionRoleName].map(
    (name) => `arn:aws:iam::${accountId}:role/${name}`,
  );
  return [
    { Sid: "EverythingElse", Effect: "Allow", Action: "*", Resource: "*" },
    {
      Sid: "DenyBaselineServices",
      Effect: "Deny",
      Action: [
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:PutInsightSelectors",
        "config:Delete*",
        "config:Stop*",
        "config:PutConfigurationRecorder",
        "config:PutDeliveryChannel",
        "config:PutConfigRule",
        "config:PutConfigurationAggregator",
        "guardduty:Delete*",
        "guardduty:Disassociate*",
        "guardduty:Update*",
        "guardduty:StopMonitoringMembers",
        "guardduty:CreateFilter",
      ],
      Resource: "*",
    },
    {
      Sid: "DenyBaselineAlerts",
      Effect: "Deny",
      Action: ["sns:*", "events:*", "budgets:*", "chatbot:*"],
      Resource: [
        `arn:aws:sns:*:${accountId}:${prefix}-*`,
        `arn:aws:events:*:${accountId}:rule/${prefix}-*`,
        `arn:aws:budgets::${accountId}:budget/${prefix}-*`,
        `arn:aws:chatbot::${accountId}:chat-configuration/slack-channel/${prefix}-*`,
      ],
    },
    {
      Sid: "DenyBaselineRoles",
      Effect: "Deny",
      NotAction: ["iam:Get*", "iam:List*"],
      Resource: [...roles, `arn:aws:iam::${accountId}:policy/${prefix}-developer-boundary`],
    },
    ...(baseline.holdsLogKey
      ? [
          {
            Sid: "DenyLogKeyChanges",
            Effect: "Deny" as const,
            Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKeyRotation"],
            Resource: `arn:aws:kms:*:${accountId}:key/*`,
          },
        ]
      : []),
    ...(baseline.holdsAlertInbox
      ? [
          // PutPermission and RemovePermission take no resource: a deny on the bus's ARN would never apply.
          {
            Sid: "DenyAlertInboxChanges",
            Effect: "Deny" as const,
            Action: ["events:PutPermission", "events:RemovePermission"],
            Resource: "*",
          },
          {
            Sid: "DenyAlertInboxDeletion",
            Effect: "Deny" as const,
            Action: "events:DeleteEventBus",
            Resource: `arn:aws:events:*:${accountId}:event-bus/default`,
          },
        ]
      : []),
    {
      Sid: "DenyLeavingTheBoundary",
      Effect: "Deny",
      Action: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
      Resource: "*",
    },
  ];
}

/**
 * The four-role permission model in one account: administrator (full access), developer
 * (power user inside a boundary that keeps the baseline out of reach), operator
 * (read-only plus operations), content (objects of named buckets, nothing else). Each is
 * assumable only by its listed principals, with MFA when required, for at most an hour.
 */
export class AccessRoles extends Construct {
  readonly roles: Partial<Record<RoleName, IamRole>> = {};

  constructor(scope: Construct, id: string, props: AccessRolesProps) {
    super(scope, id);
    const provider = props.provider;
    const role = (name: RoleName, principals: readonly string[], boundary?: string, requireMfa = props.requireMfa) => {
      const created = new IamRole(this, name, {
        provider,
        name,
        assumeRolePolicy: roleTrustPolicy(principals, props.trustedAccountId, {
          requireMfa,
          organizationId: props.organizationId,
          externalAccounts: props.externalAccounts,
        }),
        maxSessionDuration: MAX_SESSION_SECONDS,
        permissionsBoundary: boundary,
      });
      this.roles[name] = created;
      return created;
    };
    const attach = (target: IamRole, policy: string) =>
      new IamRolePolicyAttachment(this, `${target.node.id}-${policy}`, {
        provider,
        role: target.name,
        policyArn: `arn:aws:iam::aws:policy/${policy}`,
      });

    if (props.administrator) attach(role("administrator", props.administrator), "AdministratorAccess");
    if (props.developer) {
      const boundary = developerBoundaryPolicy(this, "developer-boundary", props);
      const developer = role("developer", props.developer, boundary.arn);
      attach(developer, "PowerUserAccess");
      new IamRolePolicy(this, "developer-workload-iam", {
        provider,
        role: developer.id,
        name: "workload-iam",
        // The boundary's ARN as text: the condition compares text, and it is known before apply.
        policy: policyDocument(
          workloadIamStatements(
            props.accountId,
            `arn:aws:iam::${props.accountId}:policy/${props.baseline.namePrefix}-developer-boundary`,
          ),
        ),
      });
    }
    if (props.operator) {
      const operator = role("operator", props.operator);
      attach(operator, "ReadOnlyAccess");
      new IamRolePolicy(this, "operator-operations", {
        provider,
        role: operator.id,
        name: "operations",
        policy: policyDocument([{ Effect: "Allow", Action: [...OPERATOR_ACTIONS], Resource: "*" }]),
      });
    }
    if (props.content) {
      const content = role(
        "content",
        props.content.principals,
        undefined,
        props.content.requireMfa ?? props.requireMfa,
      );
      new IamRolePolicy(this, "content-objects", {
        provider,
        role: content.id,
        name: "objects",
        policy: policyDocument([
          {
            Effect: "Allow",
            Action: [...CONTENT_ACTIONS],
            Resource: props.content.buckets.map((bucket) => `arn:aws:s3:::${bucket}/*`),
          },
        ]),
      });
    }
  }
}
