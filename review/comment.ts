import { type AttributeChange, attributeChanges, attributeLines } from "./attribute-diff.js";
import { destroyViolations, type GuardViolation, OVERRIDE_STEPS } from "./destroy-guard.js";
import { type Action, actionOf, type PlanJson, type ResourceChange, resourceChanges } from "./plan-json.js";

/** Marker that lets CI find and update its one comment instead of adding another. */
export const COMMENT_MARKER = "<!-- fleetfile-plan -->";
/** GitHub refuses comments over 65,536 characters; stay clear of it. */
export const MAX_COMMENT_CHARS = 65_000;
/** Smallest change list worth showing: its title and a few lines. */
const MIN_DETAILS_CHARS = 400;
/** Most lines of the warning block before the rest are counted. */
const MAX_WARNING_LINES = 50;
/** Rows of the table shown unfolded; a longer table is folded. */
const OPEN_TABLE_ROWS = 30;

/** The plan of one workspace, or why there is none. */
export interface WorkspacePlan {
  readonly workspace: string;
  readonly plan?: PlanJson;
  /** Error output when the plan failed. */
  readonly error?: string;
}

/** Options of {@link renderComment}. */
export interface CommentOptions {
  /** Where the full plans are: a URL or words. */
  readonly plansLocation?: string;
  /** Workspaces no longer synthesized (account removed from the inventory). */
  readonly removed?: readonly string[];
  /** Workspaces whose configuration did not change, and so were not planned. */
  readonly notAffected?: number;
  /** Whether the run was allowed to destroy protected resources. */
  readonly destroyAllowed?: boolean;
  /** Size limit. @default MAX_COMMENT_CHARS */
  readonly maxChars?: number;
}

/** What a workspace whose plan never came back shows as its error. */
export const NO_PLAN_ERROR =
  "Error: no plan came back for this workspace: the plan job that held it failed or was cancelled before writing it; see the workflow run";

/**
 * `plans` and, for each workspace of `expected` that has neither a plan nor an error
 * among them (a plan job of a split run failed before writing), a failed plan saying
 * so, so that a lost job shows as failed workspaces, never as a quietly shorter comment.
 * Removed workspaces are planned by nobody and expected of nobody.
 */
export function withMissingPlans(
  plans: readonly WorkspacePlan[],
  expected: readonly string[],
  removed: readonly string[] = [],
): WorkspacePlan[] {
  const seen = new Set(plans.map((p) => p.workspace));
  const missing = expected.filter((w) => !seen.has(w) && !removed.includes(w));
  return [...plans, ...missing.map((workspace) => ({ workspace, error: NO_PLAN_ERROR }))];
}

/** The labels the plan puts on its pull request, as tfcmt users know them; one at a time. */
export const PLAN_LABELS = ["no-changes", "add-or-update", "destroy"] as const;
/** One of {@link PLAN_LABELS}. */
export type PlanLabel = (typeof PLAN_LABELS)[number];

/**
 * What kind of change the plans make: `destroy` when anything is destroyed or replaced,
 * else `add-or-update` when anything is created, updated, imported or forgotten, else
 * `no-changes`; undefined when a plan failed and the others change nothing, since the
 * failed ones may hold anything.
 */
export function planLabel(plans: readonly WorkspacePlan[]): PlanLabel | undefined {
  const actions = plans.flatMap((p) => (p.plan ? resourceChanges(p.plan).map((c) => c.action) : []));
  if (actions.some((a) => a === "delete" || a === "replace")) return "destroy";
  if (actions.length > 0) return "add-or-update";
  return plans.some((p) => p.error) ? undefined : "no-changes";
}

/** Resource types a reviewer must look at twice when they are destroyed or replaced. */
const SENSITIVE: readonly (readonly [RegExp, string])[] = [
  [/^aws_organizations_account$/, "account"],
  [/^aws_s3_bucket$/, "log bucket"],
  [/^aws_s3_bucket_/, "log bucket setting"],
  [/^aws_kms_/, "KMS key"],
  [/^aws_cloudtrail/, "trail"],
  [/^aws_config_/, "AWS Config"],
  [/^aws_guardduty_/, "GuardDuty"],
  [/^aws_iam_/, "IAM"],
  [/^aws_organizations_policy/, "SCP"],
  [/^aws_ec2_transit_gateway/, "Transit Gateway"],
  [/^aws_ram_/, "RAM share"],
  [/^tfe_workspace$/, "Terraform Cloud workspace"],
];

