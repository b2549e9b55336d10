/**
 * The permission model, proven with an independent IAM evaluator: every row asks the
 * synthesized policies one question (who, which action, on what, where) and states the
 * decision docs/access.md promises. The example inventory and three-regions are both asked.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, accessListings, groupListings } from "../../inventory/model.js";
import { type BaselineResource, type Caller, type Decision, PermissionModel } from "./simulate.js";
import { EXAMPLE_FILE, fixtureFile, type Synthesized, synthesizeEachOnce } from "./support.js";

/** The four roles, the execution role, a Slack channel's role and the root user. */
type Who = "administrator" | "developer" | "operator" | "content" | "execution role" | "channel" | "root user";

/** One capability: a request, and who may make it. */
interface Capability {
  /** What it is, as the docs table says it. */
  readonly what: string;
  readonly action: string;
  readonly resource: BaselineResource | ((m: PermissionModel, account: Account) => string);
  /** Who is allowed; everyone else is denied. */
  readonly allowed: readonly Who[];
  readonly context?: (m: PermissionModel, account: Account) => Record<string, string>;
  /** A region to ask in, when not the account's home region. */
  readonly region?: (m: PermissionModel, account: Account) => string | undefined;
  /** Only asked where this holds (a guardrail that is on). */
  readonly when?: (s: Synthesized, account: Account) => boolean;
}

const protect = (s: Synthesized) => s.organization.inventory.organization.guardrails.protectBaseline;
/** Where the root user is denied everything, ordinary work is a question of the roles alone. */
const rootDenied = (s: Synthesized) => s.organization.inventory.organization.guardrails.denyRootUser;
const BASELINE_ONLY: readonly Who[] = ["execution role"];
const boundaryArn = (m: PermissionModel, a: Account) =>
  `arn:aws:iam::${a.id}:policy/${m.synth.organization.inventory.organization.name}-developer-boundary`;
const roleArn = (name: string) => (_: PermissionModel, a: Account) => `arn:aws:iam::${a.id}:role/${name}`;
const executionRoleArn = (m: PermissionModel, a: Account) =>
  `arn:aws:iam::${a.id}:role/${m.synth.organization.inventory.organization.executionRoleName}`;
/** A governed region the account itself does not govern, if there is one. */
const ungoverned = (m: PermissionModel, a: Account) =>
  m.synth.organization.inventory.organization.regions.find((r) => !a.regions.includes(r));

