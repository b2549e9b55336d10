import { loadInventoryFile } from "../inventory/load.js";
import { parseCommonArgs } from "./args.js";
import { plural, reportProblems } from "./report.js";

/** `validate --inventory FILE [--format github]`: prints every error and warning; 0 when there is no error. */
export function validateCommand(args: readonly string[]): number {
  const options = parseCommonArgs(args);
  const result = loadInventoryFile(options.inventory);
  if (reportProblems(result, options.format) || !result.organization) return 1;
  const accounts = result.organization.accounts;
  const pending = accounts.filter((a) => !a.id).length;
  console.log(`${options.inventory}: valid; ${plural(accounts.length, "account")}, ${pending} pending`);
  return 0;
}
