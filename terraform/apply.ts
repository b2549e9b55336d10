import { destroyViolations } from "../review/destroy-guard.js";
import { countPlan, formatCounts, resourceChanges } from "../review/plan-json.js";
import type { Progress } from "./progress.js";
import { apply, firstLine, inEveryWorkspace, initEvery, plan, type RunnerProps, type Workspace } from "./runner.js";

/** First line of every apply summary: the workflow finds its comment by it, and `--summary` replaces only such a file. */
export const APPLY_MARKER = "<!-- fleetfile-apply -->";

/** What became of one workspace in an apply. */
export interface ApplyRow {
  readonly workspace: string;
  /** 1-based wave. */
  readonly wave: number;
  /**
   * `applied`: its plan changed something (resources or outputs) and the apply went through;
   * `unchanged`: its plan changed nothing; `failed`: init, plan or apply failed, or the destroy guard stopped it;
   * `skipped`: an earlier wave failed, so it was not touched.
   */
  readonly outcome: "applied" | "unchanged" | "failed" | "skipped";
  /** `2 to add, 0 to change, 0 to destroy`, of an applied workspace. */
  readonly counts?: string;
  /** Why it failed or was skipped. */
  readonly reason?: string;
  readonly seconds?: number;
}

/** Props of {@link applyInWaves}. */
export interface ApplyProps {
  /** Workspaces in waves applied one after another; a wave's workspaces side by side. */
  readonly waves: readonly (readonly Workspace[])[];
  readonly runner: RunnerProps;
  /** Workspaces applied at once within a wave. @default defaultPoolSize() */
  readonly size?: number;
  /** Let a plan that destroys or replaces a protected resource apply. @default false */
  readonly allowDestroy?: boolean;
  /** @default - no progress shown */
  readonly progress?: Progress;
}

/**
 * Applies the waves in order: init every workspace of a wave, then in each plan to a file and apply
 * exactly that plan when it changes something. A protected resource (account, log bucket,
 * log key, trail) that the plan would destroy or replace stops that workspace unless
 * `allowDestroy`. When any workspace of a wave fails, the later waves are not touched: a
 * later wave may need what the failed one makes (terraform/waves.ts).
 */
export async function applyInWaves(props: ApplyProps): Promise<ApplyRow[]> {
  const rows: ApplyRow[] = [];
  try {
    for (const [index, wave] of props.waves.entries()) {
      const number = index + 1;
      const failedBefore = rows.find((r) => r.outcome === "failed");
      if (failedBefore) {
        const reason = `not applied: ${failedBefore.workspace} failed in wave ${failedBefore.wave}`;
        rows.push(...wave.map((w) => ({ workspace: w.name, wave: number, outcome: "skipped" as const, reason })));
        continue;
      }
      // The first init of a wave alone: parallel inits into an empty plugin cache fail.
      const inits = await initEvery(wave, props.runner, { size: props.size, progress: props.progress });
      for (const outcome of inits.filter((o) => !o.ok)) {
        rows.push({ workspace: outcome.item.name, wave: number, outcome: "failed", reason: firstLine(outcome.error) });
      }
      const ready = inits.filter((o) => o.ok).map((o) => o.item);
      const outcomes = await inEveryWorkspace(ready, "apply", (w) => applyOne(w, props), {
        size: props.size,
        progress: props.progress,
        note: (row) => row.counts ?? "no changes",
      });
      for (const outcome of outcomes) {
        rows.push(
          outcome.ok
            ? { ...outcome.value, wave: number }
            : { workspace: outcome.item.name, wave: number, outcome: "failed", reason: firstLine(outcome.error) },
        );
      }
    }
  } finally {
    props.progress?.close();
  }
  return rows;
}

/** Plan and (when it changes something) apply of one inited workspace; throws on a failure or a guarded destroy. */
async function applyOne(workspace: Workspace, props: ApplyProps): Promise<Omit<ApplyRow, "wave">> {
  const started = performance.now();
  const planned = await plan(workspace.dir, props.runner);
  const seconds = () => (performance.now() - started) / 1000;
  // Output changes count: the management workspace's account_ids must reach its state.
  if (!planned.changes) return { workspace: workspace.name, outcome: "unchanged", seconds: seconds() };
  const violations = destroyViolations([{ workspace: workspace.name, changes: resourceChanges(planned.json) }]);
  if (violations.length > 0 && !props.allowDestroy) {
    const listed = violations.map((v) => `${v.address} (${v.action})`).join(", ");
    throw new Error(
      `the plan would ${violations[0].action} protected resources: ${listed}; rerun with --allow-destroy`,
    );
  }
  await apply(workspace.dir, planned.planFile, props.runner);
  return {
    workspace: workspace.name,
    outcome: "applied",
    counts: formatCounts(countPlan(planned.json)),
    seconds: seconds(),
  };
}

/** Whether every workspace applied or had nothing to do. */
export function applySucceeded(rows: readonly ApplyRow[]): boolean {
  return rows.every((r) => r.outcome === "applied" || r.outcome === "unchanged");
}

/**
 * The summary as Markdown, for a CI job summary or a pull request comment: one line of
 * totals, then a table of every workspace in apply order. `removed` are workspaces whose
 * account left the inventory: apply never destroys them.
 */
export function renderApplySummary(rows: readonly ApplyRow[], removed: readonly string[] = []): string {
  const count = (outcome: ApplyRow["outcome"]) => rows.filter((r) => r.outcome === outcome).length;
  const verdict = applySucceeded(rows) ? "Apply succeeded" : "Apply failed";
  const totals = [
    `${count("applied")} applied`,
    `${count("unchanged")} unchanged`,
    `${count("failed")} failed`,
    `${count("skipped")} skipped`,
  ].join(", ");
  const lines = [APPLY_MARKER, `### ${verdict}: ${totals}`, ""];
  if (rows.length > 0) {
    lines.push("| wave | workspace | outcome | details |", "| ---: | --- | --- | --- |");
    for (const row of rows) {
      const details = row.counts ?? row.reason ?? "";
      const time = row.seconds === undefined ? "" : ` (${row.seconds.toFixed(1)} s)`;
      lines.push(`| ${row.wave} | \`${row.workspace}\` | ${row.outcome}${time} | ${details.replace(/\|/g, "\\|")} |`);
    }
  } else {
    lines.push("No workspace to apply.");
  }
  if (removed.length > 0) {
    lines.push(
      "",
      `Not destroyed: ${removed.map((w) => `\`${w}\``).join(", ")} left the inventory; their workspaces and state stay until destroyed deliberately.`,
    );
  }
  return `${lines.join("\n")}\n`;
}