/** What each role may do in its account. The sentence in docs/access.md that each row checks is its `what`. */
const CAPABILITIES: readonly Capability[] = [
  // The baseline: only the execution role, never a person, however privileged.
  ...(
    [
      ["stop the CloudTrail trail", "cloudtrail:StopLogging", "trail"],
      ["delete the CloudTrail trail", "cloudtrail:DeleteTrail", "trail"],
      ["change what the trail records", "cloudtrail:PutEventSelectors", "trail"],
      ["stop the Config recorder", "config:StopConfigurationRecorder", "config-recorder"],
      ["delete a Config rule", "config:DeleteConfigRule", "config-rule"],
      ["rewrite a Config rule", "config:PutConfigRule", "config-rule"],
      ["delete the GuardDuty detector", "guardduty:DeleteDetector", "detector"],
      ["suspend the GuardDuty detector", "guardduty:UpdateDetector", "detector"],
      ["hide GuardDuty findings with a suppression filter", "guardduty:CreateFilter", "guardduty-filter"],
      ["delete VPC flow logs", "ec2:DeleteFlowLogs", "flow-log"],
      ["delete the alert topic", "sns:DeleteTopic", "alert-topic"],
      ["unsubscribe from the alert topic", "sns:Unsubscribe", "alert-topic"],
      ["change the alert topic's policy", "sns:SetTopicAttributes", "alert-topic"],
      ["disable an alert rule", "events:DisableRule", "alert-rule"],
      ["remove an alert rule's targets", "events:RemoveTargets", "alert-rule"],
    ] as const
  ).map(([what, action, resource]) => ({ what, action, resource, allowed: BASELINE_ONLY, when: protect })),
  {
    what: "trust IP addresses in GuardDuty",
    action: "guardduty:CreateIPSet",
    resource: () => "*",
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "rewrite the execution role's trust policy",
    action: "iam:UpdateAssumeRolePolicy",
    resource: executionRoleArn,
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "attach a policy to the execution role",
    action: "iam:AttachRolePolicy",
    resource: executionRoleArn,
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "delete the execution role",
    action: "iam:DeleteRole",
    resource: executionRoleArn,
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "rewrite the administrator role's trust policy",
    action: "iam:UpdateAssumeRolePolicy",
    resource: roleArn("administrator"),
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "add a policy to the developer role",
    action: "iam:PutRolePolicy",
    resource: roleArn("developer"),
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "widen the developer boundary",
    action: "iam:CreatePolicyVersion",
    resource: boundaryArn,
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "create an IAM user",
    action: "iam:CreateUser",
    resource: (_, a) => `arn:aws:iam::${a.id}:user/someone`,
    allowed: BASELINE_ONLY,
    when: protect,
  },
  {
    what: "create an access key",
    action: "iam:CreateAccessKey",
    resource: (_, a) => `arn:aws:iam::${a.id}:user/someone`,
    allowed: BASELINE_ONLY,
    when: protect,
  },
  // Ordinary work.
  {
    what: "run an instance in a region the account governs",
    action: "ec2:RunInstances",
    resource: "instance",
    allowed: ["administrator", "developer", "execution role", "root user"],
    when: (s) => !s.organization.inventory.organization.guardrails.denyRootUser,
  },
  {
    what: "run an instance in a region the account governs",
    action: "ec2:RunInstances",
    resource: "instance",
    allowed: ["administrator", "developer", "execution role"],
    when: rootDenied,
  },
  {
    what: "run an instance in a governed region the account itself does not govern",
    action: "ec2:RunInstances",
    resource: (m, a) => m.arn(a.key, "instance", ungoverned(m, a)),
    region: ungoverned,
    allowed: ["execution role"],
    when: (s, a) =>
      s.organization.inventory.organization.guardrails.restrictRegions &&
      s.organization.inventory.organization.regions.some((r) => !a.regions.includes(r)),
  },
  {
    what: "run an instance outside the organization's regions",
    action: "ec2:RunInstances",
    resource: (m, a) => m.arn(a.key, "instance", "sa-east-1"),
    region: () => "sa-east-1",
    allowed: [],
    when: (s) => s.organization.inventory.organization.guardrails.restrictRegions,
  },
  {
    what: "read a table's data",
    action: "dynamodb:Scan",
    resource: "data-table",
    allowed: ["administrator", "developer", "operator", "execution role"],
    when: rootDenied,
  },
  {
    what: "start a stopped instance",
    action: "ec2:StartInstances",
    resource: "instance",
    allowed: ["administrator", "developer", "operator", "execution role"],
    when: rootDenied,
  },
  {
    what: "create a function",
    action: "lambda:CreateFunction",
    resource: "function",
    allowed: ["administrator", "developer", "execution role"],
    when: rootDenied,
  },
  {
    what: "create a workload role with the developer boundary",
    action: "iam:CreateRole",
    resource: "workload-role",
    context: (m, a) => ({ "iam:PermissionsBoundary": boundaryArn(m, a) }),
    allowed: ["administrator", "developer", "execution role"],
    when: rootDenied,
  },
  {
    what: "create a workload role without the developer boundary",
    action: "iam:CreateRole",
    resource: "workload-role",
    allowed: ["administrator", "execution role"],
    when: rootDenied,
  },
  {
    what: "pass a workload role to a service",
    action: "iam:PassRole",
    resource: "workload-role",
    allowed: ["administrator", "developer", "execution role"],
    when: rootDenied,
  },
  {
    what: "pass the administrator role to a service",
    action: "iam:PassRole",
    resource: roleArn("administrator"),
    allowed: ["administrator", "execution role"],
    when: rootDenied,
  },
  {
    what: "show an alarm's metrics",
    action: "cloudwatch:GetMetricData",
    resource: () => "*",
    allowed: ["administrator", "developer", "operator", "execution role", "channel"],
    when: rootDenied,
  },
  {
    what: "read an object of any bucket",
    action: "s3:GetObject",
    resource: () => "arn:aws:s3:::someone-elses-data/report.csv",
    allowed: ["administrator", "developer", "operator", "execution role"],
    when: rootDenied,
  },
  {
    what: "put an object into its content buckets",
    action: "s3:PutObject",
    resource: (m, a) =>
      `arn:aws:s3:::${m.synth.organization.inventory.accounts[a.key].access?.content?.buckets[0] ?? "no-content-bucket"}/index.html`,
    allowed: ["administrator", "developer", "content", "execution role"],
    when: (s, a) =>
      s.organization.inventory.organization.guardrails.denyRootUser &&
      s.organization.inventory.accounts[a.key].access?.content !== undefined,
  },
  {
    what: "leave the organization",
    action: "organizations:LeaveOrganization",
    resource: () => "*",
    allowed: [],
    when: (s) =>
      s.organization.inventory.organization.guardrails.denyLeaveOrganization &&
      s.organization.inventory.organization.guardrails.denyRootUser,
  },
];

