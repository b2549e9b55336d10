import { describe, expect, it } from "vitest";
import { type Account, coreAccount } from "../../inventory/model.js";
import { decideByPolicy, type PolicyDocument, resolvePolicy } from "./simulate.js";
import {
  type Block,
  EXAMPLE_AND_THREE_REGIONS,
  EXAMPLE_FILE,
  fixtureFile,
  ORGANIZATION_ID,
  ORGANIZATION_REF,
  readInventory,
  ref,
  referencedName,
  type Synthesized,
  synthesizeOnce,
  type Workspace,
} from "./support.js";

/** The channels an account's alerts go to by email and Slack, worked out from the inventory as written. */
function expectedChannels(synth: Synthesized, account: Account): string[] {
  const inventory = synth.organization.inventory;
  const spec = inventory.accounts[account.key];
  const own = spec.notify ?? inventory.teams[spec.team]?.notify;
  const security = account.type === "audit" ? [inventory.baseline.securityChannel] : [];
  return [...new Set([...(own ? [own] : []), ...security])];
}

function expectedEmails(synth: Synthesized, account: Account): string[] {
  const channels = synth.organization.inventory.notifications;
  return [...new Set(expectedChannels(synth, account).flatMap((c) => channels[c].emails))].sort();
}

/** The alert topics of a workspace by region, with their Terraform names. */
function topics(ws: Workspace): Map<string, string> {
  return new Map([...ws.byRegion("aws_sns_topic")].map(([region, [[name]]]) => [region, name]));
}

/** The event rule of `source` (aws.guardduty, aws.config) in `region`, with its parsed pattern. */
function ruleOf(ws: Workspace, region: string, source: string): { name: string; body: Block; pattern: Block } {
  const rules = (ws.byRegion("aws_cloudwatch_event_rule").get(region) ?? [])
    .map(([name, body]) => ({ name, body, pattern: JSON.parse(body.event_pattern as string) as Block }))
    .filter((r) => (r.pattern.source as string[]).includes(source));
  if (rules.length !== 1) throw new Error(`${ws.name} has ${rules.length} ${source} rules in ${region}`);
  return rules[0];
}

/** The targets of the event rule `ruleName`. */
function targetsOf(ws: Workspace, ruleName: string): Block[] {
  return ws
    .resources("aws_cloudwatch_event_target")
    .filter(([, t]) => t.rule === ref("aws_cloudwatch_event_rule", ruleName, "name"))
    .map(([, t]) => t);
}

/** A bus policy that lets anyone put events on `bus`, so that only the caller's own policies decide. */
function openBus(bus: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: bus }],
  };
}

/** The policy of the alert topic `topic` (Terraform name), in the topic's region, resolved for the topic ARN `arn`. */
function topicPolicy(ws: Workspace, accountId: string, topic: string, arn: string): PolicyDocument {
  const region = ws.regionOf(ws.resource("aws_sns_topic", topic));
  const found = (ws.byRegion("aws_sns_topic_policy").get(region) ?? []).filter(
    ([, p]) => p.arn === ref("aws_sns_topic", topic, "arn"),
  );
  if (found.length !== 1)
    throw new Error(`${ws.name} has ${found.length} policies for the topic ${topic} in ${region}`);
  return resolvePolicy(found[0][1].policy as string, {
    ...ws.substitutions(accountId),
    [ref("aws_sns_topic", topic, "arn")]: arn,
  });
}

/** The ARN of the alert topic `topic` (Terraform name) of a workspace, in its region. */
function topicArn(ws: Workspace, accountId: string, topic: string): string {
  const body = ws.resource("aws_sns_topic", topic);
  return `arn:aws:sns:${ws.regionOf(body)}:${accountId}:${body.name as string}`;
}

/** Regions where the Chatbot API exists (AWS Chatbot API Reference, "Welcome"). */
const CHATBOT_API_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"];

