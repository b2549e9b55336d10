import { destroyViolations, type GuardViolation, OVERRIDE_HINT } from "./destroy-guard.js";
import { type Action, type PlanJson, type ResourceChange, resourceChanges } from "./plan-json.js";

/** Marker that lets CI find and update its one comment instead of adding another. */
export const COMMENT_MARKER = "<!-- fleetfile-plan -->";
/** GitHub refuses comments over 65,536 characters; stay clear of it. */
export const MAX_COMMENT_CHARS = 65_000;

/** Smallest change list worth showing: its title and a few lines. */
const MIN_DETAILS_CHARS = 400;

/** The plan of one workspace, or why there is none. */
export interface WorkspacePlan {
  readonly workspace: string;
  readonly plan?: PlanJson;
  /** Error output when the plan failed. */
  readonly error?: string;
}

/** Options of {@link renderComment}. */
export interface CommentOptions {
  /** Where the full plans are, for the note on what was cut. */
  readonly plansLocation?: string;
  /** Workspaces no longer synthesized (account removed from the inventory). */
  readonly removed?: readonly string[];
  /** Whether the run was allowed to destroy protected resources. */
  readonly destroyAllowed?: boolean;
  /** Size limit. @default MAX_COMMENT_CHARS */
  readonly maxChars?: number;
}

/** Resource types a reviewer must look at twice when they are destroyed or replaced. */
const SENSITIVE = [
  [/^aws_organizations_account$/, "account"],
  [/^aws_s3_bucket/, "log bucket"],
  [/^aws_kms_/, "KMS key"],
  [/^aws_cloudtrail/, "trail"],
  [/^aws_config_/, "AWS Config"],
  [/^aws_guardduty_/, "GuardDuty"],
  [/^aws_iam_/, "IAM"],
  [/^aws_organizations_policy/, "SCP"],
  [/^aws_ec2_transit_gateway/, "Transit Gateway"],
  [/^aws_ram_/, "RAM share"],
] as const;

/** Why a resource type is security-sensitive, if it is. */
export function sensitivity(type: string): string | undefined {
  return SENSITIVE.find(([pattern]) => pattern.test(type))?.[1];
}

const SYMBOL: Record<Action, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "-/+",
  import: "<=",
  "no-op": " ",
  read: " ",
};

interface Summary {
  readonly workspace: string;
  readonly changes: readonly ResourceChange[];
  readonly counts: Record<"create" | "update" | "delete" | "replace" | "import", number>;
  readonly error?: string;
}

function summarize(plan: WorkspacePlan): Summary {
  const changes = plan.plan ? resourceChanges(plan.plan) : [];
  const count = (action: Action) => changes.filter((c) => c.action === action).length;
  return {
    workspace: plan.workspace,
    changes,
    counts: {
      create: count("create"),
      update: count("update"),
      delete: count("delete"),
      replace: count("replace"),
      import: count("import"),
    },
    error: plan.error,
  };
}

function headline(counts: Summary["counts"]): string {
  const parts = [
    [counts.create, "to add"],
    [counts.update, "to change"],
    [counts.delete, "to destroy"],
    [counts.replace, "to replace"],
    [counts.import, "to import"],
  ]
    .filter(([n]) => n !== 0)
    .map(([n, words]) => `${n} ${words}`);
  return parts.join(", ");
}

