import { describe, expect, it } from "vitest";
import { coreAccount } from "../../inventory/model.js";
import { denies, parsePolicy, type Request, type Statement } from "./iam.js";
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

/** The SCPs of the management workspace by their Terraform name, parsed. */
function scps(ws: Workspace): Map<string, { name: string; body: Block; statements: Statement[] }> {
  return new Map(
    ws
      .resources("aws_organizations_policy")
      .map(([name, body]) => [name, { name, body, statements: parsePolicy(body.content as string) }]),
  );
}

/** The one SCP whose statements deny `request`, by its Terraform name; throws when none or several do. */
function scpDenying(ws: Workspace, request: Request): string {
  const found = [...scps(ws).values()].filter((p) => denies(p.statements, request)).map((p) => p.name);
  if (found.length !== 1) throw new Error(`${found.length} SCPs deny ${request.action}: ${found.join(", ")}`);
  return found[0];
}

/** A request by a principal of a member account, in `region`. */
function byMember(principalArn: string, action: string, resource: string, region = "us-east-1"): Request {
  return { action, resource, context: { "aws:PrincipalArn": principalArn, "aws:RequestedRegion": region } };
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
    expect(forEach[pendingKey]).toEqual({ name: pending[0], email: pending[1] });
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
      expect(forEach[account.key], account.key).toEqual({ name: account.name, email: account.email });
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

  it("attaches every SCP to the organization root", () => {
    const ws = management(synth());
    const attachments = ws.resources("aws_organizations_policy_attachment").map(([, a]) => a);
    expect(attachments.map((a) => a.policy_id).sort()).toEqual(
      [...scps(ws).keys()].map((name) => ref("aws_organizations_policy", name, "id")).sort(),
    );
    for (const attachment of attachments) expect(attachment.target_id).toBe(ORGANIZATION_REF.rootId);
    for (const policy of scps(ws).values()) expect(policy.body.type).toBe("SERVICE_CONTROL_POLICY");
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

  it("has one SCP per guardrail that is on, and none for a guardrail that is off", () => {
    const s = synth();
    const flags = s.organization.inventory.organization.guardrails;
    const ws = management(s);
    const present = (request: Request) => [...scps(ws).values()].some((p) => denies(p.statements, request));
    const member = "arn:aws:iam::666666666666:role/administrator";
    expect(present(byMember("arn:aws:iam::666666666666:root", "s3:ListAllMyBuckets", "*"))).toBe(flags.denyRootUser);
    expect(present(byMember(member, "organizations:LeaveOrganization", "*"))).toBe(flags.denyLeaveOrganization);
    expect(present(byMember(member, "cloudtrail:StopLogging", "*"))).toBe(flags.protectBaseline);
    expect(present(byMember(member, "ec2:RunInstances", "*", "sa-east-1"))).toBe(flags.restrictRegions);
    expect(scps(ws).size).toBe(Object.values(flags).filter(Boolean).length);
  });
});

describe("guardrails of the example (all on)", () => {
  const synth = synthesizeOnce({ file: EXAMPLE_FILE });
  const member = "arn:aws:iam::666666666666:role/administrator";
  const execution = "arn:aws:iam::666666666666:role/OrganizationAccountAccessRole";

  it("denies everything to the root user of member accounts (aws:PrincipalArn arn:aws:iam::*:root)", () => {
    const ws = management(synth());
    const policy = scpDenying(ws, byMember("arn:aws:iam::666666666666:root", "ec2:DescribeInstances", "*"));
    const [statement] = scps(ws).get(policy)?.statements ?? [];
    expect(statement.Condition).toEqual({ ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] } });
    expect(denies(scps(ws).get(policy)?.statements ?? [], byMember(member, "ec2:DescribeInstances", "*"))).toBe(false);
  });

  it("denies leaving the organization to everyone", () => {
    const ws = management(synth());
    for (const who of [member, execution]) {
      expect(scpDenying(ws, byMember(who, "organizations:LeaveOrganization", "*"))).toMatch(/leave/);
    }
  });

  it("protects the trail, Config, GuardDuty and the baseline roles from everyone but the execution role", () => {
    const ws = management(synth());
    const changes = [
      ["cloudtrail:StopLogging", "*"],
      ["cloudtrail:DeleteTrail", "*"],
      ["config:StopConfigurationRecorder", "*"],
      ["config:DeleteDeliveryChannel", "*"],
      ["guardduty:DeleteDetector", "*"],
      ["iam:DeleteRole", "arn:aws:iam::666666666666:role/developer"],
      ["iam:PutRolePolicy", "arn:aws:iam::666666666666:role/administrator"],
      ["iam:UpdateAssumeRolePolicy", "arn:aws:iam::666666666666:role/acme-config-recorder"],
    ];
    for (const [action, resource] of changes) {
      const name = scpDenying(ws, byMember(member, action, resource));
      expect(name, action).toMatch(/protect-baseline/);
      const statements = scps(ws).get(name)?.statements ?? [];
      expect(denies(statements, byMember(execution, action, resource)), `${action} by the execution role`).toBe(false);
      for (const statement of statements) {
        expect(statement.Condition?.ArnNotLike?.["aws:PrincipalArn"]).toEqual([
          "arn:aws:iam::*:role/OrganizationAccountAccessRole",
        ]);
      }
    }
  });

  it("denies regional actions outside organization.regions, exempting global services such as IAM and STS", () => {
    const ws = management(synth());
    const name = scpDenying(ws, byMember(member, "ec2:RunInstances", "*", "eu-west-3"));
    const [statement] = scps(ws).get(name)?.statements ?? [];
    expect(statement.NotAction).toEqual(expect.arrayContaining(["iam:*", "sts:*"]));
    expect(statement.Condition?.StringNotEquals?.["aws:RequestedRegion"]).toEqual(["ap-northeast-1", "us-east-1"]);
    const statements = scps(ws).get(name)?.statements ?? [];
    for (const region of ["ap-northeast-1", "us-east-1"]) {
      expect(denies(statements, byMember(member, "ec2:RunInstances", "*", region)), region).toBe(false);
    }
    for (const action of ["iam:CreateRole", "sts:AssumeRole", "organizations:DescribeOrganization"]) {
      expect(denies(statements, byMember(member, action, "*", "eu-west-3")), action).toBe(false);
    }
  });

  // Bug: ProtectBaselineRoles in guardrailStatements (constructs/guardrails.ts) denies
  // NotAction [iam:Get*, iam:List*] on arn:aws:iam::*:role/{administrator,developer,operator,content},
  // and sts:AssumeRole is such an action on such a resource: every principal of the
  // organization but the execution role (the identity account's roles included) is denied
  // assuming the four roles. The deny should list IAM write actions instead.
  it("lets the principals of the identity account assume the four roles (bug: protect-baseline denies sts:AssumeRole)", () => {
    const ws = management(synth());
    const statements = [...scps(ws).values()].flatMap((p) => p.statements);
    for (const role of ["administrator", "developer", "operator", "content"]) {
      const request = byMember(
        "arn:aws:iam::555555555555:role/payments-owners",
        "sts:AssumeRole",
        `arn:aws:iam::666666666666:role/${role}`,
        "ap-northeast-1",
      );
      expect(denies(statements, request), role).toBe(false);
    }
  });
});

describe("guardrails all off", () => {
  const text = readInventory(EXAMPLE_FILE).replace(
    /(denyRootUser|denyLeaveOrganization|protectBaseline|restrictRegions): true/g,
    "$1: false",
  );
  const synth = synthesizeOnce({ name: "accounts.yaml (guardrails off)", text });

  it("is the case under test", () => {
    expect(Object.values(synth().organization.inventory.organization.guardrails)).toEqual([false, false, false, false]);
  });

  it("writes no SCP and no attachment, but still vends accounts", () => {
    const ws = management(synth());
    expect(ws.resources("aws_organizations_policy")).toEqual([]);
    expect(ws.resources("aws_organizations_policy_attachment")).toEqual([]);
    expect(ws.resources("aws_organizations_account")).toHaveLength(1);
  });
});
