import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { fitName, MAX_ROLE_NAME } from "./names.js";
import { policyDocument } from "./policy.js";
import { ServiceRole } from "./service-role.js";

/** Regions with the AWS Chatbot API; its configurations can only be managed through these. */
export const CHATBOT_API_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"] as const;

/** Region to manage Chatbot through: the first governed region that has its API, else us-east-2 (its console's). */
export function chatbotRegion(governed: readonly string[]): string {
  return governed.find((r) => (CHATBOT_API_REGIONS as readonly string[]).includes(r)) ?? "us-east-2";
}

/**
 * What a member of a Slack channel may do through AWS Chatbot: the read-only CloudWatch
 * actions that AWS Chatbot's "notification permissions" template grants, to show an
 * alert's alarm and metric graph. No data of the account is readable.
 */
export const CHANNEL_ACTIONS = ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"] as const;

/** Props of {@link SlackChannel}. */
export interface SlackChannelProps {
  readonly configurationName: string;
  readonly workspaceId: string;
  readonly channelId: string;
  /** Topics whose messages AWS Chatbot posts to the channel. */
  readonly topicArns: readonly string[];
  /** Provider of a region in {@link CHATBOT_API_REGIONS}. */
  readonly provider?: AwsProvider;
  /** Provider of IAM (any region). */
  readonly iamProvider?: AwsProvider;
}

/**
 * An AWS Chatbot Slack channel subscribed to alert topics. The Slack workspace must have
 * been authorized once in the account's Chatbot console (an OAuth step no API can do).
 */
export class SlackChannel extends Construct {
  constructor(scope: Construct, id: string, props: SlackChannelProps) {
    super(scope, id);
    const iamProvider = props.iamProvider ?? props.provider;
    // Anyone in the channel acts through this role, unlisted and without MFA: it may show
    // alerts and their metrics, nothing more. The same policy is the channel's guardrail,
    // so no channel member's own Chatbot permissions can widen it.
    const notifications = new IamPolicy(this, "notifications", {
      provider: iamProvider,
      name: fitName(`${props.configurationName}-chatbot`, MAX_ROLE_NAME),
      description: "What members of a Slack channel may do through AWS Chatbot: read alarms and metrics",
      policy: policyDocument([
        { Sid: "ReadAlarmsAndMetrics", Effect: "Allow", Action: [...CHANNEL_ACTIONS], Resource: "*" },
      ]),
    });
    const role = new ServiceRole(this, "role", {
      provider: iamProvider,
      roleName: fitName(`${props.configurationName}-chatbot`, MAX_ROLE_NAME),
      service: "chatbot.amazonaws.com",
    });
    new IamRolePolicyAttachment(this, "role-notifications", {
      provider: iamProvider,
      role: role.role.name,
      policyArn: notifications.arn,
    });
    new ChatbotSlackChannelConfiguration(this, "Resource", {
      provider: props.provider,
      configurationName: props.configurationName,
      iamRoleArn: role.roleArn,
      slackTeamId: props.workspaceId,
      slackChannelId: props.channelId,
      snsTopicArns: [...props.topicArns],
      guardrailPolicyArns: [notifications.arn],
    });
  }
}
