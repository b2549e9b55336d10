import { UsageError } from "./args.js";

type Command = (args: readonly string[]) => number | Promise<number>;

/** Commands by name, each loaded only when run: `affected` must not pay for cdktf. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  synth: async () => (await import("./synth.js")).synthCommand,
  "synth-shard": async () => (await import("./synth.js")).synthShardCommand,
  validate: async () => (await import("./validate.js")).validateCommand,
  sandbox: async () => (await import("./sandbox.js")).sandboxCommand,
  affected: async () => (await import("./affected.js")).affectedCommand,
  comment: async () => (await import("./comment.js")).commentCommand,
  plan: async () => (await import("./plan.js")).planCommand,
};

const USAGE = `usage: fleetfile <command> [options]
commands: ${Object.keys(COMMANDS).join(", ")}
  validate --inventory FILE [--format github]
  synth    --inventory FILE --out DIR
  sandbox  --inventory FILE [--jobs N] [--keep]
  affected --base DIR --head DIR [--json]
  plan     [--out DIR] [--only WORKSPACE...] [--affected-from DIR] [--plans DIR] [--allow-destroy] [--jobs N]
  comment  --plans DIR [--out FILE] [--plans-url URL]`;

/**
 * Runs one command; returns the exit code. Without a command it synthesizes, which is
 * what \`cdktf synth\` expects of the app in cdktf.json.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name = "synth", ...args] = argv[0]?.startsWith("-") ? ["synth", ...argv] : argv;
  const load = COMMANDS[name];
  if (!load) {
    console.error(`unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(args);
  } catch (cause) {
    if (cause instanceof UsageError || (cause as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(cause as Error).message}\n${USAGE}`);
      return 2;
    }
    throw cause;
  }
}
