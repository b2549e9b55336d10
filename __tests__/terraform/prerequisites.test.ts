import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationSeed } from "../../cli/sandbox.js";
import { loadInventoryFile } from "../../inventory/load.js";
import type { Organization } from "../../inventory/model.js";
import { synthesize } from "../../stacks/synthesize.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { writeMotoOverride } from "../../terraform/moto-overrides.js";
import { PREREQUISITES, seededPrerequisites, TRUSTED_SERVICES } from "../../terraform/prerequisites.js";
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
    prerequisite: "trusted-access",
    workspace: "acme-management",
    target: "aws_organizations_delegated_administrator.config-administrator",
    refusal: ["ConstraintViolationException", "Trusted access for config.amazonaws.com is not enabled"],
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
 * The runs: each a moto whose seed leaves out the listed prerequisites, and a targeted apply
 * per workspace of the resources that need them. Without the execution role nothing in the
 * management account applies, so it has a moto of its own; the others fail independently
 * of one another, each for its own reason, and share one.
 */
const RUNS = [["execution-role"], ["scp-policy-type", "identity-principals", "trusted-access"]];

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

  beforeAll(async () => {
    const outdir = mkdtempSync(join(tmpdir(), "fleetfile-prerequisites-"));
    folders.push(outdir);
    synthesize(organization, outdir);
    await Promise.all(
      RUNS.map(async (leftOut) => {
        const moto = await startMoto();
        servers.push(moto);
        const prerequisites = seededPrerequisites().filter((p) => !leftOut.includes(p));
        await moto.seedOrganization({ ...organizationSeed(organization), prerequisites });
        const runner = sandboxRunner(moto.endpoint);
        const needs = NEEDS.filter((n) => leftOut.includes(n.prerequisite));
        for (const workspace of new Set(needs.map((n) => n.workspace))) {
          // A copy per run: the runs apply the same workspace side by side, each with its own state.
          const dir = mkdtempSync(join(tmpdir(), "fleetfile-prerequisites-run-"));
          folders.push(dir);
          cpSync(join(outdir, "stacks", workspace), dir, { recursive: true });
          writeMotoOverride(dir);
          await init(dir, runner);
          const targets = needs.filter((n) => n.workspace === workspace).map((n) => `-target=${n.target}`);
          const args = ["apply", "-input=false", "-no-color", "-auto-approve", ...targets];
          const result = await runTerraform(dir, args, runner, [0, 1]);
          for (const need of needs.filter((n) => n.workspace === workspace)) {
            outputs.set(need.prerequisite, { code: result.code, output: result.stdout + result.stderr });
          }
        }
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
    expect(seededPrerequisites()).toEqual(NEEDS.map((n) => n.prerequisite).sort(byListOrder));
    expect(RUNS.flat().sort(byListOrder)).toEqual(seededPrerequisites());
    expect(PREREQUISITES.filter((p) => p.sandbox === "not modelled").length).toBeGreaterThan(0);
    expect(seed.trustedServices).toEqual(TRUSTED_SERVICES);
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

/** Sorts prerequisite ids in the order of {@link PREREQUISITES}. */
function byListOrder(a: string, b: string): number {
  const ids = PREREQUISITES.map((p) => p.id);
  return ids.indexOf(a) - ids.indexOf(b);
}

describe("the prerequisites of docs/baseline.md", () => {
  const doc = readFileSync(new URL("../../docs/baseline.md", import.meta.url), "utf8");
  const section = doc.split("## Prerequisites")[1]?.split("\n## ")[0] ?? "";

  it("are the list the sandbox seeds from, in its order", () => {
    const titles = [...section.matchAll(/^\d+\. \*\*(.+?)\*\*/gm)].map((m) => m[1].replace(/\.$/, ""));
    expect(titles).toEqual(PREREQUISITES.map((p) => p.title));
  });

  it("say which of them the sandbox does, by number", () => {
    const said = /the sandbox does ([\d, and]+) in\s+moto/.exec(section)?.[1];
    const seeded = PREREQUISITES.flatMap((p, i) => (p.sandbox === "seeded" ? [String(i + 1)] : []));
    expect(said?.match(/\d+/g)).toEqual(seeded);
  });

  it("name every service that needs trusted access", () => {
    const item = section.split("**Trusted access in AWS Organizations**")[1]?.split(/\n\d+\. /)[0] ?? "";
    for (const service of TRUSTED_SERVICES) expect(item).toContain(`\`${service}\``);
  });
});
