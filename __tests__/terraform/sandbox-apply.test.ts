import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { organizationSeed, sandboxWaves } from "../../cli/sandbox.js";
import { ACCOUNT_IDS_OUTPUT } from "../../constructs/account-vending.js";
import { loadInventoryText } from "../../inventory/load.js";
import { coreAccount, type Organization } from "../../inventory/model.js";
import { formatProblem } from "../../inventory/problems.js";
import { recordAccountIds } from "../../inventory/record-ids.js";
import { plannedChanges } from "../../review/plan-json.js";
import { executionRoleArnOf } from "../../stacks/account-stack.js";
import { synthesize } from "../../stacks/synthesize.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { SANDBOX_STATE_FILE, writeMotoOverride } from "../../terraform/moto-overrides.js";
import { apply, type CommandResult, init, type PlanResult, plan, runTerraform } from "../../terraform/runner.js";
import { runSandbox, type SandboxRow, sandboxRunner } from "../../terraform/sandbox.js";
import { withStateInS3 } from "../synth/support.js";
import { requireTools } from "./support.js";

const INVENTORY = "accounts.yaml";

/** The account whose access the edit changes, and the principal it adds to its administrator role. */
const EDITED_ACCOUNT = "prod-payments-api";
const ADDED_PRINCIPAL = "break-glass";

/** `text` (an inventory) resolved, or an error listing its problems. */
function resolve(text: string): Organization {
  const { file, organization, problems } = loadInventoryText(INVENTORY, text);
  if (!organization) throw new Error(problems.map((p) => formatProblem(file, p)).join("\n"));
  return organization;
}

/** The inventory with one more principal for the administrator role of {@link EDITED_ACCOUNT}, as a person would edit it. */
function withBreakGlassAdministrator(text: string): string {
  const doc = parseDocument(text);
  const path = ["accounts", EDITED_ACCOUNT, "access", "administrator"];
  doc.setIn(path, [...(doc.getIn(path) as { toJSON(): string[] }).toJSON(), ADDED_PRINCIPAL]);
  return doc.toString();
}

/** The inventory with `organization.environments` replaced by `change` of it. */
function withEnvironments(text: string, change: (environments: string[]) => string[]): string {
  const doc = parseDocument(text);
  const path = ["organization", "environments"];
  doc.setIn(path, change((doc.getIn(path) as { toJSON(): string[] }).toJSON()));
  return doc.toString();
}

/** The workspace whose state the S3 backend check moves into the state bucket: it needs no other applied first. */
const STATE_WORKSPACE = "acme-log-archive";

/** The workspace of {@link NETWORK_ACCOUNT}, whose gateways a reordered or longer environment list must leave alone. */
const NETWORK_ACCOUNT = "network";

const { skip } = requireTools("terraform", "moto");

/**
 * The example inventory against patched moto, end to end, with one shared apply (several
 * minutes on 2 cores): every account workspace applies in the sandbox's waves and a second
 * plan changes nothing; then an access edit, synthesized on its own and planned against
 * the applied state of its one workspace, plans as exactly the update it should be.
 */
