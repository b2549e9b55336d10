import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { ROLE_NAMES } from "./access-roles.js";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** Which guardrails are on. */
export interface GuardrailFlags {
  readonly denyRootUser: boolean;
  readonly denyLeaveOrganization: boolean;
  readonly protectBaseline: boolean;
  readonly restrictRegions: boolean;
  /**
   * Deny creating IAM users, their access keys and passwords (long-lived credentials that
   * no MFA or role boundary governs), to everyone but the execution role.
   * @default true
   */
  readonly denyIamUsers?: boolean;
}

/** Props of {@link Guardrails}. */
export interface GuardrailsProps {
  readonly flags: GuardrailFlags;
  /** Prefix of policy names and of the baseline's resource names. */
  readonly namePrefix: string;
  /** Role Terraform runs as in every account: the principal that may change the baseline. */
  readonly executionRoleName: string;
  /**
   * Roles that apply the baseline beside the execution role (Terraform Cloud's apply-phase
   * role in every account), exempt from the guardrails exactly where it is.
   * @default []
   */
  readonly applyRoleNames?: readonly string[];
  /** Regions where regional actions are allowed. */
  readonly regions: readonly string[];
  /**
   * Accounts that govern fewer regions than the organization, by account id: each gets a
   * region guardrail of its own, attached to it, so it cannot work where it has no baseline.
   * @default {}
   */
  readonly accountRegions?: Readonly<Record<string, readonly string[]>>;
  /** Account holding the organization's CloudTrail key, whose keys nobody may disable or delete. */
  readonly logArchiveAccountId: string;
  /** Account whose default event buses receive every account's alerts: nobody but the execution role may change who may send. */
  readonly auditAccountId: string;
  /** Organization root that the policies are attached to. */
  readonly rootId: string;
  readonly provider?: AwsProvider;
}

/** Global services, exempt from the region restriction because their endpoints live in one region. */
export const GLOBAL_SERVICE_ACTIONS = [
  "a4b:*",
  "account:*",
  "aws-portal:*",
  "billing:*",
  "budgets:*",
  "ce:*",
  "chatbot:*",
  "cloudfront:*",
  "cur:*",
  "directconnect:*",
  "ec2:DescribeRegions",
  "globalaccelerator:*",
  "health:*",
  "iam:*",
  "networkmanager:*",
  "notifications:*",
  "organizations:*",
  "pricing:*",
  "route53:*",
  "route53domains:*",
  "s3:GetAccountPublicAccessBlock",
  "s3:ListAllMyBuckets",
  "s3:PutAccountPublicAccessBlock",
  "shield:*",
  "sso:*",
  "sts:*",
  "support:*",
  "trustedadvisor:*",
  "waf:*",
] as const;

/**
 * Actions that would stop, delete or reconfigure the baseline's detective controls, by
 * service and action family: the trail, every Config rule, recorder, delivery channel and
 * aggregator, every GuardDuty setting (detectors, filters, IP and threat lists, members),
 * and VPC flow logs. Config rules carry no name in their ARN, so they are protected by
 * action, all of them: only the execution role may create or change Config rules.
 */
export const BASELINE_ACTIONS = [
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
  "cloudtrail:PutInsightSelectors",
  "config:Delete*",
  "config:Stop*",
  "config:PutConfigRule",
  "config:PutConfigurationRecorder",
  "config:PutDeliveryChannel",
  "config:PutConfigurationAggregator",
  "config:PutRetentionConfiguration",
  "config:PutOrganizationConfigRule",
  "guardduty:Create*",
  "guardduty:Update*",
  "guardduty:Delete*",
  "guardduty:Disassociate*",
  "guardduty:StopMonitoringMembers",
  "ec2:DeleteFlowLogs",
] as const;

/** What would silence the baseline's alerts: its topics, the rules that feed them, its budgets and Slack channels. */
export const ALERT_ACTIONS = [
  "sns:DeleteTopic",
  "sns:SetTopicAttributes",
  "sns:AddPermission",
  "sns:RemovePermission",
  "sns:Unsubscribe",
  "sns:SetSubscriptionAttributes",
  "events:DeleteRule",
  "events:DisableRule",
  "events:PutRule",
  "events:PutTargets",
  "events:RemoveTargets",
  "budgets:ModifyBudget",
  "chatbot:DeleteSlackChannelConfiguration",
  "chatbot:UpdateSlackChannelConfiguration",
] as const;

/** What would make the organization's CloudTrail logs unreadable: nobody may do it, not even the execution role. */
export const LOG_KEY_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation"] as const;

/** IAM actions that create long-lived credentials. */
export const IAM_USER_ACTIONS = ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"] as const;

/** IAM actions that change a managed policy: denied on the baseline's policies (the developer boundary). */
export const POLICY_CHANGE_ACTIONS = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
] as const;

/** IAM actions that change a role: denied on the baseline roles (never `sts:AssumeRole`, which is how people get in). */
export const ROLE_CHANGE_ACTIONS = [
  "iam:AttachRolePolicy",
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
] as const;

