/**
 * accounts.yaml applied to patched moto, for scripts that plan edits against real state
 * (the plan fixtures, the plan benchmark): synthesized, applied in the sandbox's waves,
 * left running.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { organizationSeed, sandboxWaves } from "../cli/sandbox.js";
import { loadInventoryText } from "../inventory/load.js";
import type { Organization } from "../inventory/model.js";
import { formatProblem } from "../inventory/problems.js";
import { synthesize } from "../stacks/synthesize.js";
import { type MotoServer, startMoto } from "../terraform/moto.js";
import { SANDBOX_STATE_FILE, writeMotoOverride } from "../terraform/moto-overrides.js";
import type { RunnerProps } from "../terraform/runner.js";
import { renderSandboxTable, runSandbox, sandboxPassed, sandboxRunner } from "../terraform/sandbox.js";

export const EXAMPLE_INVENTORY = fileURLToPath(new URL("../accounts.yaml", import.meta.url));

/** The example organization, applied and running. */
export interface AppliedExample {
  /** accounts.yaml as read. */
  readonly text: string;
  readonly organization: Organization;
  readonly moto: MotoServer;
  readonly runner: RunnerProps;
  /** A scratch folder; the applied synth output is its `base` folder. */
  readonly scratch: string;
  /**
   * Gives the workspace `workspace` of the synth output `outdir` the applied state of its
   * namesake and moto's override, ready to init and plan against what was applied.
   */
  withAppliedState(outdir: string, workspace: string): string;
  /** Stops moto and removes the scratch folder. */
  close(): Promise<void>;
}

/** `text` resolved, or an error listing its problems. */
export function resolveInventory(text: string): Organization {
  const { file, organization, problems } = loadInventoryText(EXAMPLE_INVENTORY, text);
  if (!organization) throw new Error(problems.map((p) => formatProblem(file, p)).join("\n"));
  return organization;
}

/** Applies accounts.yaml to a new moto server; throws, stopping it, unless every workspace applied without drift. */
export async function applyExample(): Promise<AppliedExample> {
  const text = readFileSync(EXAMPLE_INVENTORY, "utf8");
  const organization = resolveInventory(text);
  const scratch = mkdtempSync(join(tmpdir(), "fleetfile-applied-"));
  const moto = await startMoto();
  const close = async () => {
    await moto.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const base = join(scratch, "base");
    synthesize(organization, base);
    const rows = await runSandbox({
      waves: sandboxWaves(organization, base),
      organization: organizationSeed(organization),
      moto,
    });
    if (!sandboxPassed(rows)) throw new Error(`the sandbox did not pass:\n${renderSandboxTable(rows)}`);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    text,
    organization,
    moto,
    runner: sandboxRunner(moto.endpoint),
    scratch,
    withAppliedState(outdir, workspace) {
      const dir = join(outdir, "stacks", workspace);
      copyFileSync(join(scratch, "base", "stacks", workspace, SANDBOX_STATE_FILE), join(dir, SANDBOX_STATE_FILE));
      writeMotoOverride(dir);
      return dir;
    },
    close,
  };
}
