import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { benchInventoryText } from "../../bench/inventory.js";
import { driftCommand } from "../../cli/drift.js";
import { synthAccounts } from "../../cli/synth.js";
import { loadInventoryText } from "../../inventory/load.js";
import { writeMark } from "../../review/output-folder.js";
import { synthesize } from "../../stacks/synthesize.js";

/** Synthesizes a generated inventory of `workloads` workload accounts into `dir`, as `npm run synth` leaves it. */
function synthInto(dir: string, workloads: number): void {
  const { organization, problems } = loadInventoryText("bench.yaml", benchInventoryText({ workloads }));
  if (!organization) throw new Error(JSON.stringify(problems));
  synthesize(organization, dir);
  writeMark(dir, "synth", synthAccounts(organization));
}

describe("drift --matrix", () => {
  let scratch = "";
  let printed: string[] = [];

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "fleetfile-drift-"));
    synthInto(join(scratch, "small"), 5);
    synthInto(join(scratch, "large"), 45);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  async function run(args: string[]): Promise<number> {
    printed = [];
    vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
      printed.push(parts.join(" "));
    });
    return driftCommand(args);
  }

  it("asks for one drift job for ten account workspaces, and plans nothing", async () => {
    expect(await run(["--synth", join(scratch, "small"), "--matrix", "--out", join(scratch, "never")])).toBe(0);
    expect(printed).toEqual(['{"shard":[0]}']);
  });

  it("asks for one job per twenty workspaces: three for fifty", async () => {
    await run(["--synth", join(scratch, "large"), "--matrix"]);
    expect(printed).toEqual(['{"shard":[0,1,2]}']);
  });

  it("fails when --matrix comes with --shards, or --shard without --shards", async () => {
    await expect(run(["--synth", join(scratch, "small"), "--matrix", "--shards", "2", "--shard", "0"])).rejects.toThrow(
      "--matrix lists every shard; leave out --shards and --shard",
    );
    await expect(run(["--synth", join(scratch, "small"), "--shard", "0"])).rejects.toThrow(
      "--shards N and --shard I go together",
    );
  });
});
