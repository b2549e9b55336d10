import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand } from "@aws-sdk/client-cloudtrail";
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeDeliveryChannelsCommand,
} from "@aws-sdk/client-config-service";
import { EC2Client, paginateDescribeTransitGatewayAttachments } from "@aws-sdk/client-ec2";
import { GuardDutyClient, ListDetectorsCommand } from "@aws-sdk/client-guardduty";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import type { AccountFindings, Discovery, ExpectedNames, RegionFindings, Unreachable } from "../inventory/discovery.js";
import type { Account, Organization } from "../inventory/model.js";
import { runPool } from "../terraform/pool.js";
import { type AwsCredentialIdentity, type AwsTarget, assumeRole, clientConfig, errorCode } from "./clients.js";

/** Options of {@link discover}. */
export interface DiscoverOptions {
  /** The names the baseline gives, by account key. */
  readonly expected: ReadonlyMap<string, ExpectedNames>;
  /** Accounts worked on at once. @default 8 */
  readonly concurrency?: number;
  /** Hears of every account done. @default - nothing */
  readonly progress?: (done: number, total: number, key: string) => void;
  /** The time written into the file. @default - now */
  readonly now?: Date;
}

/**
 * Assumes the execution role in every account of `organization` that has an id, and
 * records what of the baseline exists there already, region by region. An account whose
 * role cannot be assumed is listed under `unreachable` with the fix, never skipped.
 */
export async function discover(
  organization: Organization,
  target: AwsTarget,
  options: DiscoverOptions,
): Promise<Discovery> {
  const org = organization.inventory.organization;
  const accounts = organization.accounts.filter((a) => a.id);
  const management = accounts.find((a) => a.type === "management");
  let done = 0;
  const outcomes = await runPool(
    accounts,
    async (account): Promise<{ unreachable: Unreachable } | { findings: AccountFindings }> => {
      const roleArn = `arn:aws:iam::${account.id}:role/${org.executionRoleName}`;
      let credentials: AwsCredentialIdentity;
      try {
        credentials = await assumeRole(target, roleArn);
      } catch (cause) {
        // Only a refusal means the role is missing or does not trust us; anything else is a failure.
        if (!/^AccessDenied/.test(errorCode(cause))) throw cause;
        options.progress?.(++done, accounts.length, account.key);
        return {
          unreachable: {
            id: account.id as string,
            error: `cannot assume ${roleArn} (${errorCode(cause)})`,
            fix: roleFix(org.executionRoleName, management?.id ?? ""),
          },
        };
      }
      const expected = options.expected.get(account.key) ?? { roles: [], topics: [], buckets: [], trail: "" };
      const findings = await findingsIn(account, target, credentials, expected);
      options.progress?.(++done, accounts.length, account.key);
      return { findings };
    },
    { size: options.concurrency ?? 8 },
  );
  const discovery: Discovery = {
    version: 1,
    discoveredAt: (options.now ?? new Date()).toISOString(),
    accounts: {},
    unreachable: {},
  };
  const failed = outcomes.flatMap((o) =>
    o.ok ? [] : [`${o.item.key} (${o.item.id}): ${errorCode(o.error)}: ${(o.error as Error).message}`],
  );
  if (failed.length > 0)
    throw new Error(`discovery failed in ${failed.length} accounts; nothing written:\n${failed.join("\n")}`);
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    if ("unreachable" in outcome.value) discovery.unreachable[outcome.item.key] = outcome.value.unreachable;
    else discovery.accounts[outcome.item.key] = outcome.value.findings;
  }
  return discovery;
}

