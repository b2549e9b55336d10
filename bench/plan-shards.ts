/**
 * `npm run bench:plans`: what a change of the baseline costs to review, measured where it
 * can be and projected where it cannot. Measured: accounts.yaml applied to moto, then a
 * baseline edit that changes every account workspace, initialized and planned against the
 * applied state two at a time (a GitHub-hosted runner's two cores); the synth of the 90-
 * and 1,000-account inventories; the comment rendered from 1,000 plans. Projected from
 * those: the plan workflow's wall time for 90 and 1,000 accounts over 1, 4 and 16 jobs and
 * over the number `affected --matrix` picks, with GitHub's concurrent-job limits.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { accountWorkspaces } from "../cli/affected.js";
import { applyExample, resolveInventory } from "../harness/applied-example.js";
import { writeMark } from "../review/output-folder.js";
import { plannedChanges } from "../review/plan-json.js";
import { shardCount } from "../review/shards.js";
import { synthesize } from "../stacks/synthesize.js";
import { inEveryWorkspace, initEvery, plan, workspacesIn } from "../terraform/runner.js";
import { FLEETFILE_ENTRY, measure, measureSynth } from "./measure.js";

/** Workspaces planned at once in one job: the two cores of a standard GitHub-hosted Linux runner. */
const POOL = 2;
/**
 * Seconds a job spends before its first plan and after its last (checkout, setup-node
 * with its npm cache, npm ci, setup-terraform, artifact download and upload). Not
 * measurable here: an assumption, said as such in docs/benchmarks.md.
 */
const JOB_OVERHEAD_SECONDS = 60;
/** GitHub's concurrent jobs on standard hosted runners, by plan (docs: Actions limits). */
const CONCURRENT_JOBS = { Free: 20, Team: 60, Enterprise: 500 } as const;

/** A Config rule every account gets: a change of the baseline that touches every workspace. */
const ADDED_RULE = "IAM_ROOT_ACCESS_KEY_CHECK";

/** `text` with {@link ADDED_RULE} added to `baseline.configRules`. */
function withAddedRule(text: string): string {
  const doc = parseDocument(text);
  const rules = (doc.getIn(["baseline", "configRules"]) as { toJSON(): string[] }).toJSON();
  doc.setIn(["baseline", "configRules"], [...rules, ADDED_RULE]);
  return doc.toString();
}

/** Seconds since `start` (a `performance.now()`). */
const since = (start: number) => (performance.now() - start) / 1000;

/** The baseline change planned against the applied example; its plans' JSON copied into `keep`. */
async function measureBaselineChange(keep: string) {
  const example = await applyExample();
  try {
    const head = join(example.scratch, "head");
    const edited = resolveInventory(withAddedRule(example.text));
    synthesize(edited, head);
    const names = edited.accounts.flatMap((a) => (a.id ? [a.workspace] : []));
    for (const name of names) example.withAppliedState(head, name);
    const workspaces = workspacesIn(head, names);
    let start = performance.now();
    const inits = await initEvery(workspaces, example.runner, { size: POOL });
    const initSeconds = since(start);
    if (inits.some((o) => !o.ok)) throw new Error("an init failed");
    start = performance.now();
    const plans = await inEveryWorkspace(workspaces, "plan", (w) => plan(w.dir, example.runner), { size: POOL });
    const planSeconds = since(start);
    const planned = plans.flatMap((o) => (o.ok ? [o.value] : []));
    if (planned.length !== names.length) throw new Error("a plan failed");
    const changed = planned.filter((p) => plannedChanges(p.json).length > 0).length;
    const each = planned.map((p) => p.seconds).sort((a, b) => a - b);
    const jsonFiles = planned.map((p, i) => {
      const file = join(keep, `${names[i]}.json`);
      copyFileSync(p.jsonFile, file);
      return file;
    });
    return { workspaces: names.length, changed, initSeconds, planSeconds, each, jsonFiles };
  } finally {
    await example.close();
  }
}

/** The comment command on `count` plans, copied round-robin from `jsonFiles`. */
async function measureComment(jsonFiles: readonly string[], count: number, scratch: string) {
  const plans = join(scratch, `plans-${count}`);
  mkdirSync(plans, { recursive: true });
  for (let i = 0; i < count; i++)
    copyFileSync(jsonFiles[i % jsonFiles.length], join(plans, `acme-w${String(i).padStart(4, "0")}.json`));
  writeMark(plans, "plans");
  const markdown = join(scratch, `comment-${count}.md`);
  const run = await measure(process.execPath, [FLEETFILE_ENTRY, "comment", "--plans", plans, "--markdown", markdown]);
  if (run.code !== 0) throw new Error(`comment failed:\n${run.stderr}`);
  return { seconds: run.seconds, peakMb: run.peakBytes / 1024 ** 2 };
}

