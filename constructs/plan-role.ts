import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy.js";

/**
 * Reads of data, not of configuration, that ReadOnlyAccess allows and a plan never needs:
 * object contents, table items, queue messages, parameter values, log events, image layers.
 */
export const DATA_READ_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:PartiQLSelect",
  "kinesis:GetRecords",
  "sqs:ReceiveMessage",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
  "athena:GetQueryResults",
  "glacier:GetJobOutput",
  "codecommit:GetBlob",
  "codecommit:GetFile",
] as const;

/** The plan role's inline statements, beside ReadOnlyAccess: no data reads. */
export function planRoleStatements(): PolicyStatement[] {
  return [{ Sid: "NoDataReads", Effect: "Deny", Action: [...DATA_READ_ACTIONS], Resource: "*" }];
}

/** The plan role's trust: any principal of `trustedAccountId` that its own policies let assume it. */
export function planRoleTrust(trustedAccountId: string): string {
  return policyDocument([
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${trustedAccountId}:root` }, Action: "sts:AssumeRole" },
  ]);
}

/** Props of {@link PlanRole}. */
export interface PlanRoleProps {
  /** Name of the role, the same in every account (`<organization>-plan`). */
  readonly roleName: string;
  /** The management account, whose pipeline roles assume this one to plan. */
  readonly trustedAccountId: string;
  readonly provider?: AwsProvider;
}

/**
 * The role `terraform plan` runs as in one account: AWS's ReadOnlyAccess less the reads
 * of data, so that refreshing state sees every setting and a plan can change nothing.
 *
 * The trust names the management account as a whole; which of its principals may assume
 * the role is said by their own policies (the pipeline's plan role may assume only this
 * one). Everything that can write stays with the execution role.
 */
export class PlanRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: PlanRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "Resource", {
      provider: props.provider,
      name: props.roleName,
      description: "terraform plan: reads every setting, changes nothing, reads no data",
      assumeRolePolicy: planRoleTrust(props.trustedAccountId),
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "ReadOnlyAccess", {
      provider: props.provider,
      role: this.role.name,
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    new IamRolePolicy(this, "no-data-reads", {
      provider: props.provider,
      role: this.role.id,
      name: "no-data-reads",
      policy: policyDocument(planRoleStatements()),
    });
  }
}
