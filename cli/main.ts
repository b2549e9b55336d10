import { UsageError } from "./args.js";
import { sandboxCommand } from "./sandbox.js";
import { synthCommand } from "./synth.js";
import { validateCommand } from "./validate.js";

const COMMANDS: Record<string, (args: readonly string[]) => number | Promise<number>> = {
  synth: synthCommand,
  validate: validateCommand,
  sandbox: sandboxCommand,
};

const USAGE = `usage: fleetfile <command> [options]
commands: ${Object.keys(COMMANDS).join(", ")}
  validate --inventory FILE [--format github]
  synth    --inventory FILE --out DIR
  sandbox  --inventory FILE [--jobs N] [--keep]`;

/**
 * Runs one command; returns the exit code. Without a command it synthesizes, which is
 * what \`cdktf synth\` expects of the app in cdktf.json.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name = "synth", ...args] = argv[0]?.startsWith("-") ? ["synth", ...argv] : argv;
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args);
  } catch (cause) {
    if (cause instanceof UsageError || (cause as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(cause as Error).message}\n${USAGE}`);
      return 2;
    }
    throw cause;
  }
}