/** The callers of an account: the roles it has, the execution role, its Slack channel roles and its root user. */
function callers(m: PermissionModel, account: Account): [Who, Caller][] {
  const ws = m.synth.of(account.key);
  const roles = (["administrator", "developer", "operator", "content"] as const).filter((name) =>
    ws.resources("aws_iam_role").some(([, r]) => r.name === name),
  );
  // Identity Center: the permission sets the account's groups are given, asked the same questions.
  const permissionSets = groupListings(account.groups).map(({ role }) => role);
  const channels = ws
    .resources("aws_iam_role")
    .filter(([, r]) => String(r.name).endsWith("-chatbot"))
    .map(([, r]) => r.name as string);
  return [
    ...roles.map((name) => [name, m.role(account.key, name)] as [Who, Caller]),
    ...permissionSets.map((name) => [name, m.permissionSet(account.key, name)] as [Who, Caller]),
    ["execution role", m.executionRole(account.key)],
    ...channels.map((name) => ["channel", m.role(account.key, name, { mfa: false, label: name })] as [Who, Caller]),
    ["root user", m.root(account.key)],
  ];
}

/** One question of the matrix, and its answer. */
interface Row {
  readonly inventory: string;
  readonly account: string;
  readonly who: Who;
  readonly caller: Caller;
  readonly what: string;
  readonly action: string;
  readonly resource: string;
  readonly region?: string;
  readonly context?: Record<string, string>;
  readonly expected: "allow" | "deny";
}

function rowsOf(inventory: string, m: PermissionModel): Row[] {
  const rows: Row[] = [];
  for (const account of m.synth.accountsWithWorkspace.filter((a) => a.type !== "management")) {
    for (const [who, caller] of callers(m, account)) {
      for (const capability of CAPABILITIES) {
        if (capability.when && !capability.when(m.synth, account)) continue;
        const resource =
          typeof capability.resource === "function"
            ? capability.resource(m, account)
            : m.arn(account.key, capability.resource);
        rows.push({
          inventory,
          account: account.key,
          who,
          caller,
          what: capability.what,
          action: capability.action,
          resource,
          region: capability.region?.(m, account),
          context: capability.context?.(m, account),
          expected: capability.allowed.includes(who) ? "allow" : "deny",
        });
      }
    }
  }
  return rows;
}

/** Who may assume each role: the listed principals, with MFA where required; nobody else. */
function trustRows(inventory: string, m: PermissionModel): Row[] {
  const org = m.synth.organization.inventory.organization;
  const rows: Row[] = [];
  const outsider = m.foreignRole("000000000001", "attacker", { inOrganization: false });
  for (const account of m.synth.accountsWithWorkspace) {
    for (const { role, principals: listed } of accessListings(account.access)) {
      const requireMfa =
        role === "content" ? (account.access?.content?.requireMfa ?? org.identity.requireMfa) : org.identity.requireMfa;
      const resource = `arn:aws:iam::${account.id}:role/${role}`;
      const ask = (caller: Caller, what: string, expected: "allow" | "deny") =>
        rows.push({
          inventory,
          account: account.key,
          who: role as Who,
          caller,
          what,
          action: "sts:AssumeRole",
          resource,
          expected,
        });
      for (const principal of listed) {
        const arn = principal.startsWith("arn:") ? principal : undefined;
        const named = (mfa: boolean) =>
          arn
            ? m.foreignRole(arn.split(":")[4], arn.split("/").at(-1) ?? "", { mfa })
            : m.identityRole(principal, { mfa });
        if (arn?.includes(":user/")) continue;
        ask(named(true), `assume ${role} as ${principal}, listed, with MFA`, "allow");
        ask(named(false), `assume ${role} as ${principal}, listed, without MFA`, requireMfa ? "deny" : "allow");
      }
      ask(
        m.identityRole("someone-unlisted"),
        `assume ${role} as a role of the identity account that is not listed`,
        "deny",
      );
      ask(outsider, `assume ${role} from outside the organization`, "deny");
    }
  }
  return rows;
}

