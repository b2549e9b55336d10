import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The override file written beside `cdk.tf.json`; Terraform merges any `*_override.tf.json` last. */
export const MOTO_OVERRIDE_FILE = "moto_override.tf.json";

/** State file of the local backend that replaces the synthesized one. */
export const SANDBOX_STATE_FILE = "terraform.tfstate";

/**
 * Settings every aws provider block gets against moto.
 *
 * `skip_requesting_account_id` is left out on purpose: moto answers GetCallerIdentity
 * with the account of the assumed role, and with the setting the provider builds ARNs
 * without an account (`arn:aws:guardduty:ap-northeast-1::detector/...`, measured).
 */
export const MOTO_PROVIDER_SETTINGS = {
  s3_use_path_style: true,
  skip_credentials_validation: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
  // moto answers an unimplemented call with a 5xx; the default 25 retries take minutes.
  max_retries: 2,
} as const;

/**
 * Resource types moto does not implement at all, which the sandbox leaves out: the
 * override gives each such resource `count = 0`, so that Terraform plans none of it. Only
 * the sandbox does this; the synthesized `cdk.tf.json` keeps them, and production applies them.
 *
 * - `aws_chatbot_slack_channel_configuration`: moto 5.2.1 has no AWS Chatbot (HTTP 404).
 * - `aws_cloudformation_stack_set` and `aws_cloudformation_stack_set_instance` (Terraform
 *   Cloud's roles in the member accounts): moto 5.2.1's CloudFormation has no
 *   `AWS::IAM::OIDCProvider`, so the template's instances fail ("Fn::GetAtt references
 *   undefined resource Provider"); and its stack sets drop AutoDeployment and Capabilities
 *   when described, and put service-managed instances in the management account.
 *
 * Nothing in the synthesized configuration may refer to such a resource: with `count` it
 * would need an index, and Terraform rejects the reference (the sandbox then fails at plan).
 */
export const MOTO_UNSUPPORTED_RESOURCE_TYPES = [
  "aws_chatbot_slack_channel_configuration",
  "aws_cloudformation_stack_set",
  "aws_cloudformation_stack_set_instance",
  "aws_ssoadmin_permissions_boundary_attachment",
  "aws_guardduty_organization_configuration",
  "aws_securityhub_organization_admin_account",
  "aws_securityhub_finding_aggregator",
  "aws_securityhub_organization_configuration",
  "aws_securityhub_configuration_policy",
  "aws_securityhub_configuration_policy_association",
] as const;

/**
 * What a left-out resource's attributes are set to where they referred to another
 * left-out resource: the nil UUID, since the provider checks such ids' form at plan time
 * (a Security Hub configuration policy's is a UUID).
 */
export const LEFT_OUT_REFERENCE = "00000000-0000-0000-0000-000000000000";

/**
 * The top-level attributes of resource `type`.`name` that refer to a resource of
 * `leftOut`, each set to {@link LEFT_OUT_REFERENCE}: with `count` on both, a reference
 * without an index fails the plan, though neither resource is ever made.
 */
function leftOutReferences(
  config: unknown,
  type: string,
  name: string,
  leftOut: Record<string, string[]>,
): Record<string, string> {
  const resources = (config as { resource?: Record<string, Record<string, Record<string, unknown>>> }).resource ?? {};
  const targets = Object.entries(leftOut).flatMap(([t, names]) => names.map((n) => `\${${t}.${n}.`));
  return Object.fromEntries(
    Object.entries(resources[type]?.[name] ?? {}).flatMap(([attribute, value]) =>
      typeof value === "string" && targets.some((t) => value.includes(t)) ? [[attribute, LEFT_OUT_REFERENCE]] : [],
    ),
  );
}

/** Resources of a synthesized configuration whose type is among `types`, by type then name. */
export function resourcesOfTypes(config: unknown, types: readonly string[]): Record<string, string[]> {
  const resources = (config as { resource?: Record<string, Record<string, unknown>> }).resource ?? {};
  return Object.fromEntries(
    types.filter((type) => resources[type] !== undefined).map((type) => [type, Object.keys(resources[type])]),
  );
}

/** The provider blocks of a synthesized configuration: their aliases, `undefined` for the default one. */
export function awsProviderAliases(config: unknown): (string | undefined)[] {
  const aws = (config as { provider?: { aws?: unknown } }).provider?.aws;
  const blocks = Array.isArray(aws) ? aws : aws === undefined ? [] : [aws];
  return blocks.map((block) => (block as { alias?: string }).alias);
}