/** The statements of each guardrail, by policy name suffix. */
export function guardrailStatements(
  props: Omit<GuardrailsProps, "rootId" | "provider" | "accountRegions">,
): Record<string, PolicyStatement[]> {
  const writers = [props.executionRoleName, ...(props.applyRoleNames ?? [])];
  const exceptExecutionRole = exceptRoles(writers);
  const policies: Record<string, PolicyStatement[]> = {};
  if (props.flags.denyRootUser) {
    policies["deny-root-user"] = [
      {
        Sid: "DenyRootUser",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } },
      },
    ];
  }
  if (props.flags.denyLeaveOrganization) {
    policies["deny-leave-organization"] = [
      { Sid: "DenyLeaveOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" },
    ];
  }
  if (props.flags.protectBaseline) {
    const prefix = props.namePrefix;
    policies["protect-baseline"] = [
      {
        Sid: "ProtectDetectiveControls",
        Effect: "Deny",
        Action: [...BASELINE_ACTIONS],
        Resource: "*",
        Condition: exceptExecutionRole,
      },
      {
        Sid: "ProtectAlerts",
        Effect: "Deny",
        Action: [...ALERT_ACTIONS],
        Resource: [
          `arn:aws:sns:*:*:${prefix}-*`,
          `arn:aws:events:*:*:rule/${prefix}-*`,
          `arn:aws:budgets::*:budget/${prefix}-*`,
          `arn:aws:chatbot::*:chat-configuration/slack-channel/${prefix}-*`,
        ],
        Condition: exceptExecutionRole,
      },
      {
        Sid: "ProtectBaselineRoles",
        Effect: "Deny",
        Action: [...ROLE_CHANGE_ACTIONS],
        Resource: [...ROLE_NAMES, props.executionRoleName, `${prefix}-*`].map((name) => `arn:aws:iam::*:role/${name}`),
        Condition: exceptExecutionRole,
      },
      {
        Sid: "ProtectBaselinePolicies",
        Effect: "Deny",
        Action: [...POLICY_CHANGE_ACTIONS],
        Resource: `arn:aws:iam::*:policy/${prefix}-*`,
        Condition: exceptExecutionRole,
      },
      {
        Sid: "ProtectAlertInbox",
        Effect: "Deny",
        Action: ["events:PutPermission", "events:RemovePermission"],
        Resource: "*",
        Condition: { ...exceptExecutionRole, StringEquals: { "aws:PrincipalAccount": props.auditAccountId } },
      },
      {
        Sid: "ProtectLogKey",
        Effect: "Deny",
        Action: [...LOG_KEY_ACTIONS],
        Resource: `arn:aws:kms:*:${props.logArchiveAccountId}:key/*`,
      },
      {
        Sid: "ProtectLogKeyPolicy",
        Effect: "Deny",
        Action: "kms:PutKeyPolicy",
        Resource: `arn:aws:kms:*:${props.logArchiveAccountId}:key/*`,
        Condition: exceptExecutionRole,
      },
      ...(props.flags.denyIamUsers === false
        ? []
        : [
            {
              Sid: "DenyIamUsers",
              Effect: "Deny" as const,
              Action: [...IAM_USER_ACTIONS],
              Resource: "*",
              Condition: exceptExecutionRole,
            },
          ]),
    ];
  }
  if (props.flags.restrictRegions) policies["restrict-regions"] = regionStatements(props.regions);
  return policies;
}

/** The condition that leaves the roles `roleNames`, in every account, out of a deny. */
export function exceptRoles(roleNames: readonly string[]): Record<string, Record<string, string | string[]>> {
  const arns = roleNames.map((name) => `arn:aws:iam::*:role/${name}`);
  return { ArnNotLike: { "aws:PrincipalArn": arns.length === 1 ? arns[0] : arns } };
}

/**
 * The statement that denies regional actions outside `regions`, to everyone, or to
 * everyone but the roles `exempt` (by name).
 */
export function regionStatements(regions: readonly string[], exempt: readonly string[] = []): PolicyStatement[] {
  return [
    {
      Sid: "DenyUngovernedRegions",
      Effect: "Deny",
      NotAction: [...GLOBAL_SERVICE_ACTIONS],
      Resource: "*",
      Condition: {
        StringNotEquals: { "aws:RequestedRegion": [...regions] },
        ...(exempt.length > 0 ? exceptRoles(exempt) : {}),
      },
    },
  ];
}

/** Service control policies from the inventory's guardrails, attached at the organization root. */
export class Guardrails extends Construct {
  constructor(scope: Construct, id: string, props: GuardrailsProps) {
    super(scope, id);
    for (const [name, statements] of Object.entries(guardrailStatements(props))) {
      const policy = new OrganizationsPolicy(this, name, {
        provider: props.provider,
        name: `${props.namePrefix}-${name}`,
        type: "SERVICE_CONTROL_POLICY",
        content: policyDocument(statements),
      });
      new OrganizationsPolicyAttachment(this, `${name}-root`, {
        provider: props.provider,
        policyId: policy.id,
        targetId: props.rootId,
      });
    }
    if (!props.flags.restrictRegions) return;
    for (const [accountId, regions] of Object.entries(props.accountRegions ?? {})) {
      const policy = new OrganizationsPolicy(this, `regions-${accountId}`, {
        provider: props.provider,
        name: `${props.namePrefix}-regions-${accountId}`,
        description: `Regions account ${accountId} governs: ${regions.join(", ")}`,
        type: "SERVICE_CONTROL_POLICY",
        // The execution role is exempt: it applies the account's multi-region trail, and reads
        // the log key, in the home region, which such an account may not govern.
        content: policyDocument(regionStatements(regions, [props.executionRoleName, ...(props.applyRoleNames ?? [])])),
      });
      new OrganizationsPolicyAttachment(this, `regions-${accountId}-account`, {
        provider: props.provider,
        policyId: policy.id,
        targetId: accountId,
      });
    }
  }
}
