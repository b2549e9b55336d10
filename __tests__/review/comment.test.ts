import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { commentCommand, NOT_AFFECTED_FILE, REMOVED_FILE, readPlans } from "../../cli/comment.js";
import {
  COMMENT_MARKER,
  errorHeadline,
  MAX_COMMENT_CHARS,
  NO_PLAN_ERROR,
  planLabel,
  renderComment,
  sensitivity,
  type WorkspacePlan,
  withMissingPlans,
} from "../../review/comment.js";
import { MARK_FILE, writeMark } from "../../review/output-folder.js";
import type { ResourceChangeJson } from "../../review/plan-json.js";
import { shardWorkspaces } from "../../review/shards.js";

/**
 * Plans folders as the plan command writes them, one per scenario (`<workspace>.json` from
 * `terraform show -json`, `<workspace>.error.txt`, `removed.txt`, `destroy-allowed`).
 */
const PLANS = fileURLToPath(new URL("../fixtures/plans/", import.meta.url));
const RUN_URL = "https://github.com/acme/aws-accounts/actions/runs/14230961";
/** How the comment points at {@link RUN_URL}. */
const FULL_PLANS = `Full plans: [the plans artifact](${RUN_URL}).`;

/** The comment for a fixture folder, rendered as CI does. */
function render(scenario: string): string {
  const { plans, removed, destroyAllowed } = readPlans(join(PLANS, scenario));
  return renderComment(plans, { removed, destroyAllowed, plansLocation: RUN_URL });
}

const TABLE_HEADER = [
  "| Workspace | Add | Change | Replace | Destroy | Forget | Import |",
  "|---|--:|--:|--:|--:|--:|--:|",
];

/**
 * A table row of the bootstrap workspace with " (new)" taken out: the renderer wrongly calls
 * it new (see "marks as new only a workspace whose state is empty"); every other cell is exact.
 */
