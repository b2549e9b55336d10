import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKFLOWS = join(ROOT, ".github", "workflows");
const VALIDATOR = join(ROOT, "node_modules", ".bin", "action-validator");

/** action-validator (GitHub's workflow schema, offline) on `file`: its exit code and what it printed. */
function validate(file: string): { status: number | null; output: string } {
  const run = spawnSync(VALIDATOR, [file], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("the workflow files, against GitHub's workflow schema (action-validator)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "fleetfile-workflows-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(readdirSync(WORKFLOWS))("%s is valid", (name) => {
    const { status, output } = validate(join(WORKFLOWS, name));
    expect(status, output).toBe(0);
  });

  it("refuses a workflow with an unknown key, so the check above can fail", () => {
    const bad = join(scratch, "bad.yml");
    writeFileSync(bad, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n");
    expect(validate(bad).status).not.toBe(0);
  });
});
