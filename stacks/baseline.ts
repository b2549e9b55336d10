import { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
import { DataAwsKmsKey } from "@cdktf/provider-aws/lib/data-aws-kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type AlertForwarding, Alerts } from "../constructs/alerts.js";
import { Budget } from "../constructs/budget.js";
import { ConfigAggregator } from "../constructs/config-aggregator.js";
import { ConfigRecorder } from "../constructs/config-recorder.js";
import { HealthNotices } from "../constructs/health-notices.js";
import { LogArchive, type LogArchiveNames, logArchiveNames } from "../constructs/log-archive.js";
import { PlanRole } from "../constructs/plan-role.js";
import { policyDocument } from "../constructs/policy.js";
import { OrganizationSecurity } from "../constructs/security-services.js";
import { ServiceRole } from "../constructs/service-role.js";
import { chatbotRegion, SlackChannel } from "../constructs/slack-channel.js";
import { ThreatDetection } from "../constructs/threat-detection.js";
import { Trail } from "../constructs/trail.js";
import { coreAccount } from "../inventory/model.js";
import { type AccountStack, applyRoleNamesOf, executionRoleArnOf, planRoleNameOf } from "./account-stack.js";
import { organization as readOrganization } from "./organization-data.js";

/** Names shared by every workspace of an organization, derived from its name and core account ids. */
export interface BaselineNames {
  readonly logArchive: LogArchiveNames;
  readonly trail: string;
  readonly configRole: string;
  readonly alertTopic: string;
  readonly auditAccountId: string;
  /** Regions where the audit account has a findings inbox. */
  readonly auditRegions: readonly string[];
}

/** The organization-wide names the baseline of `stack` refers to. */
export function baselineNames(stack: AccountStack): BaselineNames {
  const { inventory } = stack.organization;
  const prefix = inventory.organization.name;
  const archive = coreAccount(stack.organization, "log-archive");
  const audit = coreAccount(stack.organization, "audit");
  return {
    logArchive: logArchiveNames(prefix, archive.id ?? "", inventory.organization.homeRegion),
    trail: `${prefix}-baseline`,
    configRole: `${prefix}-config-recorder`,
    alertTopic: `${prefix}-alerts`,
    auditAccountId: audit.id ?? "",
    auditRegions: audit.regions,
  };
}

/** ARN of the role Terraform runs as in `stack`'s account. */
export function executionRoleArn(stack: AccountStack): string {
  return executionRoleArnOf(stack.organization, stack.account);
}

/**
 * The security baseline of one account: its trail, AWS Config and GuardDuty in every
 * governed region, alerts by email and Slack, its budget; plus the log archive in the
 * log-archive account and the aggregator and findings inbox in the audit account.
 */
export function addBaseline(stack: AccountStack): void {
  const { account, organization } = stack;
  const inventory = organization.inventory;
  const names = baselineNames(stack);
  const accountId = account.id ?? "";

  let archive: LogArchive | undefined;
  if (account.type === "log-archive") {
    archive = new LogArchive(stack, "log-archive", {
      provider: stack.globalProvider,
      names: names.logArchive,
      accountId,
      organizationId: readOrganization(stack).id,
      retentionDays: inventory.organization.logArchive.retentionDays,
      lockMode: inventory.organization.logArchive.lockMode,
      expireLogsAfterDays: inventory.organization.logArchive.expireLogsAfterDays,
      managerRoleArn: executionRoleArn(stack),
      otherManagerRoleArns: applyRoleNamesOf(organization).map((name) => `arn:aws:iam::${accountId}:role/${name}`),
      configRoleName: names.configRole,
    });
  }

  const kmsKeyArn =
    archive?.key.arn ??
    new DataAwsKmsKey(stack, "trail-key", { provider: stack.globalProvider, keyId: names.logArchive.keyAliasArn }).arn;
  new Trail(stack, "trail", {
    provider: stack.globalProvider,
    trailName: names.trail,
    bucketName: names.logArchive.trailBucket,
    kmsKeyArn,
    dependsOn: archive ? [archive.trailBucket.policy] : undefined,
  });

  new PlanRole(stack, "plan-role", {
    provider: stack.globalProvider,
    roleName: planRoleNameOf(organization),
    trustedAccountId: coreAccount(organization, "management").id ?? "",
  });

  const configRole = new ServiceRole(stack, "config-role", {
    provider: stack.globalProvider,
    roleName: names.configRole,
    service: "config.amazonaws.com",
    managedPolicies: ["service-role/AWS_ConfigRole"],
    statements: [
      {
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetBucketAcl", "s3:ListBucket"],
        Resource: [
          `arn:aws:s3:::${names.logArchive.configBucket}`,
          `arn:aws:s3:::${names.logArchive.configBucket}/AWSLogs/${accountId}/*`,
        ],
      },
    ],
  });

  const isAudit = account.type === "audit";
  const security = inventory.baseline.securityChannel;
  const channels = [...new Set([account.channel, ...(isAudit ? [security] : [])])].flatMap((name) =>
    name === undefined ? [] : [{ name, ...inventory.notifications[name] }],
  );
  const forwarder = isAudit ? undefined : forwarderRole(stack, names.auditAccountId);
  const found = organization.discovery?.accounts[account.key];
  const services = inventory.organization.securityServices;
  // With GuardDuty for the organization, a member's detector is GuardDuty's to make (or
  // adopt) when it enrolls the account: a second one would be refused.
  const ownDetector = !services?.guardduty || account.type === "audit" || account.type === "management";
  const detectors: { detectorId: string; provider: AwsProvider | undefined }[] = [];
  const topics = account.regions.map((region) => {
    const provider = stack.providerFor(region);
    const scope = new Construct(stack, region);
    const existing = found?.regions[region];
    new ConfigRecorder(scope, "config", {
      provider,
      recorderName: names.trail,
      existing: existing?.config && {
        recorderName: existing.config.recorder,
        deliveryChannelName: existing.config.deliveryChannel,
      },
      roleArn: configRole.roleArn,
      bucketName: names.logArchive.configBucket,
      recordGlobalResources: region === account.globalRegion,
      rules: inventory.baseline.configRules,
      dependsOn: archive ? [archive.configBucket.policy] : undefined,
    });
    if (ownDetector) {
      const guardduty = new ThreatDetection(scope, "guardduty", {
        provider,
        existingDetectorId: existing?.guardduty?.detectorId,
      });
      detectors.push({ detectorId: guardduty.detector.id, provider });
    }
    const forwardTo: AlertForwarding | undefined =
      forwarder && names.auditRegions.includes(region)
        ? { busArn: `arn:aws:events:${region}:${names.auditAccountId}:event-bus/default`, roleArn: forwarder.roleArn }
        : undefined;
    const alerts = new Alerts(scope, "alerts", {
      provider,
      topicName: names.alertTopic,
      accountId,
      emails: channels.flatMap((c) => c.emails),
      minSeverity: inventory.baseline.findingMinSeverity,
      securityHub: services?.securityHub !== undefined,
      forwardTo,
      // The administrator of an organization-wide service gets every account's findings itself.
      forwarded: services
        ? [...(services.guardduty ? [] : ["guardduty-findings" as const]), "config-noncompliance"]
        : undefined,
      allowBudgets: region === account.globalRegion && account.budget !== undefined,
    });
    const health = inventory.baseline.healthNotices;
    if (health.categories.length > 0) {
      new HealthNotices(scope, "health", {
        provider,
        ruleName: `${names.alertTopic}-health`,
        topicArn: alerts.topic.arn,
        categories: health.categories,
        services: health.services,
        forwardTo: health.organizationView ? forwardTo : undefined,
      });
    }
    if (isAudit) addFindingsInbox(stack, scope, region);
    return { region, arn: alerts.topic.arn };
  });

  for (const channel of channels) {
    if (!channel.slack) continue;
    new SlackChannel(stack, `slack-${channel.name}`, {
      provider: stack.providerIn(chatbotRegion(inventory.organization.regions)),
      iamProvider: stack.globalProvider,
      configurationName: `${inventory.organization.name}-${account.key}-${channel.name}`.slice(0, 128),
      workspaceId: channel.slack.workspaceId,
      channelId: channel.slack.channelId,
      topicArns: topics.map((t) => t.arn),
    });
  }

  if (account.budget) {
    new Budget(stack, "budget", {
      provider: stack.globalProvider,
      budgetName: `${account.workspace}-monthly`,
      monthlyUsd: account.budget.monthlyUsd,
      topicArn: topics.find((t) => t.region === account.globalRegion)?.arn ?? topics[0].arn,
    });
  }

  if (isAudit && services) {
    const hub = services.securityHub;
    new OrganizationSecurity(stack, "organization-security", {
      provider: stack.globalProvider,
      detectors: services.guardduty ? detectors : [],
      securityHub: hub && {
        standards: hub.standards,
        disabledControls: hub.disabledControls,
        homeRegion: inventory.organization.homeRegion,
        linkedRegions: account.regions.filter((r) => r !== inventory.organization.homeRegion),
        rootId: readOrganization(stack).roots.get(0).id,
        namePrefix: inventory.organization.name,
      },
    });
  }

  if (isAudit) {
    new ConfigAggregator(stack, "config-aggregator", {
      provider: stack.globalProvider,
      aggregatorName: inventory.organization.name,
      regions: inventory.organization.regions,
    });
  }
}

/** The role EventBridge assumes to forward alerts to the audit account's buses. */
function forwarderRole(stack: AccountStack, auditAccountId: string): ServiceRole {
  return new ServiceRole(stack, "alert-forwarder", {
    provider: stack.globalProvider,
    roleName: `${stack.organization.inventory.organization.name}-alert-forwarder`,
    service: "events.amazonaws.com",
    statements: [
      {
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: `arn:aws:events:*:${auditAccountId}:event-bus/default`,
      },
    ],
  });
}

/** Lets every account of the organization put events on the audit account's bus of `region`. */
function addFindingsInbox(stack: AccountStack, scope: Construct, region: string): void {
  new CloudwatchEventBusPolicy(scope, "bus-policy", {
    provider: stack.providerFor(region),
    eventBusName: "default",
    policy: policyDocument([
      {
        Sid: "OrganizationForwardsAlerts",
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: `arn:aws:events:${region}:${stack.account.id}:event-bus/default`,
        Condition: { StringEquals: { "aws:PrincipalOrgID": readOrganization(stack).id } },
      },
    ]),
  });
}
