import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { loadInventoryFile } from "../inventory/load.js";
import type { Organization } from "../inventory/model.js";
import { synthesizeInParallel } from "../stacks/parallel-synth.js";
import { type SynthSummary, synthesize } from "../stacks/synthesize.js";
import { parseCommonArgs } from "./args.js";
import { plural, reportProblems } from "./report.js";

/**
 * `synth --inventory FILE --out DIR`: validates, then writes one folder per workspace
 * under DIR/stacks. On any error DIR is left exactly as it was.
 */
export async function synthCommand(args: readonly string[]): Promise<number> {
  const options = parseCommonArgs(args);
  const result = loadInventoryFile(options.inventory);
  if (reportProblems(result, options.format) || !result.organization) {
    console.error(`nothing written to ${options.out}`);
    return 1;
  }
  const cdktfOutdir = process.env.CDKTF_OUTDIR;
  const summary = cdktfOutdir
    ? synthesize(result.organization, cdktfOutdir)
    : await synthesizeAtomically(result.organization, options.out, (staging) =>
        synthesizeInParallel(result.organization as Organization, options.inventory, staging),
      );
  const warnings = result.problems.length;
  console.log(
    `${plural(summary.workspaces.length, "workspace")} (${plural(summary.resources, "resource")}) in ${join(cdktfOutdir ?? options.out, "stacks")}`,
  );
  if (summary.pending.length > 0)
    console.log(`pending, vended by the management workspace: ${summary.pending.join(", ")}`);
  if (warnings > 0) console.log(`${plural(warnings, "warning")} above`);
  return 0;
}

/**
 * Synthesizes into a fresh folder beside `outdir`, then swaps it in, so that a failure
 * half-way leaves the previous output whole and a removed account leaves no stale folder.
 */
export async function synthesizeAtomically(
  organization: Organization,
  outdir: string,
  write: (staging: string) => SynthSummary | Promise<SynthSummary> = (staging) => synthesize(organization, staging),
): Promise<SynthSummary> {
  const target = resolve(outdir);
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.next-`));
  // mkdtemp makes the folder private; the output is an ordinary folder like any other.
  chmodSync(staging, 0o755);
  let summary: SynthSummary;
  try {
    summary = await write(staging);
  } catch (cause) {
    rmSync(staging, { recursive: true, force: true });
    throw cause;
  }
  const previous = `${staging}.previous`;
  if (existsSync(target)) renameSync(target, previous);
  renameSync(staging, target);
  rmSync(previous, { recursive: true, force: true });
  return summary;
}

/** `synth-shard INVENTORY OUTDIR INDEX COUNT`: one process of a parallel synth; reports its summary to the parent. */
export function synthShardCommand(args: readonly string[]): number {
  const [inventory, outdir, index, count] = args;
  const result = loadInventoryFile(inventory);
  if (!result.organization) return 1;
  const summary = synthesize(result.organization, outdir, { index: Number(index), count: Number(count) });
  process.send?.(summary);
  return 0;
}
