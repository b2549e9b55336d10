import { UsageError } from "./args.js";

type Command = (args: readonly string[]) => number | Promise<number>;

/** Commands by name, each loaded only when run: `affected` must not pay for cdktf. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import("./validate.js")).validateCommand,
  synth: async () => (await import("./synth.js")).synthCommand,
  affected: async () => (await import("./affected.js")).affectedCommand,
  plan: async () => (await import("./plan.js")).planCommand,
  apply: async () => (await import("./apply.js")).applyCommand,
  "record-ids": async () => (await import("./record-ids.js")).recordIdsCommand,
  drift: async () => (await import("./drift.js")).driftCommand,
  comment: async () => (await import("./comment.js")).commentCommand,
  sandbox: async () => (await import("./sandbox.js")).sandboxCommand,
  init: async () => (await import("./init.js")).initCommand,
  discover: async () => (await import("./discover.js")).discoverCommand,
  diagram: async () => (await import("./diagram.js")).diagramCommand,
};

/** Commands that only fleetfile itself runs, left out of the usage. */
const INTERNAL: Record<string, () => Promise<Command>> = {
  "synth-shard": async () => (await import("./synth.js")).synthShardCommand,
};

/** The top-level usage; each command prints its own with `--help`. */
export const USAGE = `usage: fleetfile <command> [options]   (fleetfile <command> --help for its options)
  validate    check the inventory; writes nothing
  synth       validate, then write one Terraform workspace per account (default: into cdktf.out)
  affected    the workspaces whose configuration differs between two synth outputs
  plan        terraform plan of the workspaces of a synth output; plan JSON into a plans folder
  apply       terraform apply of the workspaces of a synth output, in waves (after merge)
  record-ids  write the ids of vended accounts into the inventory (after the management apply)
  drift       plan every workspace against the real resources and report what changed outside Terraform
  comment     the pull request comment from a plans folder
  sandbox     apply every workspace to a local AWS emulator (moto) and check for drift
  init        write a starting inventory read from an existing AWS organization
  discover    record what of the baseline already exists in the accounts, for synth to import
  diagram     Mermaid diagrams of the organization and its network, from the inventory`;

/**
 * Runs one command; returns the exit code. Without a command it synthesizes, which is
 * what \`cdktf synth\` expects of the app in cdktf.json. Every failure is one message and a
 * non-zero exit, never a stack trace (FLEETFILE_DEBUG=1 prints it).
 */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    console.log(USAGE);
    return 0;
  }
  const [name = "synth", ...args] = argv[0]?.startsWith("-") ? ["synth", ...argv] : argv;
  const load = COMMANDS[name] ?? INTERNAL[name];
  if (!load) {
    console.error(`unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(args);
  } catch (cause) {
    if (process.env.FLEETFILE_DEBUG) console.error(cause);
    if (cause instanceof UsageError) {
      console.error(`${cause.message}\n${cause.usage ?? USAGE}`);
      return 2;
    }
    console.error(`fleetfile ${name}: ${cause instanceof Error ? cause.message : String(cause)}`);
    return 1;
  }
}
