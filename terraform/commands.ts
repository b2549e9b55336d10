/**
 * Command lines and environment of the Terraform runs: pure, so that what the runner
 * asks Terraform to do can be read and tested without starting it.
 */

/**
 * The Terraform variable every account workspace declares to choose the role its
 * providers assume: `apply` (the default) the execution role, `plan` the read-only plan
 * role, `direct` none (the credentials Terraform starts with are already the account's:
 * Terraform Cloud's, a role per run phase). Review plans set it through the environment
 * (`TF_VAR_fleetfile_access`), which Terraform ignores in a workspace that does not
 * declare it (the bootstraps), and which a `cloud` block sends along as a run variable.
 */
export const ACCESS_VARIABLE = "fleetfile_access";

/** {@link ACCESS_VARIABLE}'s value for credentials that are already the account's. */
export const DIRECT_ACCESS = "direct";

/**
 * The {@link ACCESS_VARIABLE} of a read-only review plan: the plan role, or, in a
 * workspace that runs in Terraform Cloud, no role at all, since the plan phase's own
 * credentials there are the account's read-only Terraform Cloud role.
 */
export function reviewAccess(cloudBacked: boolean): string {
  return cloudBacked ? DIRECT_ACCESS : "plan";
}

/** Options of {@link initArgs}. */
export interface InitOptions {
  /**
   * Whether to configure the backend. Validation needs none, and skipping it lets a
   * workspace with a `cloud` block initialize offline.
   * @default true
   */
  readonly backend?: boolean;
}

/** Options of {@link planArgs}. */
export interface PlanOptions {
  /** File the plan is saved to, relative to the workspace. */
  readonly out: string;
  /**
   * Exit 2 instead of 0 when the plan has changes.
   * @default false
   */
  readonly detailedExitCode?: boolean;
  /**
   * Plan the destruction of everything in the state.
   * @default false
   */
  readonly destroy?: boolean;
  /**
   * Lock the state while planning; false for a read-only plan, which cannot write the
   * lock file and has nothing to protect.
   * @default true
   */
  readonly lock?: boolean;
}

/** Flags every command that may otherwise prompt or colour its output takes. */
const UNATTENDED = ["-input=false", "-no-color"];

/** `terraform init`, unattended; without the backend when `backend` is false. */
export function initArgs(options: InitOptions = {}): string[] {
  return ["init", ...UNATTENDED, ...(options.backend === false ? ["-backend=false"] : [])];
}

/** `terraform validate -json`: one JSON document with `valid` and every diagnostic. */
export function validateArgs(): string[] {
  return ["validate", "-json", "-no-color"];
}

/** `terraform plan` saving the plan to a file, for `show -json` and a later apply of exactly that plan. */
export function planArgs(options: PlanOptions): string[] {
  return [
    "plan",
    ...UNATTENDED,
    `-out=${options.out}`,
    ...(options.detailedExitCode ? ["-detailed-exitcode"] : []),
    ...(options.destroy ? ["-destroy"] : []),
    ...(options.lock === false ? ["-lock=false"] : []),
  ];
}

/** `terraform show -json` of a saved plan. */
export function showJsonArgs(planFile: string): string[] {
  return ["show", "-json", "-no-color", planFile];
}

/** `terraform apply` of a saved plan: applies exactly what was planned, with no prompt. */
export function applyArgs(planFile: string): string[] {
  return ["apply", ...UNATTENDED, planFile];
}

/** `terraform destroy`, with no prompt. */
export function destroyArgs(): string[] {
  return ["destroy", ...UNATTENDED, "-auto-approve"];
}

/**
 * The environment of every Terraform run: `base` plus what makes Terraform unattended and
 * offline-capable, then `extra`, which wins; a variable `extra` sets to `undefined` is removed.
 */
export function terraformEnv(
  base: NodeJS.ProcessEnv,
  cliConfigFile: string,
  extra: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    ...base,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_CLI_CONFIG_FILE: cliConfigFile,
    ...extra,
  };
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