/**
 * The override that points a synthesized workspace at moto: a local backend in place of
 * its `cloud` or other backend block (or, with `keepS3Backend`, its S3 backend at moto), {@link MOTO_PROVIDER_SETTINGS} merged into each
 * aws provider block, matched by alias as Terraform merges them, and `count = 0` on every
 * resource of a type in {@link MOTO_UNSUPPORTED_RESOURCE_TYPES}. Everything else, notably
 * `assume_role` into the account's role, stays: moto keeps each account's resources apart
 * by the assumed role's account id. The endpoint itself comes from AWS_ENDPOINT_URL
 * ({@link motoEnv}), which the provider honours for every service.
 */
export function motoOverride(config: unknown, options: MotoOverrideOptions = {}): Record<string, unknown> {
  const providers = awsProviderAliases(config).map((alias) => ({
    ...(alias === undefined ? {} : { alias }),
    ...MOTO_PROVIDER_SETTINGS,
  }));
  const leftOut = resourcesOfTypes(config, MOTO_UNSUPPORTED_RESOURCE_TYPES);
  const unsupported = Object.entries(leftOut).map(
    ([type, names]) =>
      [
        type,
        Object.fromEntries(
          names.map((name) => [name, { count: 0, ...leftOutReferences(config, type, name, leftOut) }]),
        ),
      ] as const,
  );
  return {
    "//": "Written by fleetfile's sandbox harness (terraform/moto-overrides.ts): points this workspace at moto.",
    terraform: {
      backend: options.keepS3Backend
        ? s3BackendAtMoto(config, options.backendRoleArn)
        : { local: { path: SANDBOX_STATE_FILE } },
    },
    ...(providers.length > 0 ? { provider: { aws: providers } } : {}),
    ...(unsupported.length > 0 ? { resource: Object.fromEntries(unsupported) } : {}),
  };
}

/** Options of {@link motoOverride}. */
export interface MotoOverrideOptions {
  /**
   * Keep the workspace's S3 backend (organization.state), pointed at moto, in place of a
   * local one: to test the backend itself. The state bucket must exist in moto.
   * @default false
   */
  readonly keepS3Backend?: boolean;
  /**
   * With `keepS3Backend`: a role of the bucket's account for the backend to assume. It
   * stands for the management account's credentials that Terraform starts with in
   * production; the sandbox's fake keys belong to moto's default account, which the
   * bucket, as in AWS, does not let in.
   */
  readonly backendRoleArn?: string;
}

/**
 * The synthesized S3 backend block of `config`, as it is, with the settings that let it
 * reach moto: path-style addressing and no checks of credentials, account or region.
 * The endpoint comes from AWS_ENDPOINT_URL, as the providers' does. An override's backend
 * block replaces the original whole, hence the copy of every setting.
 */
function s3BackendAtMoto(config: unknown, roleArn?: string): Record<string, unknown> {
  const s3 = (config as { terraform?: { backend?: { s3?: Record<string, unknown> } } }).terraform?.backend?.s3;
  if (!s3) throw new Error("keepS3Backend: the workspace has no S3 backend (is organization.state set?)");
  return {
    s3: {
      ...s3,
      use_path_style: true,
      skip_credentials_validation: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      skip_requesting_account_id: true,
      ...(roleArn ? { assume_role: { role_arn: roleArn } } : {}),
    },
  };
}

/** Writes {@link motoOverride} of `dir/cdk.tf.json` beside it; returns the file's path. */
export function writeMotoOverride(dir: string, options: MotoOverrideOptions = {}): string {
  const config: unknown = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  const file = join(dir, MOTO_OVERRIDE_FILE);
  writeFileSync(file, `${JSON.stringify(motoOverride(config, options), null, 2)}\n`);
  return file;
}

/**
 * Environment that sends every AWS call to moto at `endpoint`, with fake keys. Every
 * AWS_* variable of `base` is dropped (set to `undefined`, which `terraformEnv` removes), so that no
 * profile, session or real key can reach AWS from a sandbox run.
 */
export function motoEnv(base: NodeJS.ProcessEnv, endpoint: string): Record<string, string | undefined> {
  const cleared = Object.fromEntries(
    Object.keys(base)
      .filter((name) => name.startsWith("AWS_"))
      .map((name) => [name, undefined]),
  );
  return {
    ...cleared,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
