import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plannedChanges } from "../../review/plan-json.js";
import { writeCliConfig } from "../../terraform/cli-config.js";
import {
  MOTO_PROVIDER_SETTINGS,
  MOTO_UNSUPPORTED_RESOURCE_TYPES,
  writeMotoOverride,
} from "../../terraform/moto-overrides.js";
import { init, type PlanResult, plan, type RunnerProps } from "../../terraform/runner.js";
import { requireTools } from "./support.js";

/** A synthesized workspace as cdktf writes it with Terraform Cloud: a cloud block, a default and an aliased provider. */
const SYNTHESIZED = {
  provider: {
    aws: [
      { region: "ap-northeast-1", assume_role: [{ role_arn: "arn:aws:iam::333333333333:role/Exec" }] },
      { alias: "us-east-1", region: "us-east-1", assume_role: [{ role_arn: "arn:aws:iam::333333333333:role/Exec" }] },
    ],
  },
  terraform: {
    cloud: { organization: "acme-infra", workspaces: { name: "acme-audit" } },
    required_providers: { aws: { source: "aws", version: "5.100.0" } },
  },
};

/** The merged provider configuration, as `terraform show -json` of a plan reports it. */
type ProviderConfig = Record<string, { alias?: string; expressions: Record<string, unknown> }>;

/**
 * Terraform's own merge of the override file, checked with Terraform: the cloud block
 * really gives way to the local backend (init with the backend works offline), and each
 * provider block, aliased or not, gets the moto settings and keeps its assume_role.
 */
describe.skipIf(requireTools("terraform").skip)("moto override, merged by Terraform", () => {
  const dir = mkdtempSync(join(tmpdir(), "fleetfile-override-"));
  let providers: ProviderConfig;
  beforeAll(async () => {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(SYNTHESIZED));
    writeMotoOverride(dir);
    const props: RunnerProps = { cliConfigFile: writeCliConfig() };
    await init(dir, props);
    const planned = await plan(dir, props);
    providers = (planned.json as unknown as { configuration: { provider_config: ProviderConfig } }).configuration
      .provider_config;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("replaces the cloud block with a local backend, which init with the backend then configures offline", () => {
    const backend = JSON.parse(readFileSync(join(dir, ".terraform", "terraform.tfstate"), "utf8")).backend;
    expect(backend).toMatchObject({ type: "local", config: { path: "terraform.tfstate" } });
  });

  it.each(["aws", "aws.us-east-1"])("gives %s the moto settings and keeps its assume_role", (key) => {
    const { expressions } = providers[key];
    for (const [name, value] of Object.entries(MOTO_PROVIDER_SETTINGS))
      expect(expressions[name], name).toEqual({ constant_value: value });
    expect(expressions.assume_role).toEqual([{ role_arn: { constant_value: "arn:aws:iam::333333333333:role/Exec" } }]);
  });
});

/**
 * A workspace with a resource moto lacks (a Chatbot channel) beside one it has. The
 * provider needs no AWS call to plan creations: static keys, and no account lookup.
 */
const WITH_UNSUPPORTED = {
  provider: {
    aws: [{ region: "us-east-2", access_key: "x", secret_key: "x", skip_requesting_account_id: true }],
  },
  terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
  resource: {
    aws_chatbot_slack_channel_configuration: {
      slack: {
        configuration_name: "acme-audit-security",
        iam_role_arn: "arn:aws:iam::333333333333:role/chatbot",
        slack_team_id: "T0ABCDEF1",
        slack_channel_id: "C0ABCDEF1",
      },
    },
    aws_sns_topic: { alerts: { name: "alerts" } },
  },
};

/** The resources of a plan's configuration, as `terraform show -json` reports them. */
type ConfigResource = { address: string; count_expression?: unknown };

/**
 * Terraform accepts `count` in an override file's resource block and merges it into the
 * synthesized resource: the resource of a type moto lacks is planned with no instance,
 * while its neighbours are planned as before.
 */
describe.skipIf(requireTools("terraform").skip)("moto override of a resource type moto lacks", () => {
  const dir = mkdtempSync(join(tmpdir(), "fleetfile-override-count-"));
  let planned: PlanResult;
  beforeAll(async () => {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(WITH_UNSUPPORTED));
    writeMotoOverride(dir);
    const props: RunnerProps = { cliConfigFile: writeCliConfig() };
    await init(dir, props);
    planned = await plan(dir, props);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the Chatbot channel configuration among the types moto lacks", () => {
    expect(MOTO_UNSUPPORTED_RESOURCE_TYPES).toContain("aws_chatbot_slack_channel_configuration");
  });

  it("gives the resource count = 0 from the override", () => {
    const resources = (planned.json as unknown as { configuration: { root_module: { resources: ConfigResource[] } } })
      .configuration.root_module.resources;
    const slack = resources.find((r) => r.address === "aws_chatbot_slack_channel_configuration.slack");
    expect(slack?.count_expression).toEqual({ constant_value: 0 });
  });

  it("plans no instance of it, and the rest as synthesized", () => {
    expect(plannedChanges(planned.json)).toEqual([{ address: "aws_sns_topic.alerts", actions: ["create"] }]);
  });
});