/**
 * Wall time of the plan workflow for `workspaces` changed workspaces over `shards` jobs at
 * most `concurrent` at once: the prepare job (two synths), the plan jobs in rounds of
 * `concurrent`, the comment job.
 */
function projectSeconds(
  workspaces: number,
  shards: number,
  concurrent: number,
  perWorkspace: number,
  synthSeconds: number,
  commentSeconds: number,
): number {
  const prepare = JOB_OVERHEAD_SECONDS + 2 * synthSeconds;
  const job = JOB_OVERHEAD_SECONDS + Math.ceil(workspaces / shards) * perWorkspace;
  const rounds = Math.ceil(shards / concurrent);
  return prepare + rounds * job + JOB_OVERHEAD_SECONDS + commentSeconds;
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "fleetfile-bench-plans-"));
  let measured: Awaited<ReturnType<typeof measureBaselineChange>>;
  let synth: Record<string, { seconds: number; workspaces: number }>;
  let comment: { seconds: number; peakMb: number };
  try {
    measured = await measureBaselineChange(scratch);
    const synthOf = async (workloads: number) => {
      const { out, run } = await measureSynth(workloads, scratch);
      return { seconds: run.seconds, workspaces: accountWorkspaces(out).workspaces.length };
    };
    synth = { 90: await synthOf(90), 1000: await synthOf(1000) };
    comment = await measureComment(measured.jsonFiles, 1000, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // Init and plan of one workspace, in the wall time of a pool of two: what each adds to a job.
  const perWorkspace = (measured.initSeconds + measured.planSeconds) / measured.workspaces;
  const median = measured.each[Math.floor(measured.each.length / 2)];

  console.log(
    `${new Date().toISOString()}  ${cpus()[0]?.model ?? "cpu"} × ${availableParallelism()}, Node ${process.version}\n`,
  );
  console.log("| Measured | Value |");
  console.log("|---|--:|");
  console.log(
    `| Baseline change (${ADDED_RULE} added), accounts.yaml: workspaces planned, with changes | ${measured.workspaces}, ${measured.changed} |`,
  );
  console.log(
    `| init of the ${measured.workspaces} workspaces, ${POOL} at a time | ${measured.initSeconds.toFixed(1)} s |`,
  );
  console.log(
    `| plan of the ${measured.workspaces} workspaces, ${POOL} at a time | ${measured.planSeconds.toFixed(1)} s |`,
  );
  console.log(
    `| one plan, fastest / median / slowest | ${measured.each[0].toFixed(1)} / ${median.toFixed(1)} / ${measured.each.at(-1)?.toFixed(1)} s |`,
  );
  console.log(`| init and plan per workspace, in a job's wall time | ${perWorkspace.toFixed(1)} s |`);
  for (const [n, s] of Object.entries(synth))
    console.log(`| synth, ${n} workload accounts (${s.workspaces} workspaces) | ${s.seconds.toFixed(1)} s |`);
  console.log(`| comment from 1,000 plans | ${comment.seconds.toFixed(1)} s, peak ${comment.peakMb.toFixed(0)} MB |`);

  console.log("\n| Accounts changed | Jobs | Workspaces per job | Free (20 at once) | Team (60) | Enterprise (500) |");
  console.log("|--:|--:|--:|--:|--:|--:|");
  for (const [n, s] of Object.entries(synth)) {
    const workspaces = s.workspaces;
    const picked = shardCount(workspaces);
    for (const shards of [...new Set([1, 4, 16, picked])].sort((a, b) => a - b)) {
      const cells = Object.values(CONCURRENT_JOBS).map((c) =>
        minutes(projectSeconds(workspaces, shards, c, perWorkspace, s.seconds, comment.seconds)),
      );
      const label = shards === picked ? `${shards} (affected --matrix)` : String(shards);
      console.log(
        `| ${workspaces} (${n} workload) | ${label} | ${Math.ceil(workspaces / shards)} | ${cells.join(" | ")} |`,
      );
    }
  }
}

await main();
