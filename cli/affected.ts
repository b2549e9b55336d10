import { parseArgs } from "node:util";
import { affectedWorkspaces } from "../review/affected.js";
import { UsageError } from "./args.js";

/**
 * `affected --base DIR_A --head DIR_B [--json]`: the workspaces whose synthesized
 * configuration differs, one name per line (or JSON with the kind of change).
 */
export function affectedCommand(args: readonly string[]): number {
  const { values } = parseArgs({
    args: [...args],
    options: { base: { type: "string" }, head: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (!values.base || !values.head)
    throw new UsageError("affected needs --base DIR and --head DIR (two synth outputs)");
  const affected = affectedWorkspaces(values.base, values.head);
  if (values.json) console.log(JSON.stringify(affected, null, 2));
  else for (const { workspace } of affected) console.log(workspace);
  return 0;
}
