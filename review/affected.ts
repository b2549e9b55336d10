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
