import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { organizationSeed, sandboxWaves } from "../../cli/sandbox.js";
import { synthAccounts } from "../../cli/synth.js";
import { ACCOUNT_IDS_OUTPUT } from "../../constructs/account-vending.js";
import { pipelineStatements } from "../../constructs/pipeline-roles.js";
import { planRoleTrust } from "../../constructs/plan-role.js";
import { policyDocument } from "../../constructs/policy.js";
import { loadInventoryText } from "../../inventory/load.js";
import { coreAccount, groupListings, identityCenterRegion, type Organization } from "../../inventory/model.js";
import { formatProblem } from "../../inventory/problems.js";
import { recordAccountIds } from "../../inventory/record-ids.js";
import { attributeChanges } from "../../review/attribute-diff.js";
import type { WorkspaceDrift } from "../../review/drift.js";
import { writeMark } from "../../review/output-folder.js";
import { plannedChanges, priorResourceCount } from "../../review/plan-json.js";
import { executionRoleArnOf, planRoleArnOf, planRoleNameOf } from "../../stacks/account-stack.js";
import { synthesize } from "../../stacks/synthesize.js";
import { ACCESS_VARIABLE, applyArgs, DIRECT_ACCESS } from "../../terraform/commands.js";
import { type MotoServer, startMoto } from "../../terraform/moto.js";
import { motoEnv, SANDBOX_STATE_FILE, writeMotoOverride } from "../../terraform/moto-overrides.js";
import { apply, type CommandResult, init, type PlanResult, plan, runTerraform } from "../../terraform/runner.js";
import { runSandbox, type SandboxRow, sandboxRunner } from "../../terraform/sandbox.js";
import { fixtureFile, readInventory, withStateInS3 } from "../synth/support.js";
import {
  createIdentityStoreGroups,
  motoJsonCall,
  motoQuery,
  motoSession,
  requireTools,
  setIamEnforcement,
} from "./support.js";

const INVENTORY = "accounts.yaml";

/** The account whose access the edit changes, and the principal it adds to its administrator role. */
const EDITED_ACCOUNT = "prod-payments-api";
const ADDED_PRINCIPAL = "break-glass";

/** The account and role given one more Identity Center group, and the group. */
const GROUP_ACCOUNT = "stg-payments-api";
const ADDED_GROUP = "Contractors";

/** The organization-wide security services the sandbox's inventory runs. */
const SECURITY_SERVICES = {
  guardduty: true,
  securityHub: {
    standards: ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark-v3.0.0"],
    disabledControls: ["IAM.6"],
  },
};

/**
 * The example inventory in Identity Center mode (`__tests__/fixtures/synth/identity-center.yaml`:
 * the example with `organization.identityCenter` and `groups` in place of `access`), with
 * {@link EDITED_ACCOUNT} in the middle of the switch: its `access` of the example kept
 * beside its `groups`, so one apply covers both ways in; and running GuardDuty and
 * Security Hub for the organization ({@link SECURITY_SERVICES}).
 */
function exampleInIdentityCenterMode(): string {
  const doc = parseDocument(readInventory(fixtureFile("identity-center")));
  const example = parseDocument(readFileSync(INVENTORY, "utf8"));
  doc.setIn(["accounts", EDITED_ACCOUNT, "access"], example.getIn(["accounts", EDITED_ACCOUNT, "access"]));
  doc.setIn(["organization", "securityServices"], SECURITY_SERVICES);
  return doc.toString();
}

/** The inventory with {@link ADDED_GROUP} given `developer` in {@link GROUP_ACCOUNT}, as a person would edit it. */
function withAddedGroup(text: string): string {
  const doc = parseDocument(text);
  const path = ["accounts", GROUP_ACCOUNT, "groups", "developer"];
  doc.setIn(path, [...(doc.getIn(path) as { toJSON(): string[] }).toJSON(), ADDED_GROUP]);
  return doc.toString();
}

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

