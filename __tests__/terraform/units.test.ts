import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { organizationSeed } from "../../cli/sandbox.js";
import { loadInventoryText } from "../../inventory/load.js";
import type { Organization } from "../../inventory/model.js";
import { formatProblem } from "../../inventory/problems.js";
import { attributeChanges } from "../../review/attribute-diff.js";
import { plannedChanges } from "../../review/plan-json.js";
import { synthesize } from "../../stacks/synthesize.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { SANDBOX_STATE_FILE, writeMotoOverride } from "../../terraform/moto-overrides.js";
import { init, type PlanResult, plan, workspacesIn } from "../../terraform/runner.js";
import { runSandbox, type SandboxRow, sandboxRunner } from "../../terraform/sandbox.js";
import { requireTools } from "./support.js";

const UNITS = fileURLToPath(new URL("../fixtures/synth/units.yaml", import.meta.url));
const MOVED = "prod-payments-api";

/** `text` resolved, or an error listing its problems. */
function resolve(text: string): Organization {
  const { file, organization, problems } = loadInventoryText(UNITS, text);
  if (!organization) throw new Error(problems.map((p) => formatProblem(file, p)).join("\n"));
  return organization;
}

const { skip } = requireTools("terraform", "moto");

/**
 * Units against moto with real Terraform: the management workspace of units.yaml applies
 * (after the log archive, whose key its trail reads)
 * (units under units, their guardrails, every account moved into its unit, one retired),
 * plans no change after, and an account moved to another unit plans as one in-place update.
 */
describe.skipIf(skip)("organizational units, applied to moto", () => {
  let scratch = "";
  let moto: MotoServer | undefined;
  let rows: SandboxRow[] = [];
  let moved: PlanResult;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "fleetfile-units-"));
    const text = readFileSync(UNITS, "utf8");
    const organization = resolve(text);
    synthesize(organization, join(scratch, "base"));
    moto = await startMoto();
    rows = await runSandbox({
      // The management workspace's trail reads the log archive's key: the log archive first.
      waves: [["acme-log-archive"], ["acme-management"]].map((wave) => workspacesIn(join(scratch, "base"), wave)),
      organization: organizationSeed(organization),
      moto,
    });
    const doc = parseDocument(text);
    doc.setIn(["accounts", MOVED, "unit"], "Workloads/NonProd");
    synthesize(resolve(doc.toString()), join(scratch, "head"));
    const dir = join(scratch, "head", "stacks", "acme-management");
    copyFileSync(join(scratch, "base", "stacks", "acme-management", SANDBOX_STATE_FILE), join(dir, SANDBOX_STATE_FILE));
    writeMotoOverride(dir);
    const runner = sandboxRunner(moto.endpoint);
    await init(dir, runner);
    moved = await plan(dir, runner);
  }, 600_000);

  afterAll(async () => {
    await moto?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("applies the units, their guardrails and the placements, then plans no change", () => {
    expect(rows.map((r) => [r.workspace, r.failedStep ?? "ok", r.error ?? ""])).toEqual([
      ["acme-log-archive", "ok", ""],
      ["acme-management", "ok", ""],
    ]);
    expect(rows.map((r) => r.drift)).toEqual([[], []]);
  });

  it(`plans moving ${MOVED} to another unit as one in-place update of its parent`, () => {
    const address = `aws_organizations_account.accounts["${MOVED}"]`;
    expect(plannedChanges(moved.json)).toEqual([{ address, actions: ["update"] }]);
    const change = moved.json.resource_changes?.find((c) => c.address === address)?.change;
    expect(attributeChanges(change!).map((a) => a.path)).toEqual(["parent_id"]);
  });
});
