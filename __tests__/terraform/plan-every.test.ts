import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeCliConfig } from "../../terraform/cli-config.js";
import { planEvery, type Workspace } from "../../terraform/runner.js";
import { requireTools } from "./support.js";

/**
 * planEvery, which `plan` and `drift` run: a workspace whose init fails has that failure
 * as its outcome and is never planned; the others are planned, in the order given.
 * Real Terraform, offline: the workspaces need no provider.
 */
describe.skipIf(requireTools("terraform").skip)("planEvery", () => {
  const root = mkdtempSync(join(tmpdir(), "fleetfile-plan-every-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A workspace folder holding `config` as its cdk.tf.json. */
  const workspace = (name: string, config: string): Workspace => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, "cdk.tf.json"), config);
    return { name, dir };
  };

  it("plans the workspaces that init, and gives the others their init failure, in the order given", async () => {
    const broken = workspace("broken", "{ not json");
    const good = workspace("good", JSON.stringify({ output: { answer: { value: 42 } } }));
    const outcomes = await planEvery([broken, good], { cliConfigFile: writeCliConfig() }, { planFile: "every" });
    expect(outcomes.map((o) => [o.item.name, o.ok])).toEqual([
      ["broken", false],
      ["good", true],
    ]);
    const [failed, planned] = outcomes;
    expect(failed.ok ? "" : String(failed.error)).toMatch(/init/);
    expect(existsSync(join(broken.dir, "every"))).toBe(false);
    expect(planned.ok && planned.value.json.output_changes).toHaveProperty("answer");
  }, 120_000);
});