/**
 * The workspace whose state the S3 backend check moves into the state bucket. Its
 * configuration must be the same with Terraform Cloud as with state in S3 but for the
 * backend: not the log archive, whose bucket policies let Terraform Cloud's apply role in.
 */
const STATE_WORKSPACE = "acme-audit";

/** The workspace of {@link NETWORK_ACCOUNT}, whose gateways a reordered or longer environment list must leave alone. */
const NETWORK_ACCOUNT = "network";

const { skip } = requireTools("terraform", "moto");

/** What the pull request's read-only plan of the edit and the merge's apply did. */
interface Review {
  readonly plan: PlanResult;
  /** `terraform apply` of the read-only plan. */
  readonly write: CommandResult;
  /** `npm run apply -- --synth EDIT --affected-from BASE`, as the apply workflow runs it. */
  readonly apply: { readonly code: number; readonly output: string };
  readonly replan: PlanResult;
}

/** Name of the role that stands in for the pipeline's plan role (`<org>-github-plan`), with its statements. */
const PLANNER = "sandbox-planner";

const FLEETFILE = fileURLToPath(new URL("../../bin/fleetfile.mjs", import.meta.url));

/** A fleetfile command run as a process against moto, as a workflow runs it: its exit code and output. */
function fleetfile(moto: MotoServer, args: readonly string[]): Promise<{ code: number; output: string }> {
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...motoEnv(process.env, moto.endpoint) }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return new Promise((done) => {
    execFile(
      process.execPath,
      [FLEETFILE, ...args],
      { env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

/** The workspace folder of {@link EDITED_ACCOUNT} in a synth output. */
function editedDir(organization: Organization, outdir: string): string {
  return join(outdir, "stacks", organization.accounts.find((a) => a.key === EDITED_ACCOUNT)!.workspace);
}

/**
 * The pull request's plan of the access edit of {@link EDITED_ACCOUNT}, on the applied
 * sandbox: as a role of the management account with exactly the pipeline plan role's
 * statements (`pipelineStatements`), with moto's IAM enforcement on, so that it reaches
 * the account through its read-only plan role; then the apply of that plan, refused.
 * Enforcement holds for the whole server: nothing else may run meanwhile.
 */
async function reviewReadOnly(
  organization: Organization,
  moto: MotoServer,
  editedOutdir: string,
): Promise<Pick<Review, "plan" | "write">> {
  const management = coreAccount(organization, "management");
  const executionRoleName = organization.inventory.organization.executionRoleName;
  const admin = await motoSession(moto.endpoint, executionRoleArnOf(organization, management));
  await motoQuery(moto.endpoint, "iam", admin.accessKeyId, {
    Action: "CreateRole",
    RoleName: PLANNER,
    AssumeRolePolicyDocument: planRoleTrust(management.id ?? ""),
  });
  await motoQuery(moto.endpoint, "iam", admin.accessKeyId, {
    Action: "PutRolePolicy",
    RoleName: PLANNER,
    PolicyName: PLANNER,
    PolicyDocument: policyDocument(
      pipelineStatements({ planRoleName: planRoleNameOf(organization), executionRoleName }, "plan"),
    ),
  });
  const planner = await motoSession(moto.endpoint, `arn:aws:iam::${management.id}:role/${PLANNER}`);
  const runner = sandboxRunner(moto.endpoint);
  const asPlanner = {
    ...runner,
    env: {
      ...runner.env,
      AWS_ACCESS_KEY_ID: planner.accessKeyId,
      AWS_SECRET_ACCESS_KEY: planner.secretAccessKey,
      AWS_SESSION_TOKEN: planner.sessionToken,
    },
  };
  const dir = editedDir(organization, editedOutdir);
  await setIamEnforcement(moto.endpoint, true);
  try {
    const reviewed = await plan(dir, asPlanner, { readOnly: true, planFile: "review" });
    return { plan: reviewed, write: await runTerraform(dir, applyArgs("review"), asPlanner, [0, 1]) };
  } finally {
    await setIamEnforcement(moto.endpoint, false);
  }
}

/** Creates `group` in the identity store of the management account's Identity Center instance. */
async function addIdentityStoreGroup(organization: Organization, moto: MotoServer, group: string): Promise<void> {
  const management = coreAccount(organization, "management");
  const admin = await motoSession(moto.endpoint, executionRoleArnOf(organization, management));
  await createIdentityStoreGroups(moto.endpoint, identityCenterRegion(organization), admin.accessKeyId, [group]);
}

/** The account whose workspace plans with `fleetfile_access=direct`: no other check plans it. */
const DIRECT_ACCOUNT = "identity";

/**
 * `fleetfile_access=direct`, as Terraform Cloud's workspaces set it: the providers assume no
 * role, and the credentials Terraform starts with are used as they are. Standing in for
 * Terraform Cloud's plan-phase role: a session of {@link DIRECT_ACCOUNT}'s own plan role,
 * which may read but not assume any role, with moto's IAM enforcement on, so that a
 * provider that still assumed the execution role would be refused.
 */
async function planDirect(organization: Organization, moto: MotoServer, outdir: string): Promise<PlanResult> {
  const account = organization.accounts.find((a) => a.key === DIRECT_ACCOUNT)!;
  const session = await motoSession(moto.endpoint, planRoleArnOf(organization, account));
  const runner = sandboxRunner(moto.endpoint);
  const direct = {
    ...runner,
    env: {
      ...runner.env,
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
      [`TF_VAR_${ACCESS_VARIABLE}`]: DIRECT_ACCESS,
    },
  };
  await setIamEnforcement(moto.endpoint, true);
  try {
    return await plan(join(outdir, "stacks", account.workspace), direct, { planFile: "direct" });
  } finally {
    await setIamEnforcement(moto.endpoint, false);
  }
}

/**
 * The merge of the access edit: `apply --affected-from` through the CLI, as the apply
 * workflow runs it, then a plan after it. The principal the edit adds is created first,
 * as the person adding it to `access` makes sure it exists (prerequisite 2).
 */
async function merge(
  organization: Organization,
  moto: MotoServer,
  editedOutdir: string,
  baseOutdir: string,
): Promise<Pick<Review, "apply" | "replan">> {
  const trusted = organization.inventory.organization.identity.trustedAccount;
  const identity = organization.accounts.find((a) => a.key === trusted)!;
  const identityAdmin = await motoSession(moto.endpoint, executionRoleArnOf(organization, identity));
  await motoQuery(moto.endpoint, "iam", identityAdmin.accessKeyId, {
    Action: "CreateRole",
    RoleName: ADDED_PRINCIPAL,
    AssumeRolePolicyDocument: planRoleTrust(identity.id ?? ""),
  });
  writeMark(editedOutdir, "synth", synthAccounts(organization));
  const applied = await fleetfile(moto, [
    "apply",
    "--synth",
    editedOutdir,
    "--affected-from",
    baseOutdir,
    "--jobs",
    "1",
  ]);
  const dir = editedDir(organization, editedOutdir);
  return { apply: applied, replan: await plan(dir, sandboxRunner(moto.endpoint), { planFile: "after-merge" }) };
}

/** The workspace whose resource the drift check changes behind Terraform's back, and the one it leaves alone. */
const DRIFTED_ACCOUNT = "legacy-billing";
const STEADY_ACCOUNT = "audit";

/** What `npm run drift` said before and after the drifted workspace was applied again. */
interface DriftCheck {
  readonly before: { readonly code: number; readonly report: WorkspaceDrift[]; readonly output: string };
  readonly after: { readonly code: number; readonly report: WorkspaceDrift[]; readonly output: string };
}

/** `npm run drift` through the CLI on `workspaces` of `synthDir`, as the drift workflow runs it. */
async function runDrift(moto: MotoServer, synthDir: string, workspaces: readonly string[], out: string) {
  const run = await fleetfile(moto, [
    "drift",
    "--synth",
    synthDir,
    ...workspaces.flatMap((w) => ["--only", w]),
    "--out",
    out,
  ]);
  const report = existsSync(join(out, "drift.json"))
    ? (JSON.parse(readFileSync(join(out, "drift.json"), "utf8")) as WorkspaceDrift[])
    : [];
  return { ...run, report };
}

/** The Config rule of the home region that the drift check deletes by hand. */
const DELETED_RULE = "cloud-trail-enabled";

/**
 * Drift: someone widens the plan role's trust of {@link DRIFTED_ACCOUNT} by hand (IAM
 * UpdateAssumeRolePolicy) and deletes one of its Config rules, behind Terraform's back;
 * `drift` over that workspace and {@link STEADY_ACCOUNT} names exactly those two
 * resources; after the workspace is applied again, it names nothing.
 */
async function checkDrift(
  organization: Organization,
  moto: MotoServer,
  outdir: string,
  out: string,
): Promise<DriftCheck> {
  const account = organization.accounts.find((a) => a.key === DRIFTED_ACCOUNT)!;
  const steady = organization.accounts.find((a) => a.key === STEADY_ACCOUNT)!;
  const management = coreAccount(organization, "management");
  const admin = await motoSession(moto.endpoint, executionRoleArnOf(organization, account));
  await motoQuery(moto.endpoint, "iam", admin.accessKeyId, {
    Action: "UpdateAssumeRolePolicy",
    RoleName: planRoleNameOf(organization),
    PolicyDocument: policyDocument([
      {
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${management.id}:root`, `arn:aws:iam::${account.id}:root`] },
        Action: "sts:AssumeRole",
      },
    ]),
  });
  await motoJsonCall(
    moto.endpoint,
    "config",
    "StarlingDoveService.DeleteConfigRule",
    organization.inventory.organization.homeRegion,
    admin.accessKeyId,
    { ConfigRuleName: DELETED_RULE },
  );
  const workspaces = [account.workspace, steady.workspace];
  const before = await runDrift(moto, outdir, workspaces, out);
  const dir = join(outdir, "stacks", account.workspace);
  const runner = sandboxRunner(moto.endpoint);
  const again = await plan(dir, runner, { planFile: "undrift" });
  await apply(dir, again.planFile, runner);
  return { before, after: await runDrift(moto, outdir, workspaces, out) };
}

/**
 * The example inventory against patched moto, end to end, with one shared apply (several
 * minutes on 2 cores): every account workspace applies in the sandbox's waves and a second
 * plan changes nothing; then an access edit, synthesized on its own and planned against
 * the applied state of its one workspace, plans as exactly the update it should be.
 */
describe.skipIf(skip)(`the sandbox, on ${INVENTORY} in Identity Center mode`, () => {
  const text = exampleInIdentityCenterMode();
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
  let groupAdded: PlanResult;
  let groupOutdir = "";
  const state = new Map<string, CommandResult>();
  let review: Review;
  let drift: DriftCheck;
  let direct: PlanResult;
  let driftOutdir = "";
  let vended: { recorded: readonly string[]; workspace?: string; applied?: PlanResult; replanned?: PlanResult };

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-test-"));
    editedOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-edit-"));
    reorderedOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-reordered-"));
    addedOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-added-"));
    stateOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-state-"));
    idsOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-ids-"));
    groupOutdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-group-"));
    driftOutdir = join(mkdtempSync(join(tmpdir(), "fleetfile-sandbox-drift-")), "drift");
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
     * bucket; the audit account's applied state is pushed to it through the workspace's S3
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
    // The group the identity provider syncs before someone names it in `groups`.
    await addIdentityStoreGroup(organization, moto, ADDED_GROUP);
    // The plans of the edits first; then the review alone on the server (IAM enforcement
    // holds for every request); then the merge beside the slower checks.
    [edited, reordered, added, groupAdded] = await Promise.all([
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
      planEdit(withAddedGroup(text), coreAccount(organization, "management").key, groupOutdir),
    ]);
    const reviewed = await reviewReadOnly(organization, moto, editedOutdir);
    direct = await planDirect(organization, moto, outdir);
    writeMark(outdir, "synth", synthAccounts(organization));
    const [merged, , , drifted] = await Promise.all([
      merge(organization, moto, editedOutdir, outdir),
      checkStateInS3(),
      recordVendedIds(),
      checkDrift(organization, moto, outdir, driftOutdir),
    ]);
    drift = drifted;
    review = { ...reviewed, ...merged };
  }, 1_800_000);

  afterAll(async () => {
    await moto?.stop();
    for (const dir of [
      outdir,
      editedOutdir,
      reorderedOutdir,
      addedOutdir,
      stateOutdir,
      idsOutdir,
      groupOutdir,
      join(driftOutdir, ".."),
    ])
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

  it("reads that change by meaning for the comment: the new principal may now assume the role", () => {
    const change = edited.json.resource_changes?.find((r) => r.address === "aws_iam_role.access_administrator");
    const changes = attributeChanges(change!.change);
    expect(changes.map((c) => c.path)).toEqual(["assume_role_policy"]);
    expect(changes[0].policy).toEqual([
      { text: `\`${ADDED_PRINCIPAL}\` (555555555555) may now assume \`administrator\``, security: true },
    ]);
  });

  it("applies the permission sets and one assignment per account, role and group, found by the groups' names", () => {
    const organization = resolve(text);
    const management = rows.find((r) => r.workspace === coreAccount(organization, "management").workspace)!;
    const created = plannedChanges(management.applied!).filter((c) => c.address.startsWith("aws_ssoadmin_"));
    const assignments = created.filter((c) => c.address.startsWith("aws_ssoadmin_account_assignment."));
    const expected = organization.accounts.flatMap((a) =>
      a.id ? groupListings(a.groups).flatMap(({ role, groups }) => groups.map((g) => `${a.key}/${role}/${g}`)) : [],
    );
    expect(assignments.map((c) => c.address).sort()).toEqual(
      expected.map((key) => `aws_ssoadmin_account_assignment.assignments["${key}"]`).sort(),
    );
    expect(created.filter((c) => c.address.startsWith("aws_ssoadmin_permission_set.")).length).toBe(4);
    expect(created.every((c) => c.actions.join() === "create")).toBe(true);
  });

  it(`keeps the four IAM roles only where access is kept (${EDITED_ACCOUNT}, in the middle of the switch)`, () => {
    const roles = (row: SandboxRow) =>
      plannedChanges(row.applied!)
        .map((c) => c.address)
        .filter((a) => /^aws_iam_role\.access_/.test(a));
    for (const row of rows) {
      const key = resolve(text).accounts.find((a) => a.workspace === row.workspace)!.key;
      if (key === EDITED_ACCOUNT) expect(roles(row), key).toHaveLength(4);
      else expect(roles(row), key).toEqual([]);
    }
  });

  it("designates the audit account as GuardDuty's administrator in each of its regions, having read that none is set", () => {
    const organization = resolve(text);
    const audit = coreAccount(organization, "audit");
    const management = rows.find((r) => r.workspace === coreAccount(organization, "management").workspace)!;
    const admins = plannedChanges(management.applied!).filter((c) =>
      c.address.startsWith("aws_guardduty_organization_admin_account."),
    );
    expect(admins).toHaveLength(audit.regions.length);
    expect(admins.every((c) => c.actions.join() === "create")).toBe(true);
    const securityHub = plannedChanges(management.applied!).filter((c) => c.address.startsWith("aws_securityhub_"));
    expect(securityHub.map((c) => c.address)).toContain("aws_securityhub_account.security-services_securityhub");
  });

  it("leaves the members' detectors to GuardDuty; the audit and management accounts keep theirs", () => {
    const organization = resolve(text);
    for (const row of rows) {
      const account = organization.accounts.find((a) => a.workspace === row.workspace)!;
      const detectors = plannedChanges(row.applied!).filter((c) => c.address.startsWith("aws_guardduty_detector."));
      const own = account.type === "audit" || account.type === "management";
      expect(detectors.length, account.key).toBe(own ? account.regions.length : 0);
    }
  });

  it(`plans one more group for ${GROUP_ACCOUNT} as exactly one new assignment, touching nothing else`, () => {
    expect(plannedChanges(groupAdded.json)).toEqual([
      {
        address: `aws_ssoadmin_account_assignment.assignments["${GROUP_ACCOUNT}/developer/${ADDED_GROUP}"]`,
        actions: ["create"],
      },
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
  describe(`when the ${EDITED_ACCOUNT} access edit is reviewed and merged`, () => {
    it("plans it with the read-only plan role, under IAM enforcement, as the same one update", () => {
      expect(plannedChanges(review.plan.json)).toEqual([
        { address: "aws_iam_role.access_administrator", actions: ["update"] },
      ]);
    });

    it("refuses the write when that plan is applied: the plan role changes nothing", () => {
      const output = review.write.stdout + review.write.stderr;
      expect(review.write.code, output).toBe(1);
      // moto's AccessDenied body under enforcement is not the shape the Go SDK parses: the
      // provider reports the 403 as UnknownError.
      expect(output).toMatch(/UpdateAssumeRolePolicy, https response error StatusCode: 403/);
    });

    it("applies that one workspace with apply --affected-from, and then plans no change", () => {
      const workspace = resolve(text).accounts.find((a) => a.key === EDITED_ACCOUNT)!.workspace;
      expect(review.apply.code, review.apply.output).toBe(0);
      expect(review.apply.output).toMatch(/applying 1 of \d+ account workspaces/);
      expect(review.apply.output).toContain(workspace);
      expect(plannedChanges(review.replan.json)).toEqual([]);
    });
  });

  it(`plans ${DIRECT_ACCOUNT} with fleetfile_access=direct as its own read-only role, assuming nothing: no change`, () => {
    expect(plannedChanges(direct.json)).toEqual([]);
    expect(priorResourceCount(direct.json)).toBeGreaterThan(0);
  });

  describe(`when the plan role of ${DRIFTED_ACCOUNT} is changed and a Config rule deleted by hand`, () => {
    it("names exactly that workspace and resource, with what changed, and exits 2", () => {
      const { code, report, output } = drift.before;
      expect(code, output).toBe(2);
      const drifted = report.filter((d) => d.drifted.length > 0 || d.error);
      expect(drifted.map((d) => d.workspace)).toEqual([`acme-${DRIFTED_ACCOUNT}`]);
      const home = resolve(text).inventory.organization.homeRegion;
      expect(drifted[0].drifted.map((r) => `${r.action} ${r.address}`)).toEqual([
        `delete aws_config_config_rule.${home}_config_${DELETED_RULE}`,
        "update aws_iam_role.plan-role",
      ]);
      const policy = drifted[0].drifted[1].attributes.find((a) => a.path === "assume_role_policy")?.policy ?? [];
      expect(policy.map((f) => f.text)).toContain(
        `any principal of account ${resolve(text).accounts.find((a) => a.key === DRIFTED_ACCOUNT)?.id} may now assume \`acme-plan\``,
      );
      expect(report.map((d) => d.workspace).sort()).toEqual(
        [`acme-${STEADY_ACCOUNT}`, `acme-${DRIFTED_ACCOUNT}`].sort(),
      );
    });

    it("reports no drift once the workspace is applied again", () => {
      const { code, report, output } = drift.after;
      expect(code, output).toBe(0);
      expect(report.flatMap((d) => d.drifted)).toEqual([]);
    });
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
      expect(outcome("list").output.split("\n")).toContain("aws_iam_role.plan-role");
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
