import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { PlanJson } from "../../review/plan-json.js";
import { type Block, EXAMPLE_FILE, synthesizeOnce, type Workspace } from "../synth/support.js";

const PLANS = fileURLToPath(new URL("../fixtures/plans/", import.meta.url));

/** Every plan JSON under the fixtures, by path relative to {@link PLANS}. */
function planFiles(dir = PLANS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return planFiles(path);
    return entry.name.endsWith(".json") && entry.name !== "fleetfile-output.json" ? [path.slice(PLANS.length)] : [];
  });
}

/**
 * The plan fixtures name resources as today's synth of accounts.yaml does: a refactor that
 * renames a block (`tfe_workspace.prod-data-api_F7D7072E` became
 * `tfe_workspace.workspaces["prod-data-api"]`) must bring the fixtures with it, or the
 * review is tested on plans no pull request can produce.
 */
describe("the plan fixtures", () => {
  const synth = synthesizeOnce({ file: EXAMPLE_FILE });
  const files = planFiles();

  it("are found", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)("%s names only resource blocks today's synth has, indexed only where they repeat", (file) => {
    const plan = JSON.parse(readFileSync(join(PLANS, file), "utf8")) as PlanJson;
    const name = basename(file, ".json");
    const own = synth().workspaces.get(name);
    // A workspace the example inventory lacks (an account the fixture adds) is compared to
    // all of them, its regional blocks to theirs in any region.
    const candidates: Workspace[] = own ? [own] : [...synth().workspaces.values()];
    const anyRegion = (block: string) => (own ? block : block.replace(/^[a-z]{2}(-[a-z]+)+-\d_/, "<region>_"));
    const blockOf = (type: string, block: string): Block | undefined =>
      candidates.flatMap((w) => w.resources(type)).find(([n]) => anyRegion(n) === anyRegion(block))?.[1];
    const stale = (plan.resource_changes ?? []).flatMap((change) => {
      if (change.mode !== "managed" || change.action_reason === "delete_because_no_resource_config") return [];
      const block = blockOf(change.type, change.name ?? "");
      if (!block) return [`${change.address}: no block ${change.type}.${change.name}`];
      const repeats = "for_each" in block || "count" in block;
      if ((change.index !== undefined) !== repeats)
        return [`${change.address}: indexed ${change.index !== undefined}, block repeats ${repeats}`];
      return [];
    });
    expect(stale).toEqual([]);
  });

  it.each(files)("%s holds values as a plan shows them, no Terraform reference left", (file) => {
    // `${srcaddr}` in a flow log format is AWS's, not Terraform's.
    expect(readFileSync(join(PLANS, file), "utf8")).not.toMatch(/\$\{(aws_|tfe_|data\.|var\.|local\.|each\.)/);
  });
});
