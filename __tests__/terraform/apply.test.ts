import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApplyRow, applyInWaves, applySucceeded, renderApplySummary } from "../../terraform/apply.js";
import { writeCliConfig } from "../../terraform/cli-config.js";
import type { Workspace } from "../../terraform/runner.js";
import { requireTools } from "./support.js";

/**
 * A workspace of Terraform's built-in `terraform_data` only: no provider, no AWS. With
 * `fail`, its apply fails: a postcondition that the created resource never meets.
 */
function workspace(root: string, name: string, value: string, fail = false): Workspace {
  const dir = join(root, "stacks", name);
  mkdirSync(dir, { recursive: true });
  const lifecycle = fail
    ? { lifecycle: [{ postcondition: [{ condition: `\${self.output == "never"}`, error_message: "made to fail" }] }] }
    : {};
  const config = { resource: { terraform_data: { marker: { input: value, ...lifecycle } } } };
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config));
  return { name, dir };
}

describe.skipIf(requireTools("terraform").skip)("applyInWaves, with real Terraform", () => {
  const root = mkdtempSync(join(tmpdir(), "fleetfile-apply-"));
  const runner = { cliConfigFile: writeCliConfig() };
  let first: ApplyRow[];
  let again: ApplyRow[];

  beforeAll(async () => {
    const archive = workspace(root, "log-archive", "one");
    const management = workspace(root, "management", "two", true);
    const workloads = [workspace(root, "app-a", "three"), workspace(root, "app-b", "four")];
    first = await applyInWaves({ waves: [[archive], [management], workloads], runner, size: 2 });
    again = await applyInWaves({ waves: [[archive]], runner, size: 2 });
  }, 300_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("applies the first wave", () => {
    expect(first[0]).toMatchObject({
      workspace: "log-archive",
      wave: 1,
      outcome: "applied",
      counts: "1 to add, 0 to change, 0 to destroy",
    });
  });

  it("reports the failed workspace with Terraform's error", () => {
    expect(first[1]).toMatchObject({ workspace: "management", wave: 2, outcome: "failed" });
    expect(first[1].reason).toContain("Error:");
  });

  it("touches no later wave once one failed", () => {
    expect(first.slice(2)).toEqual([
      { workspace: "app-a", wave: 3, outcome: "skipped", reason: "not applied: management failed in wave 2" },
      { workspace: "app-b", wave: 3, outcome: "skipped", reason: "not applied: management failed in wave 2" },
    ]);
    expect(applySucceeded(first)).toBe(false);
  });

  it("applies nothing where the plan changes nothing", () => {
    expect(again).toMatchObject([{ workspace: "log-archive", outcome: "unchanged" }]);
    expect(applySucceeded(again)).toBe(true);
  });
});

describe("renderApplySummary", () => {
  it("totals the outcomes, lists every workspace in order, and names removed ones as not destroyed", () => {
    const summary = renderApplySummary(
      [
        {
          workspace: "acme-log-archive",
          wave: 1,
          outcome: "applied",
          counts: "1 to add, 0 to change, 0 to destroy",
          seconds: 2,
        },
        { workspace: "acme-management", wave: 2, outcome: "failed", reason: "Error: a | b" },
        { workspace: "acme-dev", wave: 3, outcome: "skipped", reason: "not applied: acme-management failed in wave 2" },
      ],
      ["acme-old"],
    );
    expect(summary).toBe(
      [
        "<!-- fleetfile-apply -->",
        "### Apply failed: 1 applied, 0 unchanged, 1 failed, 1 skipped",
        "",
        "| wave | workspace | outcome | details |",
        "| ---: | --- | --- | --- |",
        "| 1 | `acme-log-archive` | applied (2.0 s) | 1 to add, 0 to change, 0 to destroy |",
        "| 2 | `acme-management` | failed | Error: a \\| b |",
        "| 3 | `acme-dev` | skipped | not applied: acme-management failed in wave 2 |",
        "",
        "Not destroyed: `acme-old` left the inventory; their workspaces and state stay until destroyed deliberately.",
        "",
      ].join("\n"),
    );
  });

  it("says when there was nothing to apply", () => {
    expect(renderApplySummary([])).toBe(
      "<!-- fleetfile-apply -->\n### Apply succeeded: 0 applied, 0 unchanged, 0 failed, 0 skipped\n\nNo workspace to apply.\n",
    );
  });
});
