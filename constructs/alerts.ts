import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** Where an account also sends its alerts: another account's event bus, through a role. */
export interface AlertForwarding {
  readonly busArn: string;
  readonly roleArn: string;
}

/** Props of {@link Alerts}. */
export interface AlertsProps {
  readonly topicName: string;
  readonly accountId: string;
  /** Addresses subscribed to the topic. */
  readonly emails: readonly string[];
  /** GuardDuty findings at or above this severity are sent. */
  readonly minSeverity: number;
  /**
   * Also send every matching event to this bus.
   * @default - the events stay in the account
   */
  readonly forwardTo?: AlertForwarding;
  /**
   * Which alerts go to `forwardTo` too.
   * @default - all of them
   */
  readonly forwarded?: readonly AlertName[];
  /**
   * Also alert on Security Hub findings of at least the severity (their label).
   * @default false
   */
  readonly securityHub?: boolean;
  /**
   * Let AWS Budgets publish to the topic.
   * @default false
   */
  readonly allowBudgets?: boolean;
  readonly provider?: AwsProvider;
}

/** The alerts an account may have. */
export type AlertName = "guardduty-findings" | "config-noncompliance" | "securityhub-findings";

/** Security Hub's severity labels at or above a GuardDuty-scale severity (LOW below 4, MEDIUM below 7, HIGH below 9). */
export function severityLabels(minSeverity: number): string[] {
  const labels = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
  return labels.slice(minSeverity >= 7 ? 2 : minSeverity >= 4 ? 1 : 0);
}

/** Event patterns of what an account alerts on; Security Hub findings only with `securityHub`. */
export function alertPatterns(minSeverity: number, securityHub = false): Partial<Record<AlertName, object>> {
  return {
    ...(securityHub
      ? {
          "securityhub-findings": {
            source: ["aws.securityhub"],
            "detail-type": ["Security Hub Findings - Imported"],
            detail: {
              findings: {
                Severity: { Label: severityLabels(minSeverity) },
                Workflow: { Status: ["NEW"] },
                RecordState: ["ACTIVE"],
              },
            },
          },
        }
      : {}),
    "guardduty-findings": {
      source: ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      detail: { severity: [{ numeric: [">=", minSeverity] }] },
    },
    "config-noncompliance": {
      source: ["aws.config"],
      "detail-type": ["Config Rules Compliance Change"],
      detail: { newEvaluationResult: { complianceType: ["NON_COMPLIANT"] } },
    },
  };
}

/** The target that sends what `rule` matches, as it is, to another account's bus (target id `audit-bus`). */
export function forwardRule(
  scope: Construct,
  id: string,
  rule: CloudwatchEventRule,
  forwardTo: AlertForwarding,
  provider?: AwsProvider,
): CloudwatchEventTarget {
  return new CloudwatchEventTarget(scope, id, {
    provider,
    rule: rule.name,
    targetId: "audit-bus",
    arn: forwardTo.busArn,
    roleArn: forwardTo.roleArn,
  });
}

/** Construct ID of an email subscription: the address with every other character made `-`. */
export function subscriptionId(email: string): string {
  return `email-${email.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
}

/**
 * Alerts of one region: GuardDuty findings of at least `minSeverity` and Config
 * non-compliance go, through EventBridge, to an SNS topic with email subscriptions, and,
 * when `forwardTo` is set, to the audit account's bus too (CIS 3.x monitoring, FSBP GuardDuty.1).
 */
export class Alerts extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const provider = props.provider;
    this.topic = new SnsTopic(this, "topic", { provider, name: props.topicName });
    const publishers: PolicyStatement[] = [
      {
        Sid: "EventBridgePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: this.topic.arn,
        Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
      },
    ];
    if (props.allowBudgets) {
      publishers.push({
        Sid: "BudgetsPublishes",
        Effect: "Allow",
        Principal: { Service: "budgets.amazonaws.com" },
        Action: "sns:Publish",
        Resource: this.topic.arn,
        Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
      });
    }
    new SnsTopicPolicy(this, "topic-policy", { provider, arn: this.topic.arn, policy: policyDocument(publishers) });
    for (const email of new Set(props.emails)) {
      new SnsTopicSubscription(this, subscriptionId(email), {
        provider,
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: email,
      });
    }
    for (const [name, pattern] of Object.entries(alertPatterns(props.minSeverity, props.securityHub))) {
      const rule = new CloudwatchEventRule(this, name, {
        provider,
        name: `${props.topicName}-${name}`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `${name}-to-topic`, {
        provider,
        rule: rule.name,
        targetId: "topic",
        arn: this.topic.arn,
      });
      if (props.forwardTo && (props.forwarded ?? [name]).includes(name as AlertName)) {
        forwardRule(this, `${name}-to-audit`, rule, props.forwardTo, provider);
      }
    }
  }
}
