import {
  countPlan,
  formatCounts,
  type PlanJson,
  type PlannedChange,
  plannedChanges,
  priorResourceCount,
} from "../review/plan-json.js";
import { writeCliConfig } from "./cli-config.js";
import { type MotoServer, type OrganizationSeed, startMoto } from "./moto.js";
import { motoEnv, writeMotoOverride } from "./moto-overrides.js";
import type { Outcome } from "./pool.js";
import type { Progress } from "./progress.js";
import { apply, firstLine, inEveryWorkspace, initEvery, plan, type RunnerProps, type Workspace } from "./runner.js";

/** How one workspace fared in the sandbox. */
export interface SandboxRow {
  readonly workspace: string;
  /** The step that failed, if one did; later steps were not run. */
  readonly failedStep?: "init" | "apply" | "replan";
  /** Why it failed: Terraform's first `Error:` line. */
  readonly error?: string;
  /** Managed resources in the state after apply. */
  readonly resources?: number;
  /** Seconds of the first plan and its apply. */
  readonly applySeconds?: number;
  /** The plan that was applied: what a pull request's comment would have shown (imports included). */
  readonly applied?: PlanJson;
  /** What a second plan, right after the apply, would still change. Empty: no drift. */
  readonly drift?: readonly PlannedChange[];
}

/** Props of {@link runSandbox}. */
export interface SandboxProps {
  /** Synthesized workspaces, in waves applied one after another; each wave's workspaces in parallel. */
  readonly waves: readonly (readonly Workspace[])[];
  /** The organization the workspaces live in, seeded into moto before the first apply. @default - none */
  readonly organization?: OrganizationSeed;
  /** @default defaultPoolSize() */
  readonly size?: number;
  /** @default - no progress shown */
  readonly progress?: Progress;
  /** Receives moto's request log (of a server started here). @default - discarded */
  readonly motoLog?: (line: string) => void;
  /**
   * A running moto server to apply to, fresh or reset; it is left running, so that the
   * caller can plan more against what was applied ({@link sandboxRunner}).
   * @default - a server started here and stopped at the end
   */
  readonly moto?: MotoServer;
}

/**
 * How the sandbox runs Terraform against moto at `endpoint`: the offline CLI config,
 * moto's environment ({@link motoEnv}), and every command logged in its workspace.
 */
export function sandboxRunner(endpoint: string): RunnerProps {
  return { cliConfigFile: writeCliConfig(), env: motoEnv(process.env, endpoint), keepLogs: true };
}

/**
 * Applies synthesized workspaces to a fresh patched moto and plans each again: starts
 * moto (unless given one), writes each workspace's override, inits every workspace,
 * applies the waves in order, plans again, stops moto (if started here). The synthesized
 * `cdk.tf.json` files are not touched.
 */
export async function runSandbox(props: SandboxProps): Promise<SandboxRow[]> {
  const workspaces = props.waves.flat();
  const moto = props.moto ?? (await startMoto({ log: props.motoLog }));
  try {
    if (props.organization) await moto.seedOrganization(props.organization);
    const runner = sandboxRunner(moto.endpoint);
    for (const workspace of workspaces) writeMotoOverride(workspace.dir);
    const every = { size: props.size, progress: props.progress };
    const failed = new Map<string, { step: "init" | "apply" | "replan"; error: string }>();
    const record = <R>(step: "init" | "apply" | "replan", outcomes: Outcome<Workspace, R>[]) => {
      for (const o of outcomes) if (!o.ok) failed.set(o.item.name, { step, error: firstLine(o.error) });
      return new Map(outcomes.flatMap((o) => (o.ok ? [[o.item.name, o.value] as const] : [])));
    };
    const healthy = (wave: readonly Workspace[]) => wave.filter((w) => !failed.has(w.name));

    record("init", await initEvery(workspaces, runner, every));
    const applied = new Map<string, { seconds: number; plan: PlanJson }>();
    for (const wave of props.waves) {
      const outcomes = await inEveryWorkspace(
        healthy(wave),
        "apply",
        async (w) => {
          const planned = await plan(w.dir, runner);
          const done = await apply(w.dir, planned.planFile, runner);
          return {
            seconds: planned.seconds + done.seconds,
            counts: formatCounts(countPlan(planned.json)),
            plan: planned.json,
          };
        },
        { ...every, note: (r) => r.counts },
      );
      for (const [name, result] of record("apply", outcomes)) applied.set(name, result);
    }
    const replans = record(
      "replan",
      await inEveryWorkspace(healthy(workspaces), "replan", (w) => plan(w.dir, runner, { planFile: "replan" }), {
        ...every,
        note: (r) => (plannedChanges(r.json).length > 0 ? "drift" : "no changes"),
      }),
    );
    return workspaces.map((w) => {
      const failure = failed.get(w.name);
      const replan = replans.get(w.name);
      return {
        workspace: w.name,
        ...(failure ? { failedStep: failure.step, error: failure.error } : {}),
        applySeconds: applied.get(w.name)?.seconds,
        applied: applied.get(w.name)?.plan,
        ...(replan ? { resources: priorResourceCount(replan.json), drift: plannedChanges(replan.json) } : {}),
      };
    });
  } finally {
    props.progress?.close();
    if (!props.moto) await moto.stop();
  }
}

/** Whether the sandbox passed: every workspace applied, and none would change on a second plan. */
export function sandboxPassed(rows: readonly SandboxRow[]): boolean {
  return rows.every((row) => !row.failedStep && row.drift?.length === 0);
}

/** The summary table: workspace, resources, apply time, drift (or the failure). */
export function renderSandboxTable(rows: readonly SandboxRow[]): string {
  const cells = rows.map((row) => [
    row.workspace,
    row.resources === undefined ? "-" : String(row.resources),
    row.applySeconds === undefined ? "-" : `${row.applySeconds.toFixed(1)} s`,
    row.failedStep
      ? `${row.failedStep} failed: ${row.error}`
      : row.drift?.length
        ? `${row.drift.length} drifting: ${row.drift.map((d) => `${d.address} (${d.actions.join("+")})`).join(", ")}`
        : "none",
  ]);
  const header = ["workspace", "resources", "apply", "drift"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) =>
    [c[0].padEnd(widths[0]), c[1].padStart(widths[1]), c[2].padStart(widths[2]), c[3]].join("  ").trimEnd();
  return [line(header), ...cells.map(line)].join("\n");
}
