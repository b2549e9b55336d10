import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../constructs/pipeline-roles.js";
import { DATA_READ_ACTIONS } from "../../constructs/plan-role.js";
import { coreAccount } from "../../inventory/model.js";
import { APPLY_ROLE_OUTPUT, PLAN_ROLE_OUTPUT } from "../../stacks/management.js";
import { ACCESS_VARIABLE } from "../../terraform/commands.js";
import { type Caller, PermissionModel, resolvePolicy } from "./simulate.js";
import {
  type Block,
  EXAMPLE_FILE,
  readInventory,
  ref,
  synthesizeEachOnce,
  withGithub,
  withStateInS3,
} from "./support.js";

const REPOSITORY = "acme/platform-accounts";

const synths = synthesizeEachOnce({
  github: {
    name: "accounts.yaml with state in S3 and GitHub Actions",
    text: withGithub(withStateInS3(readInventory(EXAMPLE_FILE)), REPOSITORY),
  },
  cloud: { file: EXAMPLE_FILE },
});

describe("the role a run assumes in each account", () => {
  it("is the execution role by default, the plan role when fleetfile_access is plan, and none when direct, in every provider", () => {
    const s = synths.github();
    for (const account of s.accountsWithWorkspace) {
      const json = s.of(account.key).json;
      const variable = (json.variable as Block)[ACCESS_VARIABLE] as Block;
      expect(variable, account.key).toMatchObject({ type: "string", default: "apply" });
      const providers = (json.provider as Block).aws as Block[];
      expect(providers.length, account.key).toBeGreaterThanOrEqual(account.regions.length);
      for (const provider of providers) {
        expect((provider.assume_role as Block[])[0].role_arn, account.key).toBe(
          `\${var.${ACCESS_VARIABLE} == "plan" ? "arn:aws:iam::${account.id}:role/acme-plan" : ` +
            `var.${ACCESS_VARIABLE} == "apply" ? "arn:aws:iam::${account.id}:role/OrganizationAccountAccessRole" : ""}`,
        );
      }
    }
  });

  it("refuses any other value of fleetfile_access before planning", () => {
    const s = synths.github();
    const account = s.accountsWithWorkspace[0];
    const variable = (s.of(account.key).json.variable as Block)[ACCESS_VARIABLE] as Block;
    expect(variable.validation).toEqual([
      {
        condition: `\${contains(["plan", "apply", "direct"], var.${ACCESS_VARIABLE})}`,
        error_message: `${ACCESS_VARIABLE} must be plan, apply or direct.`,
      },
    ]);
  });
});

