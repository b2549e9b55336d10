import { type ParseArgsConfig, parseArgs } from "node:util";

/** Options of a command, as node:util parseArgs takes them. */
export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** What a command accepts and how it explains itself under `--help`. */
export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  /** `synth`, `plan`, ... */
  readonly name: string;
  /** The usage line and one line per option, as `--help` prints them. */
  readonly usage: string;
  readonly options: O;
  /**
   * Options other commands spell differently, with the spelling this one uses: a user who
   * types `plan --out` is told `--synth`, not only that `--out` is unknown.
   * @default {}
   */
  readonly elsewhere?: Readonly<Record<string, string>>;
}

/** The parsed values of a command line, or undefined when it asked for `--help` (already printed). */
export type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O }>>["values"];

/**
 * Parses a command's arguments: `--help` prints its usage and returns undefined; any
 * positional argument or unknown option is a {@link UsageError} naming the command's usage,
 * because an ignored argument (`validate my.yaml` checking accounts.yaml) is a false answer.
 */
export function parseCommand<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  args: readonly string[],
): Parsed<O> | undefined {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(spec.usage);
    return undefined;
  }
  const flag = args.find((arg) => arg.startsWith("--") && !(arg.slice(2).split("=")[0] in spec.options));
  if (flag) {
    const name = flag.slice(2).split("=")[0];
    const hint = spec.elsewhere?.[name];
    throw new UsageError(
      `${spec.name}: unknown option --${name}${hint ? `; ${spec.name} spells it ${hint}` : ""}`,
      spec.usage,
    );
  }
  let parsed: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: spec.options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new UsageError(`${spec.name}: ${(cause as Error).message.split("\n")[0]}`, spec.usage);
  }
  if (parsed.positionals.length > 0) {
    const [first] = parsed.positionals;
    const guess =
      "inventory" in spec.options && /\.ya?ml$/i.test(first)
        ? `; to use it as the inventory: --inventory ${first}`
        : "";
    throw new UsageError(
      `${spec.name}: unexpected argument ${JSON.stringify(first)}; ${spec.name} takes options only${guess}`,
      spec.usage,
    );
  }
  return parsed.values as Parsed<O>;
}

/** The `--format` option of the commands that report inventory problems. */
export function problemFormat(value: string | undefined): "text" | "github" {
  if (value === undefined || value === "text" || value === "github") return value ?? "text";
  throw new UsageError(`--format ${value}: allowed text or github`);
}

/** `--jobs N` as a whole number of at least 1, or undefined when not given. */
export function jobsOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!(Number.isInteger(jobs) && jobs >= 1))
    throw new UsageError(`--jobs ${value}: allowed a whole number of at least 1`);
  return jobs;
}

/**
 * `--access plan|apply`, checked: whether the run is read-only (the plan role, `plan`)
 * or runs as the execution role (`apply`).
 */
export function readOnlyAccess(value: string): boolean {
  if (value !== "plan" && value !== "apply")
    throw new UsageError(`--access ${value}: expected plan (the read-only role) or apply (the execution role)`);
  return value === "plan";
}

/** One share of a split run: this job's group (`shard`, from 0) of `shards` groups. */
export interface ShardOption {
  readonly shards: number;
  readonly shard: number;
}

/** Refusal of `--matrix` beside `--shards`/`--shard`: the matrix lists every group. */
export const MATRIX_WITH_SHARDS = "--matrix lists every shard; leave out --shards and --shard";

/**
 * `--shards N --shard I`, checked: both or neither, whole numbers, `0 <= I < N <= max`.
 */
export function shardOption(
  shards: string | undefined,
  shard: string | undefined,
  max: number,
): ShardOption | undefined {
  if (shards === undefined && shard === undefined) return undefined;
  if (shards === undefined || shard === undefined)
    throw new UsageError("--shards N and --shard I go together: this job plans group I (from 0) of N");
  const n = Number(shards);
  const i = Number(shard);
  if (!(Number.isInteger(n) && n >= 1 && n <= max))
    throw new UsageError(`--shards ${shards}: allowed a whole number from 1 to ${max}`);
  if (!(Number.isInteger(i) && i >= 0 && i < n))
    throw new UsageError(`--shard ${shard}: allowed a whole number from 0 to ${n - 1} (--shards ${n})`);
  return { shards: n, shard: i };
}

/** A command line that cannot be run; printed with the command's usage, without a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage of the command that refused, printed after the message. */
    readonly usage?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
