import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type AlertForwarding, forwardRule } from "./alerts.js";

/** Props of {@link HealthNotices}. */
export interface HealthNoticesProps {
  readonly ruleName: string;
  /** The topic of the account's channel; its policy must let EventBridge publish. */
  readonly topicArn: string;
  /** Event categories sent (`scheduledChange`, `accountNotification`, ...). */
  readonly categories: readonly string[];
  /** AWS Health service codes sent (`RDS`, `ACM`). @default - every service */
  readonly services?: readonly string[];
  /**
   * Also send every matching event to this bus: the audit account's, whose own rule of the
   * same pattern sends it on to the security channel.
   * @default - the events stay in the account
   */
  readonly forwardTo?: AlertForwarding;
  readonly provider?: AwsProvider;
}

/** The event pattern of the AWS Health events of `categories` (and of `services`, when given). */
export function healthPattern(categories: readonly string[], services: readonly string[] = []): object {
  return {
    source: ["aws.health"],
    "detail-type": ["AWS Health Event"],
    detail: { eventTypeCategory: [...categories], ...(services.length > 0 ? { service: [...services] } : {}) },
  };
}

/**
 * How an event becomes the message the team reads: an AWS Chatbot custom notification
 * (rendered in Slack; the same JSON by email), titled with the service, the category, the
 * account and the region, describing the event's type and start, with the affected
 * resources as its keywords.
 */
export const HEALTH_INPUT_TRANSFORMER = {
  inputPaths: {
    service: "$.detail.service",
    category: "$.detail.eventTypeCategory",
    type: "$.detail.eventTypeCode",
    start: "$.detail.startTime",
    account: "$.account",
    region: "$.region",
    resources: "$.resources",
  },
  inputTemplate: [
    '{"version": "1.0", "source": "custom", "content": {',
    '"textType": "client-markdown",',
    '"title": "AWS Health: <service> <category> in <account> (<region>)",',
    '"description": "<type>, starting <start>",',
    '"keywords": <resources>}}',
  ].join(" "),
} as const;

/**
 * AWS Health notices of one region to the account's channel: scheduled changes and account
 * notifications (RDS maintenance, certificate expiry, instance retirement, ...) as they are
 * announced, before they happen. Health sends each event to the region of its resources,
 * and only to the account it concerns: with `forwardTo`, the audit account sees them all.
 */
export class HealthNotices extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: HealthNoticesProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "Resource", {
      provider: props.provider,
      name: props.ruleName,
      description: "AWS Health events to the account's channel",
      eventPattern: JSON.stringify(healthPattern(props.categories, props.services)),
    });
    new CloudwatchEventTarget(this, "to-topic", {
      provider: props.provider,
      rule: this.rule.name,
      targetId: "topic",
      arn: props.topicArn,
      inputTransformer: {
        inputPaths: { ...HEALTH_INPUT_TRANSFORMER.inputPaths },
        inputTemplate: HEALTH_INPUT_TRANSFORMER.inputTemplate,
      },
    });
    if (props.forwardTo) forwardRule(this, "to-audit", this.rule, props.forwardTo, props.provider);
  }
}
