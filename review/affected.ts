import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** How a workspace differs between two synth outputs. */
export type ChangeKind = "added" | "changed" | "removed";

/** One workspace that a pull request affects. */
export interface AffectedWorkspace {
  readonly workspace: string;
  readonly change: ChangeKind;
}

/** Workspace folder names of a synth output (`DIR/stacks/*` holding a cdk.tf.json). */
export function listWorkspaces(outdir: string): string[] {
  const stacks = join(outdir, "stacks");
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(stacks, entry.name, "cdk.tf.json")))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The configuration as Terraform sees it: cdktf's `//` metadata (construct paths, its own
 * version) removed and keys sorted, so that only what Terraform would act on counts.
 */
export function normalizeConfig(config: unknown): unknown {
  if (Array.isArray(config)) return config.map(normalizeConfig);
  if (config === null || typeof config !== "object") return config;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config).sort()) {
    if (key !== "//") out[key] = normalizeConfig((config as Record<string, unknown>)[key]);
  }
  return out;
}

/** Whether two cdk.tf.json texts configure the same thing. Identical bytes answer without parsing. */
export function sameConfig(base: string, head: string): boolean {
  if (base === head) return true;
  return JSON.stringify(normalizeConfig(JSON.parse(base))) === JSON.stringify(normalizeConfig(JSON.parse(head)));
}

/**
 * Workspaces added, changed or removed between two synth outputs, by name. Comparing the
 * synthesized configuration (not the inventory) catches a change of the generator's code
 * as surely as an edit of accounts.yaml.
 */
export function affectedWorkspaces(baseDir: string, headDir: string): AffectedWorkspace[] {
  const base = new Set(listWorkspaces(baseDir));
  const head = listWorkspaces(headDir);
  const read = (dir: string, ws: string) => readFileSync(join(dir, "stacks", ws, "cdk.tf.json"), "utf8");
  const affected: AffectedWorkspace[] = [];
  for (const workspace of head) {
    if (!base.has(workspace)) affected.push({ workspace, change: "added" });
    else if (!sameConfig(read(baseDir, workspace), read(headDir, workspace)))
      affected.push({ workspace, change: "changed" });
  }
  const inHead = new Set(head);
  for (const workspace of base) if (!inHead.has(workspace)) affected.push({ workspace, change: "removed" });
  return affected.sort((a, b) => a.workspace.localeCompare(b.workspace));
}

/** An account whose workspace changed name between two synth outputs: its key was renamed. */
export interface RenamedAccount {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Accounts that left one workspace and appeared in another (same account id, different
 * workspace name) between two synths, by the account ids their marks record. Such an edit
 * plans as a destroy of the old workspace and a new one that collides with the account's
 * existing recorder and detector, so the commands refuse it.
 */
export function renamedAccounts(
  base: Readonly<Record<string, string>>,
  head: Readonly<Record<string, string>>,
): RenamedAccount[] {
  const headById = new Map(Object.entries(head).map(([workspace, id]) => [id, workspace]));
  return Object.entries(base).flatMap(([from, id]) => {
    const to = headById.get(id);
    return to !== undefined && to !== from && !(from in head) ? [{ id, from, to }] : [];
  });
}

/** The message that refuses a renamed account key and says how to rename instead. */
export function describeRenames(renames: readonly RenamedAccount[]): string {
  const lines = renames.map((r) => `account ${r.id} moved from workspace ${r.from} to ${r.to}`);
  return `${lines.join("; ")}: an account's key is its identity (its workspace, its state, every address), so a new key would destroy the old workspace and collide with what the account already has. Keep the key and change its name with the account's \`name\` field (docs/commands.md, "Renaming an account")`;
}
