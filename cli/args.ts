import { parseArgs } from "node:util";

/** Options every command understands; each command reads the ones it needs. */
export interface CommonOptions {
  readonly inventory: string;
  readonly out: string;
  readonly format: "text" | "github";
  readonly json: boolean;
  readonly positionals: readonly string[];
}

/** Parses `--inventory FILE --out DIR --format text|github --json`; throws a usage message on anything else. */
export function parseCommonArgs(args: readonly string[]): CommonOptions {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      inventory: { type: "string", default: "accounts.yaml" },
      out: { type: "string", default: "cdktf.out" },
      format: { type: "string", default: "text" },
      json: { type: "boolean", default: false },
    },
  });
  if (values.format !== "text" && values.format !== "github") {
    throw new UsageError(`--format ${values.format}: allowed text or github`);
  }
  return { inventory: values.inventory, out: values.out, format: values.format, json: values.json, positionals };
}

/** A command line that cannot be run; printed without a stack trace. */
export class UsageError extends Error {}
