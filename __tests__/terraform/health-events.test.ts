import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_INPUT_TRANSFORMER, healthPattern } from "../../constructs/health-notices.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { motoJsonCall, requireTools } from "./support.js";

const EVENT = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/events/health-rds-maintenance.json", import.meta.url)), "utf8"),
) as Record<string, unknown> & { detail: Record<string, unknown> };
const REGION = "ap-northeast-1";
const KEY = "testing";

/**
 * A delivered AWS Health event, in moto: the rule with the baseline's pattern matches an
 * RDS maintenance event modelled on AWS's documented sample, and the target's input
 * transformer makes of it the notification the team reads. moto delivers EventBridge
 * targets to SQS, not SNS (NotImplementedError), so the rule's target here is a queue
 * with the same transformer; what SNS would publish is the same text.
 */
describe.skipIf(requireTools("moto").skip)("an AWS Health event on the bus, in moto", () => {
  let moto: MotoServer | undefined;
  const call = (service: string, target: string, body: Record<string, unknown>) =>
    motoJsonCall(moto?.endpoint ?? "", service, target, REGION, KEY, body).then((t) => JSON.parse(t || "{}"));
  let delivered: string[] = [];

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

  let queueUrl = "";
  beforeAll(async () => {
    moto = await startMoto();
    queueUrl = (await call("sqs", "AmazonSQS.CreateQueue", { QueueName: "team-channel" })).QueueUrl;
    await call("events", "AWSEvents.PutRule", {
      Name: "acme-alerts-health",
      EventPattern: JSON.stringify(healthPattern(["scheduledChange", "accountNotification"])),
    });
    await call("events", "AWSEvents.PutTargets", {
      Rule: "acme-alerts-health",
      Targets: [
        {
          Id: "topic",
          Arn: `arn:aws:sqs:${REGION}:123456789012:team-channel`,
          InputTransformer: {
            InputPathsMap: HEALTH_INPUT_TRANSFORMER.inputPaths,
            InputTemplate: HEALTH_INPUT_TRANSFORMER.inputTemplate,
          },
        },
      ],
    });
    delivered = await deliver(queueUrl, EVENT);
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

  it("leaves out the categories not asked for", async () => {
    const issue = { ...EVENT, detail: { ...EVENT.detail, eventTypeCategory: "issue" } };
    expect(await deliver(queueUrl, issue)).toEqual([]);
  });
});
