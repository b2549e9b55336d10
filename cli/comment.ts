import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { renderComment, type WorkspacePlan } from "../review/comment.js";
import { UsageError } from "./args.js";

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

/** Reads a plans folder written by the plan command. */
export function readPlans(dir: string): {
  plans: WorkspacePlan[];
  removed: string[];
  destroyAllowed: boolean;
  notAffected: number;
} {
  const files = readdirSync(dir);
  const plans: WorkspacePlan[] = [];
  for (const file of files) {
    if (file.endsWith(ERROR_SUFFIX)) {
      plans.push({ workspace: file.slice(0, -ERROR_SUFFIX.length), error: readFileSync(join(dir, file), "utf8") });
    } else if (file.endsWith(PLAN_SUFFIX)) {
      plans.push({
        workspace: file.slice(0, -PLAN_SUFFIX.length),
        plan: JSON.parse(readFileSync(join(dir, file), "utf8")),
      });
    }
  }
  const removedFile = join(dir, REMOVED_FILE);
  const removed = existsSync(removedFile) ? readFileSync(removedFile, "utf8").split("\n").filter(Boolean) : [];
  const notAffectedFile = join(dir, NOT_AFFECTED_FILE);
  const notAffected = existsSync(notAffectedFile) ? Number(readFileSync(notAffectedFile, "utf8").trim()) : 0;
  return { plans, removed, destroyAllowed: existsSync(join(dir, OVERRIDE_FILE)), notAffected };
}

/** `comment --plans DIR [--out FILE] [--plans-url URL]`: renders the pull request comment. */
export function commentCommand(args: readonly string[]): number {
  const { values } = parseArgs({
    args: [...args],
    options: { plans: { type: "string" }, out: { type: "string" }, "plans-url": { type: "string" } },
  });
  if (!values.plans) throw new UsageError("comment needs --plans DIR (written by npm run plan)");
  const { plans, removed, destroyAllowed, notAffected } = readPlans(values.plans);
  const markdown = renderComment(plans, { removed, destroyAllowed, notAffected, plansLocation: values["plans-url"] });
  if (values.out) writeFileSync(values.out, markdown);
  else process.stdout.write(markdown);
  return 0;
}
