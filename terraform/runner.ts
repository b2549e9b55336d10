import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PlanJson, plannedChanges } from "../review/plan-json.js";
import {
  ACCESS_VARIABLE,
  applyArgs,
  destroyArgs,
  type InitOptions,
  initArgs,
  planArgs,
  reviewAccess,
  showJsonArgs,
  terraformEnv,
  validateArgs,
} from "./commands.js";
import { defaultPoolSize, type Outcome, runPool } from "./pool.js";
import type { Progress } from "./progress.js";

/** How to run Terraform: the same for every workspace of a run. */
export interface RunnerProps {
  /** TF_CLI_CONFIG_FILE, from `writeCliConfig`. */
  readonly cliConfigFile: string;
  /**
   * Variables on top of this process's environment; `undefined` removes one.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default "terraform" (from PATH) */
  readonly binary?: string;
  /**
   * Append each command and its whole output to `terraform.log` in the workspace folder.
   * @default false
   */
  readonly keepLogs?: boolean;
}

/** What one Terraform command did. */
export interface CommandResult {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** A Terraform command that exited with a code it should not have. */
export class TerraformError extends Error {
  constructor(
    readonly dir: string,
    readonly result: CommandResult,
  ) {
    super(describeFailure(dir, result));
    this.name = "TerraformError";
  }
}

/** `terraform plan ... in DIR exited 1: <the last lines of its errors>`. */
export function describeFailure(dir: string, result: CommandResult, lines = 20): string {
  const output = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-lines).join("\n");
  return `terraform ${result.args.join(" ")} in ${dir} exited ${result.code}${output ? `:\n${output}` : ""}`;
}

/**
 * Runs `terraform <args>` in `dir`; resolves with its output when the exit code is one of
 * `okCodes`, else rejects with a {@link TerraformError}.
 */
export function runTerraform(
  dir: string,
  args: readonly string[],
  props: RunnerProps,
  okCodes: readonly number[] = [0],
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(props.binary ?? "terraform", args, {
      cwd: dir,
      env: terraformEnv(process.env, props.cliConfigFile, props.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const result: CommandResult = {
        args,
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        seconds: (performance.now() - started) / 1000,
      };
      if (props.keepLogs)
        appendFileSync(
          join(dir, "terraform.log"),
          `$ terraform ${args.join(" ")}\n${result.stdout}${result.stderr}(exit ${result.code}, ${result.seconds.toFixed(1)} s)\n\n`,
        );
      if (okCodes.includes(result.code)) resolve(result);
      else reject(new TerraformError(dir, result));
    });
  });
}

/** `terraform init` of a workspace folder. */
export function init(dir: string, props: RunnerProps, options: InitOptions = {}): Promise<CommandResult> {
  return runTerraform(dir, initArgs(options), props);
}

/** One diagnostic of `terraform validate -json`. */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/** What `terraform validate -json` says of a workspace. */
export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** `terraform validate -json`; an invalid configuration resolves (exit 1), with its diagnostics. */
export async function validate(dir: string, props: RunnerProps): Promise<ValidateResult> {
  const result = await runTerraform(dir, validateArgs(), props, [0, 1]);
  try {
    return JSON.parse(result.stdout) as ValidateResult;
  } catch {
    throw new TerraformError(dir, result);
  }
}

/** Options of {@link plan}. */
export interface PlanRunOptions {
  /**
   * Plan file, relative to the workspace; its `show -json` is saved beside it as `<planFile>.json`.
   * @default "tfplan"
   */
  readonly planFile?: string;
  /**
   * Plan the destruction of everything in the state.
   * @default false
   */
  readonly destroy?: boolean;
  /**
   * Plan with the read-only plan role (`fleetfile_access=plan`) and without the state
   * lock: what a review plan does. Such a plan cannot be applied.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** A saved plan and what it would do. */
export interface PlanResult {
  /** Path of the saved plan, for {@link apply}. */
  readonly planFile: string;
  /** Path of its `show -json`. */
  readonly jsonFile: string;
  readonly json: PlanJson;
  /** Whether Terraform reported changes (`-detailed-exitcode` 2): resources or outputs. */
  readonly changes: boolean;
  readonly seconds: number;
}

/**
 * Whether the workspace in `dir` runs in Terraform Cloud: its `cloud` block is the one in
 * force, after override files (the sandbox's sets a local backend), as Terraform merges them.
 */
export function cloudBacked(dir: string): boolean {
  const overrides = readdirSync(dir)
    .filter((f) => /(^|_)override\.tf\.json$/.test(f))
    .sort();
  let cloud = false;
  for (const file of ["cdk.tf.json", ...overrides]) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const terraform = (JSON.parse(readFileSync(path, "utf8")) as { terraform?: { cloud?: unknown; backend?: unknown } })
      .terraform;
    if (terraform?.cloud !== undefined) cloud = true;
    else if (terraform?.backend !== undefined) cloud = false;
  }
  return cloud;
}

/** `terraform plan -out`, then `terraform show -json` of the plan, saved beside it and returned. */
export async function plan(dir: string, props: RunnerProps, options: PlanRunOptions = {}): Promise<PlanResult> {
  const planFile = options.planFile ?? "tfplan";
  const planProps = options.readOnly
    ? { ...props, env: { ...props.env, [`TF_VAR_${ACCESS_VARIABLE}`]: reviewAccess(cloudBacked(dir)) } }
    : props;
  const planned = await runTerraform(
    dir,
    planArgs({ out: planFile, detailedExitCode: true, destroy: options.destroy, lock: !options.readOnly }),
    planProps,
    [0, 2],
  );
  const shown = await runTerraform(dir, showJsonArgs(planFile), props);
  const jsonFile = `${planFile}.json`;
  writeFileSync(join(dir, jsonFile), shown.stdout);
  const json = JSON.parse(shown.stdout) as PlanJson;
  return {
    planFile: join(dir, planFile),
    jsonFile: join(dir, jsonFile),
    json,
    changes: planned.code === 2 || plannedChanges(json).length > 0,
    seconds: planned.seconds + shown.seconds,
  };
}