function withoutNewMark(row: string | undefined): string | undefined {
  return row?.replace(/^(\| `acme-tfc-bootstrap`) \(new\)/, "$1");
}

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
    const lines = text.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      COMMENT_MARKER,
      "## fleetfile plan: 5 to add in 1 workspace",
      "",
      ...TABLE_HEADER,
    ]);
    expect(withoutNewMark(lines[5])).toBe("| `acme-tfc-bootstrap` | 5 |  |  |  |  |  |");
    expect(lines[6]).toBe("");
    expect(linesFrom(text, "<details><summary><code>acme-tfc-bootstrap</code>: 5 to add</summary>", 10)).toEqual([
      "<details><summary><code>acme-tfc-bootstrap</code>: 5 to add</summary>",
      "",
      "```diff",
      '+   tfe_variable.apply-role-arn["prod-data-api"]',
      '+   tfe_variable.plan-role-arn["prod-data-api"]',
      '+   tfe_variable.provider-auth["prod-data-api"]',
      '+   tfe_variable.var-fleetfile_access["prod-data-api"]',
      '+   tfe_workspace.workspaces["prod-data-api"]',
      "```",
      "</details>",
    ]);
    expect(text).not.toContain("[!CAUTION]");
    expect(text).not.toContain("[!NOTE]");
  });

  it("counts unchanged workspaces without listing them", () => {
    const text = render("create-only");
    expect(text).toContain(`\n2 workspaces planned with no changes. ${FULL_PLANS}\n`);
    expect(text).not.toContain("acme-audit");
    expect(text).not.toContain("acme-network");
  });

  it("says there is nothing to change when every plan is a no-op", () => {
    const plans = readPlans(join(PLANS, "create-only")).plans.filter((p) => p.workspace !== "acme-tfc-bootstrap");
    expect(renderComment(plans, { plansLocation: RUN_URL })).toBe(
      [
        COMMENT_MARKER,
        "## fleetfile plan: no changes",
        "",
        `2 workspaces planned with no changes. ${FULL_PLANS}`,
        "",
      ].join("\n"),
    );
  });

  it("puts the destroy of a log bucket in a CAUTION block first, with the destroy guard's message", () => {
    const text = render("destroy-log-bucket");
    const lines = text.split("\n");
    expect(lines.slice(0, 14)).toEqual([
      COMMENT_MARKER,
      "## fleetfile plan: 9 to destroy in 1 workspace",
      "",
      "> [!CAUTION]",
      "> **The destroy guard stops this plan.** It would lose 1 protected resource:",
      "> - `acme-log-archive`: **delete** `aws_s3_bucket.log-archive_access-log-bucket` (log bucket)",
      ">",
      "> What to do:",
      ">",
      "> - to go on deliberately, add the label `allow-destroy` to the pull request " +
        "(locally: `npm run plan -- --allow-destroy`);",
      "> - to retire an account, follow docs/access.md (Retiring an account).",
      ">",
      "> **8 other resources would be destroyed or replaced**, 8 of them security-sensitive:",
      "> - `acme-log-archive`: **delete** `aws_s3_bucket_lifecycle_configuration.log-archive_access-log-bucket_lifecycle` " +
        "(log bucket setting)",
    ]);
    expect(lines.filter((l) => l.startsWith("> - `acme-log-archive`"))).toHaveLength(9);
    expect(lines.indexOf("> [!CAUTION]")).toBeLessThan(lines.indexOf(TABLE_HEADER[0]));
    expect(lines).toContain("| `acme-log-archive` |  |  |  | 9 |  |  |");
    expect(lines).toContain("-   aws_s3_bucket.log-archive_access-log-bucket");
  });

  it("says the guard was overridden when the run was allowed to destroy", () => {
    const text = render("destroy-allowed");
    expect(text.split("\n").slice(3, 7)).toEqual([
      "> [!CAUTION]",
      "> **The destroy guard was overridden** for 1 protected resource:",
      "> - `acme-audit`: **replace** `aws_cloudtrail.trail` (trail)",
      "",
    ]);
    expect(text).not.toContain("stops this plan");
    expect(text).not.toContain("`allow-destroy`");
  });

  it("warns of the replacement of an IAM role without invoking the guard", () => {
    const text = render("replace-iam-role");
    expect(text.split("\n").slice(3, 8)).toEqual([
      "> [!CAUTION]",
      "> **2 resources would be destroyed or replaced**, 2 of them security-sensitive:",
      "> - `acme-prod-payments-api`: **replace** `aws_iam_role.access_developer` (IAM)",
      "> - `acme-prod-payments-api`: **replace** `aws_iam_role_policy_attachment.access_developer-PowerUserAccess` (IAM)",
      "",
    ]);
    expect(text).not.toContain("destroy guard");
    expect(text).toContain("\n| `acme-prod-payments-api` |  |  | 2 |  |  |  |\n");
    expect(text).toContain("\n-/+ aws_iam_role.access_developer\n");
  });

  it("shows a failed plan in the table and its error, unfolded from Terraform's output", () => {
    const text = render("account-retired");
    const lines = text.split("\n");
    // Retiring an account: prevent_destroy fails the plans that would delete it and its
    // Terraform Cloud workspace (an instance gone from a for_each keeps its block's lifecycle).
    expect(lines[1]).toBe("## fleetfile plan: ❌ 2 failed");
    expect(linesFrom(text, TABLE_HEADER[0], 5)).toEqual([
      ...TABLE_HEADER,
      "| `acme-management` ❌ plan failed | – | – | – | – | – | – |",
      "| `acme-tfc-bootstrap` ❌ plan failed | – | – | – | – | – | – |",
      "",
    ]);
    const summary =
      "<details open><summary><code>acme-management</code>: plan failed: Error: Instance cannot be destroyed</summary>";
    expect(linesFrom(text, summary, 5)).toEqual([
      summary,
      "",
      "```text",
      "terraform plan -input=false -no-color -out=tfplan -detailed-exitcode -lock=false in /home/runner/work/fleetfile/fleetfile/head/stacks/acme-management exited 1:",
      "Error: Instance cannot be destroyed",
    ]);
    expect(lines).toContain('Resource aws_organizations_account.accounts["dev-data-lake"] has');
    expect(lines).toContain('Resource tfe_workspace.workspaces["dev-data-lake"] has');
    expect(text).not.toContain("[!CAUTION]");
  });

  it("puts the first Error line of a failed plan, boxed as Terraform draws it, in its open summary", () => {
    const error = [
      "terraform plan -input=false -no-color -out=tfplan in stacks/acme-audit exited 1:",
      "╷",
      '│ Error: Unsupported argument "<ttl>"',
      "│ ",
      "│   on cdk.tf.json line 12, in resource.aws_sns_topic.alerts:",
      "╵",
    ].join("\n");
    expect(errorHeadline(error)).toBe('Error: Unsupported argument "<ttl>"');
    expect(renderComment([{ workspace: "acme-audit", error }])).toContain(
      '\n<details open><summary><code>acme-audit</code>: plan failed: Error: Unsupported argument "&lt;ttl&gt;"</summary>\n',
    );
  });

  it("names the workspaces no longer in the inventory", () => {
    expect(render("account-retired")).toContain(
      "\n**No longer in the inventory:** `acme-dev-data-lake`. " +
        "Their resources are not destroyed: the plans that would lose their account or Terraform Cloud workspace fail " +
        "until the account is retired deliberately (docs/access.md).\n",
    );
  });

  it("counts an import that also updates as an import as well as a change, and marks it in the list", () => {
    const text = render("onboarding");
    expect(text).toContain("\n| `acme-management` |  | 1 |  |  |  | 1 |\n");
    expect(
      linesFrom(text, "<details><summary><code>acme-management</code>: 1 to change, 1 to import</summary>", 8),
    ).toEqual([
      "<details><summary><code>acme-management</code>: 1 to change, 1 to import</summary>",
      "",
      "```diff",
      '~   aws_organizations_account.accounts["prod-data-api"] (imported)',
      "      close_on_deletion: null → false",
      '      tags.fleetfile:account: null → "prod-data-api"',
      '      tags_all.fleetfile:account: null → "prod-data-api"',
      "```",
    ]);
  });

  // The bootstrap, which has 30 resources in its state and only adds the new account's
  // Terraform Cloud workspace, is not new: the no-ops of its plan say so.
  it("marks as new only a workspace whose state is empty", () => {
    const rows = render("onboarding").split("\n");
    expect(rows).toContain("| `acme-prod-data-api` (new) | 40 |  |  |  |  |  |");
    expect(rows).toContain("| `acme-tfc-bootstrap` | 5 |  |  |  |  |  |");
  });

  it("counts a resource that leaves the state without being destroyed (forget), and does not warn of it", () => {
    const text = renderComment(
      [
        {
          workspace: "acme-management",
          plan: {
            resource_changes: [
              {
                address: "aws_iam_role.legacy",
                type: "aws_iam_role",
                mode: "managed",
                change: { actions: ["forget"] },
              },
            ],
          },
        },
      ],
      { plansLocation: RUN_URL },
    );
    const lines = text.split("\n");
    expect(lines[1]).toBe("## fleetfile plan: 1 to forget in 1 workspace");
    expect(lines).toContain("| `acme-management` |  |  |  |  | 1 |  |");
    expect(lines).toContain("×   aws_iam_role.legacy");
    expect(text).not.toContain("[!CAUTION]");
  });

  it("orders workspaces and addresses by bytes, as Terraform does", () => {
    const plan = (...addresses: string[]) => ({
      resource_changes: addresses.map((address) => ({
        address,
        type: address.split(".")[0],
        mode: "managed" as const,
        change: { actions: ["update"] },
      })),
    });
    const text = renderComment([
      { workspace: "acme-b", plan: plan("aws_iam_role_policy.a", "aws_iam_role.alpha", "aws_iam_role.Zeta") },
      { workspace: "acme-B", plan: plan("aws_sns_topic.t") },
    ]);
    const lines = text.split("\n");
    expect(lines.filter((l) => l.startsWith("| `acme-"))).toEqual([
      "| `acme-B` |  | 1 |  |  |  |  |",
      "| `acme-b` |  | 3 |  |  |  |  |",
    ]);
    expect(linesFrom(text, "<details><summary><code>acme-b</code>: 3 to change</summary>", 6).slice(3)).toEqual([
      "~   aws_iam_role.Zeta",
      "~   aws_iam_role.alpha",
      "~   aws_iam_role_policy.a",
    ]);
  });

  it("counts the workspaces planned without changes and those not planned, and names where the plans are", () => {
    const quiet = readPlans(join(PLANS, "create-only")).plans.filter((p) => p.workspace !== "acme-tfc-bootstrap");
    expect(renderComment(quiet, { notAffected: 7, plansLocation: "the plans folder of this job" })).toContain(
      "\n2 workspaces planned with no changes; 7 workspaces not affected, not planned. " +
        "Full plans: the plans folder of this job.\n",
    );
    expect(renderComment([], { notAffected: 1, plansLocation: RUN_URL })).toBe(
      [
        COMMENT_MARKER,
        "## fleetfile plan: no changes",
        "",
        `1 workspace not affected, not planned. ${FULL_PLANS}`,
        "",
      ].join("\n"),
    );
  });
});