describe.each(EXAMPLE_AND_THREE_REGIONS)("alerts of $title", ({ source }) => {
  const synth = synthesizeOnce(source);

  it("sends GuardDuty findings of at least findingMinSeverity, and Config non-compliance, to the region's topic", () => {
    const s = synth();
    const min = s.organization.inventory.baseline.findingMinSeverity;
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      for (const [region, topic] of topics(ws)) {
        const guardduty = ruleOf(ws, region, "aws.guardduty");
        expect(guardduty.pattern, `${ws.name} ${region}`).toEqual({
          source: ["aws.guardduty"],
          "detail-type": ["GuardDuty Finding"],
          detail: { severity: [{ numeric: [">=", min] }] },
        });
        const config = ruleOf(ws, region, "aws.config");
        expect(config.pattern.detail).toEqual({ newEvaluationResult: { complianceType: ["NON_COMPLIANT"] } });
        for (const rule of [guardduty, config]) {
          const arns = targetsOf(ws, rule.name).map((t) => t.arn);
          expect(arns, `${ws.name} ${rule.name}`).toContain(ref("aws_sns_topic", topic, "arn"));
        }
      }
    }
  });

  it("lets EventBridge of the account itself publish to the topic", async () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      const accountId = account.id ?? "";
      for (const [region, topic] of topics(ws)) {
        const arn = topicArn(ws, accountId, topic);
        const policy = topicPolicy(ws, accountId, topic, arn);
        const publish = (sourceAccount: string) =>
          decideByPolicy({
            principal: "events.amazonaws.com",
            action: "sns:Publish",
            resource: arn,
            resourceAccount: accountId,
            policy,
            context: { "aws:SourceAccount": sourceAccount },
          });
        expect(await publish(accountId), `${ws.name} ${region}`).toBe("Allowed");
        expect(await publish("999999999990"), `${ws.name} ${region}`).not.toBe("Allowed");
      }
    }
  });

  it("subscribes the emails of the account's channel (its notify, else its team's) to every topic", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      for (const [region, topic] of topics(ws)) {
        const subscribed = ws
          .resources("aws_sns_topic_subscription")
          .filter(([, sub]) => sub.topic_arn === ref("aws_sns_topic", topic, "arn"))
          .map(([, sub]) => {
            expect(sub.protocol).toBe("email");
            expect(ws.regionOf(sub)).toBe(region);
            return sub.endpoint as string;
          });
        expect(subscribed.sort(), `${ws.name} ${region}`).toEqual(expectedEmails(s, account));
      }
    }
  });

  it("subscribes the security channel in the audit account, where every account's alerts arrive", () => {
    const s = synth();
    const inventory = s.organization.inventory;
    const securityEmails = inventory.notifications[inventory.baseline.securityChannel].emails;
    const audit = coreAccount(s.organization, "audit");
    const ws = s.of(audit.key);
    for (const topic of topics(ws).values()) {
      const endpoints = ws
        .resources("aws_sns_topic_subscription")
        .filter(([, sub]) => sub.topic_arn === ref("aws_sns_topic", topic, "arn"))
        .map(([, sub]) => sub.endpoint);
      expect(endpoints).toEqual(expect.arrayContaining(securityEmails));
    }
  });

  it("forwards every alert of a non-audit account to the audit account's bus in the same region, through a role", async () => {
    const s = synth();
    const audit = coreAccount(s.organization, "audit");
    const auditWs = s.of(audit.key);
    for (const account of s.accountsWithWorkspace.filter((a) => a.type !== "audit")) {
      const ws = s.of(account.key);
      const forwarder = ws
        .resources("aws_iam_role")
        .find(([, r]) => (r.assume_role_policy as string).includes("events.amazonaws.com"));
      expect(forwarder, ws.name).toBeDefined();
      const [forwarderName] = forwarder ?? [""];
      for (const region of topics(ws).keys()) {
        for (const source of ["aws.guardduty", "aws.config"]) {
          const toAudit = targetsOf(ws, ruleOf(ws, region, source).name).filter(
            (t) => t.arn !== undefined && !(t.arn as string).startsWith("${"),
          );
          expect(
            toAudit.map((t) => t.arn),
            `${ws.name} ${region} ${source}`,
          ).toEqual([`arn:aws:events:${region}:${audit.id}:event-bus/default`]);
          expect(toAudit[0].role_arn).toBe(ref("aws_iam_role", forwarderName, "arn"));
        }
      }
      const inline = ws
        .resources("aws_iam_role_policy")
        .find(([, p]) => p.role === ref("aws_iam_role", forwarderName, "id"));
      const identityPolicies = [resolvePolicy(inline?.[1].policy as string, ws.substitutions(account.id ?? ""))];
      const forwarderRole = forwarder?.[1].name as string;
      const put = (bus: string, busAccount: string, policy: PolicyDocument) =>
        decideByPolicy({
          principal: `arn:aws:sts::${account.id}:assumed-role/${forwarderRole}/events`,
          action: "events:PutEvents",
          resource: bus,
          resourceAccount: busAccount,
          policy,
          context: { "aws:PrincipalOrgID": ORGANIZATION_ID },
          identityPolicies,
        });
      for (const region of account.regions) {
        const bus = `arn:aws:events:${region}:${audit.id}:event-bus/default`;
        const busPolicy = auditWs.byRegion("aws_cloudwatch_event_bus_policy").get(region)?.[0]?.[1];
        expect(busPolicy, `the audit bus of ${region} has a policy`).toBeDefined();
        const policy = resolvePolicy(busPolicy?.policy as string, auditWs.substitutions(audit.id ?? ""));
        expect(await put(bus, audit.id ?? "", policy), `${ws.name} may put on the audit bus of ${region}`).toBe(
          "Allowed",
        );
      }
      // A bus of another account, open to anyone: only the forwarder's own policy can refuse.
      const foreign = `arn:aws:events:${account.regions[0]}:999999999990:event-bus/default`;
      expect(await put(foreign, "999999999990", openBus(foreign)), `${ws.name} may not put elsewhere`).not.toBe(
        "Allowed",
      );
    }
  });

  it("keeps the audit account's alerts in the audit account (it forwards nowhere)", () => {
    const s = synth();
    const ws = s.of(coreAccount(s.organization, "audit").key);
    for (const [name, target] of ws.resources("aws_cloudwatch_event_target")) {
      expect(referencedName(target.arn, "aws_sns_topic"), name).toBeDefined();
    }
  });

  it("posts to Slack through AWS Chatbot where a channel of the account has slack, and nowhere else", () => {
    const s = synth();
    const notifications = s.organization.inventory.notifications;
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      const slack = expectedChannels(s, account).flatMap((c) =>
        notifications[c].slack ? [notifications[c].slack] : [],
      );
      const configs = ws.resources("aws_chatbot_slack_channel_configuration").map(([, c]) => c);
      expect(configs.map((c) => [c.slack_team_id, c.slack_channel_id]).sort(), ws.name).toEqual(
        slack.map((x) => [x?.workspaceId, x?.channelId]).sort(),
      );
      const allTopics = [...topics(ws).values()].map((t) => ref("aws_sns_topic", t, "arn")).sort();
      for (const config of configs) expect([...(config.sns_topic_arns as string[])].sort()).toEqual(allTopics);
    }
  });

  it("sets a monthly budget with the inventory's amount where `budget` is set, alerting the account's topic", async () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      const budgets = ws.resources("aws_budgets_budget");
      const amount = s.organization.inventory.accounts[account.key].budget?.monthlyUsd;
      if (amount === undefined) {
        expect(budgets, ws.name).toEqual([]);
        continue;
      }
      expect(budgets, ws.name).toHaveLength(1);
      const [[, budget]] = budgets;
      expect(Number(budget.limit_amount)).toBe(amount);
      expect(budget).toMatchObject({ limit_unit: "USD", time_unit: "MONTHLY", budget_type: "COST" });
      const topicArns = new Set([...topics(ws).values()].map((t) => ref("aws_sns_topic", t, "arn")));
      const notifications = budget.notification as Block[];
      expect(notifications.length).toBeGreaterThan(0);
      for (const n of notifications) {
        for (const arn of n.subscriber_sns_topic_arns as string[]) expect(topicArns.has(arn)).toBe(true);
      }
      const [subscribed] = notifications[0].subscriber_sns_topic_arns as string[];
      const topicName = referencedName(subscribed, "aws_sns_topic") ?? "";
      const accountId = account.id ?? "";
      const arn = topicArn(ws, accountId, topicName);
      const decision = await decideByPolicy({
        principal: "budgets.amazonaws.com",
        action: "sns:Publish",
        resource: arn,
        resourceAccount: accountId,
        policy: topicPolicy(ws, accountId, topicName, arn),
        context: { "aws:SourceAccount": accountId },
      });
      expect(decision, `${ws.name}: Budgets may publish to the budget's topic`).toBe("Allowed");
    }
  });
});

