import { describe, expect, it } from "vitest";
import {
  awsProviderAliases,
  LEFT_OUT_REFERENCE,
  MOTO_PROVIDER_SETTINGS,
  MOTO_UNSUPPORTED_RESOURCE_TYPES,
  motoEnv,
  motoOverride,
  resourcesOfTypes,
  SANDBOX_STATE_FILE,
} from "../../terraform/moto-overrides.js";

const synthesized = {
  provider: {
    aws: [
      { region: "ap-northeast-1", assume_role: [{ role_arn: "arn:aws:iam::111111111111:role/Exec" }] },
      { alias: "us-east-1", region: "us-east-1" },
    ],
  },
  terraform: { cloud: { organization: "acme", workspaces: { name: "acme-audit" } } },
};

describe("awsProviderAliases", () => {
  it("names every aws provider block, undefined for the default one", () => {
    expect(awsProviderAliases(synthesized)).toEqual([undefined, "us-east-1"]);
  });

  it("reads a single block written as an object, and a configuration without providers", () => {
    expect(awsProviderAliases({ provider: { aws: { alias: "x" } } })).toEqual(["x"]);
    expect(awsProviderAliases({})).toEqual([]);
  });
});

describe("motoOverride", () => {
  const override = motoOverride(synthesized);

  it("replaces the backend with a local one", () => {
    expect(override.terraform).toEqual({ backend: { local: { path: SANDBOX_STATE_FILE } } });
  });

  it("gives each provider block, matched by alias, the moto settings and nothing else", () => {
    expect(override.provider).toEqual({
      aws: [{ ...MOTO_PROVIDER_SETTINGS }, { alias: "us-east-1", ...MOTO_PROVIDER_SETTINGS }],
    });
  });

  it("leaves assume_role alone: moto keeps accounts apart by the assumed role's account", () => {
    expect(JSON.stringify(override)).not.toContain("assume_role");
  });

  it("keeps the provider's account lookup, which ARNs need", () => {
    expect(MOTO_PROVIDER_SETTINGS).not.toHaveProperty("skip_requesting_account_id");
    expect(MOTO_PROVIDER_SETTINGS.s3_use_path_style).toBe(true);
  });

  it("writes no provider for a configuration without aws providers", () => {
    expect(motoOverride({})).not.toHaveProperty("provider");
  });

  it("gives every resource of a type moto lacks count = 0, and no other resource anything", () => {
    const withChatbot = {
      ...synthesized,
      resource: {
        aws_chatbot_slack_channel_configuration: { "slack-security": {}, "slack-payments": {} },
        aws_sns_topic: { alerts: {} },
      },
    };
    expect(motoOverride(withChatbot).resource).toEqual({
      aws_chatbot_slack_channel_configuration: { "slack-security": { count: 0 }, "slack-payments": { count: 0 } },
    });
  });

  it("sets a left-out resource's references to another left-out resource to a placeholder, and no other attribute", () => {
    const withPolicy = {
      ...synthesized,
      resource: {
        aws_securityhub_configuration_policy: { policy: { name: "acme" } },
        aws_securityhub_configuration_policy_association: {
          root: { policy_id: `\${aws_securityhub_configuration_policy.policy.id}`, target_id: "r-1" },
        },
      },
    };
    expect(motoOverride(withPolicy).resource).toEqual({
      aws_securityhub_configuration_policy: { policy: { count: 0 } },
      aws_securityhub_configuration_policy_association: {
        root: { count: 0, policy_id: LEFT_OUT_REFERENCE },
      },
    });
  });

  it("writes no resource block when no resource's type is missing from moto", () => {
    expect(motoOverride({ ...synthesized, resource: { aws_sns_topic: { alerts: {} } } })).not.toHaveProperty(
      "resource",
    );
  });
});

describe("resourcesOfTypes", () => {
  it("names the resources of the given types present in a configuration, by type", () => {
    const config = { resource: { aws_sns_topic: { a: {}, b: {} }, aws_iam_role: { r: {} } } };
    expect(resourcesOfTypes(config, ["aws_sns_topic", "aws_vpc"])).toEqual({ aws_sns_topic: ["a", "b"] });
    expect(resourcesOfTypes({}, MOTO_UNSUPPORTED_RESOURCE_TYPES)).toEqual({});
  });
});

describe("motoEnv", () => {
  it("drops every AWS variable of the base and sends AWS calls to moto with fake keys", () => {
    const env = motoEnv({ AWS_PROFILE: "prod", AWS_SESSION_TOKEN: "t", PATH: "/bin" }, "http://127.0.0.1:5000");
    expect(env).toEqual({
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_EC2_METADATA_DISABLED: "true",
    });
  });
});
