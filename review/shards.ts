import { readFileSync } from "node:fs";
import { join } from "node:path";

/** GitHub runs at most 256 jobs of one matrix. */
export const MAX_SHARDS = 256;

/**
 * Workspaces one plan job takes on: at about 10 s a plan on a 2-core runner with two at
 * once, twenty workspaces make a job of under two minutes after its setup.
 */
export const WORKSPACES_PER_SHARD = 20;

/** A workspace and how much planning it costs, in resources. */
export interface WeightedWorkspace {
  readonly workspace: string;
  readonly weight: number;
}

/**
 * How many plan jobs `count` workspaces need: one per {@link WORKSPACES_PER_SHARD}, at
 * least one when there is any, never more than {@link MAX_SHARDS}; none for none.
 */
export function shardCount(count: number, perShard = WORKSPACES_PER_SHARD): number {
  if (!Number.isInteger(perShard) || perShard < 1)
    throw new Error(`perShard must be a positive integer, not ${perShard}`);
  return Math.min(MAX_SHARDS, Math.ceil(count / perShard));
}

/** The GitHub Actions matrix of the jobs `count` workspaces need: `{"shard":[0,...]}`, none for none. */
export function shardMatrix(count: number): { shard: number[] } {
  return { shard: Array.from({ length: shardCount(count) }, (_, i) => i) };
}

/**
 * `workspaces` split into `shards` groups of about equal weight: heaviest first, each to
 * the lightest group so far (ties to the lower index), every group then in name order.
 * Deterministic: the same workspaces and weights give the same groups on every runner,
 * so that each job of a matrix computes its own share and no two share a workspace.
 */
export function shardWorkspaces(workspaces: readonly WeightedWorkspace[], shards: number): string[][] {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a positive integer, not ${shards}`);
  const groups = Array.from({ length: shards }, () => ({ weight: 0, members: [] as string[] }));
  const ordered = [...workspaces].sort(
    (a, b) => b.weight - a.weight || (a.workspace < b.workspace ? -1 : a.workspace > b.workspace ? 1 : 0),
  );
  for (const item of ordered) {
    let lightest = groups[0];
    for (const group of groups) if (group.weight < lightest.weight) lightest = group;
    lightest.weight += Math.max(item.weight, 1);
    lightest.members.push(item.workspace);
  }
  return groups.map((g) => g.members.sort());
}

/** The number of resources a synthesized workspace declares: the weight of its plan. */
export function resourceWeight(synthDir: string, workspace: string): number {
  const config = JSON.parse(readFileSync(join(synthDir, "stacks", workspace, "cdk.tf.json"), "utf8")) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  return Object.values(config.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}
