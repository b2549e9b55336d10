import { affectedWorkspaces, describeRenames, listWorkspaces, renamedAccounts } from "../review/affected.js";
import { checkReadable, readMark } from "../review/output-folder.js";
import { MAX_SHARDS, resourceWeight, shardMatrix, shardWorkspaces, WORKSPACES_PER_SHARD } from "../review/shards.js";
import {
  type CommandSpec,
  MATRIX_WITH_SHARDS,
  type ParseArgsOptionsConfig,
  parseCommand,
  type ShardOption,
  shardOption,
  UsageError,
} from "./args.js";

const SPEC = {
  name: "affected",
  usage: `usage: fleetfile affected --base DIR --head DIR [--json] [--shards N --shard I | --matrix]
  Prints the workspaces whose synthesized configuration differs; writes nothing.
  --base DIR           synth output of the base branch
  --head DIR           synth output of the pull request
  --json               one object per workspace with its kind of change (added, changed, removed)
  --shards N --shard I only group I (from 0) of the N groups of about equal size (by
                       resources) the affected workspaces split into, the same on every runner
  --matrix             instead, the plan jobs the change needs, as a GitHub Actions matrix:
                       {"shard":[0,...]}, one per ${WORKSPACES_PER_SHARD} workspaces, at most ${MAX_SHARDS}, none for none`,
  options: {
    base: { type: "string" },
    head: { type: "string" },
    json: { type: "boolean", default: false },
    shards: { type: "string" },
    shard: { type: "string" },
    matrix: { type: "boolean", default: false },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/** Read by every command that compares two synths: what to do when a folder is not one. */
export const SYNTH_HINT = "give a folder written by npm run synth";

/**
 * `affected --base DIR_A --head DIR_B [--json]`: the workspaces whose synthesized
 * configuration differs, one name per line (or JSON with the kind of change).
 */
export function affectedCommand(args: readonly string[]): number {
  const values = parseCommand(SPEC, args);
  if (!values) return 0;
  if (!values.base || !values.head)
    throw new UsageError("affected needs --base DIR and --head DIR (two synth outputs)", SPEC.usage);
  const split = shardOption(values.shards, values.shard, MAX_SHARDS);
  if (split && values.matrix) throw new UsageError(MATRIX_WITH_SHARDS);
  const all = checkedAffected(values.base, values.head, "--base", "--head");
  const planned = all.filter((a) => a.change !== "removed").map((a) => a.workspace);
  if (values.matrix) {
    console.log(JSON.stringify(shardMatrix(planned.length)));
    return 0;
  }
  const mine = split ? new Set(shardOf(planned, values.head, split)) : undefined;
  // Removed workspaces are planned by nobody; the first shard reports them.
  const affected = all.filter((a) =>
    mine ? mine.has(a.workspace) || (a.change === "removed" && split?.shard === 0) : true,
  );
  if (values.json) console.log(JSON.stringify(affected, null, 2));
  else for (const { workspace } of affected) console.log(workspace);
  return 0;
}

/** This job's group of `workspaces` (of the synth output `synthDir`), weighed by their resources. */
export function shardOf(workspaces: readonly string[], synthDir: string, split: ShardOption): string[] {
  const weighed = workspaces.map((workspace) => ({ workspace, weight: resourceWeight(synthDir, workspace) }));
  return shardWorkspaces(weighed, split.shards)[split.shard];
}

/** {@link affectedWorkspaces} of two folders checked to be synth outputs; a renamed account key is an error. */
export function checkedAffected(base: string, head: string, baseOption: string, headOption: string) {
  const baseMark = checkReadable(base, "synth", `${baseOption} ${base}`, SYNTH_HINT);
  const headMark = checkReadable(head, "synth", `${headOption} ${head}`, SYNTH_HINT);
  const renames = renamedAccounts(baseMark?.accounts ?? {}, headMark?.accounts ?? {});
  if (renames.length > 0) throw new Error(describeRenames(renames));
  return affectedWorkspaces(base, head);
}

/**
 * The account workspaces of the synth output `synthDir` (a bootstrap workspace is applied
 * once, by hand, and checked by nobody), and each one's account type, as its mark
 * records them; none is a usage error.
 */
export function accountWorkspaces(synthDir: string): {
  readonly workspaces: string[];
  readonly types: Readonly<Record<string, string>>;
} {
  const types = readMark(synthDir)?.types ?? {};
  const workspaces = listWorkspaces(synthDir).filter((w) => types[w] !== undefined);
  if (workspaces.length === 0) {
    throw new UsageError(`no account workspaces in ${synthDir}: run npm run synth first (it records their types)`);
  }
  return { workspaces, types };
}

/** The workspaces a command runs in, and those that left the synth output. */
export interface ChosenWorkspaces {
  readonly chosen: readonly string[];
  readonly removed: readonly string[];
}

/**
 * The workspaces of `available` (in the synth output `synthDir`) that `--only` names, or
 * else those that differ from the synth output `--affected-from` names, or else all; a
 * workspace of `--only` that is not available is a usage error.
 */
export function chooseWorkspaces(
  available: readonly string[],
  synthDir: string,
  options: { readonly only?: readonly string[]; readonly affectedFrom?: string },
): ChosenWorkspaces {
  if (options.only?.length) {
    const unknown = options.only.filter((w) => !available.includes(w));
    if (unknown.length) {
      throw new UsageError(`--only ${unknown.join(", ")}: not in ${synthDir}; have ${available.join(", ")}`);
    }
    return { chosen: options.only, removed: [] };
  }
  if (!options.affectedFrom) return { chosen: available, removed: [] };
  const affected = checkedAffected(options.affectedFrom, synthDir, "--affected-from", "--synth");
  return {
    chosen: affected.filter((a) => a.change !== "removed" && available.includes(a.workspace)).map((a) => a.workspace),
    removed: affected.filter((a) => a.change === "removed").map((a) => a.workspace),
  };
}
