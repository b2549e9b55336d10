import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../cli/args.js";
import { commentCommand, readPlans } from "../../cli/comment.js";
import {
  COMMENT_MARKER,
  MAX_COMMENT_CHARS,
  renderComment,
  sensitivity,
  type WorkspacePlan,
} from "../../review/comment.js";
import { OVERRIDE_HINT } from "../../review/destroy-guard.js";
import type { ResourceChangeJson } from "../../review/plan-json.js";

/**
 * Plans folders as the plan command writes them, one per scenario (`<workspace>.json` from
 * `terraform show -json`, `<workspace>.error.txt`, `removed.txt`, `destroy-allowed`).
 */
const PLANS = fileURLToPath(new URL("../fixtures/plans/", import.meta.url));
const RUN_URL = "https://github.com/acme/aws-accounts/actions/runs/14230961";

/** The comment for a fixture folder, rendered as CI does. */
function render(scenario: string): string {
  const { plans, removed, destroyAllowed } = readPlans(join(PLANS, scenario));
  return renderComment(plans, { removed, destroyAllowed, plansLocation: RUN_URL });
}

const TABLE_HEADER = ["| Workspace | Add | Change | Destroy | Replace | Import |", "|---|--:|--:|--:|--:|--:|"];

/** The lines of `text` from the first that equals `first`, `count` of them. */
function linesFrom(text: string, first: string, count: number): string[] {
  const lines = text.split("\n");
  const at = lines.indexOf(first);
  if (at < 0) throw new Error(`no line ${JSON.stringify(first)} in:\n${text}`);
  return lines.slice(at, at + count);
}

/** A plan of `n` changes, every third a create and the rest updates, in the shape `terraform show -json` writes. */
function longPlan(n: number): WorkspacePlan["plan"] {
  const types = ["aws_iam_role", "aws_config_config_rule", "aws_sns_topic_subscription", "aws_cloudwatch_event_target"];
  const resource_changes: ResourceChangeJson[] = Array.from({ length: n }, (_, i) => {
    const type = types[i % types.length];
    const name = `ap-northeast-1_generated-${String(i).padStart(4, "0")}`;
    return {
      address: `${type}.${name}`,
      mode: "managed",
      type,
      name,
      change: { actions: [i % 3 ? "update" : "create"] },
    };
  });
  return { format_version: "1.2", resource_changes };
}

