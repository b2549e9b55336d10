import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMMENT_MARKER, planLabel, renderComment, type WorkspacePlan, withMissingPlans } from "../review/comment.js";
import { checkMarkedFile, checkReadable, FolderError, MARK_FILE } from "../review/output-folder.js";
import { type CommandSpec, type ParseArgsOptionsConfig, parseCommand, UsageError } from "./args.js";

/** Suffix of a saved JSON plan: `plans/<workspace>.json`. */
export const PLAN_SUFFIX = ".json";
/** Suffix of a failed plan's error output: `plans/<workspace>.error.txt`. */
export const ERROR_SUFFIX = ".error.txt";
/** File listing workspaces no longer synthesized, one per line. */
export const REMOVED_FILE = "removed.txt";
/** File holding how many workspaces were not affected, and so not planned. */
export const NOT_AFFECTED_FILE = "not-affected.txt";
/** File whose presence says the destroy guard was overridden. */
export const OVERRIDE_FILE = "destroy-allowed";

/** Reads a plans folder written by the plan command; a folder that is not one, or a plan that is not JSON, is an error. */
export function readPlans(
  dir: string,
  option = `--plans ${dir}`,
): {
  plans: WorkspacePlan[];
  removed: string[];
  destroyAllowed: boolean;
  notAffected: number;
} {
  checkReadable(dir, "plans", option, "give a folder written by npm run plan");
  const files = readdirSync(dir).sort();
  const plans: WorkspacePlan[] = [];
  for (const file of files) {
    if (file === MARK_FILE) continue;
    if (file.endsWith(ERROR_SUFFIX)) {
      plans.push({ workspace: file.slice(0, -ERROR_SUFFIX.length), error: readFileSync(join(dir, file), "utf8") });
    } else if (file.endsWith(PLAN_SUFFIX)) {
      plans.push({ workspace: file.slice(0, -PLAN_SUFFIX.length), plan: readPlanJson(join(dir, file)) });
    }
  }
  const removedFile = join(dir, REMOVED_FILE);
  const removed = existsSync(removedFile) ? readFileSync(removedFile, "utf8").split("\n").filter(Boolean) : [];
  const notAffectedFile = join(dir, NOT_AFFECTED_FILE);
  const notAffected = existsSync(notAffectedFile) ? Number(readFileSync(notAffectedFile, "utf8").trim()) : 0;
  return { plans, removed, destroyAllowed: existsSync(join(dir, OVERRIDE_FILE)), notAffected };
}

function readPlanJson(file: string): WorkspacePlan["plan"] {
  const text = readFileSync(file, "utf8");
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (cause) {
    throw new FolderError(`${file}: not JSON (${(cause as Error).message}); plans are written by terraform show -json`);
  }
  if (plan === null || typeof plan !== "object" || !("format_version" in plan)) {
    throw new FolderError(
      `${file}: not a Terraform plan (no format_version); plans are written by terraform show -json`,
    );
  }
  return plan as WorkspacePlan["plan"];
}

/** The workspace names of `--expect FILE`, one per line. */
function readExpected(file: string): string[] {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  } catch (cause) {
    throw new UsageError(`--expect ${file}: cannot be read (${(cause as NodeJS.ErrnoException).code})`);
  }
}

/** Refuses `--markdown FILE` when FILE is there and is not a comment fleetfile wrote: `--markdown accounts.yaml` must not eat the inventory. */
export function checkCommentFile(file: string): void {
  checkMarkedFile(file, `--markdown ${file}`, COMMENT_MARKER, "a comment");
}

const SPEC = {
  name: "comment",
  usage: `usage: fleetfile comment --plans DIR [--markdown FILE] [--plans-url URL] [--expect FILE] [--label]
  Renders the pull request comment from a plans folder written by fleetfile plan.
  --plans DIR       the plans folder to read
  --markdown FILE   write the comment to FILE (default: standard output); FILE must be new
                    or a comment written before, which is replaced
  --plans-url URL   where reviewers find the full plans (the run's artifacts)
  --expect FILE     the workspaces that should have a plan, one per line (npm run affected):
                    each without a plan or an error in DIR shows as a failed plan
  --label           print only the pull request's label instead: no-changes, add-or-update
                    or destroy (nothing when a plan failed and the others change nothing)`,
  options: {
    plans: { type: "string" },
    markdown: { type: "string" },
    "plans-url": { type: "string" },
    expect: { type: "string" },
    label: { type: "boolean", default: false },
  },
  elsewhere: { out: "--markdown FILE" },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/** `comment --plans DIR [--markdown FILE] [--plans-url URL] [--label]`: renders the pull request comment, or names its label. */
export function commentCommand(args: readonly string[]): number {
  const values = parseCommand(SPEC, args);
  if (!values) return 0;
  if (!values.plans) throw new UsageError("comment needs --plans DIR (written by npm run plan)", SPEC.usage);
  const read = readPlans(values.plans);
  const { removed, destroyAllowed, notAffected } = read;
  const plans = values.expect ? withMissingPlans(read.plans, readExpected(values.expect), removed) : read.plans;
  if (values.label) {
    if (values.markdown) throw new UsageError("--label prints the label alone; leave out --markdown", SPEC.usage);
    const label = planLabel(plans);
    if (label) process.stdout.write(`${label}\n`);
    return 0;
  }
  const markdown = renderComment(plans, { removed, destroyAllowed, notAffected, plansLocation: values["plans-url"] });
  if (values.markdown) {
    checkCommentFile(values.markdown);
    writeFileSync(values.markdown, markdown);
  } else process.stdout.write(markdown);
  return 0;
}