/** The log archive's key and CloudTrail bucket: nobody disables or deletes the key; nobody deletes a log. */
function logArchiveRows(inventory: string, m: PermissionModel): Row[] {
  const archive = m.synth.organization.accounts.find((a) => a.type === "log-archive");
  if (!archive) return [];
  const key = m.arn(archive.key, "log-key");
  const object = m.arn(archive.key, "trail-bucket-object");
  const rows: Row[] = [];
  const ask = (who: Who, caller: Caller, what: string, action: string, resource: string, expected: "allow" | "deny") =>
    rows.push({ inventory, account: archive.key, who, caller, what, action, resource, expected });
  const exec = m.executionRole(archive.key);
  const guarded = m.synth.organization.inventory.organization.guardrails.protectBaseline;
  ask(
    "execution role",
    exec,
    "schedule the CloudTrail key's deletion",
    "kms:ScheduleKeyDeletion",
    key,
    guarded ? "deny" : "allow",
  );
  ask("execution role", exec, "disable the CloudTrail key", "kms:DisableKey", key, guarded ? "deny" : "allow");
  ask("execution role", exec, "replace the CloudTrail key's policy", "kms:PutKeyPolicy", key, "allow");
  ask("execution role", exec, "delete a CloudTrail log", "s3:DeleteObject", object, "deny");
  ask("execution role", exec, "delete a version of a CloudTrail log", "s3:DeleteObjectVersion", object, "deny");
  for (const [who, caller] of callers(m, archive).filter(([w]) => w !== "execution role")) {
    ask(who, caller, "schedule the CloudTrail key's deletion", "kms:ScheduleKeyDeletion", key, "deny");
    ask(who, caller, "replace the CloudTrail key's policy", "kms:PutKeyPolicy", key, "deny");
    ask(who, caller, "delete a CloudTrail log", "s3:DeleteObject", object, "deny");
  }
  for (const member of m.synth.accountsWithWorkspace.filter((a) => a.type === "workload")) {
    for (const [who, caller] of callers(m, member).filter(([w]) => w === "administrator" || w === "execution role")) {
      ask(who, caller, "read another account's CloudTrail logs", "s3:GetObject", object, "deny");
      ask(who, caller, "write into the CloudTrail bucket", "s3:PutObject", object, "deny");
      ask(who, caller, "disable the CloudTrail key", "kms:DisableKey", key, "deny");
    }
    // Every workspace reads the key by alias (data "aws_kms_key"): the key policy grants it to the organization.
    ask("execution role", m.executionRole(member.key), "read the CloudTrail key", "kms:DescribeKey", key, "allow");
  }
  const outsider = m.foreignRole("000000000001", "attacker", { inOrganization: false });
  ask("root user", outsider, "read the CloudTrail key from outside the organization", "kms:DescribeKey", key, "deny");
  return rows;
}

/** The account whose answers make the table of docs/access.md: it has all four roles and a Slack channel. */
const TABLE_ACCOUNT = "prod-payments-api";
const ACCESS_DOC = new URL("../../docs/access.md", import.meta.url);
const TABLE_START = "<!-- permissions table: generated by __tests__/synth/permissions.test.ts -->";
const TABLE_END = "<!-- end of permissions table -->";
const COLUMNS: readonly [Who, string][] = [
  ["administrator", "administrator"],
  ["developer", "developer"],
  ["operator", "operator"],
  ["content", "content"],
  ["channel", "Slack channel member"],
  ["execution role", "execution role"],
  ["root user", "root user"],
];

