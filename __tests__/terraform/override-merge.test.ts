import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCliConfig } from "../../terraform/cli-config.js";
import { MOTO_PROVIDER_SETTINGS, writeMotoOverride } from "../../terraform/moto-overrides.js";
import { init, plan, type RunnerProps } from "../../terraform/runner.js";
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