/** Why a resource type is security-sensitive, if it is. */
export function sensitivity(type: string): string | undefined {
  return SENSITIVE.find(([pattern]) => pattern.test(type))?.[1];
}

const SYMBOL: Record<Action, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "-/+",
  forget: "×",
  import: "<=",
  "no-op": " ",
  read: " ",
};

/** Counted kinds of change, in the order of the table's columns. */
const COUNTED = ["create", "update", "replace", "delete", "forget", "import"] as const;
type Counted = (typeof COUNTED)[number];
const WORDS: Record<Counted, string> = {
  create: "to add",
  update: "to change",
  replace: "to replace",
  delete: "to destroy",
  forget: "to forget",
  import: "to import",
};

interface Summary {
  readonly workspace: string;
  readonly changes: readonly ResourceChange[];
  readonly counts: Record<Counted, number>;
  readonly error?: string;
  readonly added: boolean;
  /** What changes in each updated or replaced resource, by address. */
  readonly attributes: ReadonlyMap<string, readonly AttributeChange[]>;
  /** No resource changes, but outputs do. */
  readonly outputsOnly: boolean;
  /** Resources that only move to a new address (a `moved` block), changing nothing else. */
  readonly moves: number;
}

function summarize(plan: WorkspacePlan): Summary {
  const changes = plan.plan ? resourceChanges(plan.plan) : [];
  const counts = Object.fromEntries(COUNTED.map((kind) => [kind, 0])) as Record<Counted, number>;
  for (const change of changes) {
    if (change.action !== "import" && change.action in counts) counts[change.action as Counted]++;
    if (change.importing) counts.import++;
  }
  // New: every managed resource of the plan, unchanged ones included, is to be created.
  const managed = (plan.plan?.resource_changes ?? []).filter((c) => c.mode !== "data");
  const added =
    managed.length > 0 && managed.every((c) => c.change.actions.length === 1 && c.change.actions[0] === "create");
  const attributes = new Map(
    (plan.plan?.resource_changes ?? [])
      .filter((c) => c.mode !== "data" && (actionOf(c) === "update" || actionOf(c) === "replace"))
      .map((c) => [c.address, attributeChanges(c.change)] as const)
      .filter(([, found]) => found.length > 0),
  );
  const outputs = Object.values(plan.plan?.output_changes ?? {}).some((o) => o.actions.some((a) => a !== "no-op"));
  const moves = (plan.plan?.resource_changes ?? []).filter(
    (c) => c.previous_address && c.previous_address !== c.address && actionOf(c) === "no-op",
  ).length;
  return {
    workspace: plan.workspace,
    changes,
    counts,
    error: plan.error,
    added,
    attributes,
    outputsOnly: changes.length === 0 && outputs,
    moves,
  };
}

/**
 * The policy changes that widen access (a principal that may now assume a role, a
 * condition dropped, an Allow gaining actions), first in the comment.
 */
function accessBlock(summaries: readonly Summary[]): string {
  const found = summaries.flatMap((s) =>
    [...s.attributes].flatMap(([address, changes]) =>
      changes.flatMap((c) =>
        (c.policy ?? [])
          .filter((f) => f.security)
          .map((f) => `> - \`${s.workspace}\` \`${address}\` ${c.path}: ${f.text}`),
      ),
    ),
  );
  if (found.length === 0) return "";
  const shown = found.slice(0, MAX_WARNING_LINES);
  const more = found.length > shown.length ? [`> - … and ${found.length - shown.length} more`] : [];
  return `${["> [!WARNING]", `> **Access widens** (${plural(found.length, "policy change")}):`, ...shown, ...more].join("\n")}\n`;
}