describe.skipIf(skip)(`the sandbox, on ${INVENTORY}`, () => {
  const text = readFileSync(INVENTORY, "utf8");
  let outdir = "";
  let editedOutdir = "";
  let reorderedOutdir = "";
  let addedOutdir = "";
  let stateOutdir = "";
  let idsOutdir = "";
  let moto: MotoServer | undefined;
  let rows: SandboxRow[] = [];
  let edited: PlanResult;
  let reordered: PlanResult;
  let added: PlanResult;
  const state = new Map<string, CommandResult>();
  let vended: { recorded: readonly string[]; workspace?: string; applied?: PlanResult; replanned?: PlanResult };

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-test-"));
    editedOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-edit-"));
    reorderedOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-reordered-"));
    addedOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-added-"));
    stateOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-state-"));
    idsOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-ids-"));
    const organization = resolve(text);
    synthesize(organization, outdir);
    moto = await startMoto();
    rows = await runSandbox({
      waves: sandboxWaves(organization, outdir),
      organization: organizationSeed(organization),
      moto,
    });

    const runner = sandboxRunner(moto.endpoint);
    /** Plans `key`'s workspace of the edited inventory `edit` against the state the sandbox applied. */
    const planEdit = async (edit: string, key: string, into: string): Promise<PlanResult> => {
      const workspace = organization.accounts.find((a) => a.key === key)!.workspace;
      synthesize(resolve(edit), into);
      const dir = join(into, "stacks", workspace);
      copyFileSync(join(outdir, "stacks", workspace, SANDBOX_STATE_FILE), join(dir, SANDBOX_STATE_FILE));
      writeMotoOverride(dir);
      await init(dir, runner);
      return plan(dir, runner);
    };
    /**
     * The S3 backend (organization.state) on the same moto: the state bootstrap makes the
     * bucket; the log archive's applied state is pushed to it through the workspace's S3
     * backend (lock, write, unlock); a fresh folder holding only the configuration inits
     * and plans against it. The backend assumes the management account's execution role,
     * standing for the management account's credentials Terraform starts with.
     */
    const checkStateInS3 = async (): Promise<void> => {
      const withState = resolve(withStateInS3(text));
      synthesize(withState, stateOutdir);
      const backendAtMoto = {
        keepS3Backend: true,
        backendRoleArn: executionRoleArnOf(withState, coreAccount(withState, "management")),
      };
      const step = async (name: string, dir: string, args: string[]) =>
        state.set(name, await runTerraform(dir, args, runner, [0, 1, 2]));
      const bootstrap = join(stateOutdir, "stacks", "acme-state-bootstrap");
      writeMotoOverride(bootstrap);
      await init(bootstrap, runner);
      await step("bootstrap", bootstrap, ["apply", "-input=false", "-no-color", "-auto-approve"]);
      const pushed = join(stateOutdir, "stacks", STATE_WORKSPACE);
      writeMotoOverride(pushed, backendAtMoto);
      await init(pushed, runner);
      await step("push", pushed, ["state", "push", join(outdir, "stacks", STATE_WORKSPACE, SANDBOX_STATE_FILE)]);
      const fresh = join(stateOutdir, "fresh", STATE_WORKSPACE);
      mkdirSync(fresh, { recursive: true });
      copyFileSync(join(pushed, "cdk.tf.json"), join(fresh, "cdk.tf.json"));
      writeMotoOverride(fresh, backendAtMoto);
      await init(fresh, runner);
      await step("plan", fresh, ["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
      await step("list", fresh, ["state", "list"]);
    };
    /**
     * The ids come back: the management workspace vended the pending account; its id,
     * read from the workspace's output, is written into the inventory, and the next synth
     * has its workspace, which applies and then plans no change.
     */
    const recordVendedIds = async (): Promise<void> => {
      const management = join(outdir, "stacks", resolve(text).accounts.find((a) => a.type === "management")!.workspace);
      const output = await runTerraform(management, ["output", "-no-color", "-json", ACCOUNT_IDS_OUTPUT], runner);
      const recorded = recordAccountIds(text, JSON.parse(output.stdout) as Record<string, string>);
      vended = { recorded: recorded.recorded };
      const completed = resolve(recorded.text);
      synthesize(completed, idsOutdir);
      const account = completed.accounts.find((a) => a.key === recorded.recorded[0]);
      if (!account) return;
      const dir = join(idsOutdir, "stacks", account.workspace);
      writeMotoOverride(dir);
      await init(dir, runner);
      const applied = await plan(dir, runner);
      await apply(dir, applied.planFile, runner);
      vended = {
        ...vended,
        workspace: account.workspace,
        applied,
        replanned: await plan(dir, runner, { planFile: "replan" }),
      };
    };
    [edited, reordered, added] = await Promise.all([
      planEdit(withBreakGlassAdministrator(text), EDITED_ACCOUNT, editedOutdir),
      planEdit(
        withEnvironments(text, (envs) => [...envs].reverse()),
        NETWORK_ACCOUNT,
        reorderedOutdir,
      ),
      planEdit(
        withEnvironments(text, (envs) => ["qa", ...envs]),
        NETWORK_ACCOUNT,
        addedOutdir,
      ),
      checkStateInS3(),
      recordVendedIds(),
    ]);
  }, 1_800_000);

  afterAll(async () => {
    await moto?.stop();
    for (const dir of [outdir, editedOutdir, reorderedOutdir, addedOutdir, stateOutdir, idsOutdir])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("applies every account workspace", () => {
    const failures = rows.filter((r) => r.failedStep).map((r) => `${r.workspace}: ${r.failedStep} ${r.error}`);
    expect(failures).toEqual([]);
    const expected = resolve(text).accounts.flatMap((a) => (a.id ? [a.workspace] : []));
    expect(rows.map((r) => r.workspace).sort()).toEqual(expected.sort());
    for (const row of rows) expect(row.resources, row.workspace).toBeGreaterThan(0);
  });

  it("plans no change anywhere right after the apply", () => {
    const drifting = rows.flatMap((r) => (r.drift ?? []).map((d) => `${r.workspace}: ${d.address} (${d.actions})`));
    expect(drifting).toEqual([]);
    expect(rows.every((r) => r.drift !== undefined)).toBe(true);
  });

  it(`plans a new ${EDITED_ACCOUNT} administrator principal as one update of that role`, () => {
    expect(plannedChanges(edited.json)).toEqual([
      { address: "aws_iam_role.access_administrator", actions: ["update"] },
    ]);
  });

  it("trusts the new principal in the role's updated trust policy, and still the old one", () => {
    const change = (
      edited.json as unknown as {
        resource_changes: { address: string; change: { after: { assume_role_policy: string } } }[];
      }
    ).resource_changes.find((r) => r.address === "aws_iam_role.access_administrator")!;
    const trusted = JSON.parse(change.change.after.assume_role_policy).Statement[0].Principal.AWS;
    expect(trusted).toEqual([
      "arn:aws:iam::555555555555:role/payments-owners",
      `arn:aws:iam::555555555555:role/${ADDED_PRINCIPAL}`,
    ]);
  });

  it("plans no change of the network workspace when organization.environments is reordered", () => {
    expect(plannedChanges(reordered.json)).toEqual([]);
  });

  it("plans only the new environment's gateways and their share when an environment is added: no replacement", () => {
    const changes = plannedChanges(added.json);
    expect(changes.filter((c) => c.actions.some((a) => a !== "create"))).toEqual([]);
    const gateways = changes.filter((c) => c.address.startsWith("aws_ec2_transit_gateway."));
    expect(gateways.map((c) => c.address)).toEqual([
      "aws_ec2_transit_gateway.hub-ap-northeast-1_qa",
      "aws_ec2_transit_gateway.hub-us-east-1_qa",
    ]);
  });
  describe("with state in S3 (organization.state)", () => {
    const outcome = (name: string) => {
      const result = state.get(name);
      return { code: result?.code ?? -1, output: result ? result.stdout + result.stderr : `${name} did not run` };
    };

    it("makes the state bucket with the bootstrap workspace", () => {
      expect(outcome("bootstrap").code, outcome("bootstrap").output).toBe(0);
    });

    it("writes a workspace's state to the bucket through its backend", () => {
      expect(outcome("push").code, outcome("push").output).toBe(0);
    });

    it("plans from a fresh folder against the same state: no changes", () => {
      const { code, output } = outcome("plan");
      expect(code, output).toBe(0);
      expect(output).toContain("No changes.");
      expect(outcome("list").output.split("\n")).toContain("aws_s3_bucket.log-archive_trail-bucket");
    });
  });
  describe("when the management workspace vends an account", () => {
    it("writes its id into the inventory, and only its", () => {
      const pending = resolve(text)
        .accounts.filter((a) => !a.id)
        .map((a) => a.key);
      expect(vended.recorded).toEqual(pending);
      expect(pending.length).toBeGreaterThan(0);
    });

    it("gets a workspace at the next synth that applies, then plans no change", () => {
      expect(vended.workspace).toBeDefined();
      expect(plannedChanges(vended.applied!.json).length).toBeGreaterThan(0);
      expect(plannedChanges(vended.replanned!.json)).toEqual([]);
    });
  });
});