/** What makes an invited account reachable: the role Organizations creates in the accounts it creates. */
export function roleFix(roleName: string, managementId: string): string {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${managementId}:root` }, Action: "sts:AssumeRole" }],
  });
  return `signed in to that account, create the role Organizations creates in the accounts it creates: aws iam create-role --role-name ${roleName} --assume-role-policy-document '${trust}' && aws iam attach-role-policy --role-name ${roleName} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess; then run discover again`;
}

/** What exists in one account, with the execution role's `credentials`. */
async function findingsIn(
  account: Account,
  target: AwsTarget,
  credentials: AwsCredentialIdentity,
  expected: ExpectedNames,
): Promise<AccountFindings> {
  const regions: Record<string, RegionFindings> = {};
  for (const region of account.regions) {
    const config = clientConfig(target, region, credentials);
    const found = await regionFindings(config, account.id as string, expected, region);
    if (found) regions[region] = found;
  }
  const global = clientConfig(target, account.globalRegion, credentials);
  const iam = new IAMClient(global);
  const roles = await present(expected.roles, (name) => iam.send(new GetRoleCommand({ RoleName: name })), [
    "NoSuchEntity",
    "NoSuchEntityException",
  ]);
  const s3 = new S3Client({ ...global, forcePathStyle: target.endpoint !== undefined });
  const buckets = await present(expected.buckets, (name) => s3.send(new HeadBucketCommand({ Bucket: name })), [
    "NotFound",
    "NoSuchBucket",
    "Forbidden",
  ]);
  return { id: account.id as string, regions, roles, buckets };
}

/** The findings of one region, or `undefined` when there are none. */
async function regionFindings(
  config: ReturnType<typeof clientConfig>,
  accountId: string,
  expected: ExpectedNames,
  region: string,
): Promise<RegionFindings | undefined> {
  const guardduty = new GuardDutyClient(config);
  const detectorId = (await guardduty.send(new ListDetectorsCommand({}))).DetectorIds?.[0];
  const configService = new ConfigServiceClient(config);
  const recorder = (await configService.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders?.[0]
    ?.name;
  const channel = (await configService.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels?.[0]?.name;
  const trails = await legacyTrails(new CloudTrailClient(config), expected.trail);
  const sns = new SNSClient(config);
  const topics = await present(
    expected.topics.filter((t) => t.region === region).map((t) => `arn:aws:sns:${region}:${accountId}:${t.name}`),
    (arn) => sns.send(new GetTopicAttributesCommand({ TopicArn: arn })),
    ["NotFound", "NotFoundException"],
  );
  const attachments = [];
  for await (const page of paginateDescribeTransitGatewayAttachments({ client: new EC2Client(config) }, {})) {
    for (const a of page.TransitGatewayAttachments ?? []) {
      if (a.State === "deleted" || a.State === "deleting") continue;
      attachments.push({
        id: a.TransitGatewayAttachmentId as string,
        transitGatewayId: a.TransitGatewayId as string,
        resourceType: a.ResourceType ?? "unknown",
        ...(a.ResourceId ? { resourceId: a.ResourceId } : {}),
        state: a.State ?? "unknown",
      });
    }
  }
  const findings: RegionFindings = {
    ...(detectorId ? { guardduty: { detectorId } } : {}),
    ...(recorder ? { config: { recorder, ...(channel ? { deliveryChannel: channel } : {}) } } : {}),
    trails,
    topics,
    transitGatewayAttachments: attachments,
  };
  const empty = !detectorId && !recorder && trails.length + topics.length + attachments.length === 0;
  return empty ? undefined : findings;
}

/** The trails whose home is this region, but the baseline's own, and whether each records management events. */
async function legacyTrails(client: CloudTrailClient, own: string): Promise<RegionFindings["trails"]> {
  const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
  const trails = [];
  for (const trail of trailList) {
    if (!trail.Name || !trail.TrailARN || trail.Name === own) continue;
    const selectors = await client.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN }));
    const advanced = selectors.AdvancedEventSelectors ?? [];
    const basic = selectors.EventSelectors ?? [];
    // A trail with no selector records management events: AWS answers with its default
    // selector, moto with none.
    const managementEvents =
      advanced.length > 0
        ? advanced.some((s) =>
            s.FieldSelectors?.some((f) => f.Field === "eventCategory" && f.Equals?.includes("Management")),
          )
        : basic.length === 0 || basic.some((s) => s.IncludeManagementEvents !== false);
    trails.push({
      name: trail.Name,
      arn: trail.TrailARN,
      multiRegion: trail.IsMultiRegionTrail ?? false,
      organization: trail.IsOrganizationTrail ?? false,
      managementEvents,
    });
  }
  return trails;
}

/** The names of `names` whose `probe` succeeds; a probe failing with one of `absent` means not there. */
async function present(
  names: readonly string[],
  probe: (name: string) => Promise<unknown>,
  absent: readonly string[],
): Promise<string[]> {
  const found = [];
  for (const name of names) {
    try {
      await probe(name);
      found.push(name);
    } catch (cause) {
      if (!absent.includes(errorCode(cause))) throw cause;
    }
  }
  return found;
}
