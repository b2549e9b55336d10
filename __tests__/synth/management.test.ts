import { describe, expect, it } from "vitest";
import { coreAccount } from "../../inventory/model.js";
import { type Caller, type Decision, PermissionModel } from "./simulate.js";
import {
  type Block,
  EXAMPLE_FILE,
  fixtureFile,
  ORGANIZATION_REF,
  readInventory,
  ref,
  type Synthesized,
  synthesizeOnce,
  type Workspace,
} from "./support.js";

function management(synth: Synthesized): Workspace {
  return synth.of(coreAccount(synth.organization, "management").key);
}

/** The SCPs of the management workspace by their Terraform name. */
function scps(ws: Workspace): Map<string, Block> {
  return new Map(ws.resources("aws_organizations_policy"));
}

/** What the evaluator decides for a role of prod-payments-api (or `caller`) asking `action` on `resource` in `region`. */
async function decide(
  model: PermissionModel,
  caller: Caller,
  action: string,
  resource: string,
  region?: string,
): Promise<Decision> {
  return model.decide(caller, { action, resource, region });
}

describe.each([
  {
    title: "the example",
    source: { file: EXAMPLE_FILE },
    pending: ["dev-payments-api", "ml-aws-payments-api+dev@example.com"],
  },
  {
    title: "three-regions",
    source: { file: fixtureFile("three-regions") },
    pending: ["dev-web-staging", "ml-aws-web-staging+dev@initech.example"],
  },
])("management workspace of $title", ({ source, pending }) => {
  const synth = synthesizeOnce(source);

  it("manages every member account, and only those, in one for_each resource kept from destroy", () => {
    const s = synth();
    const accounts = management(s).single("aws_organizations_account");
    const members = s.organization.accounts.filter((a) => a.type !== "management").map((a) => a.key);
    expect(Object.keys(accounts.for_each as Block).sort()).toEqual([...members].sort());
    expect(accounts.lifecycle).toMatchObject({ prevent_destroy: true });
    expect(accounts.name).toBe(ref("each", "value", "name"));
    expect(accounts.email).toBe(ref("each", "value", "email"));
    expect(accounts.role_name).toBe(s.organization.inventory.organization.executionRoleName);
    expect(
      management(s)
        .resources("aws_organizations_account")
        .map(([n]) => n),
    ).toEqual(["accounts"]);
  });

  it("vends the pending account with the conventional name and email, and imports every account with an id", () => {
    const s = synth();
    const ws = management(s);
    const forEach = ws.single("aws_organizations_account").for_each as Record<string, Block>;
    const pendingKey = s.organization.accounts.find((a) => a.id === undefined)?.key ?? "";
    expect(forEach[pendingKey]).toEqual({ name: pending[0], email: pending[1], parent: null });
    const imports = (ws.json.import ?? []) as Block[];
    const expected = s.organization.accounts
      .filter((a) => a.type !== "management" && a.id !== undefined)
      .map((a) => ({ to: `aws_organizations_account.accounts["${a.key}"]`, id: a.id }));
    expect(imports).toEqual(expect.arrayContaining(expected));
    expect(imports).toHaveLength(expected.length);
    expect(imports.map((i) => i.to)).not.toContain(`aws_organizations_account.accounts["${pendingKey}"]`);
  });

  it("keeps explicit names and emails of accounts that predate the convention, as written", () => {
    const s = synth();
    const forEach = management(s).single("aws_organizations_account").for_each as Record<string, Block>;
    for (const account of s.organization.accounts.filter((a) => a.type !== "management")) {
      expect(forEach[account.key], account.key).toEqual({ name: account.name, email: account.email, parent: null });
    }
  });

  it("makes the audit account AWS Config's delegated administrator and shares through RAM with the organization", () => {
    const s = synth();
    const ws = management(s);
    expect(ws.single("aws_organizations_delegated_administrator")).toMatchObject({
      account_id: coreAccount(s.organization, "audit").id,
      service_principal: "config.amazonaws.com",
    });
    expect(ws.resources("aws_ram_sharing_with_organization")).toHaveLength(1);
  });

  it("attaches every SCP to the organization root, but the region guardrail of an account that governs fewer regions, which goes on that account", () => {
    const s = synth();
    const ws = management(s);
    const org = s.organization.inventory.organization;
    const fewer = s.organization.accounts.filter(
      (a) => a.id && a.type !== "management" && org.regions.some((r) => !a.regions.includes(r)),
    );
    const attachments = ws.resources("aws_organizations_policy_attachment").map(([, a]) => a);
    expect(attachments.map((a) => a.policy_id).sort()).toEqual(
      [...scps(ws).keys()].map((name) => ref("aws_organizations_policy", name, "id")).sort(),
    );
    const onAccounts = attachments.filter((a) => a.target_id !== ORGANIZATION_REF.rootId).map((a) => a.target_id);
    expect(onAccounts.sort()).toEqual(org.guardrails.restrictRegions ? fewer.map((a) => a.id).sort() : []);
    for (const policy of scps(ws).values()) expect(policy.type).toBe("SERVICE_CONTROL_POLICY");
  });

  it("keeps every SCP within AWS's 5,120 characters, and at most 5 on a target with FullAWSAccess", () => {
    const ws = management(synth());
    for (const [name, policy] of scps(ws)) expect((policy.content as string).length, name).toBeLessThanOrEqual(5120);
    const byTarget = new Map<string, number>();
    for (const [, a] of ws.resources("aws_organizations_policy_attachment")) {
      byTarget.set(a.target_id as string, (byTarget.get(a.target_id as string) ?? 0) + 1);
    }
    for (const [target, count] of byTarget) expect(count + 1, target).toBeLessThanOrEqual(5);
  });

  it("has account vending and guardrails in the management workspace only", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace.filter((a) => a.type !== "management")) {
      const ws = s.of(account.key);
      for (const type of [
        "aws_organizations_account",
        "aws_organizations_policy",
        "aws_organizations_policy_attachment",
      ]) {
        expect(ws.resources(type), `${ws.name} ${type}`).toEqual([]);
      }
    }
  });

  it("denies, through the evaluator, what each guardrail that is on denies, and nothing a guardrail that is off would", async () => {
    const s = synth();
    const flags = s.organization.inventory.organization.guardrails;
    const model = new PermissionModel(s);
    const workload = s.accountsWithWorkspace.find((a) => a.type === "workload" && a.access?.administrator);
    if (!workload?.id) throw new Error("no workload account with an administrator");
    const admin = model.role(workload.key, "administrator");
    const region = workload.globalRegion;
    const denied = async (caller: Caller, action: string, resource: string, where = region) =>
      (await decide(model, caller, action, resource, where)) === "ExplicitlyDenied";
    expect(await denied(model.root(workload.key), "ec2:DescribeInstances", "*")).toBe(flags.denyRootUser);
    expect(await denied(admin, "organizations:LeaveOrganization", "*")).toBe(flags.denyLeaveOrganization);
    expect(await denied(admin, "cloudtrail:StopLogging", model.arn(workload.key, "trail"))).toBe(flags.protectBaseline);
    expect(await denied(admin, "iam:CreateUser", `arn:aws:iam::${workload.id}:user/someone`)).toBe(
      flags.protectBaseline && flags.denyIamUsers,
    );
    expect(await denied(admin, "ec2:RunInstances", model.arn(workload.key, "instance", "sa-east-1"), "sa-east-1")).toBe(
      flags.restrictRegions,
    );
  });
});

