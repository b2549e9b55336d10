import { describe, expect, it } from "vitest";
import { type Block, EXAMPLE_FILE, exampleWith, ref, synthesizeEachOnce } from "./support.js";

const synths = synthesizeEachOnce({
  example: { file: EXAMPLE_FILE },
  rdsOnly: {
    name: "the example, RDS scheduled changes only",
    text: exampleWith(["baseline", "healthNotices"], { categories: ["scheduledChange"], services: ["RDS"] }),
  },
  off: { name: "the example, no health notices", text: exampleWith(["baseline", "healthNotices"], { categories: [] }) },
});

/** The health rules of a workspace, by region: their event patterns. */
function healthRules(ws: { byRegion(type: string): Map<string, [string, Block][]> }): Map<string, object[]> {
  return new Map(
    [...ws.byRegion("aws_cloudwatch_event_rule")].map(([region, rules]) => [
      region,
      rules.filter(([, r]) => String(r.name).endsWith("-health")).map(([, r]) => JSON.parse(r.event_pattern as string)),
    ]),
  );
}

describe("AWS Health notices", () => {
  it("sends scheduled changes and account notifications of every service, in every governed region of every account", () => {
    const synth = synths.example();
    for (const account of synth.accountsWithWorkspace) {
      const rules = healthRules(synth.of(account.key));
      expect([...rules.keys()].sort(), account.key).toEqual([...account.regions].sort());
      for (const patterns of rules.values()) {
        expect(patterns).toEqual([
          {
            source: ["aws.health"],
            "detail-type": ["AWS Health Event"],
            detail: { eventTypeCategory: ["scheduledChange", "accountNotification"] },
          },
        ]);
      }
    }
  });

  it("to the topic of the account's channel in the same region, as a notification the team reads", () => {
    const ws = synths.example().of("prod-payments-api");
    const [[ruleName]] = ws
      .resources("aws_cloudwatch_event_rule")
      .filter(([, r]) => String(r.name).endsWith("-health"));
    const [[, target]] = ws
      .resources("aws_cloudwatch_event_target")
      .filter(([, t]) => t.rule === ref("aws_cloudwatch_event_rule", ruleName, "name"));
    const [[topicName]] = ws.resources("aws_sns_topic");
    expect(target.arn).toBe(ref("aws_sns_topic", topicName, "arn"));
    const transformer = target.input_transformer as { input_paths: Record<string, string>; input_template: string };
    expect(transformer.input_paths).toMatchObject({
      service: "$.detail.service",
      start: "$.detail.startTime",
      resources: "$.resources",
    });
    expect(transformer.input_template).toContain('"title": "AWS Health: <service> <category> in <account> (<region>)"');
  });

  it("narrows to the categories and services the inventory lists", () => {
    const rules = healthRules(synths.rdsOnly().of("prod-payments-api"));
    expect([...rules.values()].flat()).toEqual([
      {
        source: ["aws.health"],
        "detail-type": ["AWS Health Event"],
        detail: { eventTypeCategory: ["scheduledChange"], service: ["RDS"] },
      },
    ]);
  });

  it("sends nothing when no category is listed", () => {
    const synth = synths.off();
    for (const account of synth.accountsWithWorkspace) {
      expect([...healthRules(synth.of(account.key)).values()].flat(), account.key).toEqual([]);
    }
  });
});
