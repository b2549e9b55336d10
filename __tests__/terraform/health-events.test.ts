import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_INPUT_TRANSFORMER, healthPattern } from "../../constructs/health-notices.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { motoJsonCall, motoSession, requireTools } from "./support.js";

const EVENT = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/events/health-rds-maintenance.json", import.meta.url)), "utf8"),
) as Record<string, unknown> & { detail: Record<string, unknown> };
const REGION = "ap-northeast-1";
const KEY = "testing";
/** The account the event concerns (moto's default account, of {@link KEY}), and the audit account it is forwarded to. */
const MEMBER = "123456789012";
const AUDIT = "333333333333";

/**
 * A delivered AWS Health event, in moto: the rule with the baseline's pattern matches an
 * RDS maintenance event modelled on AWS's documented sample, and the target's input
 * transformer makes of it the notification the team reads. moto delivers EventBridge
 * targets to SQS, not SNS (NotImplementedError), so the rule's target here is a queue
 * with the same transformer; what SNS would publish is the same text. With
 * `organizationView`, the same rule also forwards the event to the audit account's bus,
 * whose own rule sends it to the security channel (moto patched to forward the event as
 * it is, not as a new event of the audit account: harness/moto_server.py).
 */
describe.skipIf(requireTools("moto").skip)("an AWS Health event on the bus, in moto", () => {
  let moto: MotoServer | undefined;
  /** A JSON call to moto with the credentials of `key`. */
  const as = (key: string) => (service: string, target: string, body: Record<string, unknown>) =>
    motoJsonCall(moto?.endpoint ?? "", service, target, REGION, key, body).then((t) => JSON.parse(t || "{}"));
  const call = as(KEY);
  let delivered: string[] = [];
  let forwarded: string[] = [];

  /** Puts `event` on the default bus and returns what reached the queue. */
  async function deliver(queueUrl: string, event: Record<string, unknown>): Promise<string[]> {
    const put = await call("events", "AWSEvents.PutEvents", {
      Entries: [
        {
          Source: event.source,
          DetailType: event["detail-type"],
          Detail: JSON.stringify(event.detail),
          Resources: event.resources,
        },
      ],
    });
    if (put.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(put)}`);
    const received = await call("sqs", "AmazonSQS.ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
    return (received.Messages ?? []).map((m: { Body: string }) => m.Body);
  }

  /** In the account of `key`: a queue standing for the channel, and the Health rule sending to it as the baseline does. */
  async function channel(key: string, queue: string): Promise<string> {
    const url = (await as(key)("sqs", "AmazonSQS.CreateQueue", { QueueName: queue })).QueueUrl;
    const account = key === KEY ? MEMBER : AUDIT;
    await as(key)("events", "AWSEvents.PutRule", {
      Name: "acme-alerts-health",
      EventPattern: JSON.stringify(healthPattern(["scheduledChange", "accountNotification"])),
    });
    await as(key)("events", "AWSEvents.PutTargets", {
      Rule: "acme-alerts-health",
      Targets: [
        {
          Id: "topic",
          Arn: `arn:aws:sqs:${REGION}:${account}:${queue}`,
          InputTransformer: {
            InputPathsMap: HEALTH_INPUT_TRANSFORMER.inputPaths,
            InputTemplate: HEALTH_INPUT_TRANSFORMER.inputTemplate,
          },
        },
      ],
    });
    return url;
  }

  let queueUrl = "";
  beforeAll(async () => {
    moto = await startMoto();
    // The audit account, a member whose execution role moto's default account may assume.
    await moto.seedOrganization({
      management: { id: MEMBER, name: "member", email: "member@example.com" },
      members: [{ id: AUDIT, name: "audit", email: "audit@example.com" }],
    });
    const audit = (await motoSession(moto.endpoint, `arn:aws:iam::${AUDIT}:role/OrganizationAccountAccessRole`))
      .accessKeyId;
    queueUrl = await channel(KEY, "team-channel");
    const securityUrl = await channel(audit, "security-channel");
    // organizationView: the member's rule forwards each event, as it is, to the audit account's bus.
    await call("events", "AWSEvents.PutTargets", {
      Rule: "acme-alerts-health",
      Targets: [
        {
          Id: "audit-bus",
          Arn: `arn:aws:events:${REGION}:${AUDIT}:event-bus/default`,
          RoleArn: `arn:aws:iam::${MEMBER}:role/acme-alert-forwarder`,
        },
      ],
    });
    delivered = await deliver(queueUrl, EVENT);
    const received = await as(audit)("sqs", "AmazonSQS.ReceiveMessage", {
      QueueUrl: securityUrl,
      MaxNumberOfMessages: 10,
    });
    forwarded = (received.Messages ?? []).map((m: { Body: string }) => m.Body);
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("matches the rule and reads as a notification: service, category, account, region, type, start, resources", () => {
    expect(delivered).toHaveLength(1);
    const notification = JSON.parse(delivered[0]);
    expect(notification).toEqual({
      version: "1.0",
      source: "custom",
      content: {
        textType: "client-markdown",
        title: `AWS Health: RDS scheduledChange in 123456789012 (${REGION})`,
        description: "AWS_RDS_MAINTENANCE_SCHEDULED, starting Sat, 05 Dec 2026 17:00:00 GMT",
        keywords: ["arn:aws:rds:ap-northeast-1:666666666666:db:payments-primary"],
      },
    });
  });

  it("reaches the security channel through the audit account's bus, naming the account it concerns", () => {
    expect(forwarded).toHaveLength(1);
    expect(JSON.parse(forwarded[0])).toEqual(JSON.parse(delivered[0]));
    expect(JSON.parse(forwarded[0]).content.title).toContain(`in ${MEMBER} `);
  });

  it("leaves out the categories not asked for", async () => {
    const issue = { ...EVENT, detail: { ...EVENT.detail, eventTypeCategory: "issue" } };
    expect(await deliver(queueUrl, issue)).toEqual([]);
  });
});