describe("guardrails of the example (all on)", () => {
  const synth = synthesizeOnce({ file: EXAMPLE_FILE });
  const model = () => new PermissionModel(synth());

  it("denies everything to the root user of member accounts, and nothing to their roles because of it", async () => {
    const m = model();
    expect(await decide(m, m.root("prod-payments-api"), "ec2:DescribeInstances", "*")).toBe("ExplicitlyDenied");
    expect(await decide(m, m.role("prod-payments-api", "operator"), "ec2:DescribeInstances", "*")).toBe("Allowed");
  });

  it("denies leaving the organization to everyone, the execution role included", async () => {
    const m = model();
    for (const caller of [m.role("prod-payments-api", "administrator"), m.executionRole("prod-payments-api")]) {
      expect(await decide(m, caller, "organizations:LeaveOrganization", "*"), caller.label).toBe("ExplicitlyDenied");
    }
  });

  it("denies regional actions outside organization.regions, but not global services such as IAM and STS", async () => {
    const m = model();
    const admin = m.role("stg-payments-api", "administrator");
    const instance = (region: string) => m.arn("stg-payments-api", "instance", region);
    expect(await decide(m, admin, "ec2:RunInstances", instance("eu-west-3"), "eu-west-3")).toBe("ExplicitlyDenied");
    for (const region of ["ap-northeast-1", "us-east-1"]) {
      expect(await decide(m, admin, "ec2:RunInstances", instance(region), region), region).toBe("Allowed");
    }
    expect(await decide(m, admin, "iam:CreateRole", "arn:aws:iam::777777777777:role/workload/x", "eu-west-3")).toBe(
      "Allowed",
    );
    expect(await decide(m, admin, "sts:GetCallerIdentity", "*", "eu-west-3")).toBe("Allowed");
  });

  it("denies prod-payments-api, which governs ap-northeast-1 only, the other governed region us-east-1", async () => {
    const m = model();
    const admin = m.role("prod-payments-api", "administrator");
    const instance = m.arn("prod-payments-api", "instance", "us-east-1");
    expect(await decide(m, admin, "ec2:RunInstances", instance, "us-east-1")).toBe("ExplicitlyDenied");
    // The execution role is exempt: it applies the account's trail in the home region.
    expect(
      await decide(m, m.executionRole("prod-data-lake"), "cloudtrail:CreateTrail", m.arn("prod-data-lake", "trail")),
    ).toBe("Allowed");
  });
});

describe("guardrails all off", () => {
  const text = readInventory(EXAMPLE_FILE).replace(
    /(denyRootUser|denyLeaveOrganization|protectBaseline|restrictRegions|denyIamUsers): true/g,
    "$1: false",
  );
  const synth = synthesizeOnce({ name: "accounts.yaml (guardrails off)", text });

  it("is the case under test", () => {
    expect(Object.values(synth().organization.inventory.organization.guardrails)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("writes no SCP and no attachment, but still vends accounts", () => {
    const ws = management(synth());
    expect(ws.resources("aws_organizations_policy")).toEqual([]);
    expect(ws.resources("aws_organizations_policy_attachment")).toEqual([]);
    expect(ws.resources("aws_organizations_account")).toHaveLength(1);
  });
});
