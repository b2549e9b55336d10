import { describe, expect, it } from "vitest";
import { MAX_SHARDS, shardCount, shardWorkspaces, WORKSPACES_PER_SHARD } from "../../review/shards.js";

/** `n` workspaces `ws-000`…, with weights from `weight`. */
function workspaces(n: number, weight: (i: number) => number = () => 30) {
  return Array.from({ length: n }, (_, i) => ({ workspace: `ws-${String(i).padStart(3, "0")}`, weight: weight(i) }));
}

describe("shardCount", () => {
  it("asks for one job when one account changed, one per twenty workspaces after that, and none for none", () => {
    expect(shardCount(0)).toBe(0);
    expect(shardCount(1)).toBe(1);
    expect(shardCount(WORKSPACES_PER_SHARD)).toBe(1);
    expect(shardCount(WORKSPACES_PER_SHARD + 1)).toBe(2);
    expect(shardCount(1000)).toBe(50);
  });

  it("never asks for more than GitHub's 256 matrix jobs", () => {
    expect(shardCount(100_000)).toBe(MAX_SHARDS);
  });
});

describe("shardWorkspaces", () => {
  it("puts every workspace in exactly one group", () => {
    const items = workspaces(1000, (i) => 20 + (i % 37));
    const groups = shardWorkspaces(items, 50);
    const all = groups.flat();
    expect(all.length).toBe(1000);
    expect(new Set(all).size).toBe(1000);
  });

  it("balances the groups by weight: the heaviest is within one workspace of the lightest", () => {
    const items = workspaces(1000, (i) => 20 + ((i * 7) % 90));
    const weightOf = new Map(items.map((w) => [w.workspace, w.weight]));
    const sums = shardWorkspaces(items, 50).map((g) => g.reduce((n, w) => n + (weightOf.get(w) ?? 0), 0));
    expect(Math.max(...sums) - Math.min(...sums)).toBeLessThanOrEqual(Math.max(...items.map((w) => w.weight)));
  });

  it("gives the same groups whatever order the workspaces come in", () => {
    const items = workspaces(200, (i) => 10 + (i % 13));
    expect(shardWorkspaces([...items].reverse(), 7)).toEqual(shardWorkspaces(items, 7));
  });

  it("spreads a heavy workspace's group so the light ones fill the others", () => {
    const groups = shardWorkspaces(
      [
        { workspace: "acme-management", weight: 90 },
        { workspace: "a", weight: 30 },
        { workspace: "b", weight: 30 },
        { workspace: "c", weight: 30 },
      ],
      2,
    );
    expect(groups).toEqual([["acme-management"], ["a", "b", "c"]]);
  });

  it("fails on a number of groups that is not a positive whole number", () => {
    expect(() => shardWorkspaces(workspaces(3), 0)).toThrow("shards must be a positive integer, not 0");
  });
});