describe("workspaces whose plan changes no resource", () => {
  it("are counted, saying which change only outputs and which only move resources, and never listed", () => {
    const outputsOnly: WorkspacePlan = {
      workspace: "acme-management",
      plan: { format_version: "1.2", resource_changes: [], output_changes: { account_ids: { actions: ["update"] } } },
    };
    const movesOnly: WorkspacePlan = {
      workspace: "acme-audit",
      plan: {
        format_version: "1.2",
        resource_changes: [
          {
            address: "aws_sns_topic.alerts",
            previous_address: "aws_sns_topic.alerts_old",
            type: "aws_sns_topic",
            mode: "managed",
            change: { actions: ["no-op"] },
          },
        ],
      },
    };
    const text = renderComment([outputsOnly, movesOnly], { plansLocation: RUN_URL });
    expect(text).toContain("## fleetfile plan: no changes\n");
    expect(text).toContain(
      "2 workspaces planned with no changes (1 where only outputs change, 1 where only resources move). ",
    );
    expect(text).not.toContain("<details>");
    expect(planLabel([outputsOnly, movesOnly])).toBe("no-changes");
  });
});

describe("plans of a split run", () => {
  it("show a workspace whose plan job never reported as failed, not as missing", () => {
    const { plans, removed } = readPlans(join(PLANS, "onboarding"));
    const expected = [...plans.map((p) => p.workspace), "acme-stg-payments-api", "acme-dev-data-lake"];
    const all = withMissingPlans(plans, expected, ["acme-dev-data-lake"]);
    expect(all.filter((p) => p.error)).toEqual([{ workspace: "acme-stg-payments-api", error: NO_PLAN_ERROR }]);
    const text = renderComment(all, { removed, plansLocation: RUN_URL });
    expect(text).toContain("· ❌ 1 failed");
    expect(text).toContain("| `acme-stg-payments-api` ❌ plan failed |");
    expect(planLabel(all)).toBe("add-or-update");
  });

  it("are read with --expect FILE by the comment command", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetfile-expect-"));
    try {
      const expectFile = join(dir, "affected.txt");
      writeFileSync(expectFile, "acme-management\nacme-stg-payments-api\n");
      const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
      try {
        commentCommand(["--plans", join(PLANS, "onboarding"), "--expect", expectFile]);
        expect(String(write.mock.calls[0][0])).toContain("| `acme-stg-payments-api` ❌ plan failed |");
      } finally {
        write.mockRestore();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the comment of a run split over jobs", () => {
  it("equals the comment of the same plans made in one run", () => {
    const scratch = mkdtempSync(join(tmpdir(), "fleetfile-shards-"));
    try {
      // One run: the onboarding plans, a log archive plan and a retired account beside them.
      const whole = join(scratch, "whole");
      mkdirSync(whole);
      for (const folder of ["onboarding", "moto/bucket-policy-edit"])
        for (const file of readdirSync(join(PLANS, folder)).filter((f) => f.endsWith(".json") && f !== MARK_FILE))
          copyFileSync(join(PLANS, folder, file), join(whole, file));
      writeFileSync(join(whole, REMOVED_FILE), "acme-dev-data-lake\n");
      writeFileSync(join(whole, NOT_AFFECTED_FILE), "6\n");
      writeMark(whole, "plans");
      const workspaces = readPlans(whole).plans.map((p) => p.workspace);

      // Three jobs, each writing its group's folder as plan --shards does (only the first
      // names the removed workspaces), then put together as download-artifact's
      // merge-multiple does: file by file, the later job's mark over the earlier's.
      const groups = shardWorkspaces(
        workspaces.map((workspace) => ({ workspace, weight: workspace.length })),
        3,
      );
      const merged = join(scratch, "merged");
      mkdirSync(merged);
      groups.forEach((group, shard) => {
        const folder = join(scratch, `plans-${shard}`);
        mkdirSync(folder);
        for (const workspace of group)
          copyFileSync(join(whole, `${workspace}.json`), join(folder, `${workspace}.json`));
        if (shard === 0) writeFileSync(join(folder, REMOVED_FILE), "acme-dev-data-lake\n");
        writeFileSync(join(folder, NOT_AFFECTED_FILE), "6\n");
        writeMark(folder, "plans");
        for (const file of readdirSync(folder)) copyFileSync(join(folder, file), join(merged, file));
      });

      expect(groups.flat().sort()).toEqual([...workspaces].sort());
      const rendered = (dir: string) => {
        const { plans, removed, destroyAllowed, notAffected } = readPlans(dir);
        return renderComment(plans, { removed, destroyAllowed, notAffected, plansLocation: RUN_URL });
      };
      expect(rendered(merged)).toBe(rendered(whole));
      expect(rendered(whole)).toContain("acme-log-archive");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe("planLabel: the pull request's label", () => {
  const label = (scenario: string) => planLabel(readPlans(join(PLANS, scenario)).plans);

  it("is destroy when anything is destroyed or replaced", () => {
    expect(label("destroy-log-bucket")).toBe("destroy");
    expect(label("replace-iam-role")).toBe("destroy");
  });

  it("is add-or-update for creates, updates and imports", () => {
    expect(label("onboarding")).toBe("add-or-update");
    expect(label("create-only")).toBe("add-or-update");
  });

  it("is no-changes when every plan changes nothing, and none when a plan failed and the rest change nothing", () => {
    const unchanged = { workspace: "acme-audit", plan: { format_version: "1.2", resource_changes: [] } };
    expect(planLabel([unchanged])).toBe("no-changes");
    expect(planLabel([])).toBe("no-changes");
    expect(planLabel([unchanged, { workspace: "acme-management", error: "Error: boom" }])).toBeUndefined();
  });

  it("is printed alone by comment --label", () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(commentCommand(["--plans", join(PLANS, "onboarding"), "--label"])).toBe(0);
      expect(write.mock.calls).toEqual([["add-or-update\n"]]);
    } finally {
      write.mockRestore();
    }
  });
});

describe("the onboarding pull request, as a reviewer reads it", () => {
  const text = render("onboarding");

  it("totals the four affected workspaces and lists each in the table", () => {
    const lines = text.split("\n");
    expect(lines.slice(1, 12)).toEqual([
      "## fleetfile plan: 45 to add, 2 to change, 1 to import in 4 workspaces",
      "",
      "> [!WARNING]",
      "> **Access widens** (1 policy change):",
      "> - `acme-prod-payments-api` `aws_iam_role.access_developer` assume_role_policy: `payments-contractors` (555555555555) may now assume `developer`",
      "",
      ...TABLE_HEADER,
      "| `acme-management` |  | 1 |  |  |  | 1 |",
      "| `acme-prod-data-api` (new) | 40 |  |  |  |  |  |",
      "| `acme-prod-payments-api` |  | 1 |  |  |  |  |",
    ]);
    expect(withoutNewMark(lines[12])).toBe("| `acme-tfc-bootstrap` | 5 |  |  |  |  |  |");
    expect(lines[13]).toBe("");
    expect(text).not.toContain("[!CAUTION]");
  });

  it("shows the trust-policy change of the developer role in its workspace's list, in words", () => {
    expect(linesFrom(text, "<details><summary><code>acme-prod-payments-api</code>: 1 to change</summary>", 7)).toEqual([
      "<details><summary><code>acme-prod-payments-api</code>: 1 to change</summary>",
      "",
      "```diff",
      "~   aws_iam_role.access_developer",
      "      assume_role_policy:",
      "        ! `payments-contractors` (555555555555) may now assume `developer`",
      "```",
    ]);
  });

  it("lists the changes of the new workspace in the order Terraform's plan gives them", () => {
    const plan = JSON.parse(readFileSync(join(PLANS, "onboarding/acme-prod-data-api.json"), "utf8"));
    const addresses: string[] = plan.resource_changes.map((c: ResourceChangeJson) => c.address);
    expect(
      linesFrom(text, "<details><summary><code>acme-prod-data-api</code>: 40 to add</summary>", 44).slice(3),
    ).toEqual([...addresses.map((a) => `+   ${a}`), "```"]);
  });

  // A snapshot beside the assertions above: the Markdown that was rendered to HTML and
  // looked at.
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
    expect(lines[1]).toBe("## fleetfile plan: 40200 to add, 79800 to change in 300 workspaces");
  });

  it("still lists every changed workspace in the table, folded", () => {
    expect(linesFrom(text, "<details><summary>300 workspaces to change</summary>", 5)).toEqual([
      "<details><summary>300 workspaces to change</summary>",
      "",
      ...TABLE_HEADER,
      "| `acme-workload-000` | 134 | 266 |  |  |  |  |",
    ]);
    expect(
      lines.filter((l) => /^\| `acme-workload-\d{3}` \| 134 \| 266 \| {2}\| {2}\| {2}\| {2}\|$/.test(l)),
    ).toHaveLength(300);
  });

  it("says what was cut, consistently with what it shows, and where the full plans are, before the table", () => {
    const blocks = lines.filter((l) => l.startsWith("<details><summary><code>")).length;
    const shortened = lines.filter((l) => /^… \d+ more line\(s\) cut$/.test(l)).length;
    expect(blocks).toBeGreaterThan(0);
    expect(lines.slice(2, 6)).toEqual([
      "",
      "> [!NOTE]",
      `> To stay within GitHub's comment size, ${shortened} change list(s) were shortened and ` +
        `${300 - blocks} left out. ${FULL_PLANS}`,
      "",
    ]);
    expect(lines.indexOf("> [!NOTE]")).toBeLessThan(lines.indexOf(TABLE_HEADER[0]));
  });

  it("shortens every list, and leaves none out, when a few workspaces have huge plans", () => {
    const few = renderComment(
      ["acme-a", "acme-b", "acme-c"].map((workspace) => ({ workspace, plan: longPlan(5000) })),
      { plansLocation: RUN_URL },
    );
    expect(few.length).toBeLessThanOrEqual(65_000);
    expect(few).toContain(`> To stay within GitHub's comment size, 3 change list(s) were shortened. ${FULL_PLANS}`);
    expect(few.match(/^… \d+ more line\(s\) cut$/gm)).toHaveLength(3);
  });

  /** `n` workspaces of three changes each: the table, not the change lists, is what grows. */
  function wideFleet(n: number): WorkspacePlan[] {
    return Array.from({ length: n }, (_, i) => ({
      workspace: `acme-workload-${String(i).padStart(4, "0")}`,
      plan: longPlan(3),
    }));
  }

  it("says how many workspaces there are when the table takes most of the comment", () => {
    const big = renderComment(wideFleet(1200), { plansLocation: RUN_URL });
    expect(big.length).toBeLessThanOrEqual(65_000);
    expect(big).toContain("\n<details><summary>1200 workspaces to change</summary>\n");
    expect(big).toContain("\n| `acme-workload-0000` | 1 | 2 |  |  |  |  |\n");
  });

  // Past about 1,400 workspaces even the table is longer than the comment may be: it is cut,
  // and says how many rows are left out.
  it("stays under GitHub's limit when even the table would not fit", () => {
    const huge = renderComment(wideFleet(2000), { plansLocation: RUN_URL });
    expect(huge.length).toBeLessThanOrEqual(65_000);
    expect(huge).toContain("2000 workspaces");
  });

  it("honours a smaller maxChars", () => {
    const small = renderComment(fleet.slice(0, 20), { plansLocation: RUN_URL, maxChars: 10_000 });
    expect(small.length).toBeLessThanOrEqual(10_000);
    expect(small).toContain("\n| `acme-workload-019` | 134 | 266 |  |  |  |  |\n");
  });
});

describe("renderComment: the warning list", () => {
  it("calls every type of the baseline's sensitive resources by what it is", () => {
    expect(
      [
        "aws_organizations_account",
        "aws_s3_bucket",
        "aws_s3_bucket_policy",
        "aws_kms_key",
        "aws_cloudtrail",
        "aws_config_configuration_recorder",
        "aws_guardduty_detector",
        "aws_iam_role",
        "aws_organizations_policy",
        "aws_ec2_transit_gateway",
        "aws_ram_resource_share",
        "tfe_workspace",
        "aws_sns_topic",
      ].map(sensitivity),
    ).toEqual([
      "account",
      "log bucket",
      "log bucket setting",
      "KMS key",
      "trail",
      "AWS Config",
      "GuardDuty",
      "IAM",
      "SCP",
      "Transit Gateway",
      "RAM share",
      "Terraform Cloud workspace",
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

  it("names the resource that made the destroy guard stop first, however long the list", () => {
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
    const lines = text.split("\n");
    expect(lines.slice(3, 6)).toEqual([
      "> [!CAUTION]",
      "> **The destroy guard stops this plan.** It would lose 1 protected resource:",
      "> - `acme-log-archive`: **replace** `aws_kms_key.log-archive_key` (KMS key)",
    ]);
    expect(lines).toContain("> **60 other resources would be destroyed or replaced**, 60 of them security-sensitive:");
    expect(lines.filter((l) => l.startsWith("> - `acme-audit`"))).toHaveLength(49);
    expect(lines).toContain("> - … and 11 more");
  });
});

describe("readPlans", () => {
  it("reads how many workspaces were not affected, so a run that planned nothing still renders a comment", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetfile-plans-"));
    try {
      writeFileSync(join(dir, "not-affected.txt"), "7\n");
      writeMark(dir, "plans");
      const read = readPlans(dir);
      expect(read.notAffected).toBe(7);
      expect(read.plans).toEqual([]);
      expect(renderComment(read.plans, { notAffected: read.notAffected }).split("\n").slice(1)).toEqual([
        "## fleetfile plan: no changes",
        "",
        "7 workspaces not affected, not planned. Full plans: the plans artifact of this workflow run.",
        "",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads failed plans and removed workspaces from a plans folder", () => {
    const read = readPlans(join(PLANS, "account-retired"));
    const byName = [...read.plans].sort((a, b) => a.workspace.localeCompare(b.workspace));
    expect(byName.map((p) => [p.workspace, p.plan ? "plan" : "error"])).toEqual([
      ["acme-management", "error"],
      ["acme-tfc-bootstrap", "error"],
    ]);
    expect(byName[0].error).toBe(readFileSync(join(PLANS, "account-retired/acme-management.error.txt"), "utf8"));
    expect(read.removed).toEqual(["acme-dev-data-lake"]);
    expect(read.destroyAllowed).toBe(false);
  });

  it("reads the override marker, and does not take it for a plan", () => {
    const read = readPlans(join(PLANS, "destroy-allowed"));
    expect(read.plans.map((p) => p.workspace)).toEqual(["acme-audit"]);
    expect(read.plans[0].plan?.format_version).toBe("1.2");
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
    expect(commentCommand(["--plans", join(PLANS, "account-retired"), "--markdown", out, "--plans-url", RUN_URL])).toBe(
      0,
    );
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
    expect(() => commentCommand([])).toThrow("comment needs --plans DIR (written by npm run plan)");
  });
});
