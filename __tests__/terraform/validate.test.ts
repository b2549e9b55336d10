import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadInventoryFile, loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";
import { synthesize } from "../../stacks/synthesize.js";
import { findProviderMirror, mirroredProviders, writeCliConfig } from "../../terraform/cli-config.js";
import type { Outcome } from "../../terraform/pool.js";
import { unavailableProviders } from "../../terraform/providers.js";
import {
  inEveryWorkspace,
  initEvery,
  type RunnerProps,
  type ValidateResult,
  validate,
  type Workspace,
  workspacesIn,
} from "../../terraform/runner.js";
import { requireTools } from "./support.js";

const { skip } = requireTools("terraform");

/** accounts.yaml synthesized into a fresh folder, at collection time so that each workspace gets its own test. */
function synthesizeInventory(): { outdir: string; workspaces: Workspace[] } {
  const outdir = mkdtempSync(join(tmpdir(), "fleetfile-validate-"));
  const { file, organization, problems } = loadInventoryFile("accounts.yaml");
  if (!organization) throw new Error(problems.map((p) => formatProblem(file, p)).join("\n"));
  return { outdir, workspaces: workspacesIn(outdir, synthesize(organization, outdir).workspaces) };
}

/**
 * Every workspace of accounts.yaml, checked by Terraform itself: init without the backend
 * (offline, whatever the backend), then validate, a pool of workspaces at once. Generic
 * on purpose: it holds whatever resources the stacks have. A workspace needing a provider
 * the offline mirror lacks cannot be initialized here; it is reported as skipped, by name.
 */
describe.skipIf(skip)("terraform validate of accounts.yaml", () => {
  const { outdir, workspaces } = skip ? { outdir: "", workspaces: [] } : synthesizeInventory();
  const mirror = skip ? undefined : findProviderMirror();
  const available = mirror ? mirroredProviders(mirror) : undefined;
  const missing = new Map(workspaces.map((w) => [w.name, available ? unavailableProviders(w.dir, available) : []]));
  const checked = workspaces.filter((w) => missing.get(w.name)?.length === 0);
  const results = new Map<string, Outcome<Workspace, ValidateResult>>();

  beforeAll(async () => {
    const props: RunnerProps = { cliConfigFile: writeCliConfig() };
    const inits = await initEvery(checked, props, { backend: false });
    for (const o of inits) if (!o.ok) results.set(o.item.name, o);
    const ready = checked.filter((w) => !results.has(w.name));
    for (const o of await inEveryWorkspace(ready, "validate", (w) => validate(w.dir, props)))
      results.set(o.item.name, o);
  }, 600_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("synthesizes workspaces", () => {
    expect(checked.length).toBeGreaterThan(0);
  });

  it.each(checked.map((w) => w.name))("%s initializes offline and is valid", (name) => {
    const outcome = results.get(name)!;
    if (!outcome.ok) throw outcome.error;
    const diagnostics = outcome.value.diagnostics.map(
      (d) =>
        `${d.severity}: ${d.summary}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ""}${d.detail ? `: ${d.detail}` : ""}`,
    );
    expect(diagnostics.filter((d) => d.startsWith("error"))).toEqual([]);
    expect(outcome.value.valid).toBe(true);
  });

  for (const w of workspaces.filter((w) => !checked.includes(w)))
    it.skip(`${w.name}: needs ${missing.get(w.name)!.join(", ")}, not in the provider mirror ${mirror}`, () => {});
});

/** The example with organization-wide security services, as a team would turn them on. */
function withSecurityServices(): string {
  const file = fileURLToPath(new URL("../../accounts.yaml", import.meta.url));
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(["organization", "securityServices"], {
    securityHub: { standards: ["aws-foundational-security-best-practices"], disabledControls: ["IAM.6"] },
  });
  return doc.toString();
}

/**
 * Workspaces of organizations beyond the example, checked by Terraform itself: the
 * management workspace with units (`units.yaml`: units under units, their guardrails,
 * every account placed), signing in through Identity Center (`identity-center.yaml`:
 * permission sets, groups looked up, assignments), and the management and audit
 * workspaces with organization-wide security services (delegated administrators,
 * GuardDuty and Security Hub for the organization).
 */
describe.skipIf(skip).each([
  { name: "units.yaml", text: () => readFileSync(fixture("units"), "utf8"), workspaces: ["acme-management"] },
  {
    name: "identity-center.yaml",
    text: () => readFileSync(fixture("identity-center"), "utf8"),
    workspaces: ["acme-management"],
  },
  {
    name: "accounts.yaml with securityServices",
    text: withSecurityServices,
    workspaces: ["acme-management", "acme-audit"],
  },
])("terraform validate of $name", ({ name, text, workspaces }) => {
  let outdir = "";
  let results: ValidateResult[] = [];

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "fleetfile-validate-more-"));
    const { organization, problems } = loadInventoryText(name, text());
    if (!organization) throw new Error(problems.map((p) => formatProblem(name, p)).join("\n"));
    synthesize(organization, outdir);
    const chosen = workspacesIn(outdir, workspaces);
    const props: RunnerProps = { cliConfigFile: writeCliConfig() };
    for (const init of await initEvery(chosen, props, { backend: false })) if (!init.ok) throw init.error;
    results = await Promise.all(chosen.map((w) => validate(w.dir, props)));
  }, 180_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("initializes offline and is valid", () => {
    expect(results.flatMap((r) => r.diagnostics.filter((d) => d.severity === "error"))).toEqual([]);
    expect(results.map((r) => r.valid)).toEqual(workspaces.map(() => true));
  });
});

/** A fixture inventory's path. */
function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/synth/${name}.yaml`, import.meta.url));
}