describe("the plan role of every account", () => {
  it("exists in every account workspace, trusted by the management account, with ReadOnlyAccess", () => {
    const s = synths.github();
    const management = coreAccount(s.organization, "management").id;
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      const roles = ws.resources("aws_iam_role").filter(([, r]) => r.name === "acme-plan");
      expect(roles.length, account.key).toBe(1);
      expect(resolvePolicy(roles[0][1].assume_role_policy as string, {}).Statement).toEqual([
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${management}:root` }, Action: "sts:AssumeRole" },
      ]);
      const attached = ws
        .resources("aws_iam_role_policy_attachment")
        .filter(([address]) => address.startsWith("plan-role"))
        .map(([, a]) => a.policy_arn);
      expect(attached, account.key).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    }
  });

  it("reads every setting the baseline plans and writes nothing, as iam-simulate decides", async () => {
    const s = synths.github();
    const model = new PermissionModel(s);
    const key = "prod-payments-api";
    const plan = model.role(key, "acme-plan", { mfa: false });
    const reads: [string, string][] = [
      ["iam:GetRole", model.arn(key, "workload-role")],
      ["cloudtrail:GetTrail", model.arn(key, "trail")],
      ["config:DescribeConfigurationRecorders", "*"],
      ["guardduty:GetDetector", model.arn(key, "detector")],
      ["sns:GetTopicAttributes", model.arn(key, "alert-topic")],
      ["events:DescribeRule", model.arn(key, "alert-rule")],
      ["ec2:DescribeVpcs", "*"],
      ["s3:GetBucketPolicy", "arn:aws:s3:::some-bucket"],
    ];
    for (const [action, resource] of reads) {
      expect(await model.decide(plan, { action, resource }), `${action} ${resource}`).toBe("Allowed");
    }
    const writes: [string, string][] = [
      ["iam:CreateRole", model.arn(key, "workload-role")],
      ["iam:UpdateAssumeRolePolicy", model.arn(key, "workload-role")],
      ["cloudtrail:StopLogging", model.arn(key, "trail")],
      ["config:DeleteConfigRule", model.arn(key, "config-rule")],
      ["guardduty:DeleteDetector", model.arn(key, "detector")],
      ["sns:Publish", model.arn(key, "alert-topic")],
      ["ec2:CreateVpc", "*"],
      ["s3:PutBucketPolicy", "arn:aws:s3:::some-bucket"],
      ["lambda:UpdateFunctionCode", model.arn(key, "function")],
      ["sts:AssumeRole", `arn:aws:iam::${plan.accountId}:role/OrganizationAccountAccessRole`],
    ];
    for (const [action, resource] of writes) {
      expect(await model.decide(plan, { action, resource }), `${action} ${resource}`).not.toBe("Allowed");
    }
  });

  it("reads the log archive's key and its policy, which a plan of the log archive refreshes", async () => {
    const s = synths.github();
    const model = new PermissionModel(s);
    const key = coreAccount(s.organization, "log-archive").key;
    const plan = model.role(key, "acme-plan", { mfa: false });
    for (const action of ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]) {
      expect(await model.decide(plan, { action, resource: model.arn(key, "log-key") }), action).toBe("Allowed");
    }
    expect(await model.decide(plan, { action: "kms:PutKeyPolicy", resource: model.arn(key, "log-key") })).not.toBe(
      "Allowed",
    );
  });

  it("reads no data: objects, items, parameters, messages", async () => {
    const s = synths.github();
    const model = new PermissionModel(s);
    const key = "prod-payments-api";
    const plan = model.role(key, "acme-plan", { mfa: false });
    const data: [string, string][] = [
      ["s3:GetObject", "arn:aws:s3:::some-bucket/customers.csv"],
      ["dynamodb:Scan", model.arn(key, "data-table")],
      ["dynamodb:GetItem", model.arn(key, "data-table")],
      ["ssm:GetParameter", `arn:aws:ssm:${s.homeRegion}:${plan.accountId}:parameter/db-password`],
    ];
    for (const [action, resource] of data) {
      expect(await model.decide(plan, { action, resource }), `${action} ${resource}`).toBe("ExplicitlyDenied");
    }
    expect(DATA_READ_ACTIONS).toContain("s3:GetObject");
  });
});

describe("GitHub Actions' roles (organization.github)", () => {
  function managementJson() {
    const s = synths.github();
    return { s, ws: s.of(coreAccount(s.organization, "management").key) };
  }

  it("creates GitHub's OIDC provider in the management workspace only", () => {
    const { s, ws } = managementJson();
    const providers = ws.resources("aws_iam_openid_connect_provider").map(([, p]) => p);
    expect(providers).toMatchObject([{ url: `https://${GITHUB_OIDC_HOST}`, client_id_list: [GITHUB_OIDC_AUDIENCE] }]);
    for (const account of s.accountsWithWorkspace.filter((a) => a.type !== "management")) {
      expect(s.of(account.key).resources("aws_iam_openid_connect_provider"), account.key).toEqual([]);
    }
    expect(synths.cloud().of("management").resources("aws_iam_openid_connect_provider")).toEqual([]);
  });

  it("lets pull requests assume only the plan role, and main's runs the apply role (and the plan role, for drift)", () => {
    const { ws } = managementJson();
    const trustOf = (name: string) => {
      const role = ws.resources("aws_iam_role").find(([, r]) => r.name === name)?.[1];
      if (!role) throw new Error(`no role ${name}`);
      return JSON.parse(role.assume_role_policy as string) as { Statement: Block[] };
    };
    const provider = ref("aws_iam_openid_connect_provider", "pipeline_github", "arn");
    expect(trustOf("acme-github-plan").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            // The branch's own runs too: the scheduled drift check.
            [`${GITHUB_OIDC_HOST}:sub`]: [`repo:${REPOSITORY}:pull_request`, `repo:${REPOSITORY}:ref:refs/heads/main`],
          },
        },
      },
    ]);
    expect(trustOf("acme-github-apply").Statement[0].Condition).toEqual({
      StringEquals: {
        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
        [`${GITHUB_OIDC_HOST}:sub`]: `repo:${REPOSITORY}:ref:refs/heads/main`,
      },
    });
  });

  it("cannot have its OIDC conditions decided by iam-simulate, which ignores the token's keys", async () => {
    // The trust above is therefore checked by its text. When the evaluator learns the
    // keys, this fails: evaluate the trusts then (the pull request's token, a push's, a fork's).
    const providerArn = `arn:aws:iam::111111111111:oidc-provider/${GITHUB_OIDC_HOST}`;
    const result = await runSimulation(
      {
        request: {
          principal: providerArn,
          action: "sts:AssumeRoleWithWebIdentity",
          resource: { resource: "arn:aws:iam::111111111111:role/acme-github-plan", accountId: "111111111111" },
          contextVariables: { [`${GITHUB_OIDC_HOST}:sub`]: `repo:${REPOSITORY}:pull_request` },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    expect(result.resultType === "single" && result.result.ignoredContextKeys).toEqual([`${GITHUB_OIDC_HOST}:sub`]);
  });

  it("lets the plan role assume only the plan roles and read the state; the apply role assume the execution role and write it", async () => {
    const { s } = managementJson();
    const model = new PermissionModel(s);
    const management = coreAccount(s.organization, "management");
    const member = s.account("prod-payments-api").id;
    const bucket = `arn:aws:s3:::acme-terraform-state-${management.id}`;
    const state = `${bucket}/acme-prod-payments-api/terraform.tfstate`;
    const planRole: Caller = model.role(management.key, "acme-github-plan", { mfa: false });
    const applyRole: Caller = model.role(management.key, "acme-github-apply", { mfa: false });
    const ask = (caller: Caller, action: string, resource: string) => model.decide(caller, { action, resource });

    expect(await ask(planRole, "sts:AssumeRole", `arn:aws:iam::${member}:role/acme-plan`)).toBe("Allowed");
    expect(await ask(planRole, "sts:AssumeRole", `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`)).not.toBe(
      "Allowed",
    );
    expect(await ask(planRole, "s3:GetObject", state)).toBe("Allowed");
    expect(await ask(planRole, "s3:ListBucket", bucket)).toBe("Allowed");
    expect(await ask(planRole, "s3:PutObject", state)).not.toBe("Allowed");
    expect(await ask(planRole, "s3:PutObject", `${state}.tflock`)).not.toBe("Allowed");
    expect(await ask(planRole, "iam:CreateRole", `arn:aws:iam::${management.id}:role/anything`)).not.toBe("Allowed");

    expect(await ask(applyRole, "sts:AssumeRole", `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`)).toBe(
      "Allowed",
    );
    expect(await ask(applyRole, "s3:PutObject", `${state}.tflock`)).toBe("Allowed");
    expect(await ask(applyRole, "s3:DeleteObject", `${state}.tflock`)).toBe("Allowed");
    expect(await ask(applyRole, "s3:PutBucketPolicy", bucket)).not.toBe("Allowed");
    expect(await ask(applyRole, "iam:CreateRole", `arn:aws:iam::${management.id}:role/anything`)).not.toBe("Allowed");
  });

  it("names both roles' ARNs in the management workspace's outputs", () => {
    const { ws } = managementJson();
    const outputs = ws.json.output as Block;
    expect(outputs[PLAN_ROLE_OUTPUT]).toMatchObject({ value: ref("aws_iam_role", "pipeline_plan", "arn") });
    expect(outputs[APPLY_ROLE_OUTPUT]).toMatchObject({ value: ref("aws_iam_role", "pipeline_apply", "arn") });
  });
});
