import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { ServiceRole } from "./service-role.js";

/** Props of {@link SlackChannel}. */
export interface SlackChannelProps {
  readonly configurationName: string;
  readonly workspaceId: string;
  readonly channelId: string;
  /** Topics whose messages AWS Chatbot posts to the channel. */
  readonly topicArns: readonly string[];
  readonly provider?: AwsProvider;
}

/**
 * An AWS Chatbot Slack channel subscribed to alert topics. The Slack workspace must have
 * been authorized once in the account's Chatbot console (an OAuth step no API can do).
 */
export class SlackChannel extends Construct {
  constructor(scope: Construct, id: string, props: SlackChannelProps) {
    super(scope, id);
    const role = new ServiceRole(this, "role", {
      provider: props.provider,
      roleName: `${props.configurationName}-chatbot`,
      service: "chatbot.amazonaws.com",
      managedPolicies: ["ReadOnlyAccess"],
    });
    new ChatbotSlackChannelConfiguration(this, "Resource", {
      provider: props.provider,
      configurationName: props.configurationName,
      iamRoleArn: role.roleArn,
      slackTeamId: props.workspaceId,
      slackChannelId: props.channelId,
      snsTopicArns: [...props.topicArns],
      guardrailPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    });
  }
}
