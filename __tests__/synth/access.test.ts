import { describe, expect, it } from "vitest";
import type { Account } from "../../inventory/model.js";
import {
  type Ask,
  type Caller,
  type PermissionModel as Model,
  PermissionModel,
  type PolicyDocument,
  resolvePolicy,
} from "./simulate.js";
import {
  EXAMPLE_AND_THREE_REGIONS,
  fixtureFile,
  ORGANIZATION_ID,
  ref,
  referencedName,
  type Synthesized,
  synthesizeOnce,
  type Workspace,
} from "./support.js";

const FOUR_ROLES = ["administrator", "developer", "operator", "content"] as const;
type RoleName = (typeof FOUR_ROLES)[number];

/** The four roles of a workspace by role name, with their Terraform names. */
function fourRoles(ws: Workspace): Map<RoleName, { name: string; body: Record<string, unknown> }> {
  return new Map(
    ws
      .resources("aws_iam_role")
      .filter(([, r]) => (FOUR_ROLES as readonly unknown[]).includes(r.name))
      .map(([name, body]) => [body.name as RoleName, { name, body }]),
  );
}

/** Managed policy ARNs attached to the role with Terraform name `roleName`. */
function attachedPolicies(ws: Workspace, roleName: string): string[] {
  return ws
    .resources("aws_iam_role_policy_attachment")
    .filter(
      ([, a]) => a.role === ref("aws_iam_role", roleName, "name") || a.role === ref("aws_iam_role", roleName, "id"),
    )
    .map(([, a]) => a.policy_arn as string);
}

/** Inline policies of the role with Terraform name `roleName`, as documents. */
function inlinePolicies(ws: Workspace, roleName: string): PolicyDocument[] {
  return ws
    .resources("aws_iam_role_policy")
    .filter(
      ([, p]) => p.role === ref("aws_iam_role", roleName, "id") || p.role === ref("aws_iam_role", roleName, "name"),
    )
    .map(([, p]) => resolvePolicy(p.policy as string, {}));
}

/** A statement of a policy document, with list-or-string fields as written. */
interface StatementJson {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly AWS?: string | string[] };
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** The statements of a document, always a list. */
function statementsOf(document: PolicyDocument): StatementJson[] {
  const statements = document.Statement as StatementJson | StatementJson[];
  return Array.isArray(statements) ? statements : [statements];
}

const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The trust policy's principals as IAM will see them, from the inventory as written. */
function expectedPrincipals(synth: Synthesized, principals: readonly string[]): string[] {
  const identity = synth.organization.inventory.organization.identity.trustedAccount;
  const identityId = synth.account(identity).id;
  return principals.map((p) => (p.startsWith("arn:") ? p : `arn:aws:iam::${identityId}:role/${p}`));
}

/** Principals per role as the inventory lists them, for an account. */
function listedPrincipals(synth: Synthesized, account: Account): Partial<Record<RoleName, readonly string[]>> {
  const access = synth.organization.inventory.accounts[account.key].access ?? {};
  return {
    administrator: access.administrator,
    developer: access.developer,
    operator: access.operator,
    content: access.content?.principals,
  };
}

/**
 * Requests that would change the account's baseline, from what the workspace holds: the
 * trail, Config, GuardDuty, alert topics and rules, the baseline and four roles, the
 * boundary, the budget, Chatbot, and (in the log archive) the buckets' settings and objects.
 * Each names the resource type the action really takes.
 */
