import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { principalArn } from "../constructs/access-roles.js";
import { loadInventoryFile } from "../inventory/load.js";
import {
  type Account,
  accessListings,
  coreAccount,
  groupListings,
  identityCenterRegion,
  type Organization,
} from "../inventory/model.js";
import { synthesize } from "../stacks/synthesize.js";
import type { OrganizationSeed, SeedPrincipal } from "../terraform/moto.js";
import { seededPrerequisites, TRUSTED_SERVICES } from "../terraform/prerequisites.js";
import { createProgress } from "../terraform/progress.js";
import type { Workspace } from "../terraform/runner.js";
import { renderSandboxTable, runSandbox, sandboxPassed } from "../terraform/sandbox.js";
import { workspaceWaves } from "../terraform/waves.js";
import { type CommandSpec, jobsOption, type ParseArgsOptionsConfig, parseCommand } from "./args.js";
import { plural, reportProblems } from "./report.js";

/** The workspaces of a synth into `outdir` that have an account id, in the apply waves of {@link workspaceWaves}. */
export function sandboxWaves(organization: Organization, outdir: string): Workspace[][] {
  return workspaceWaves(
    organization.accounts.filter((a) => a.id),
    outdir,
  );
}

/**
 * The organization as it stands before fleetfile runs: the management account, every
 * member with an id, and the prerequisites a user does by hand (docs/baseline.md).
 */
export function organizationSeed(organization: Organization): OrganizationSeed {
  const management = coreAccount(organization, "management");
  const seed = (a: Account) => ({ id: a.id!, name: a.name, email: a.email });
  return {
    management: seed(management),
    members: organization.accounts.filter((a) => a.id && a !== management).map(seed),
    prerequisites: seededPrerequisites(),
    principals: namedPrincipals(organization),
    ...identityCenterSeed(organization),
    executionRoleName: organization.inventory.organization.executionRoleName,
    trustedServices: TRUSTED_SERVICES,
  };
}

/** With `organization.identityCenter`: its region and the groups the accounts' `groups` name, each once. */
function identityCenterSeed(organization: Organization): Pick<OrganizationSeed, "identityCenter"> {
  if (!organization.inventory.organization.identityCenter) return {};
  const groups = organization.accounts.flatMap((a) => groupListings(a.groups).flatMap((listing) => listing.groups));
  return { identityCenter: { region: identityCenterRegion(organization), groups: [...new Set(groups)] } };
}

/** The roles and users that the accounts' `access` names, each once: they must exist before a trust policy names them. */
export function namedPrincipals(organization: Organization): SeedPrincipal[] {
  const identity = organization.byKey.get(organization.inventory.organization.identity.trustedAccount)?.id ?? "";
  const arns = new Set(
    organization.accounts.flatMap((account) =>
      accessListings(account.access).flatMap(({ principals }) => principals.map((p) => principalArn(p, identity))),
    ),
  );
  return [...arns].flatMap((arn) => {
    const match = /^arn:aws:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match ? [{ account: match[1], kind: match[2] as "role" | "user", name: match[3] }] : [];
  });
}

const SPEC = {
  name: "sandbox",
  usage: `usage: fleetfile sandbox [--inventory FILE] [--jobs N] [--keep]
  Synthesizes into a new temporary folder, starts moto (an AWS emulator) on a free local
  port, applies every workspace to it, plans each again and reports drift. Touches no AWS
  account and no file of yours; the temporary folder is removed unless --keep.
  --inventory FILE  the inventory to read (default: accounts.yaml)
  --jobs N          workspaces applied at once (default: the number of cores)
  --keep            keep the temporary folder (workspaces, state, moto's log)`,
  options: {
    inventory: { type: "string", default: "accounts.yaml" },
    jobs: { type: "string" },
    keep: { type: "boolean", default: false },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/**
 * `sandbox --inventory FILE [--jobs N] [--keep]`: synthesizes into a temporary folder,
 * applies every workspace to a local moto, plans each again, and prints one row per
 * workspace. Exit 0 only when every workspace applied and none would change again.
 */
export async function sandboxCommand(args: readonly string[]): Promise<number> {
  const values = parseCommand(SPEC, args);
  if (!values) return 0;
  const jobs = jobsOption(values.jobs);
  const result = loadInventoryFile(values.inventory);
  if (reportProblems(result) || !result.organization) return 1;

  const outdir = mkdtempSync(join(tmpdir(), "fleetfile-sandbox-"));
  const motoLog = createWriteStream(join(outdir, "moto.log"));
  try {
    const summary = synthesize(result.organization, outdir);
    console.log(`${plural(summary.workspaces.length, "workspace")} synthesized into ${outdir}`);
    const started = performance.now();
    const rows = await runSandbox({
      waves: sandboxWaves(result.organization, outdir),
      organization: organizationSeed(result.organization),
      size: jobs,
      progress: createProgress(),
      motoLog: (line) => motoLog.write(`${line}\n`),
    });
    console.log(renderSandboxTable(rows));
    const passed = sandboxPassed(rows);
    console.log(
      `${passed ? "passed" : "FAILED"}: ${plural(rows.length, "workspace")} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    return passed ? 0 : 1;
  } finally {
    motoLog.end();
    if (values.keep) console.log(`kept ${outdir} (moto's log: ${join(outdir, "moto.log")})`);
    else rmSync(outdir, { recursive: true, force: true });
  }
}