describe("renderComment: what a reviewer reads first", () => {
  it.each([
    "create-only",
    "destroy-log-bucket",
    "replace-iam-role",
    "account-retired",
    "destroy-allowed",
    "onboarding",
  ])("starts %s with the hidden marker, then the title", (scenario) => {
    const lines = render(scenario).split("\n");
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(lines[0]).toBe("<!-- fleetfile-plan -->");
    expect(lines[1]).toMatch(/^## fleetfile plan: /);
  });

  it("lists a create-only plan in one row and one folded change list, no warning", () => {
    const text = render("create-only");
    expect(text.split("\n").slice(0, 7)).toEqual([
      COMMENT_MARKER,
      "## fleetfile plan: 1 workspace to change, 2 unchanged, 0 failed",
      "",
      ...TABLE_HEADER,
      "| `acme-tfc-bootstrap` | 3 | 0 | 0 | 0 | 0 |",
      "",
    ]);
    expect(linesFrom(text, "<details><summary><code>acme-tfc-bootstrap</code>: 3 to add</summary>", 8)).toEqual([
      "<details><summary><code>acme-tfc-bootstrap</code>: 3 to add</summary>",
      "",
      "```diff",
      "+   tfe_variable.prod-data-api_tfc-aws-provider-auth_1FC667B8",
      "+   tfe_variable.prod-data-api_tfc-aws-run-role-arn_5AE2C8DA",
      "+   tfe_workspace.prod-data-api_F7D7072E",
      "```",
      "</details>",
    ]);
    expect(text).not.toContain("[!CAUTION]");
    expect(text).not.toContain("[!NOTE]");
  });

  it("counts unchanged workspaces without listing them", () => {
    const text = render("create-only");
    expect(text).toContain(`\n2 workspaces unchanged. Full plans: ${RUN_URL}.\n`);
    expect(text).not.toContain("acme-audit");
    expect(text).not.toContain("acme-network");
  });

  it("says there is nothing to change when every plan is a no-op", () => {
    const plans = readPlans(join(PLANS, "create-only")).plans.filter((p) => p.workspace !== "acme-tfc-bootstrap");
    expect(renderComment(plans, { plansLocation: RUN_URL })).toBe(
      [
        COMMENT_MARKER,
        "## fleetfile plan: 0 workspaces to change, 2 unchanged, 0 failed",
        "",
        "Nothing to change.",
        "",
        `2 workspaces unchanged. Full plans: ${RUN_URL}.`,
        "",
      ].join("\n"),
    );
  });

  it("puts the destroy of a log bucket in a CAUTION block first, with the destroy guard's message", () => {
    const text = render("destroy-log-bucket");
    const lines = text.split("\n");
    expect(lines.slice(0, 6)).toEqual([
      COMMENT_MARKER,
      "## fleetfile plan: 1 workspace to change, 0 unchanged, 0 failed",
      "",
      "> [!CAUTION]",
      "> **9 resources would be destroyed or replaced**, 9 of them security-sensitive:",
      "> - `acme-log-archive`: **delete** `aws_s3_bucket.log-archive_access-log-bucket` (log bucket)",
    ]);
    expect(lines).toContain(
      "> **The destroy guard stopped this plan**: 1 protected resource(s) (accounts, log buckets, the log key, trails) " +
        `would be lost; ${OVERRIDE_HINT}.`,
    );
    expect(lines.indexOf("> [!CAUTION]")).toBeLessThan(lines.indexOf(TABLE_HEADER[0]));
    expect(lines).toContain("| `acme-log-archive` | 0 | 0 | 9 | 0 | 0 |");
    expect(lines).toContain("-   aws_s3_bucket.log-archive_access-log-bucket");
  });

  it("says the guard was overridden when the run was allowed to destroy", () => {
    const text = render("destroy-allowed");
    expect(text.split("\n").slice(3, 8)).toEqual([
      "> [!CAUTION]",
      "> **1 resource would be destroyed or replaced**, 1 of them security-sensitive:",
      "> - `acme-audit`: **replace** `aws_cloudtrail.trail` (trail)",
      ">",
      "> The destroy guard was overridden for 1 protected resource(s) (accounts, log buckets, the log key, trails).",
    ]);
    expect(text).not.toContain("stopped this plan");
  });

  it("warns of the replacement of an IAM role without invoking the guard", () => {
    const text = render("replace-iam-role");
    expect(text.split("\n").slice(3, 7)).toEqual([
      "> [!CAUTION]",
      "> **2 resources would be destroyed or replaced**, 2 of them security-sensitive:",
      "> - `acme-prod-payments-api`: **replace** `aws_iam_role.access_developer` (IAM)",
      "> - `acme-prod-payments-api`: **replace** `aws_iam_role_policy_attachment.access_developer-PowerUserAccess` (IAM)",
    ]);
    expect(text).not.toContain("destroy guard");
    expect(text).toContain("\n| `acme-prod-payments-api` | 0 | 0 | 0 | 2 | 0 |\n");
    expect(text).toContain("\n-/+ aws_iam_role.access_developer\n");
  });

  it("shows a failed plan in the table and its error, unfolded from Terraform's output", () => {
    const text = render("account-retired");
    const lines = text.split("\n");
    expect(lines[1]).toBe("## fleetfile plan: 1 workspace to change, 0 unchanged, 1 failed");
    expect(linesFrom(text, TABLE_HEADER[0], 4)).toEqual([
      ...TABLE_HEADER,
      "| `acme-management` | ❌ plan failed | | | | |",
      "| `acme-tfc-bootstrap` | 0 | 0 | 3 | 0 | 0 |",
    ]);
    expect(linesFrom(text, "<details><summary><code>acme-management</code>: plan failed</summary>", 5)).toEqual([
      "<details><summary><code>acme-management</code>: plan failed</summary>",
      "",
      "```text",
      "terraform plan -input=false -no-color -out=tfplan in /home/runner/work/fleetfile/fleetfile/head/stacks/acme-management exited 1:",
      "Error: Instance cannot be destroyed",
    ]);
    expect(lines).toContain('Resource aws_organizations_account.accounts["dev-data-lake"] has');
  });

  it("names the workspaces no longer in the inventory", () => {
    expect(render("account-retired")).toContain(
      "\n**No longer in the inventory:** `acme-dev-data-lake`. Their resources stay where they are; " +
        "nothing is destroyed by dropping a workspace.\n",
    );
  });

  // Bug (review/plan-json.ts, actionOf): an import that also changes attributes is
  // ["update"] with `importing` set; it is read as a plain update, so the Import column and
  // the change list never show it (Terraform itself says "1 to import, 1 to change").
  it.fails("counts an import that also updates as an import as well as a change", () => {
    expect(render("onboarding")).toContain("\n| `acme-management` | 0 | 1 | 0 | 0 | 1 |\n");
  });
});

describe("the onboarding pull request, as a reviewer reads it", () => {
  const text = render("onboarding");

  it("totals the four affected workspaces and lists each in the table", () => {
    expect(text.split("\n").slice(1, 9)).toEqual([
      "## fleetfile plan: 4 workspaces to change, 0 unchanged, 0 failed",
      "",
      ...TABLE_HEADER,
      "| `acme-management` | 0 | 1 | 0 | 0 | 0 |",
      "| `acme-prod-data-api` | 40 | 0 | 0 | 0 | 0 |",
      "| `acme-prod-payments-api` | 0 | 1 | 0 | 0 | 0 |",
      "| `acme-tfc-bootstrap` | 3 | 0 | 0 | 0 | 0 |",
    ]);
    expect(text).not.toContain("[!CAUTION]");
  });

  it("shows the trust-policy change of the developer role in its workspace's list", () => {
    expect(linesFrom(text, "<details><summary><code>acme-prod-payments-api</code>: 1 to change</summary>", 5)).toEqual([
      "<details><summary><code>acme-prod-payments-api</code>: 1 to change</summary>",
      "",
      "```diff",
      "~   aws_iam_role.access_developer",
      "```",
    ]);
  });

  // A snapshot beside the assertions above: the Markdown that was rendered to HTML and
  // looked at. It shows the import of prod-data-api as a plain change (see the bug above);
  // re-render it when that is fixed.
  it("renders exactly the Markdown kept beside the fixture", () => {
    expect(text).toBe(readFileSync(join(PLANS, "onboarding.md"), "utf8"));
  });
});

describe("renderComment: size", () => {
  const fleet = Array.from({ length: 300 }, (_, i) => ({
    workspace: `acme-workload-${String(i).padStart(3, "0")}`,
    plan: longPlan(400),
  }));
  const text = renderComment(fleet, { plansLocation: RUN_URL });
  const lines = text.split("\n");

  it("stays under GitHub's limit with 300 workspaces of 400 changes each", () => {
    expect(MAX_COMMENT_CHARS).toBe(65_000);
    expect(text.length).toBeLessThanOrEqual(65_000);
    expect(lines[1]).toBe("## fleetfile plan: 300 workspaces to change, 0 unchanged, 0 failed");
  });

  it("still lists every changed workspace in the table", () => {
    expect(linesFrom(text, TABLE_HEADER[0], 3)).toEqual([
      ...TABLE_HEADER,
      "| `acme-workload-000` | 134 | 266 | 0 | 0 | 0 |",
    ]);
    expect(lines.filter((l) => /^\| `acme-workload-\d{3}` \| 134 \| 266 \| 0 \| 0 \| 0 \|$/.test(l))).toHaveLength(300);
  });

  it("says what was cut, consistently with what it shows, and where the full plans are", () => {
    const blocks = lines.filter((l) => l.startsWith("<details><summary>")).length;
    const shortened = lines.filter((l) => /^… \d+ more line\(s\) cut$/.test(l)).length;
    expect(blocks).toBeGreaterThan(0);
    expect(lines).toContain("> [!NOTE]");
    expect(lines).toContain(
      `> To stay within GitHub's comment size, ${shortened} change list(s) were shortened and ` +
        `${300 - blocks} workspace(s) left out. Full plans: ${RUN_URL}.`,
    );
  });

  it("shortens every list, and leaves none out, when a few workspaces have huge plans", () => {
    const few = renderComment(
      ["acme-a", "acme-b", "acme-c"].map((workspace) => ({ workspace, plan: longPlan(5000) })),
      { plansLocation: RUN_URL },
    );
    expect(few.length).toBeLessThanOrEqual(65_000);
    expect(few).toContain(
      `> To stay within GitHub's comment size, 3 change list(s) were shortened. Full plans: ${RUN_URL}.`,
    );
    expect(few.match(/^… \d+ more line\(s\) cut$/gm)).toHaveLength(3);
  });

  it("says how many workspaces there are when even the table would not fit", () => {
    const many = Array.from({ length: 1200 }, (_, i) => ({
      workspace: `acme-workload-${String(i).padStart(4, "0")}`,
      plan: longPlan(3),
    }));
    const big = renderComment(many, { plansLocation: RUN_URL });
    expect(big.length).toBeLessThanOrEqual(65_000);
    expect(big).toContain("\n| … | 1200 workspaces in all; see the full plans | | | | |\n");
    expect(big).toContain("\n| `acme-workload-0000` | 1 | 2 | 0 | 0 | 0 |\n");
  });

  it("honours a smaller maxChars", () => {
    const small = renderComment(fleet.slice(0, 20), { plansLocation: RUN_URL, maxChars: 10_000 });
    expect(small.length).toBeLessThanOrEqual(10_000);
    expect(small).toContain("| `acme-workload-019` | 134 | 266 | 0 | 0 | 0 |");
  });
});

describe("renderComment: the warning list", () => {
  it("calls every type of the baseline's sensitive resources by what it is", () => {
    expect(
      [
        "aws_organizations_account",
        "aws_s3_bucket",
        "aws_kms_key",
        "aws_cloudtrail",
        "aws_config_configuration_recorder",
        "aws_guardduty_detector",
        "aws_iam_role",
        "aws_organizations_policy",
        "aws_ec2_transit_gateway",
        "aws_ram_resource_share",
        "aws_sns_topic",
      ].map(sensitivity),
    ).toEqual([
      "account",
      "log bucket",
      "KMS key",
      "trail",
      "AWS Config",
      "GuardDuty",
      "IAM",
      "SCP",
      "Transit Gateway",
      "RAM share",
      undefined,
    ]);
  });

  it("lists at most 50 resources and says how many more", () => {
    const changes: ResourceChangeJson[] = Array.from({ length: 60 }, (_, i) => ({
      address: `aws_iam_role.role-${String(i).padStart(2, "0")}`,
      type: "aws_iam_role",
      mode: "managed",
      change: { actions: ["delete"] },
    }));
    const text = renderComment([{ workspace: "acme-audit", plan: { resource_changes: changes } }]);
    expect(text.split("\n").filter((l) => l.startsWith("> - `acme-audit`"))).toHaveLength(50);
    expect(text).toContain("\n> - … and 10 more\n");
  });

  // Bug (review/comment.ts, warningBlock, lines 103-115): protected resources are not put
  // before the merely sensitive ones, so past 50 entries the resource that made the guard
  // stop the plan hides in "… and N more" while the guard's line counts it without naming it.
  it.fails("names the resource that made the destroy guard stop, however long the list", () => {
    const iam: ResourceChangeJson[] = Array.from({ length: 60 }, (_, i) => ({
      address: `aws_iam_role.role-${String(i).padStart(2, "0")}`,
      type: "aws_iam_role",
      mode: "managed",
      change: { actions: ["delete", "create"] },
    }));
    const text = renderComment([
      { workspace: "acme-audit", plan: { resource_changes: iam } },
      {
        workspace: "acme-log-archive",
        plan: {
          resource_changes: [
            { address: "aws_kms_key.log-archive_key", type: "aws_kms_key", change: { actions: ["delete", "create"] } },
          ],
        },
      },
    ]);
    expect(text).toContain("\n> - `acme-log-archive`: **replace** `aws_kms_key.log-archive_key` (KMS key)\n");
  });
});

describe("readPlans", () => {
  it("reads plans, failed plans and removed workspaces from a plans folder", () => {
    const read = readPlans(join(PLANS, "account-retired"));
    const byName = [...read.plans].sort((a, b) => a.workspace.localeCompare(b.workspace));
    expect(byName.map((p) => [p.workspace, p.plan ? "plan" : "error"])).toEqual([
      ["acme-management", "error"],
      ["acme-tfc-bootstrap", "plan"],
    ]);
    expect(byName[0].error).toBe(readFileSync(join(PLANS, "account-retired/acme-management.error.txt"), "utf8"));
    expect(byName[1].plan?.format_version).toBe("1.2");
    expect(read.removed).toEqual(["acme-dev-data-lake"]);
    expect(read.destroyAllowed).toBe(false);
  });

  it("reads the override marker, and does not take it for a plan", () => {
    const read = readPlans(join(PLANS, "destroy-allowed"));
    expect(read.plans.map((p) => p.workspace)).toEqual(["acme-audit"]);
    expect(read.removed).toEqual([]);
    expect(read.destroyAllowed).toBe(true);
  });
});

describe("the comment command", () => {
  let scratch: string | undefined;

  afterEach(() => {
    vi.restoreAllMocks();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it("writes the Markdown of a plans folder to --out, with --plans-url as where the full plans are", () => {
    scratch = mkdtempSync(join(tmpdir(), "fleetfile-comment-"));
    const out = join(scratch, "comment.md");
    expect(commentCommand(["--plans", join(PLANS, "account-retired"), "--out", out, "--plans-url", RUN_URL])).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(render("account-retired"));
  });

  it("writes to standard output without --out", () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    expect(commentCommand(["--plans", join(PLANS, "create-only")])).toBe(0);
    expect(written.join("")).toContain("Full plans: the plans artifact of this workflow run.");
  });

  it("fails when --plans is missing, saying what it needs", () => {
    expect(() => commentCommand([])).toThrow(new UsageError("comment needs --plans DIR (written by npm run plan)"));
  });
});