function baselineChanges(account: Account, ws: Workspace): Ask[] {
  const id = account.id ?? "";
  const requests: Ask[] = [];
  const add = (actions: string[], resource: string) => {
    for (const action of actions) requests.push({ action, resource });
  };
  const trail = ws.single("aws_cloudtrail");
  add(
    ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"],
    `arn:aws:cloudtrail:${account.globalRegion}:${id}:trail/${trail.name as string}`,
  );
  for (const region of account.regions) {
    for (const [, recorder] of ws.byRegion("aws_config_configuration_recorder").get(region) ?? []) {
      add(
        ["config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:PutConfigurationRecorder"],
        `arn:aws:config:${region}:${id}:configuration-recorder/${recorder.name as string}/abc123`,
      );
    }
    for (const [, rule] of ws.byRegion("aws_config_config_rule").get(region) ?? []) {
      add(
        ["config:DeleteConfigRule", "config:PutConfigRule"],
        `arn:aws:config:${region}:${id}:config-rule/config-rule-${String(rule.name).toLowerCase()}`,
      );
    }
    const detector = `arn:aws:guardduty:${region}:${id}:detector/0123456789abcdef0123456789abcdef`;
    add(["guardduty:DeleteDetector", "guardduty:UpdateDetector"], detector);
    add(["guardduty:CreateFilter"], `${detector}/filter/hide-everything`);
    for (const [, topic] of ws.byRegion("aws_sns_topic").get(region) ?? []) {
      const arn = `arn:aws:sns:${region}:${id}:${topic.name as string}`;
      add(["sns:DeleteTopic", "sns:SetTopicAttributes", "sns:RemovePermission", "sns:Unsubscribe"], arn);
    }
    for (const [, rule] of ws.byRegion("aws_cloudwatch_event_rule").get(region) ?? []) {
      add(
        ["events:DeleteRule", "events:DisableRule", "events:PutRule", "events:RemoveTargets", "events:PutTargets"],
        `arn:aws:events:${region}:${id}:rule/${rule.name as string}`,
      );
    }
    for (const [, log] of ws.byRegion("aws_flow_log").get(region) ?? []) {
      if (log) add(["ec2:DeleteFlowLogs"], `arn:aws:ec2:${region}:${id}:vpc-flow-log/fl-0123456789abcdef0`);
    }
  }
  for (const [, role] of ws.resources("aws_iam_role")) {
    add(
      [
        "iam:DeleteRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
      ],
      `arn:aws:iam::${id}:role/${role.name as string}`,
    );
  }
  for (const [, policy] of ws.resources("aws_iam_policy")) {
    add(
      ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion"],
      `arn:aws:iam::${id}:policy/${policy.name as string}`,
    );
  }
  for (const [, budget] of ws.resources("aws_budgets_budget")) {
    // Budgets has no DeleteBudget IAM action: ModifyBudget covers changing and deleting one.
    add(["budgets:ModifyBudget"], `arn:aws:budgets::${id}:budget/${budget.name as string}`);
  }
  for (const [, config] of ws.resources("aws_chatbot_slack_channel_configuration")) {
    add(
      ["chatbot:DeleteSlackChannelConfiguration", "chatbot:UpdateSlackChannelConfiguration"],
      `arn:aws:chatbot::${id}:chat-configuration/slack-channel/${config.configuration_name as string}`,
    );
  }
  for (const [, bucket] of ws.resources("aws_s3_bucket")) {
    const arn = `arn:aws:s3:::${bucket.bucket as string}`;
    add(["s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:DeleteBucketPolicy", "s3:DeleteBucket"], arn);
    add(["s3:DeleteObject", "s3:DeleteObjectVersion"], `${arn}/AWSLogs/x`);
  }
  return requests;
}

/** The requests of `asks` that the evaluator allows `caller`, as `action resource` lines. */
async function allowedOf(model: Model, caller: Caller, asks: readonly Ask[]): Promise<string[]> {
  const allowed: string[] = [];
  for (const ask of asks) {
    if ((await model.decide(caller, ask)) === "Allowed") allowed.push(`${ask.action} ${ask.resource}`);
  }
  return allowed;
}

