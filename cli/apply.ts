import { writeFileSync } from "node:fs";
import { checkMarkedFile, checkReadable } from "../review/output-folder.js";
import { APPLY_MARKER, applyInWaves, applySucceeded, renderApplySummary } from "../terraform/apply.js";
import { writeCliConfig } from "../terraform/cli-config.js";
import { createProgress } from "../terraform/progress.js";
import { workspaceWaves } from "../terraform/waves.js";
import { accountWorkspaces, chooseWorkspaces, SYNTH_HINT } from "./affected.js";
import { type CommandSpec, jobsOption, type ParseArgsOptionsConfig, parseCommand } from "./args.js";

const SPEC = {
  name: "apply",
  usage: `usage: fleetfile apply [--synth DIR] [--affected-from DIR] [--only WORKSPACE]... [--summary FILE] [--allow-destroy] [--jobs N]
  Applies account workspaces of a synth output in waves: the log archive, the management
  workspace, the audit account, the network hub, then every other account. In each,
  terraform init, plan, and apply of exactly that plan. When a workspace fails, later
  waves are not touched. Never destroys a workspace whose account left the inventory.
  --synth DIR          the synth output to apply (default: cdktf.out)
  --affected-from DIR  apply only the workspaces that differ from this synth output (the previous main's)
  --only WORKSPACE     apply this workspace only; repeat for more
  --summary FILE       also write the Markdown summary to FILE (a CI job summary); FILE must
                       be new or a summary written before, which is replaced
  --allow-destroy      let a plan that destroys or replaces a protected resource apply
  --jobs N             workspaces applied at once within a wave (default: the number of cores)`,
  options: {
    synth: { type: "string", default: "cdktf.out" },
    "affected-from": { type: "string" },
    only: { type: "string", multiple: true },
    summary: { type: "string" },
    "allow-destroy": { type: "boolean", default: false },
    jobs: { type: "string" },
  },
  elsewhere: { out: "--synth DIR (the synth output to apply)" },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/**
 * `apply [--synth DIR] [--affected-from DIR] [--only WS...] [--summary FILE] [--allow-destroy] [--jobs N]`:
 * the chosen account workspaces applied in waves (terraform/apply.ts), with progress on
 * standard error and the summary on standard output. Exits 1 when a workspace failed.
 */
export async function applyCommand(args: readonly string[]): Promise<number> {
  const values = parseCommand(SPEC, args);
  if (!values) return 0;
  const size = jobsOption(values.jobs);
  const synthDir = values.synth;
  checkReadable(synthDir, "synth", `--synth ${synthDir}`, SYNTH_HINT);
  if (values.summary) checkMarkedFile(values.summary, `--summary ${values.summary}`, APPLY_MARKER, "an apply summary");
  const { workspaces: accounts, types } = accountWorkspaces(synthDir);
  const { chosen, removed } = chooseWorkspaces(accounts, synthDir, {
    only: values.only,
    affectedFrom: values["affected-from"],
  });
  console.error(`applying ${chosen.length} of ${accounts.length} account workspaces`);
  const waves = workspaceWaves(
    chosen.map((workspace) => ({ workspace, type: types[workspace] })),
    synthDir,
  );
  const rows = await applyInWaves({
    waves,
    runner: { cliConfigFile: writeCliConfig() },
    size,
    allowDestroy: values["allow-destroy"],
    progress: createProgress(),
  });
  const summary = renderApplySummary(rows, removed);
  console.log(summary);
  if (values.summary) writeFileSync(values.summary, summary);
  return applySucceeded(rows) ? 0 : 1;
}
