import { describe, expect, it } from "vitest";
import { coreAccount } from "../../inventory/model.js";
import { PermissionModel } from "./simulate.js";
import { type Block, EXAMPLE_FILE, readInventory, synthesizeEachOnce, withGithub, withStateInS3 } from "./support.js";

const synths = synthesizeEachOnce({
  cloud: { file: EXAMPLE_FILE },
  github: {
    name: "accounts.yaml with state in S3 and GitHub Actions",
    text: withGithub(withStateInS3(readInventory(EXAMPLE_FILE)), "acme/platform-accounts"),
  },
});

/** The management workspace's stack set, its instance and its parsed template. */
function stackSet() {
  const s = synths.cloud();
  const ws = s.of(coreAccount(s.organization, "management").key);
  const [[, set]] = ws.resources("aws_cloudformation_stack_set");
  const [[, instance]] = ws.resources("aws_cloudformation_stack_set_instance");
  return { s, set, instance, template: JSON.parse(set.template_body as string) };
}

describe("Terraform Cloud's way into the member accounts (organization.terraformCloud)", () => {
  it("is a service-managed stack set deployed to exactly the member accounts with an id, stacks kept on removal", () => {
    const { s, set, instance } = stackSet();
    expect(set).toMatchObject({
      name: "acme-terraform-cloud",
      permission_model: "SERVICE_MANAGED",
      capabilities: ["CAPABILITY_NAMED_IAM"],
      auto_deployment: { enabled: false },
    });
    const members = s.accountsWithWorkspace.filter((a) => a.type !== "management").map((a) => a.id);
    expect(instance.deployment_targets).toMatchObject({
      accounts: members,
      account_filter_type: "INTERSECTION",
    });
    expect((instance.deployment_targets as Block).organizational_unit_ids).toHaveLength(1);
    expect(instance.retain_stack).toBe(true);
    // Terraform would read a `${...}` in the template as an interpolation of its own.
    expect(set.template_body).not.toMatch(/\$\{/);
    expect(instance.region).toBe(s.homeRegion);
  });

  it("gives each account an OIDC provider and a role per run phase that only its own workspace's runs may assume", () => {
    const { s, template } = stackSet();
    expect(template.Resources.Provider.Properties).toEqual({
      Url: "https://app.terraform.io",
      ClientIdList: ["aws.workload.identity"],
    });
    for (const account of s.accountsWithWorkspace.filter((a) => a.type !== "management")) {
      expect(template.Mappings.Workspaces[account.id as string], account.key).toEqual({ Name: account.workspace });
    }
    for (const [resource, phase] of [
      ["PlanRole", "plan"],
      ["ApplyRole", "apply"],
    ]) {
      const role = template.Resources[resource].Properties;
      expect(role.RoleName).toBe(`acme-terraform-cloud-${phase}`);
      const [statement] = role.AssumeRolePolicyDocument.Statement;
      expect(statement.Principal).toEqual({ Federated: { "Fn::GetAtt": ["Provider", "Arn"] } });
      expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
      expect(statement.Condition.StringEquals).toEqual({
        "app.terraform.io:aud": "aws.workload.identity",
        "app.terraform.io:sub": {
          "Fn::Join": [
            "",
            [
              "organization:acme-infra:project:aws-accounts:workspace:",
              { "Fn::FindInMap": ["Workspaces", { Ref: "AWS::AccountId" }, "Name"] },
              `:run_phase:${phase}`,
            ],
          ],
        },
      });
    }
  });

  it("lets the plan phase read every setting, and write nothing nor read data, as iam-simulate decides", async () => {
    const model = new PermissionModel(synths.cloud());
    const key = "prod-payments-api";
    const plan = model.terraformCloudRole(key, "plan");
    for (const [action, resource] of [
      ["cloudtrail:GetTrail", model.arn(key, "trail")],
      ["iam:GetRole", model.arn(key, "workload-role")],
      ["guardduty:GetDetector", model.arn(key, "detector")],
    ]) {
      expect(await model.decide(plan, { action, resource }), action).toBe("Allowed");
    }
    for (const [action, resource] of [
      ["cloudtrail:StopLogging", model.arn(key, "trail")],
      ["iam:UpdateAssumeRolePolicy", model.arn(key, "workload-role")],
      ["ec2:CreateVpc", "*"],
      ["sts:AssumeRole", `arn:aws:iam::${plan.accountId}:role/OrganizationAccountAccessRole`],
    ]) {
      expect(await model.decide(plan, { action, resource }), action).not.toBe("Allowed");
    }
    expect(await model.decide(plan, { action: "s3:GetObject", resource: "arn:aws:s3:::some-bucket/a.csv" })).toBe(
      "ExplicitlyDenied",
    );
  });

  it("lets the apply phase change the baseline where the guardrails let only the execution role", async () => {
    const model = new PermissionModel(synths.cloud());
    const key = "prod-payments-api";
    const apply = model.terraformCloudRole(key, "apply");
    const administrator = model.role(key, "administrator");
    for (const [action, resource] of [
      ["cloudtrail:StopLogging", model.arn(key, "trail")],
      ["config:DeleteConfigRule", model.arn(key, "config-rule")],
      ["iam:UpdateAssumeRolePolicy", `arn:aws:iam::${apply.accountId}:role/acme-plan`],
    ]) {
      expect(await model.decide(apply, { action, resource }), action).toBe("Allowed");
      expect(await model.decide(administrator, { action, resource }), `administrator ${action}`).toBe(
        "ExplicitlyDenied",
      );
    }
  });

  it("lets the apply phase change the log buckets' settings, which their policies keep from everyone else", async () => {
    const s = synths.cloud();
    const model = new PermissionModel(s);
    const key = coreAccount(s.organization, "log-archive").key;
    const bucket = model.arn(key, "trail-bucket-object").split("/")[0];
    const ask = { action: "s3:PutBucketPolicy", resource: bucket };
    const apply = model.terraformCloudRole(key, "apply");
    expect(await model.decide(apply, ask)).toBe("Allowed");
    expect(await model.decide(model.terraformCloudRole(key, "plan"), ask)).not.toBe("Allowed");
    // Any other role of the account, however privileged, is refused by the bucket's policy.
    const otherAdmin = {
      ...apply,
      label: "another administrator",
      principal: `arn:aws:sts::${apply.accountId}:assumed-role/ops-admin/someone`,
      principalArn: `arn:aws:iam::${apply.accountId}:role/ops-admin`,
    };
    expect(await model.decide(otherAdmin, ask)).toBe("ExplicitlyDenied");
  });
});

describe("without Terraform Cloud", () => {
  it("has no stack set, and the guardrails exempt the execution role alone", () => {
    const s = synths.github();
    const ws = s.of(coreAccount(s.organization, "management").key);
    expect(ws.resources("aws_cloudformation_stack_set")).toEqual([]);
    const contents = ws.resources("aws_organizations_policy").map(([, p]) => p.content as string);
    expect(contents.join("\n")).not.toContain("terraform-cloud");
    expect(contents.join("\n")).toContain('"aws:PrincipalArn":"arn:aws:iam::*:role/OrganizationAccountAccessRole"');
  });
});