/** The Markdown table of what each caller may do, from the evaluator's answers for one account. */
function renderTable(answers: readonly { row: Row; got: "allow" | "deny" }[]): string {
  const whats = [...new Set(answers.map((a) => a.row.what))];
  const cell = (what: string, who: Who) => {
    const found = answers.filter((a) => a.row.what === what && a.row.who === who);
    if (found.length === 0) return "";
    return found.every((a) => a.got === "allow") ? "yes" : found.every((a) => a.got === "deny") ? "no" : "some";
  };
  const lines = [
    `| May ... | ${COLUMNS.map(([, title]) => title).join(" | ")} |`,
    `| --- | ${COLUMNS.map(() => "---").join(" | ")} |`,
    ...whats.map((what) => `| ${what} | ${COLUMNS.map(([who]) => cell(what, who)).join(" | ")} |`),
  ];
  return `${lines.join("\n")}\n`;
}

const verdict = (decision: Decision) => (decision === "Allowed" ? "allow" : "deny");

const synths = synthesizeEachOnce({
  "accounts.yaml": { file: EXAMPLE_FILE },
  "three-regions": { file: fixtureFile("three-regions") },
  "identity-center": { file: fixtureFile("identity-center") },
});

describe("the permission model, evaluated by iam-simulate", () => {
  const decided: { row: Row; got: "allow" | "deny" }[] = [];

  beforeAll(async () => {
    for (const [inventory, synth] of Object.entries(synths)) {
      const model = new PermissionModel(synth());
      for (const row of [
        ...rowsOf(inventory, model),
        ...trustRows(inventory, model),
        ...logArchiveRows(inventory, model),
      ]) {
        const decision = await model.decide(row.caller, {
          action: row.action,
          resource: row.resource,
          region: row.region,
          context: row.context,
        });
        decided.push({ row, got: verdict(decision) });
      }
    }
  }, 300_000);

  it("asks at least 150 well-formed questions of each inventory, permission sets included", () => {
    expect(decided.length).toBeGreaterThanOrEqual(450);
    expect(new Set(decided.map((d) => d.row.inventory)).size).toBe(3);
    const ofPermissionSets = decided.filter((d) => d.row.caller.principalArn.includes("AWSReservedSSO_"));
    expect(new Set(ofPermissionSets.map((d) => d.row.who))).toEqual(
      new Set(["administrator", "developer", "operator", "content"]),
    );
  });

  it("is the table of docs/access.md, row for row (UPDATE_DOCS=1 rewrites it)", () => {
    const table = renderTable(
      // Who may assume each role is its own question, answered in the rows of the matrix, not in this table.
      decided.filter(
        (d) =>
          d.row.inventory === "accounts.yaml" && d.row.account === TABLE_ACCOUNT && d.row.action !== "sts:AssumeRole",
      ),
    );
    const doc = readFileSync(ACCESS_DOC, "utf8");
    const [before, rest] = doc.split(TABLE_START);
    const after = rest?.split(TABLE_END)[1];
    if (after === undefined) throw new Error(`docs/access.md has no ${TABLE_START} ... ${TABLE_END} section`);
    if (process.env.UPDATE_DOCS) writeFileSync(ACCESS_DOC, `${before}${TABLE_START}\n${table}${TABLE_END}${after}`);
    // Compared cell by cell: a Markdown formatter may pad the columns.
    const cells = (text: string) =>
      text
        .trim()
        .split("\n")
        .map((line) => line.split("|").map((c) => c.trim().replace(/^-+$/, "---")));
    expect(cells(rest.split(TABLE_END)[0])).toEqual(cells(table));
  });

  it("answers every question as docs/access.md promises", () => {
    const wrong = decided
      .filter((d) => d.got !== d.row.expected)
      .map(
        (d) =>
          `${d.row.inventory} ${d.row.account}: ${d.row.caller.label} may${d.row.expected === "deny" ? " not" : ""} ${d.row.what} (${d.row.action} ${d.row.resource}), but the evaluator says ${d.got}`,
      );
    expect(wrong).toEqual([]);
  });
});
