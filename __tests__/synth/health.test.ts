import { describe, expect, it } from "vitest";
import { type Block, EXAMPLE_FILE, exampleWith, ref, synthesizeEachOnce } from "./support.js";

const synths = synthesizeEachOnce({
  example: { file: EXAMPLE_FILE },
  rdsOnly: {
    name: "the example, RDS scheduled changes only",
    text: exampleWith(["baseline", "healthNotices"], { categories: ["scheduledChange"], services: ["RDS"] }),
  },
  off: { name: "the example, no health notices", text: exampleWith(["baseline", "healthNotices"], { categories: [] }) },
  teamsOnly: {
    name: "the example, notices to the teams only",
    text: exampleWith(["baseline", "healthNotices"], { organizationView: false }),
  },
});

/** The targets of a workspace's Health rules, by target id: `topic` and, when forwarded, `audit-bus`. */
function healthTargets(ws: { resources(type: string): [string, Block][] }): Record<string, Block[]> {
  const rules = ws
    .resources("aws_cloudwatch_event_rule")
    .filter(([, r]) => String(r.name).endsWith("-health"))
    .map(([name]) => ref("aws_cloudwatch_event_rule", name, "name"));
  const targets = ws.resources("aws_cloudwatch_event_target").filter(([, t]) => rules.includes(t.rule as string));
  const byId: Record<string, Block[]> = {};
  for (const [, t] of targets) byId[String(t.target_id)] = [...(byId[String(t.target_id)] ?? []), t];
  return byId;
}

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
      .filter(([, t]) => t.rule === ref("aws_cloudwatch_event_rule", ruleName, "name") && t.target_id === "topic");
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

  it("forwards every other account's notices to the audit account's bus in the same region, for the security channel", () => {
    const synth = synths.example();
    const audit = synth.accountsWithWorkspace.find((a) => a.type === "audit")!;
    for (const account of synth.accountsWithWorkspace) {
      const ws = synth.of(account.key);
      const targets = healthTargets(ws);
      expect(targets.topic, account.key).toHaveLength(account.regions.length);
      if (account === audit) {
        expect(targets["audit-bus"], account.key).toBeUndefined();
        continue;
      }
      const forwarded = (targets["audit-bus"] ?? []).map((t) => String(t.arn)).sort();
      const expected = account.regions
        .filter((r) => audit.regions.includes(r))
        .map((r) => `arn:aws:events:${r}:${audit.id}:event-bus/default`);
      expect(forwarded, account.key).toEqual(expected.sort());
      for (const t of targets["audit-bus"] ?? [])
        expect(t.role_arn).toBe(ref("aws_iam_role", "alert-forwarder", "arn"));
      // As it arrives, unchanged: the audit account's own rule formats it for the security channel.
      for (const t of targets["audit-bus"] ?? []) expect(t.input_transformer).toBeUndefined();
    }
    const channels = synth
      .of(audit.key)
      .resources("aws_sns_topic_subscription")
      .map(([, s]) => s.endpoint);
    expect(channels).toContain("secops@example.com");
  });

  it("keeps each account's notices with its team when organizationView is false", () => {
    const synth = synths.teamsOnly();
    for (const account of synth.accountsWithWorkspace) {
      expect(healthTargets(synth.of(account.key))["audit-bus"], account.key).toBeUndefined();
    }
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