describe.each(EXAMPLE_AND_THREE_REGIONS)("the four roles in $title", ({ source }) => {
  const synth = synthesizeOnce(source);
  const eachAccount = async (check: (account: Account, ws: Workspace) => void | Promise<void>) => {
    for (const account of synth().accountsWithWorkspace) await check(account, synth().of(account.key));
  };
  const model = () => new PermissionModel(synth());

  it("exist only where `access` lists them", async () => {
    await eachAccount((account, ws) => {
      const listed = Object.entries(listedPrincipals(synth(), account))
        .filter(([, principals]) => principals !== undefined)
        .map(([role]) => role);
      expect([...fourRoles(ws).keys()].sort(), ws.name).toEqual(listed.sort());
    });
  });

  it("trust only their listed principals, a bare name in the identity account and an ARN as is, from the organization", async () => {
    await eachAccount((account, ws) => {
      for (const [role, { body }] of fourRoles(ws)) {
        const statements = statementsOf(
          resolvePolicy(body.assume_role_policy as string, ws.substitutions(account.id ?? "")),
        );
        const principals = statements.flatMap((s) => (s.Principal === "*" ? ["*"] : listOf(s.Principal?.AWS)));
        const expected = expectedPrincipals(synth(), listedPrincipals(synth(), account)[role] ?? []);
        expect(principals.sort(), `${ws.name} ${role}`).toEqual([...expected].sort());
        expect(statements.every((s) => s.Effect === "Allow" && listOf(s.Action).join() === "sts:AssumeRole")).toBe(
          true,
        );
        for (const statement of statements.filter((s) => s.Sid === "OrganizationPrincipals")) {
          expect(statement.Condition?.StringEquals?.["aws:PrincipalOrgID"], `${ws.name} ${role}`).toBe(ORGANIZATION_ID);
        }
      }
    });
  });

  it("let a listed principal in with MFA, without it only where MFA is not required, and nobody unlisted", async () => {
    const org = synth().organization.inventory.organization;
    const m = model();
    await eachAccount(async (account, ws) => {
      for (const role of fourRoles(ws).keys()) {
        const spec = synth().organization.inventory.accounts[account.key].access;
        const requireMfa =
          role === "content" ? (spec?.content?.requireMfa ?? org.identity.requireMfa) : org.identity.requireMfa;
        const [principal] = expectedPrincipals(synth(), listedPrincipals(synth(), account)[role] ?? []);
        const [, , , , owner, resource] = principal.split(":");
        if (!resource.startsWith("role/")) continue;
        const caller = (mfa: boolean) => m.foreignRole(owner, resource.split("/").at(-1) ?? "", { mfa });
        const ask = { action: "sts:AssumeRole", resource: `arn:aws:iam::${account.id}:role/${role}` };
        expect(await m.decide(caller(true), ask), `${ws.name} ${role} with MFA`).toBe("Allowed");
        expect((await m.decide(caller(false), ask)) === "Allowed", `${ws.name} ${role} without MFA`).toBe(!requireMfa);
        const stranger = m.foreignRole(account.id ?? "", "someone-else");
        expect(await m.decide(stranger, ask), `${ws.name} ${role} by a stranger`).not.toBe("Allowed");
        const outsider = m.foreignRole(owner, resource.split("/").at(-1) ?? "", { inOrganization: false });
        expect(await m.decide(outsider, ask), `${ws.name} ${role} by the same name outside the organization`).not.toBe(
          "Allowed",
        );
      }
    });
  });

  it("last at most an hour per session", async () => {
    await eachAccount((_, ws) => {
      for (const [role, { body }] of fourRoles(ws)) {
        expect(body.max_session_duration, `${ws.name} ${role}`).toBeLessThanOrEqual(3600);
      }
    });
  });

  it("give administrator AdministratorAccess and nothing else", async () => {
    await eachAccount((_, ws) => {
      const administrator = fourRoles(ws).get("administrator");
      if (!administrator) return;
      expect(attachedPolicies(ws, administrator.name)).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess"]);
      expect(inlinePolicies(ws, administrator.name)).toEqual([]);
    });
  });

  it("give developer PowerUserAccess inside a permissions boundary, and IAM for workloads only", async () => {
    await eachAccount((_, ws) => {
      const developer = fourRoles(ws).get("developer");
      if (!developer) return;
      expect(attachedPolicies(ws, developer.name)).toEqual(["arn:aws:iam::aws:policy/PowerUserAccess"]);
      expect(referencedName(developer.body.permissions_boundary, "aws_iam_policy"), ws.name).toBeDefined();
      const resources = inlinePolicies(ws, developer.name)
        .flatMap(statementsOf)
        .filter((s) => s.Sid !== "ReadIam")
        .flatMap((s) => listOf(s.Resource));
      for (const resource of resources)
        expect(resource, ws.name).toMatch(/^arn:aws:iam::\d{12}:[a-z-]+\/workload\/\*$/);
    });
  });

  it("let developer do ordinary work, and make and pass workload roles only with its boundary", async () => {
    const m = model();
    await eachAccount(async (account, ws) => {
      if (!fourRoles(ws).has("developer")) return;
      const developer = m.role(account.key, "developer");
      const region = account.globalRegion;
      const boundary = `arn:aws:iam::${account.id}:policy/${synth().organization.inventory.organization.name}-developer-boundary`;
      const workloadRole = `arn:aws:iam::${account.id}:role/workload/orders-api`;
      const allowed = [
        { action: "ec2:RunInstances", resource: `arn:aws:ec2:${region}:${account.id}:instance/i-0123456789abcdef0` },
        { action: "lambda:CreateFunction", resource: `arn:aws:lambda:${region}:${account.id}:function:orders-api` },
        { action: "cloudtrail:LookupEvents", resource: "*" },
        { action: "iam:CreateRole", resource: workloadRole, context: { "iam:PermissionsBoundary": boundary } },
        { action: "iam:PassRole", resource: workloadRole },
      ];
      for (const ask of allowed) expect(await m.decide(developer, ask), `${ws.name} ${ask.action}`).toBe("Allowed");
      const refused = [
        { action: "iam:CreateRole", resource: workloadRole },
        {
          action: "iam:CreateRole",
          resource: `arn:aws:iam::${account.id}:role/workload/x`,
          context: { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
        {
          action: "iam:PutRolePermissionsBoundary",
          resource: workloadRole,
          context: { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
        { action: "iam:DeleteRolePermissionsBoundary", resource: workloadRole },
        {
          action: "iam:CreateRole",
          resource: `arn:aws:iam::${account.id}:role/not-a-workload`,
          context: { "iam:PermissionsBoundary": boundary },
        },
        ...["administrator", "developer", "operator", "content"].map((role) => ({
          action: "iam:PassRole",
          resource: `arn:aws:iam::${account.id}:role/${role}`,
        })),
        {
          action: "iam:PassRole",
          resource: `arn:aws:iam::${account.id}:role/${synth().organization.inventory.organization.executionRoleName}`,
        },
        { action: "iam:CreateUser", resource: `arn:aws:iam::${account.id}:user/someone` },
      ];
      for (const ask of refused) {
        expect(await m.decide(developer, ask), `${ws.name} ${ask.action} ${ask.resource}`).not.toBe("Allowed");
      }
    });
  });

  it("leave the developer and the administrator no way, through any of their policies, to change the account's baseline", async () => {
    const m = model();
    const protectBaseline = synth().organization.inventory.organization.guardrails.protectBaseline;
    await eachAccount(async (account, ws) => {
      const asks = baselineChanges(account, ws);
      expect(asks.length).toBeGreaterThan(10);
      for (const role of ["developer", "administrator"] as const) {
        if (!fourRoles(ws).has(role) || (role === "administrator" && !protectBaseline)) continue;
        expect(await allowedOf(m, m.role(account.key, role), asks), `${ws.name} ${role}`).toEqual([]);
      }
    });
  });

  it("give operator ReadOnlyAccess plus start/stop/reboot, SSM sessions and support, and no more", async () => {
    const m = model();
    await eachAccount(async (account, ws) => {
      const operator = fourRoles(ws).get("operator");
      if (!operator) return;
      expect(attachedPolicies(ws, operator.name)).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
      const caller = m.role(account.key, "operator");
      const region = account.globalRegion;
      const instance = `arn:aws:ec2:${region}:${account.id}:instance/i-0123456789abcdef0`;
      const yes = [
        ...["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"].map((action) => ({
          action,
          resource: instance,
        })),
        { action: "ssm:StartSession", resource: instance },
        { action: "support:CreateCase", resource: "*" },
        { action: "ec2:DescribeInstances", resource: "*" },
      ];
      for (const ask of yes) expect(await m.decide(caller, ask), `${ws.name} ${ask.action}`).toBe("Allowed");
      const no = [
        { action: "ec2:TerminateInstances", resource: instance },
        { action: "iam:CreateRole", resource: `arn:aws:iam::${account.id}:role/workload/x` },
        { action: "s3:DeleteObject", resource: "arn:aws:s3:::some-bucket/a" },
        { action: "cloudtrail:StopLogging", resource: `arn:aws:cloudtrail:${region}:${account.id}:trail/t` },
      ];
      for (const ask of no) expect(await m.decide(caller, ask), `${ws.name} ${ask.action}`).not.toBe("Allowed");
    });
  });

  it("give content only s3:GetObject, PutObject and DeleteObject on the objects of its listed buckets", async () => {
    const m = model();
    await eachAccount(async (account, ws) => {
      const content = fourRoles(ws).get("content");
      if (!content) return;
      const buckets = synth().organization.inventory.accounts[account.key].access?.content?.buckets ?? [];
      const allowedResources = new Set(buckets.map((b) => `arn:aws:s3:::${b}/*`));
      const allowedActions = new Set(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
      expect(attachedPolicies(ws, content.name), ws.name).toEqual([]);
      expect(content.body.managed_policy_arns ?? [], ws.name).toEqual([]);
      expect(content.body.inline_policy ?? [], ws.name).toEqual([]);
      const statements = inlinePolicies(ws, content.name).flatMap(statementsOf);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements.filter((s) => s.Effect === "Allow")) {
        expect(statement.NotAction, ws.name).toBeUndefined();
        expect(statement.NotResource, ws.name).toBeUndefined();
        for (const action of listOf(statement.Action)) expect(allowedActions, `${ws.name} ${action}`).toContain(action);
        for (const resource of listOf(statement.Resource)) {
          expect(allowedResources, `${ws.name} ${resource}`).toContain(resource);
        }
      }
      const caller = m.role(account.key, "content");
      for (const bucket of buckets) {
        for (const action of allowedActions) {
          const ask = { action, resource: `arn:aws:s3:::${bucket}/a/b.txt` };
          expect(await m.decide(caller, ask), `${action} ${bucket}`).toBe("Allowed");
        }
        for (const action of ["s3:ListBucket", "s3:PutBucketPolicy"]) {
          expect(await m.decide(caller, { action, resource: `arn:aws:s3:::${bucket}` }), action).not.toBe("Allowed");
        }
      }
      const other = { action: "s3:GetObject", resource: "arn:aws:s3:::another-bucket/a" };
      expect(await m.decide(caller, other)).not.toBe("Allowed");
    });
  });
});

describe("developers in core accounts (three-regions: archive and audit have `developer`)", () => {
  const synth = synthesizeOnce({ file: fixtureFile("three-regions") });

  it("is the case under test", () => {
    expect(fourRoles(synth().of("archive")).has("developer")).toBe(true);
    expect(fourRoles(synth().of("audit")).has("developer")).toBe(true);
  });

  it("leaves the log-archive developer no way to disable or delete the CloudTrail key or replace its policy", async () => {
    const m = new PermissionModel(synth());
    const key = m.arn("archive", "log-key");
    for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"]) {
      expect(await m.decide(m.role("archive", "developer"), { action, resource: key }), action).not.toBe("Allowed");
    }
  });

  it("leaves the audit developer no way to close the organization's alert inbox", async () => {
    const m = new PermissionModel(synth());
    const account = synth().account("audit");
    // PutPermission and RemovePermission take no resource (the evaluator refuses a bus ARN for them, as IAM ignores one).
    for (const region of account.regions) {
      for (const action of ["events:RemovePermission", "events:PutPermission"]) {
        const decision = await m.decide(m.role("audit", "developer"), { action, resource: "*", region });
        expect(decision, `${action} ${region}`).not.toBe("Allowed");
      }
      const bus = `arn:aws:events:${region}:${account.id}:event-bus/default`;
      const deletion = await m.decide(m.role("audit", "developer"), { action: "events:DeleteEventBus", resource: bus });
      expect(deletion, `events:DeleteEventBus ${region}`).not.toBe("Allowed");
    }
  });
});