function warningBlock(summaries: readonly Summary[], violations: readonly GuardViolation[], allowed: boolean): string {
  const risky = summaries.flatMap((s) =>
    s.changes.filter((c) => c.action === "delete" || c.action === "replace").map((c) => ({ ...s, change: c })),
  );
  if (risky.length === 0) return "";
  const sensitive = risky.filter((r) => sensitivity(r.change.type));
  const lines = [
    "> [!CAUTION]",
    `> **${risky.length} resource${risky.length === 1 ? "" : "s"} would be destroyed or replaced**` +
      (sensitive.length ? `, ${sensitive.length} of them security-sensitive:` : ":"),
  ];
  const ordered = [...sensitive, ...risky.filter((r) => !sensitivity(r.change.type))];
  const shown = ordered.slice(0, 50);
  for (const r of shown) {
    const tag = sensitivity(r.change.type);
    lines.push(`> - \`${r.workspace}\`: **${r.change.action}** \`${r.change.address}\`${tag ? ` (${tag})` : ""}`);
  }
  if (ordered.length > shown.length) lines.push(`> - … and ${ordered.length - shown.length} more`);
  if (violations.length > 0) {
    lines.push(">");
    lines.push(
      allowed
        ? `> The destroy guard was overridden for ${violations.length} protected resource(s) (accounts, log buckets, the log key, trails).`
        : `> **The destroy guard stopped this plan**: ${violations.length} protected resource(s) (accounts, log buckets, the log key, trails) would be lost; ${OVERRIDE_HINT}.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function table(summaries: readonly Summary[]): string {
  const rows = summaries.map((s) =>
    s.error
      ? `| \`${s.workspace}\` | ❌ plan failed | | | | |`
      : `| \`${s.workspace}\` | ${s.counts.create} | ${s.counts.update} | ${s.counts.delete} | ${s.counts.replace} | ${s.counts.import} |`,
  );
  return ["| Workspace | Add | Change | Destroy | Replace | Import |", "|---|--:|--:|--:|--:|--:|", ...rows].join("\n");
}

function details(summary: Summary, budget: number): { text: string; cut: boolean } {
  const title = summary.error ? "plan failed" : headline(summary.counts);
  const body = summary.error
    ? summary.error.trimEnd().split("\n")
    : [...summary.changes]
        .sort((a, b) => order(a.action) - order(b.action) || a.address.localeCompare(b.address))
        .map((c) => `${SYMBOL[c.action].padEnd(3)} ${c.address}`);
  const open = `<details><summary><code>${summary.workspace}</code>: ${title}</summary>\n\n\`\`\`${summary.error ? "text" : "diff"}\n`;
  const close = "```\n</details>\n";
  let text = open;
  let shown = 0;
  for (const line of body) {
    if (text.length + line.length + 1 + close.length + 80 > budget) break;
    text += `${line}\n`;
    shown++;
  }
  const cut = shown < body.length;
  if (cut) text += `… ${body.length - shown} more line(s) cut\n`;
  return { text: text + close, cut };
}

function order(action: Action): number {
  return ["delete", "replace", "update", "create", "import"].indexOf(action);
}

/**
 * The pull request comment for a set of plans: totals first, then a warning when
 * anything would be destroyed or replaced (security-sensitive resources named first), a
 * table per changed workspace, and collapsible change lists. Unchanged workspaces are
 * counted, not listed. Never longer than `maxChars`: details are cut per workspace, and
 * the comment says what was cut and where the full plans are.
 */
export function renderComment(plans: readonly WorkspacePlan[], options: CommentOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_COMMENT_CHARS;
  const summaries = [...plans].map(summarize).sort((a, b) => a.workspace.localeCompare(b.workspace));
  const failed = summaries.filter((s) => s.error);
  const changed = summaries.filter((s) => !s.error && s.changes.length > 0);
  const unchanged = summaries.length - failed.length - changed.length;
  const violations = destroyViolations(summaries);
  const shown = [...failed, ...changed];

  const title =
    `## fleetfile plan: ${changed.length} workspace${changed.length === 1 ? "" : "s"} to change, ` +
    `${unchanged} unchanged, ${failed.length} failed`;
  const removed = options.removed?.length
    ? `\n**No longer in the inventory:** ${options.removed.map((w) => `\`${w}\``).join(", ")}. ` +
      "Their resources stay where they are; nothing is destroyed by dropping a workspace.\n"
    : "";
  const head = [
    COMMENT_MARKER,
    title,
    "",
    warningBlock(summaries, violations, options.destroyAllowed ?? false),
    removed,
  ]
    .filter((part, i) => i < 3 || part !== "")
    .join("\n");
  const where = options.plansLocation ?? "the plans artifact of this workflow run";
  const footer = `\n${unchanged} workspace${unchanged === 1 ? "" : "s"} unchanged. Full plans: ${where}.\n`;

  if (shown.length === 0) return `${head}\nNothing to change.\n${footer}`;
  const fullTable = `${table(shown)}\n`;
  const tableText =
    head.length + fullTable.length + footer.length < maxChars * 0.6
      ? fullTable
      : `${table(shown.slice(0, Math.max(1, Math.floor((maxChars * 0.5) / 80))))}\n| … | ${shown.length} workspaces in all; see the full plans | | | | |\n`;

  let remaining = maxChars - head.length - tableText.length - footer.length - 200;
  const blocks: string[] = [];
  let cutWorkspaces = 0;
  let omitted = 0;
  for (const [i, summary] of shown.entries()) {
    if (remaining < MIN_DETAILS_CHARS) {
      omitted = shown.length - i;
      break;
    }
    const fairShare = Math.floor(remaining / (shown.length - i));
    const block = details(summary, Math.min(remaining, Math.max(fairShare, MIN_DETAILS_CHARS)));
    blocks.push(block.text);
    remaining -= block.text.length;
    if (block.cut) cutWorkspaces++;
  }
  const cutNote =
    cutWorkspaces + omitted > 0
      ? `\n> [!NOTE]\n> To stay within GitHub's comment size, ${cutWorkspaces} change list(s) were shortened` +
        `${omitted ? ` and ${omitted} workspace(s) left out` : ""}. Full plans: ${where}.\n`
      : "";
  return `${head}\n${tableText}\n${blocks.join("\n")}${cutNote}${footer}`;
}
