import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { driftOf, renderDriftReport, renderWorkspaceDrift, type WorkspaceDrift } from "../review/drift.js";
import { checkReadable, checkReplaceable, writeMark } from "../review/output-folder.js";
import { MAX_SHARDS, shardMatrix, WORKSPACES_PER_SHARD } from "../review/shards.js";
import { writeCliConfig } from "../terraform/cli-config.js";
import { createProgress } from "../terraform/progress.js";
import { planEvery, workspacesIn } from "../terraform/runner.js";
import { accountWorkspaces, chooseWorkspaces, SYNTH_HINT, shardOf } from "./affected.js";
import {
  type CommandSpec,
  jobsOption,
  MATRIX_WITH_SHARDS,
  type ParseArgsOptionsConfig,
  parseCommand,
  readOnlyAccess,
  shardOption,
  UsageError,
} from "./args.js";

/** Exit code when some workspace drifted. */
export const DRIFT_EXIT_CODE = 2;

/** The report of the whole run, in the drift folder. */
export const REPORT_FILE = "drift.md";
/** The same as JSON: one entry per workspace. */
export const JSON_FILE = "drift.json";

const SPEC = {
  name: "drift",
  usage: `usage: fleetfile drift [--synth DIR] [--only WORKSPACE]... [--out DIR] [--access plan|apply] [--shards N --shard I | --matrix] [--jobs N]
  Plans the account workspaces of a synth output against the real resources (refreshing
  them, read-only) and reports each resource changed or deleted outside Terraform. Writes
  DIR/drift.md, DIR/drift.json and DIR/<workspace>.md for each drifted workspace; applies
  nothing. Exit 2 when anything drifted, 1 when a workspace could not be read.
  --synth DIR          the synth output whose workspaces to check (default: cdktf.out)
  --only WORKSPACE     check this workspace only; repeat for more
  --out DIR            the folder to fill (default: drift); it must be new, empty, or an
                       earlier drift folder, which is replaced whole
  --access plan|apply  the role the plans run as (default: plan, the read-only plan role)
  --shards N --shard I check only group I (from 0) of the N groups the workspaces split
                       into, the same groups from run to run
  --matrix             print the GitHub Actions matrix for the chosen workspaces,
                       {"shard":[0,...]}, one per ${WORKSPACES_PER_SHARD} workspaces, at most ${MAX_SHARDS}; check nothing
  --jobs N             workspaces checked at once (default: the number of cores)`,
  options: {
    synth: { type: "string", default: "cdktf.out" },
    only: { type: "string", multiple: true },
    out: { type: "string", default: "drift" },
    access: { type: "string", default: "plan" },
    shards: { type: "string" },
    shard: { type: "string" },
    matrix: { type: "boolean", default: false },
    jobs: { type: "string" },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/**
 * `drift [--synth DIR] [--only WS...] [--out DIR] [--access plan|apply] [--shards N --shard I | --matrix] [--jobs N]`: a
 * refreshing, read-only plan of each account workspace, and a report of what the plans
 * found changed outside Terraform (the plan JSON's `resource_drift`).
 */
export async function driftCommand(args: readonly string[]): Promise<number> {
  const values = parseCommand(SPEC, args);
  if (!values) return 0;
  const size = jobsOption(values.jobs);
  const readOnly = readOnlyAccess(values.access);
  const split = shardOption(values.shards, values.shard, MAX_SHARDS);
  if (split && values.matrix) throw new UsageError(MATRIX_WITH_SHARDS);
  checkReadable(values.synth, "synth", `--synth ${values.synth}`, SYNTH_HINT);
  const whole = chooseWorkspaces(accountWorkspaces(values.synth).workspaces, values.synth, {
    only: values.only,
  }).chosen;
  if (values.matrix) {
    console.log(JSON.stringify(shardMatrix(whole.length)));
    return 0;
  }
  const replaceable = checkReplaceable(values.out, "drift", `--out ${values.out}`);
  const chosen = split ? shardOf(whole, values.synth, split) : whole;

  const props = { cliConfigFile: writeCliConfig() };
  const progress = createProgress();
  const workspaces = workspacesIn(values.synth, chosen);
  const plans = await planEvery(workspaces, props, { readOnly, planFile: "drift" }, { size, progress });
  const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const drifts: WorkspaceDrift[] = plans.map((o) =>
    o.ok
      ? { workspace: o.item.name, drifted: driftOf(o.value.json) }
      : { workspace: o.item.name, drifted: [], error: message(o.error) },
  );
  drifts.sort((a, b) => (a.workspace < b.workspace ? -1 : 1));

  if (replaceable.exists) rmSync(values.out, { recursive: true });
  mkdirSync(values.out, { recursive: true });
  try {
    const report = renderDriftReport(drifts);
    writeFileSync(join(values.out, REPORT_FILE), report);
    writeFileSync(join(values.out, JSON_FILE), `${JSON.stringify(drifts, null, 2)}\n`);
    for (const drift of drifts.filter((d) => d.error || d.drifted.length > 0)) {
      writeFileSync(join(values.out, `${drift.workspace}.md`), renderWorkspaceDrift(drift));
    }
    console.log(report);
  } finally {
    writeMark(values.out, "drift");
  }
  if (drifts.some((d) => d.error)) return 1;
  return drifts.some((d) => d.drifted.length > 0) ? DRIFT_EXIT_CODE : 0;
}
