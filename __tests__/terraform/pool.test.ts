import { describe, expect, it } from "vitest";
import { MIN_POOL_SIZE, poolSize, runPool, TERRAFORM_RUN_BYTES } from "../../terraform/pool.js";

const GB = 1024 ** 3;

describe("poolSize", () => {
  it("is one run per core when memory holds them", () => {
    expect(poolSize({ cores: 4, freeMemoryBytes: 32 * GB })).toBe(4);
  });

  it("is as many runs as free memory holds when that is fewer than the cores", () => {
    expect(poolSize({ cores: 16, freeMemoryBytes: 5 * TERRAFORM_RUN_BYTES + 1 })).toBe(5);
  });

  it("is never fewer than two", () => {
    expect(poolSize({ cores: 1, freeMemoryBytes: 64 * GB })).toBe(MIN_POOL_SIZE);
    expect(poolSize({ cores: 8, freeMemoryBytes: 100 })).toBe(MIN_POOL_SIZE);
  });

  it("takes another size per run", () => {
    expect(poolSize({ cores: 64, freeMemoryBytes: 10 * GB, bytesPerRun: GB })).toBe(10);
  });
});

/** A worker that records how many items run at once, each taking `ms`. */
function tracked(ms: number) {
  let running = 0;
  const seen = { most: 0, order: [] as string[] };
  const worker = async (item: string) => {
    running += 1;
    seen.most = Math.max(seen.most, running);
    seen.order.push(`start ${item}`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    running -= 1;
    seen.order.push(`end ${item}`);
    if (item.startsWith("bad")) throw new Error(`${item} failed`);
    return item.toUpperCase();
  };
  return { worker, seen };
}

describe("runPool", () => {
  it("runs at most size items at once and returns outcomes in the order given", async () => {
    const { worker, seen } = tracked(5);
    const outcomes = await runPool(["a", "b", "c", "d", "e"], worker, { size: 2 });
    expect(seen.most).toBe(2);
    expect(outcomes.map((o) => (o.ok ? o.value : "x"))).toEqual(["A", "B", "C", "D", "E"]);
  });

  it("reports a failure and still runs the rest", async () => {
    const { worker } = tracked(1);
    const outcomes = await runPool(["a", "bad", "c"], worker, { size: 2 });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const failed = outcomes[1];
    expect(!failed.ok && (failed.error as Error).message).toBe("bad failed");
  });

  it("finishes serialFirst items alone before starting the others", async () => {
    const { worker, seen } = tracked(5);
    await runPool(["a", "b", "c"], worker, { size: 3, serialFirst: 1 });
    expect(seen.order.slice(0, 2)).toEqual(["start a", "end a"]);
    expect(seen.most).toBe(2);
  });

  it("returns nothing for no items", async () => {
    expect(await runPool([], tracked(1).worker, { size: 2 })).toEqual([]);
  });

  it("fails when size is not a whole number of at least 1", async () => {
    await expect(runPool(["a"], tracked(1).worker, { size: 0 })).rejects.toThrow(
      "pool size 0: allowed a whole number of at least 1",
    );
  });
});