describe("alerts of the example, in particular", () => {
  const synth = synthesizeOnce({ file: EXAMPLE_FILE });

  it("uses the account's notify over its team's (dev-data-lake: platform, not data)", () => {
    const ws = synth().of("dev-data-lake");
    const endpoints = ws.resources("aws_sns_topic_subscription").map(([, s]) => s.endpoint);
    expect(new Set(endpoints)).toEqual(new Set(["platform-oncall@example.com"]));
  });

  it("posts the payments channel's alerts to its Slack channel, and the security channel's from the audit account", () => {
    expect(synth().of("prod-payments-api").single("aws_chatbot_slack_channel_configuration").slack_channel_id).toBe(
      "C0PAYMENTS",
    );
    expect(synth().of("audit").single("aws_chatbot_slack_channel_configuration").slack_channel_id).toBe("C0ABCDEF1");
    expect(synth().of("dev-data-lake").resources("aws_chatbot_slack_channel_configuration")).toEqual([]);
  });

  // The Chatbot API only exists in us-east-2, us-west-2, eu-west-1 and ap-southeast-1, not
  // in the example's homeRegion ap-northeast-1.
  it("creates Chatbot configurations through a region that has the Chatbot API", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      for (const [name, config] of ws.resources("aws_chatbot_slack_channel_configuration")) {
        expect(CHATBOT_API_REGIONS, `${ws.name} ${name}`).toContain(ws.regionOf(config));
      }
    }
  });
});

