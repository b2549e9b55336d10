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

/** For each prerequisite the sandbox seeds: a workspace and one resource whose apply needs it, and AWS's refusal without it. */
const NEEDS = [
  {
    prerequisite: "scp-policy-type",
    workspace: "acme-management",
    target: "aws_organizations_policy_attachment.guardrails_deny-root-user-root",
    refusal: ["PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types"],
  },
  {
    prerequisite: "identity-principals",
    workspace: "acme-prod-payments-api",
    target: "aws_iam_role.access_administrator",
    refusal: [
      "MalformedPolicyDocument",
      'Invalid principal in policy: "AWS":"arn:aws:iam::555555555555:role/payments-owners"',
    ],
  },
  {
    prerequisite: "execution-role",
    workspace: "acme-management",
    target: "aws_organizations_policy_attachment.guardrails_deny-root-user-root",
    refusal: [
      "AccessDenied",
      "sts:AssumeRole on resource: arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
    ],
  },
] as const;

/**
 * The prerequisites the sandbox seeds are the ones a user does by hand; leaving them out of
 * the seed makes the apply fail as AWS would. With the seed, the same resources apply in
 * the shared sandbox apply (sandbox-apply.test.ts), which patched moto would refuse otherwise.
 */
describe.skipIf(requireTools("terraform", "moto").skip)("prerequisites in the sandbox", () => {
  const organization = loadInventoryFile("accounts.yaml").organization as Organization;
  const outputs = new Map<string, { code: number; output: string }>();
  const servers: MotoServer[] = [];
  const folders: string[] = [];

  // One moto per prerequisite, seeded with every other one, so that each apply fails for its own reason.
  beforeAll(async () => {
    await Promise.all(
      NEEDS.map(async ({ prerequisite, workspace, target }) => {
        const outdir = mkdtempSync(join(tmpdir(), "fleetfile-prerequisites-"));
        folders.push(outdir);
        synthesize(organization, outdir);
        const moto = await startMoto();
        servers.push(moto);
        const others = seededPrerequisites().filter((p) => p !== prerequisite);
        await moto.seedOrganization({ ...organizationSeed(organization), prerequisites: others });
        const runner = sandboxRunner(moto.endpoint);
        const dir = join(outdir, "stacks", workspace);
        writeMotoOverride(dir);
        await init(dir, runner);
        const args = ["apply", "-input=false", "-no-color", "-auto-approve", `-target=${target}`];
        const result = await runTerraform(dir, args, runner, [0, 1]);
        outputs.set(prerequisite, { code: result.code, output: result.stdout + result.stderr });
      }),
    );
  }, 600_000);

  afterAll(async () => {
    await Promise.all(servers.map((moto) => moto.stop()));
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it("seeds every prerequisite the sandbox can model, and names the others", () => {
    const seed = organizationSeed(organization);
    expect(seed.prerequisites).toEqual(seededPrerequisites());
    expect(seededPrerequisites()).toEqual(NEEDS.map((n) => n.prerequisite));
    expect(PREREQUISITES.filter((p) => p.sandbox === "not modelled").length).toBeGreaterThan(0);
    expect(seed.principals).toEqual(
      expect.arrayContaining([
        { account: "555555555555", kind: "role", name: "payments-owners" },
        { account: "555555555555", kind: "role", name: "incident-commander" },
        { account: "555555555555", kind: "role", name: "data-devs" },
      ]),
    );
  });

  it.each(NEEDS)("fails the apply as AWS does when the seed leaves out $prerequisite", ({ prerequisite, refusal }) => {
    const { code, output } = outputs.get(prerequisite) ?? { code: -1, output: "" };
    expect(code, output).toBe(1);
    // Terraform wraps its error text: compare with whitespace runs made single spaces.
    for (const text of refusal) expect(output.replace(/\s+/g, " ")).toContain(text);
  });
});

describe("the prerequisites of docs/baseline.md", () => {
  it("are the list the sandbox seeds from, in its order", () => {
    const doc = readFileSync(new URL("../../docs/baseline.md", import.meta.url), "utf8");
    const section = doc.split("## Prerequisites")[1]?.split("\n## ")[0] ?? "";
    const titles = [...section.matchAll(/^\d+\. \*\*(.+?)\*\*/gm)].map((m) => m[1].replace(/\.$/, ""));
    expect(titles).toEqual(PREREQUISITES.map((p) => p.title));
  });
});
