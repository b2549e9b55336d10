import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** Which guardrails are on. */
export interface GuardrailFlags {
  readonly denyRootUser: boolean;
  readonly denyLeaveOrganization: boolean;
  readonly protectBaseline: boolean;
  readonly restrictRegions: boolean;
}

/** Props of {@link Guardrails}. */
export interface GuardrailsProps {
  readonly flags: GuardrailFlags;
  /** Prefix of policy names and of the baseline's resource names. */
  readonly namePrefix: string;
  /** Role Terraform runs as in every account: the one principal that may change the baseline. */
  readonly executionRoleName: string;
  /** Regions where regional actions are allowed. */
  readonly regions: readonly string[];
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

/** Actions that would stop or delete the baseline's detective controls. */
export const BASELINE_ACTIONS = [
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
  "config:DeleteConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:StopConfigurationRecorder",
  "config:DeleteConfigRule",
  "config:PutConfigurationRecorder",
  "config:PutDeliveryChannel",
  "guardduty:DeleteDetector",
  "guardduty:UpdateDetector",
  "guardduty:DisassociateFromMasterAccount",
  "guardduty:DisassociateFromAdministratorAccount",
  "guardduty:DeleteMembers",
  "guardduty:StopMonitoringMembers",
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
  props: Omit<GuardrailsProps, "rootId" | "provider">,
): Record<string, PolicyStatement[]> {
  const exceptExecutionRole = {
    ArnNotLike: { "aws:PrincipalArn": `arn:aws:iam::*:role/${props.executionRoleName}` },
  };
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
    policies["protect-baseline"] = [
      {
        Sid: "ProtectDetectiveControls",
        Effect: "Deny",
        Action: [...BASELINE_ACTIONS],
        Resource: "*",
        Condition: exceptExecutionRole,
      },
      {
        Sid: "ProtectBaselineRoles",
        Effect: "Deny",
        Action: [...ROLE_CHANGE_ACTIONS],
        Resource: ["administrator", "developer", "operator", "content", `${props.namePrefix}-*`].map(
          (name) => `arn:aws:iam::*:role/${name}`,
        ),
        Condition: exceptExecutionRole,
      },
    ];
  }
  if (props.flags.restrictRegions) {
    policies["restrict-regions"] = [
      {
        Sid: "DenyUngovernedRegions",
        Effect: "Deny",
        NotAction: [...GLOBAL_SERVICE_ACTIONS],
        Resource: "*",
        Condition: { StringNotEquals: { "aws:RequestedRegion": [...props.regions] } },
      },
    ];
  }
  return policies;
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
  }
}
