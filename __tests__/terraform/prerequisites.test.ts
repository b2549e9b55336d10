import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationSeed } from "../../cli/sandbox.js";
import { loadInventoryFile } from "../../inventory/load.js";
import type { Organization } from "../../inventory/model.js";
import { synthesize } from "../../stacks/synthesize.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { writeMotoOverride } from "../../terraform/moto-overrides.js";
import { PREREQUISITES, seededPrerequisites } from "../../terraform/prerequisites.js";
import { init, runTerraform } from "../../terraform/runner.js";
import { sandboxRunner } from "../../terraform/sandbox.js";
import { requireTools } from "./support.js";

/** One guardrail of the management workspace: applying it alone is enough to meet the SCP prerequisite. */
const ATTACHMENT = "aws_organizations_policy_attachment.guardrails_deny-root-user-root";

/**
 * The prerequisites the sandbox seeds are the ones a user does by hand; leaving one out of
 * the seed makes the apply fail as AWS would. With the seed, the same attachments apply in
 * the shared sandbox apply (sandbox-apply.test.ts), which patched moto would refuse otherwise.
 */
describe.skipIf(requireTools("terraform", "moto").skip)("prerequisites in the sandbox", () => {
  const organization = loadInventoryFile("accounts.yaml").organization as Organization;
  const outdir = mkdtempSync(join(tmpdir(), "fleetfile-prerequisites-"));
  const workspace = join(outdir, "stacks", "acme-management");
  let moto: MotoServer;
  /** Applies the one attachment against a fresh organization seeded with `prerequisites`; returns Terraform's output. */
  const applyWith = async (prerequisites: readonly string[]) => {
    await moto.reset();
    await moto.seedOrganization({ ...organizationSeed(organization), prerequisites });
    rmSync(join(workspace, "terraform.tfstate"), { force: true });
    const result = await runTerraform(
      workspace,
      ["apply", "-input=false", "-no-color", "-auto-approve", `-target=${ATTACHMENT}`],
      sandboxRunner(moto.endpoint),
      [0, 1],
    );
    return { code: result.code, output: result.stdout + result.stderr };
  };

  beforeAll(async () => {
    synthesize(organization, outdir);
    writeMotoOverride(workspace);
    moto = await startMoto();
    await init(workspace, sandboxRunner(moto.endpoint));
  }, 300_000);

  afterAll(async () => {
    await moto?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  it("seeds every prerequisite the sandbox can model, and names the others", () => {
    expect(organizationSeed(organization).prerequisites).toEqual(seededPrerequisites());
    expect(seededPrerequisites()).toEqual(["scp-policy-type"]);
    expect(PREREQUISITES.filter((p) => p.sandbox === "not modelled").length).toBeGreaterThan(0);
  });

  it("fails the apply as AWS does when the seed leaves the SCP policy type out", async () => {
    const { code, output } = await applyWith([]);
    expect(code).toBe(1);
    expect(output).toContain("PolicyTypeNotEnabledException");
    expect(output).toContain("This operation can be performed only for enabled policy types");
  }, 300_000);
});

describe("the prerequisites of docs/baseline.md", () => {
  it("are the list the sandbox seeds from, in its order", () => {
    const doc = readFileSync(new URL("../../docs/baseline.md", import.meta.url), "utf8");
    const section = doc.split("## Prerequisites")[1]?.split("\n## ")[0] ?? "";
    const titles = [...section.matchAll(/^\d+\. \*\*(.+?)\*\*/gm)].map((m) => m[1].replace(/\.$/, ""));
    expect(titles).toEqual(PREREQUISITES.map((p) => p.title));
  });
});
