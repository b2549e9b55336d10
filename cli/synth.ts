import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { loadInventoryFile } from "../inventory/load.js";
import type { Organization } from "../inventory/model.js";
import {
  checkReplaceable,
  FolderError,
  type Replaceable,
  type SynthAccounts,
  writeMark,
} from "../review/output-folder.js";
import { synthesizeInParallel } from "../stacks/parallel-synth.js";
import { type SynthSummary, synthesize } from "../stacks/synthesize.js";
import { type CommandSpec, type ParseArgsOptionsConfig, parseCommand, problemFormat } from "./args.js";
import { plural, reportProblems } from "./report.js";

const SPEC = {
  name: "synth",
  usage: `usage: fleetfile synth [--inventory FILE] [--out DIR] [--format text|github]
  Validates the inventory, then writes one Terraform workspace per account into DIR/stacks.
  --inventory FILE  the inventory to read (default: accounts.yaml)
  --out DIR         the folder to fill (default: cdktf.out); it must be new, empty, or an
                    earlier synth output, which is replaced whole. A folder holding anything
                    else, or Terraform state, is refused with nothing touched.
  --format FORMAT   text, or github to add workflow annotations (default: text)`,
  options: {
    inventory: { type: "string", default: "accounts.yaml" },
    out: { type: "string", default: "cdktf.out" },
    format: { type: "string" },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/**
 * `synth --inventory FILE --out DIR`: validates, then writes one folder per workspace
 * under DIR/stacks. On any error DIR is left exactly as it was.
 */
export async function synthCommand(args: readonly string[]): Promise<number> {
  const options = parseCommand(SPEC, args);
  if (!options) return 0;
  const format = problemFormat(options.format);
  const cdktfOutdir = process.env.CDKTF_OUTDIR;
  // Before the inventory is read: a folder that cannot be replaced is the first thing to say.
  const replaceable = cdktfOutdir ? undefined : checkReplaceable(resolve(options.out), "synth", `--out ${options.out}`);
  const result = loadInventoryFile(options.inventory);
  if (reportProblems(result, format) || !result.organization) {
    console.error(`nothing written to ${options.out}`);
    return 1;
  }
  const organization = result.organization;
  const summary = cdktfOutdir
    ? synthesize(organization, cdktfOutdir)
    : await synthesizeAtomically(organization, options.out, replaceable as Replaceable, (staging) =>
        synthesizeInParallel(organization, options.inventory, staging),
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
 * `replaceable` is what {@link checkReplaceable} found `outdir` to be, before anything was
 * written: new, empty or an earlier synth output, whose Terraform caches are carried over
 * to the workspaces that remain.
 */
/** What a synth's mark records of its account workspaces: each one's account id and type. */
export function synthAccounts(organization: Organization): SynthAccounts {
  const withIds = organization.accounts.filter((a) => a.id);
  return {
    accounts: Object.fromEntries(withIds.map((a) => [a.workspace, a.id as string])),
    types: Object.fromEntries(withIds.map((a) => [a.workspace, a.type])),
  };
}

export async function synthesizeAtomically(
  organization: Organization,
  outdir: string,
  replaceable: Replaceable,
  write: (staging: string) => SynthSummary | Promise<SynthSummary> = (staging) => synthesize(organization, staging),
): Promise<SynthSummary> {
  const target = resolve(outdir);
  const parent = dirname(target);
  let staging: string;
  let created: string | undefined;
  try {
    created = mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${basename(target)}.next-`));
  } catch (cause) {
    throw new FolderError(
      `--out ${outdir}: cannot write in ${parent} (${(cause as NodeJS.ErrnoException).code}); nothing written`,
    );
  }
  // mkdtemp makes the folder private; the output is an ordinary folder like any other.
  chmodSync(staging, 0o755);
  let summary: SynthSummary;
  try {
    summary = await write(staging);
    writeMark(staging, "synth", synthAccounts(organization));
  } catch (cause) {
    rmSync(created ?? staging, { recursive: true, force: true });
    throw cause;
  }
  const previous = `${staging}.previous`;
  try {
    if (replaceable.exists) renameSync(target, previous);
  } catch (cause) {
    rmSync(staging, { recursive: true, force: true });
    throw new FolderError(
      `--out ${outdir}: cannot replace it (${(cause as NodeJS.ErrnoException).code}); nothing written`,
    );
  }
  try {
    renameSync(staging, target);
  } catch (cause) {
    if (replaceable.exists) renameSync(previous, target);
    rmSync(staging, { recursive: true, force: true });
    throw new FolderError(
      `--out ${outdir}: cannot replace it (${(cause as NodeJS.ErrnoException).code}); left as it was`,
    );
  }
  for (const path of replaceable.carry) {
    if (existsSync(dirname(join(target, path)))) renameSync(join(previous, path), join(target, path));
  }
  try {
    rmSync(previous, { recursive: true, force: true });
  } catch (cause) {
    throw new FolderError(
      `--out ${outdir}: the new output is in place, but the previous one could not be removed from ${previous} (${(cause as NodeJS.ErrnoException).code}); remove it by hand`,
    );
  }
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
