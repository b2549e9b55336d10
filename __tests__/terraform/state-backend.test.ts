import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationSeed } from "../../cli/sandbox.js";
import { loadInventoryText } from "../../inventory/load.js";
import type { Organization } from "../../inventory/model.js";
import { synthesize } from "../../stacks/synthesize.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { writeMotoOverride } from "../../terraform/moto-overrides.js";
import { init, type RunnerProps, runTerraform } from "../../terraform/runner.js";
import { sandboxRunner } from "../../terraform/sandbox.js";
import { requireTools } from "./support.js";

/** The example with its Terraform Cloud settings replaced by `state: {}`: every workspace keeps its state in S3. */
function exampleWithState(): Organization {
  const example = readFileSync(new URL("../../accounts.yaml", import.meta.url), "utf8");
  const text = example.replace(/^ {2}terraformCloud:\n(?: {4}.*\n)+/m, "  state: {}\n");
  const { organization, problems } = loadInventoryText("accounts.yaml with state", text);
  if (!organization || text === example) throw new Error(`the example no longer converts: ${JSON.stringify(problems)}`);
  return organization;
}

/** The workspace applied: the log archive, the one account workspace that needs no other applied first. */
const WORKSPACE = "acme-log-archive";

/**
 * The S3 backend end to end against moto, with real Terraform: the state bootstrap makes
 * the bucket; the log archive applies from one synth; a second synth in another folder,
 * with nothing but the configuration (no .terraform, no local state), plans against the
 * same state and finds nothing to do.
 */
describe.skipIf(requireTools("terraform", "moto").skip)("state in S3 (organization.state) against moto", () => {
  const organization = exampleWithState();
  const folders: string[] = [];
  let moto: MotoServer;
  let runner: RunnerProps;
  const results = new Map<string, { code: number; output: string }>();

  async function run(name: string, dir: string, args: string[], codes: number[] = [0, 1]): Promise<void> {
    const result = await runTerraform(dir, args, runner, codes);
    results.set(name, { code: result.code, output: result.stdout + result.stderr });
  }

  beforeAll(async () => {
    moto = await startMoto();
    await moto.seedOrganization(organizationSeed(organization));
    runner = sandboxRunner(moto.endpoint);
    const management = organization.accounts.find((a) => a.type === "management")?.id;
    const backendAtMoto = {
      keepS3Backend: true,
      backendRoleArn: `arn:aws:iam::${management}:role/${organization.inventory.organization.executionRoleName}`,
    };
    const first = mkdtempSync(join(tmpdir(), "fleetfile-state-first-"));
    const second = mkdtempSync(join(tmpdir(), "fleetfile-state-second-"));
    folders.push(first, second);
    synthesize(organization, first);
    synthesize(organization, second);

    const bootstrap = join(first, "stacks", "acme-state-bootstrap");
    writeMotoOverride(bootstrap);
    await init(bootstrap, runner);
    await run("bootstrap", bootstrap, ["apply", "-input=false", "-no-color", "-auto-approve"]);

    const applied = join(first, "stacks", WORKSPACE);
    writeMotoOverride(applied, backendAtMoto);
    await init(applied, runner);
    await run("apply", applied, ["apply", "-input=false", "-no-color", "-auto-approve"]);

    // The second folder holds the synthesized configuration only, as a fresh clone would.
    const fresh = join(second, "stacks", WORKSPACE);
    const clean = join(second, "fresh", WORKSPACE);
    mkdirSync(clean, { recursive: true });
    copyFileSync(join(fresh, "cdk.tf.json"), join(clean, "cdk.tf.json"));
    writeMotoOverride(clean, backendAtMoto);
    await init(clean, runner);
    await run("plan", clean, ["plan", "-input=false", "-no-color", "-detailed-exitcode"], [0, 1, 2]);
    await run("state", clean, ["state", "list"]);
  }, 600_000);

  afterAll(async () => {
    await moto?.stop();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  const outcome = (name: string) => results.get(name) ?? { code: -1, output: `${name} did not run` };

  it("makes the state bucket with the bootstrap workspace", () => {
    expect(outcome("bootstrap").code, outcome("bootstrap").output).toBe(0);
  });

  it("applies a workspace whose state goes to the bucket", () => {
    expect(outcome("apply").code, outcome("apply").output).toBe(0);
    expect(outcome("apply").output).toMatch(/Apply complete! Resources: \d+ added/);
  });

  it("plans from a fresh folder against the same state: no changes", () => {
    const { code, output } = outcome("plan");
    expect(code, output).toBe(0);
    expect(output).toContain("No changes.");
    const listed = outcome("state").output.trim().split("\n");
    expect(listed).toContain("aws_s3_bucket.log-archive_trail-bucket");
  });
});
