import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listWorkspaces } from "../review/affected.js";
import { destroyViolations, OVERRIDE_HINT } from "../review/destroy-guard.js";
import { checkReadable, checkReplaceable, writeMark } from "../review/output-folder.js";
import { type PlanJson, resourceChanges } from "../review/plan-json.js";
import { MAX_SHARDS } from "../review/shards.js";
import { writeCliConfig } from "../terraform/cli-config.js";
import { createProgress } from "../terraform/progress.js";
import { planEvery, workspacesIn } from "../terraform/runner.js";
import { chooseWorkspaces, SYNTH_HINT, shardOf } from "./affected.js";
import {
  type CommandSpec,
  jobsOption,
  type ParseArgsOptionsConfig,
  parseCommand,
  readOnlyAccess,
  shardOption,
  UsageError,
} from "./args.js";
import { ERROR_SUFFIX, NOT_AFFECTED_FILE, OVERRIDE_FILE, PLAN_SUFFIX, REMOVED_FILE } from "./comment.js";

/** Exit code when the destroy guard stops the run. */
export const GUARD_EXIT_CODE = 3;

const SPEC = {
  name: "plan",
  usage: `usage: fleetfile plan [--synth DIR] [--only WORKSPACE]... [--affected-from DIR] [--plans DIR] [--allow-destroy] [--access plan|apply] [--shards N --shard I] [--jobs N]
  Runs terraform init and plan in the chosen workspaces of a synth output and saves each
  plan's JSON as DIR/<workspace>.json. Exit 3 when the destroy guard stops the run.
  --synth DIR          the synth output to plan (default: cdktf.out)
  --only WORKSPACE     plan this workspace only; repeat for more
  --affected-from DIR  plan only the workspaces that differ from this synth output (the base branch's)
  --plans DIR          the folder to fill (default: plans); it must be new, empty, or an
                       earlier plans folder, which is replaced whole
  --allow-destroy      let the plan go on when a protected resource would be destroyed
  --access plan|apply  the role the plans run as in each account: plan (default) the
                       read-only <organization>-plan role, without the state lock (in
                       Terraform Cloud, its plan phase's own role); apply the execution
                       role, for accounts whose plan role does not exist yet
  --shards N --shard I plan only group I (from 0) of the N groups the chosen workspaces
                       split into (npm run affected -- --matrix says how many); the
                       comment job puts the groups' plans folders together
  --jobs N             workspaces planned at once (default: the number of cores)`,
  options: {
    synth: { type: "string", default: "cdktf.out" },
    only: { type: "string", multiple: true },
    "affected-from": { type: "string" },
    plans: { type: "string", default: "plans" },
    "allow-destroy": { type: "boolean", default: false },
    access: { type: "string", default: "plan" },
    shards: { type: "string" },
    shard: { type: "string" },
    jobs: { type: "string" },
  },
  elsewhere: { out: "--synth DIR (the synth output to plan)" },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/**
 * `plan [--synth DIR] [--only WS...] [--affected-from DIR_A] [--plans DIR] [--allow-destroy] [--jobs N]`:
 * `terraform plan` of the chosen workspaces of a synth output, a bounded pool at once,
 * each plan's JSON saved as `<plans>/<workspace>.json`. Exits non-zero when a plan failed,
 * or when a protected resource (account, log bucket, log key, trail) would be destroyed or
 * replaced and `--allow-destroy` was not given.
 */
export async function planCommand(args: readonly string[]): Promise<number> {
  const values = parseCommand(SPEC, args);
  if (!values) return 0;
  const size = jobsOption(values.jobs);
  const readOnly = readOnlyAccess(values.access);
  const synthDir = values.synth;
  checkReadable(synthDir, "synth", `--synth ${synthDir}`, SYNTH_HINT);
  const replaceable = checkReplaceable(values.plans, "plans", `--plans ${values.plans}`);
  const available = listWorkspaces(synthDir);
  if (available.length === 0) throw new UsageError(`no workspaces in ${synthDir}/stacks: run npm run synth first`);
  const whole = chooseWorkspaces(available, synthDir, { only: values.only, affectedFrom: values["affected-from"] });
  const split = shardOption(values.shards, values.shard, MAX_SHARDS);
  const chosen = split ? shardOf(whole.chosen, synthDir, split) : whole.chosen;
  // Every group's folder says the same of the rest; only the first names the removed ones.
  const removed = split && split.shard > 0 ? [] : whole.removed;
  const notAffected = available.length - whole.chosen.length;

  // Only a plans folder of an earlier run gets here (checkReplaceable): nothing else is deleted.
  if (replaceable.exists) rmSync(values.plans, { recursive: true });
  mkdirSync(values.plans, { recursive: true });
  try {
    return await planInto(values.plans, {
      synthDir,
      available,
      chosen,
      removed,
      notAffected,
      size,
      allowDestroy: values["allow-destroy"],
      readOnly,
    });
  } finally {
    // Even after a crash, so that the next run may replace what this one wrote.
    writeMark(values.plans, "plans");
  }
}

interface PlanRun {
  readonly synthDir: string;
  readonly available: readonly string[];
  readonly chosen: readonly string[];
  readonly removed: readonly string[];
  /** Workspaces of the synth output that no group plans: not affected. */
  readonly notAffected: number;
  readonly size?: number;
  readonly allowDestroy: boolean;
  readonly readOnly: boolean;
}

/** Plans `run.chosen` into the fresh folder `plansDir`; returns the exit code. */
async function planInto(plansDir: string, run: PlanRun): Promise<number> {
  const { synthDir, available, chosen, removed, size } = run;
  if (removed.length) writeFileSync(join(plansDir, REMOVED_FILE), `${removed.join("\n")}\n`);
  // Written even when nothing is planned, so the comment of an earlier push is replaced.
  writeFileSync(join(plansDir, NOT_AFFECTED_FILE), `${run.notAffected}\n`);
  console.error(
    `planning ${chosen.length} of ${available.length} workspaces${removed.length ? `; ${removed.length} removed` : ""}`,
  );
  if (chosen.length === 0) return 0;

  const props = { cliConfigFile: writeCliConfig() };
  const progress = createProgress();
  const workspaces = workspacesIn(synthDir, chosen);
  const plans = await planEvery(workspaces, props, { readOnly: run.readOnly }, { size, progress });

  const planned: { workspace: string; json: PlanJson }[] = [];
  const failures = plans.flatMap((o) => (o.ok ? [] : [o]));
  for (const failure of failures) {
    const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
    writeFileSync(join(plansDir, `${failure.item.name}${ERROR_SUFFIX}`), message);
  }
  for (const outcome of plans) {
    if (!outcome.ok) continue;
    copyFileSync(outcome.value.jsonFile, join(plansDir, `${outcome.item.name}${PLAN_SUFFIX}`));
    planned.push({ workspace: outcome.item.name, json: outcome.value.json });
  }
  const failed = chosen.length - planned.length;

  const violations = destroyViolations(
    planned.map((p) => ({ workspace: p.workspace, changes: resourceChanges(p.json) })),
  );
  for (const v of violations) console.error(`protected: ${v.workspace}: ${v.action} ${v.address}`);
  if (violations.length > 0 && run.allowDestroy) writeFileSync(join(plansDir, OVERRIDE_FILE), "");
  console.error(`${planned.length} planned, ${failed} failed; plans in ${plansDir}`);
  if (violations.length > 0 && !run.allowDestroy) {
    console.error(
      `the destroy guard stops this run: ${violations.length} protected resource(s) would be lost; ${OVERRIDE_HINT}`,
    );
    return GUARD_EXIT_CODE;
  }
  return failed > 0 ? 1 : 0;
}