function totals(counts: Record<Counted, number>): string {
  return COUNTED.filter((kind) => counts[kind] > 0)
    .map((kind) => `${counts[kind]} ${WORDS[kind]}`)
    .join(", ");
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Terraform orders addresses by bytes, not by locale. */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function warningBlock(summaries: readonly Summary[], violations: readonly GuardViolation[], allowed: boolean): string {
  const risky = summaries.flatMap((s) =>
    s.changes
      .filter((c) => c.action === "delete" || c.action === "replace")
      .map((change) => ({ workspace: s.workspace, change })),
  );
  if (risky.length === 0) return "";
  const lines = ["> [!CAUTION]"];
  const item = (workspace: string, change: ResourceChange) => {
    const tag = sensitivity(change.type);
    return `> - \`${workspace}\`: **${change.action}** \`${change.address}\`${tag ? ` (${tag})` : ""}`;
  };
  const guarded = new Set(violations.map((v) => `${v.workspace} ${v.address}`));
  if (violations.length > 0) {
    lines.push(
      allowed
        ? `> **The destroy guard was overridden** for ${plural(violations.length, "protected resource")}:`
        : `> **The destroy guard stops this plan.** It would lose ${plural(violations.length, "protected resource")}:`,
    );
    for (const v of violations.slice(0, MAX_WARNING_LINES)) lines.push(item(v.workspace, v));
    if (violations.length > MAX_WARNING_LINES) lines.push(`> - … and ${violations.length - MAX_WARNING_LINES} more`);
    // A paragraph of its own ends the list above, so the steps do not read as more losses.
    if (!allowed) lines.push(">", "> What to do:", ">", ...OVERRIDE_STEPS.map((step) => `> - ${step}`));
    lines.push(">");
  }
  const rest = risky.filter((r) => !guarded.has(`${r.workspace} ${r.change.address}`));
  if (rest.length > 0) {
    const sensitive = rest.filter((r) => sensitivity(r.change.type));
    lines.push(
      `> **${plural(rest.length, violations.length ? "other resource" : "resource")} would be destroyed or replaced**` +
        (sensitive.length ? `, ${sensitive.length} of them security-sensitive:` : ":"),
    );
    const ordered = [...sensitive, ...rest.filter((r) => !sensitivity(r.change.type))];
    const room = Math.max(5, MAX_WARNING_LINES - Math.min(violations.length, MAX_WARNING_LINES));
    for (const r of ordered.slice(0, room)) lines.push(item(r.workspace, r.change));
    if (ordered.length > room) lines.push(`> - … and ${ordered.length - room} more`);
  } else {
    lines.pop();
  }
  return `${lines.join("\n")}\n`;
}

function tableRow(s: Summary): string {
  if (s.error) return `| \`${s.workspace}\` ❌ plan failed | – | – | – | – | – | – |`;
  const cells = COUNTED.map((kind) => (s.counts[kind] ? String(s.counts[kind]) : ""));
  return `| \`${s.workspace}\`${s.added ? " (new)" : ""} | ${cells.join(" | ")} |`;
}

function table(summaries: readonly Summary[], budget: number): string {
  const header = [
    "| Workspace | Add | Change | Replace | Destroy | Forget | Import |",
    "|---|--:|--:|--:|--:|--:|--:|",
  ];
  const rows: string[] = [];
  let size = header.join("\n").length + 200;
  for (const summary of summaries) {
    const row = tableRow(summary);
    if (size + row.length + 1 > budget) {
      rows.push(`| … ${summaries.length - rows.length} more; see the full plans | | | | | | |`);
      break;
    }
    rows.push(row);
    size += row.length + 1;
  }
  const text = [...header, ...rows].join("\n");
  if (rows.length <= OPEN_TABLE_ROWS) return `${text}\n`;
  const failed = summaries.filter((s) => s.error).length;
  const what = `${plural(summaries.length - failed, "workspace")} to change${failed ? `, ${failed} failed` : ""}`;
  return `<details><summary>${what}</summary>\n\n${text}\n\n</details>\n`;
}

/** The first `Error:` line of a failed plan, without the command that ran. */
export function errorHeadline(error: string): string {
  const line = error.split("\n").find((l) => /^\s*(│\s*)?Error:/.test(l));
  return (line ?? error.split("\n")[0]).replace(/^\s*│?\s*/, "").slice(0, 200);
}

function details(summary: Summary, budget: number): { text: string; cut: boolean } {
  const title = summary.error ? `plan failed: ${escapeHtml(errorHeadline(summary.error))}` : totals(summary.counts);
  const body = summary.error
    ? summary.error.trimEnd().split("\n")
    : [...summary.changes]
        .sort((a, b) => order(a.action) - order(b.action) || byBytes(a.address, b.address))
        .flatMap((c) => [
          `${SYMBOL[c.action].padEnd(3)} ${c.address}${c.importing && c.action !== "import" ? " (imported)" : ""}`,
          ...attributeLines(summary.attributes.get(c.address) ?? []),
        ]);
  const open = `<details${summary.error ? " open" : ""}><summary><code>${summary.workspace}</code>: ${title}</summary>\n\n\`\`\`${summary.error ? "text" : "diff"}\n`;
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

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function order(action: Action): number {
  return ["delete", "replace", "forget", "update", "create", "import"].indexOf(action);
}

/**
 * The pull request comment for a set of plans: totals first, then a warning when
 * anything would be destroyed or replaced (what the destroy guard stops named first, then
 * security-sensitive resources), then the policy changes that widen access, a table of
 * the changed workspaces, and collapsible change lists, each update and replacement with
 * the attributes it changes (policies by meaning). Unchanged workspaces are counted, not listed. Never longer than `maxChars`:
 * details are cut per workspace, and the comment says what was cut and where the full
 * plans are.
 */
export function renderComment(plans: readonly WorkspacePlan[], options: CommentOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_COMMENT_CHARS;
  const summaries = [...plans].map(summarize).sort((a, b) => byBytes(a.workspace, b.workspace));
  const failed = summaries.filter((s) => s.error);
  const changed = summaries.filter((s) => !s.error && s.changes.length > 0);
  const unchanged = summaries.length - failed.length - changed.length;
  const violations = destroyViolations(summaries);
  const shown = [...failed, ...changed];
  const where = options.plansLocation?.startsWith("http")
    ? `[the plans artifact](${options.plansLocation})`
    : (options.plansLocation ?? "the plans artifact of this workflow run");

  const sum = Object.fromEntries(COUNTED.map((k) => [k, changed.reduce((n, s) => n + s.counts[k], 0)])) as Record<
    Counted,
    number
  >;
  const title =
    changed.length > 0
      ? `## fleetfile plan: ${totals(sum)} in ${plural(changed.length, "workspace")}`
      : failed.length > 0
        ? "## fleetfile plan:"
        : "## fleetfile plan: no changes";
  const failures = failed.length ? `${changed.length > 0 ? " · " : " "}❌ ${failed.length} failed` : "";
  const removed = options.removed?.length
    ? `**No longer in the inventory:** ${options.removed.map((w) => `\`${w}\``).join(", ")}. ` +
      "Their resources are not destroyed: the plans that would lose their account or Terraform Cloud workspace fail " +
      "until the account is retired deliberately (docs/access.md).\n"
    : "";
  const quietOnes = summaries.filter((s) => !s.error && s.changes.length === 0);
  const only = [
    [quietOnes.filter((s) => s.outputsOnly).length, "only outputs change"],
    [quietOnes.filter((s) => s.moves > 0).length, "only resources move"],
  ] as const;
  const onlyWords = only.filter(([n]) => n > 0).map(([n, what]) => `${n} where ${what}`);
  const quiet = [
    unchanged
      ? `${plural(unchanged, "workspace")} planned with no changes${onlyWords.length ? ` (${onlyWords.join(", ")})` : ""}`
      : "",
    options.notAffected ? `${plural(options.notAffected, "workspace")} not affected, not planned` : "",
  ].filter(Boolean);
  const footer = `\n${quiet.length ? `${quiet.join("; ")}. ` : ""}Full plans: ${where}.\n`;

  const warning = warningBlock(summaries, violations, options.destroyAllowed ?? false);
  const access = accessBlock(summaries);
  const head = [COMMENT_MARKER, `${title}${failures}`, "", warning, access, removed]
    .filter((p, i) => i < 3 || p)
    .join("\n");
  if (shown.length === 0) return `${head}\n${footer.trimStart()}`;

  const tableText = table(shown, Math.floor((maxChars - head.length - footer.length) * 0.6));
  let remaining = maxChars - head.length - tableText.length - footer.length - 400;
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
      ? `> [!NOTE]\n> To stay within GitHub's comment size, ${cutWorkspaces} change list(s) were shortened` +
        `${omitted ? ` and ${omitted} left out` : ""}. Full plans: ${where}.\n\n`
      : "";
  return `${head}\n${cutNote}${tableText}\n${blocks.join("\n")}${footer}`;
}