describe("alerts of three-regions, in particular", () => {
  const synth = synthesizeOnce({ file: fixtureFile("three-regions") });

  it("uses the account's notify over its team's (web-dev: ops, not web), so no Slack", () => {
    const ws = synth().of("web-dev");
    expect(new Set(ws.resources("aws_sns_topic_subscription").map(([, s]) => s.endpoint))).toEqual(
      new Set(["ops@initech.example"]),
    );
    expect(ws.resources("aws_chatbot_slack_channel_configuration")).toEqual([]);
  });

  it("subscribes both the audit account's own channel (its team's) and the security channel", () => {
    const ws = synth().of("audit");
    expect(new Set(ws.resources("aws_sns_topic_subscription").map(([, s]) => s.endpoint))).toEqual(
      new Set(["ops@initech.example", "soc@initech.example", "ciso@initech.example"]),
    );
  });

  it("alerts the one-region account's budget to the topic of its only region", () => {
    const ws = synth().of("web-prod-sydney");
    const budget = ws.single("aws_budgets_budget");
    const [[topic]] = ws.resources("aws_sns_topic");
    expect(Number(budget.limit_amount)).toBe(250.5);
    for (const n of budget.notification as Block[]) {
      expect(n.subscriber_sns_topic_arns).toEqual([ref("aws_sns_topic", topic, "arn")]);
    }
  });
});

describe("names of a long account key (three-regions plus prod-analytics-warehouse-ingestion-eu-central)", () => {
  const key = "prod-analytics-warehouse-ingestion-eu-central";
  const text = `${readInventory(fixtureFile("three-regions"))}
  ${key}:
    id: "310000000010"
    env: prod
    team: web
    regions: [eu-west-1]
`;
  const synth = synthesizeOnce({ name: "three-regions + a long key", text });

  it("is the case under test: a valid key of 45 characters whose team has a Slack channel", () => {
    expect(synth().account(key).channel).toBe("web");
    expect(synth().of(key).resources("aws_chatbot_slack_channel_configuration")).toHaveLength(1);
  });

  // A Chatbot configuration name `<org>-<key>-<channel>` may reach 128 characters; IAM
  // names are at most 64, so the role and policy names derived from it are fitted.
  it("names every IAM role within IAM's 64 characters, long keys and channels included", () => {
    for (const [name, role] of synth().of(key).resources("aws_iam_role")) {
      expect((role.name as string).length, `${name}: ${role.name}`).toBeLessThanOrEqual(64);
    }
  });

  it("keeps the Chatbot configuration name within its 128 characters", () => {
    const config = synth().of(key).single("aws_chatbot_slack_channel_configuration");
    expect((config.configuration_name as string).length).toBeLessThanOrEqual(128);
  });
});

describe.each(EXAMPLE_AND_THREE_REGIONS)("audit account of $title", ({ source }) => {
  const synth = synthesizeOnce(source);

  it("aggregates AWS Config over the whole organization in exactly the governed regions", () => {
    const s = synth();
    const audit = s.of(coreAccount(s.organization, "audit").key);
    const aggregator = audit.single("aws_config_configuration_aggregator");
    expect(aggregator.organization_aggregation_source).toMatchObject({
      all_regions: false,
      regions: s.organization.inventory.organization.regions,
    });
    expect((aggregator.organization_aggregation_source as Block).role_arn).toMatch(/^\$\{aws_iam_role\./);
    for (const account of s.accountsWithWorkspace.filter((a) => a.type !== "audit")) {
      expect(s.of(account.key).resources("aws_config_configuration_aggregator"), account.key).toEqual([]);
    }
  });

  it("opens the bus of each of its regions to the organization only (aws:PrincipalOrgID)", async () => {
    const s = synth();
    const account = coreAccount(s.organization, "audit");
    const ws = s.of(account.key);
    const byRegion = ws.byRegion("aws_cloudwatch_event_bus_policy");
    expect([...byRegion.keys()].sort()).toEqual([...account.regions].sort());
    for (const [region, [[, busPolicy]]] of byRegion) {
      expect(busPolicy.policy).toContain(ORGANIZATION_REF.id);
      const policy = resolvePolicy(busPolicy.policy as string, ws.substitutions(account.id ?? ""));
      const put = (org: string) =>
        decideByPolicy({
          principal: "arn:aws:sts::666666666666:assumed-role/any-forwarder/events",
          action: "events:PutEvents",
          resource: `arn:aws:events:${region}:${account.id}:event-bus/default`,
          resourceAccount: account.id ?? "",
          policy,
          context: { "aws:PrincipalOrgID": org },
        });
      expect(await put(ORGANIZATION_ID), region).toBe("Allowed");
      expect(await put("o-someoneelse"), region).not.toBe("Allowed");
    }
  });
});
