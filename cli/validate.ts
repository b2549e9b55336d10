import { loadInventoryFile } from "../inventory/load.js";
import { type CommandSpec, type ParseArgsOptionsConfig, parseCommand, problemFormat } from "./args.js";
import { plural, reportProblems } from "./report.js";

const SPEC = {
  name: "validate",
  usage: `usage: fleetfile validate [--inventory FILE] [--format text|github]
  Checks the inventory and prints every error and warning; writes nothing.
  --inventory FILE  the inventory to read (default: accounts.yaml)
  --format FORMAT   text, or github to add workflow annotations (default: text)`,
  options: { inventory: { type: "string", default: "accounts.yaml" }, format: { type: "string" } },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/** `validate --inventory FILE [--format github]`: prints every error and warning; 0 when there is no error. */
export function validateCommand(args: readonly string[]): number {
  const options = parseCommand(SPEC, args);
  if (!options) return 0;
  const result = loadInventoryFile(options.inventory);
  if (reportProblems(result, problemFormat(options.format)) || !result.organization) return 1;
  const accounts = result.organization.accounts;
  const pending = accounts.filter((a) => !a.id).length;
  console.log(`${options.inventory}: valid; ${plural(accounts.length, "account")}, ${pending} pending`);
  return 0;
}
