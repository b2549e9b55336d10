import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { affectedWorkspaces, listWorkspaces } from "../review/affected.js";
import { destroyViolations, OVERRIDE_HINT } from "../review/destroy-guard.js";
import { type PlanJson, resourceChanges } from "../review/plan-json.js";
import { writeCliConfig } from "../terraform/cli-config.js";
import { createProgress } from "../terraform/progress.js";
import { inEveryWorkspace, initEvery, plan, workspacesIn } from "../terraform/runner.js";
import { UsageError } from "./args.js";
import { ERROR_SUFFIX, NOT_AFFECTED_FILE, OVERRIDE_FILE, PLAN_SUFFIX, REMOVED_FILE } from "./comment.js";

/** Exit code when the destroy guard stops the run. */
export const GUARD_EXIT_CODE = 3;

/**
 * `plan [--out DIR] [--only WS...] [--affected-from DIR_A] [--plans DIR] [--allow-destroy] [--jobs N]`:
 * `terraform plan` of the chosen workspaces of a synth output, a bounded pool at once,
 * each plan's JSON saved as `<plans>/<workspace>.json`. Exits non-zero when a plan failed,
 * or when a protected resource (account, log bucket, log key, trail) would be destroyed or
 * replaced and `--allow-destroy` was not given.
 */
export async function planCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      out: { type: "string", default: "cdktf.out" },
      only: { type: "string", multiple: true },
      "affected-from": { type: "string" },
      plans: { type: "string", default: "plans" },
      "allow-destroy": { type: "boolean", default: false },
      jobs: { type: "string" },
    },
  });
  const available = listWorkspaces(values.out);
  if (available.length === 0) throw new UsageError(`no workspaces in ${values.out}/stacks: run npm run synth first`);
  let chosen = available;
  let removed: string[] = [];
  if (values.only?.length) {
    const unknown = values.only.filter((w) => !available.includes(w));
    if (unknown.length)
      throw new UsageError(`--only ${unknown.join(", ")}: not in ${values.out}; have ${available.join(", ")}`);
    chosen = values.only;
  } else if (values["affected-from"]) {
    const affected = affectedWorkspaces(values["affected-from"], values.out);
    chosen = affected.filter((a) => a.change !== "removed").map((a) => a.workspace);
    removed = affected.filter((a) => a.change === "removed").map((a) => a.workspace);
  }

  rmSync(values.plans, { recursive: true, force: true });
  mkdirSync(values.plans, { recursive: true });
  if (removed.length) writeFileSync(join(values.plans, REMOVED_FILE), `${removed.join("\n")}\n`);
  // Written even when nothing is planned, so the comment of an earlier push is replaced.
  writeFileSync(join(values.plans, NOT_AFFECTED_FILE), `${available.length - chosen.length}\n`);
  console.error(
    `planning ${chosen.length} of ${available.length} workspaces${removed.length ? `; ${removed.length} removed` : ""}`,
  );
  if (chosen.length === 0) return 0;

  const props = { cliConfigFile: writeCliConfig() };
  const size = values.jobs ? Number(values.jobs) : undefined;
  const progress = createProgress();
  const workspaces = workspacesIn(values.out, chosen);
  const inits = await initEvery(workspaces, props, { size, progress });
  const ready = inits.filter((o) => o.ok).map((o) => o.item);
  const plans = await inEveryWorkspace(ready, "plan", (w) => plan(w.dir, props), { size, progress });

  const planned: { workspace: string; json: PlanJson }[] = [];
  const failures = [...inits, ...plans].flatMap((o) => (o.ok ? [] : [o]));
  for (const failure of failures) {
    const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
    writeFileSync(join(values.plans, `${failure.item.name}${ERROR_SUFFIX}`), message);
  }
  for (const outcome of plans) {
    if (!outcome.ok) continue;
    copyFileSync(outcome.value.jsonFile, join(values.plans, `${outcome.item.name}${PLAN_SUFFIX}`));
    planned.push({ workspace: outcome.item.name, json: outcome.value.json });
  }
  const failed = chosen.length - planned.length;

  const violations = destroyViolations(
    planned.map((p) => ({ workspace: p.workspace, changes: resourceChanges(p.json) })),
  );
  for (const v of violations) console.error(`protected: ${v.workspace}: ${v.action} ${v.address}`);
  if (violations.length > 0 && values["allow-destroy"]) writeFileSync(join(values.plans, OVERRIDE_FILE), "");
  console.error(`${planned.length} planned, ${failed} failed; plans in ${values.plans}`);
  if (violations.length > 0 && !values["allow-destroy"]) {
    console.error(
      `the destroy guard stops this run: ${violations.length} protected resource(s) would be lost; ${OVERRIDE_HINT}`,
    );
    return GUARD_EXIT_CODE;
  }
  return failed > 0 ? 1 : 0;
}