/** `terraform apply` of a plan saved by {@link plan}: exactly what was reviewed, nothing re-planned. */
export function apply(dir: string, planFile: string, props: RunnerProps): Promise<CommandResult> {
  return runTerraform(dir, applyArgs(planFile), props);
}

/** `terraform destroy` of everything in the workspace's state. */
export function destroy(dir: string, props: RunnerProps): Promise<CommandResult> {
  return runTerraform(dir, destroyArgs(), props);
}

/** A synthesized workspace: its name and the folder holding its `cdk.tf.json`. */
export interface Workspace {
  readonly name: string;
  readonly dir: string;
}

/** The workspaces of a synth into `outdir` (cdktf's layout: `stacks/<workspace>`). */
export function workspacesIn(outdir: string, names: readonly string[]): Workspace[] {
  return names.map((name) => ({ name, dir: join(outdir, "stacks", name) }));
}

/** Options of {@link inEveryWorkspace}. */
export interface EveryWorkspaceOptions<R> {
  /** @default defaultPoolSize() */
  readonly size?: number;
  /** @default 0 */
  readonly serialFirst?: number;
  /** @default - no progress shown */
  readonly progress?: Progress;
  /** A few words on a successful step for the progress line (`3 to add`). */
  readonly note?: (value: R) => string;
}

/**
 * Runs one step (`init`, `plan`...) in every workspace, a bounded pool of them at once,
 * reporting each start and end; returns every outcome in the order given.
 */
export function inEveryWorkspace<R>(
  workspaces: readonly Workspace[],
  stepName: string,
  step: (workspace: Workspace) => Promise<R>,
  options: EveryWorkspaceOptions<R> = {},
): Promise<Outcome<Workspace, R>[]> {
  const { progress } = options;
  return runPool(
    workspaces,
    async (workspace) => {
      progress?.started(workspace.name, stepName);
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const value = await step(workspace);
        progress?.ended(workspace.name, stepName, true, seconds(), options.note?.(value));
        return value;
      } catch (error) {
        progress?.ended(workspace.name, stepName, false, seconds(), firstLine(error));
        throw error;
      }
    },
    { size: options.size ?? defaultPoolSize(), serialFirst: options.serialFirst },
  );
}

/**
 * `terraform init` of every workspace: the first alone, which fills the shared plugin
 * cache, then the rest in parallel (parallel inits into an empty cache fail).
 */
export function initEvery(
  workspaces: readonly Workspace[],
  props: RunnerProps,
  options: InitOptions & Omit<EveryWorkspaceOptions<CommandResult>, "serialFirst"> = {},
): Promise<Outcome<Workspace, CommandResult>[]> {
  return inEveryWorkspace(workspaces, "init", (w) => init(w.dir, props, options), { ...options, serialFirst: 1 });
}

/**
 * `terraform init` then `plan` of every workspace ({@link initEvery}, then the plans in a
 * pool): one outcome per workspace, in the order given; a workspace whose init failed has
 * that failure as its outcome and is not planned.
 */
export async function planEvery(
  workspaces: readonly Workspace[],
  props: RunnerProps,
  planOptions: PlanRunOptions,
  options: Pick<EveryWorkspaceOptions<unknown>, "size" | "progress"> = {},
): Promise<Outcome<Workspace, PlanResult>[]> {
  const inits = await initEvery(workspaces, props, options);
  const ready = inits.filter((o) => o.ok).map((o) => o.item);
  const plans = new Map(
    (await inEveryWorkspace(ready, "plan", (w) => plan(w.dir, props, planOptions), options)).map((o) => [o.item, o]),
  );
  return inits.map((o) => (o.ok ? (plans.get(o.item) as Outcome<Workspace, PlanResult>) : o));
}

/** One line on why a step failed: Terraform's first `Error:` line, else the message's first line; with what to do, when it is known. */
export function firstLine(error: unknown): string {
  if (error instanceof TerraformError) {
    const output = `${error.result.stderr}\n${error.result.stdout}`;
    const line = output
      .split("\n")
      .map((l) => l.replace(/^│\s*/, "").trim())
      .find((l) => l.startsWith("Error:"));
    const hint = failureHint(output);
    return `${line ?? `exited ${error.result.code}`}${hint ? ` (${hint})` : ""}`;
  }
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

/** Failures whose cause is the machine, not the configuration, and what to set. */
const HINTS: readonly { readonly pattern: RegExp; readonly hint: string }[] = [
  {
    pattern: /Failed to request discovery document|app\.terraform\.io.*(no such host|i\/o timeout|connection refused)/,
    hint: "Terraform Cloud cannot be reached from here: check the network; plan and apply need it for workspaces with a cloud block",
  },
  {
    pattern: /Required token could not be found|unauthorized.*app\.terraform\.io|app\.terraform\.io.*unauthorized/i,
    hint: "no Terraform Cloud token: set TF_TOKEN_app_terraform_io (in CI, the TF_API_TOKEN secret)",
  },
  {
    pattern: /No valid credential sources found|failed to refresh cached credentials|NoCredentialProviders/,
    hint: "no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (in CI, the AWS_PLAN_ROLE_ARN or AWS_APPLY_ROLE_ARN variable)",
  },
];

/** What to set when Terraform's `output` shows a missing network, token or credential; undefined otherwise. */
export function failureHint(output: string): string | undefined {
  return HINTS.find((h) => h.pattern.test(output))?.hint;
}
