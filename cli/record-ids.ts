import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACCOUNT_IDS_OUTPUT } from "../constructs/account-vending.js";
import { loadInventoryText } from "../inventory/load.js";
import { recordAccountIds } from "../inventory/record-ids.js";
import { checkReadable, FolderError, readMark } from "../review/output-folder.js";
import { writeCliConfig } from "../terraform/cli-config.js";
import { init, runTerraform } from "../terraform/runner.js";
import { SYNTH_HINT } from "./affected.js";
import { type CommandSpec, type ParseArgsOptionsConfig, parseCommand, UsageError } from "./args.js";
import { reportProblems } from "./report.js";

const SPEC = {
  name: "record-ids",
  usage: `usage: fleetfile record-ids [--synth DIR] [--inventory FILE]
  After the management workspace has applied, writes the id of every account it vended
  into the inventory, as the first field of the account, changing nothing else (comments
  and formatting stay). An id that differs from the inventory's is reported and nothing
  is written.
  --synth DIR       the synth output whose management workspace applied (default: cdktf.out)
  --inventory FILE  the inventory to complete (default: accounts.yaml)`,
  options: {
    synth: { type: "string", default: "cdktf.out" },
    inventory: { type: "string", default: "accounts.yaml" },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/**
 * `record-ids [--synth DIR] [--inventory FILE]`: reads the management workspace's
 * `account_ids` output (terraform output) and records the ids of vended accounts in the
 * inventory (inventory/record-ids.ts), through a temporary file renamed over it, and only
 * when the result validates.
 */
export async function recordIdsCommand(args: readonly string[]): Promise<number> {
  const values = parseCommand(SPEC, args);
  if (!values) return 0;
  checkReadable(values.synth, "synth", `--synth ${values.synth}`, SYNTH_HINT);
  const types = readMark(values.synth)?.types ?? {};
  const management = Object.keys(types).find((w) => types[w] === "management");
  if (!management) throw new UsageError(`no management workspace in ${values.synth}: run npm run synth first`);
  const text = readFileSync(values.inventory, "utf8");

  const dir = join(values.synth, "stacks", management);
  const runner = { cliConfigFile: writeCliConfig() };
  await init(dir, runner);
  const output = await runTerraform(dir, ["output", "-no-color", "-json", ACCOUNT_IDS_OUTPUT], runner);
  const ids = JSON.parse(output.stdout) as Record<string, string>;

  const result = recordAccountIds(text, ids);
  for (const c of result.conflicts) {
    console.error(`${values.inventory}: accounts.${c.key}.id is "${c.inventory}" but AWS has "${c.aws}"`);
  }
  if (result.conflicts.length > 0) throw new FolderError(`${values.inventory}: ids differ from AWS's; nothing written`);
  if (result.recorded.length === 0) {
    console.log(`${values.inventory}: no new account ids`);
    return 0;
  }
  const checked = loadInventoryText(values.inventory, result.text);
  if (reportProblems(checked) || !checked.organization) return 1;
  const temporary = `${values.inventory}.fleetfile-ids`;
  writeFileSync(temporary, result.text);
  renameSync(temporary, values.inventory);
  console.log(`${values.inventory}: recorded the ids of ${result.recorded.join(", ")}`);
  return 0;
}
