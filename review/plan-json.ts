/**
 * The parts of Terraform's JSON plan representation (`terraform show -json PLANFILE`,
 * format_version 1.x) that a reviewer needs.
 */
export interface PlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly ResourceChangeJson[];
  /** Resources the refresh found changed or deleted outside Terraform since the last apply. */
  readonly resource_drift?: readonly ResourceChangeJson[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
}

/** A module of a state, as `show -json` renders it. */
export interface StateModule {
  readonly resources?: readonly { readonly address: string; readonly mode: "managed" | "data" }[];
  readonly child_modules?: readonly StateModule[];
}

/** One entry of `resource_changes`. */
export interface ResourceChangeJson {
  readonly address: string;
  /** Where the resource was before a `moved` block (or a rename cdktf moved) took it. */
  readonly previous_address?: string;
  readonly type: string;
  readonly name?: string;
  /** The instance's key in a `for_each` (a string) or `count` (a number); absent for a single instance. */
  readonly index?: string | number;
  readonly mode?: "managed" | "data";
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly importing?: { readonly id?: string };
    /** The resource's attributes before and after, as Terraform renders them. */
    readonly before?: unknown;
    readonly after?: unknown;
    /** Mirror of `after`: `true` where the value is known only after apply. */
    readonly after_unknown?: unknown;
    /** Mirrors of `before` and `after`: `true` where the value is sensitive. */
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    /** Paths (lists of keys and indexes) whose change forces the replacement. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

/** What happens to one resource, in reviewer's words. */
export type Action = "create" | "update" | "delete" | "replace" | "forget" | "import" | "no-op" | "read";

/** A resource change reduced to what a reviewer reads. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  /** What happens; `import` alone when the import changes nothing else. */
  readonly action: Action;
  /** The resource is imported into state by this plan (whatever else happens to it). */
  readonly importing?: boolean;
}

/**
 * The action of a change: `["delete","create"]` and `["create","delete"]` are
 * replacements; `["forget"]` leaves the state without destroying (a `removed` block).
 */
export function actionOf(change: ResourceChangeJson): Action {
  const actions = change.change.actions;
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("forget")) return "forget";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (actions.includes("read")) return "read";
  return change.change.importing ? "import" : "no-op";
}

/** The changes of a plan that do something (no-ops and data reads left out). */
export function resourceChanges(plan: PlanJson): ResourceChange[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.mode !== "data")
    .map((c) => ({
      address: c.address,
      type: c.type,
      action: actionOf(c),
      importing: c.change.importing !== undefined,
    }))
    .filter((c) => c.action !== "no-op" && c.action !== "read");
}

/** A managed resource or output the plan would change, with Terraform's own actions. */
export interface PlannedChange {
  readonly address: string;
  readonly actions: readonly string[];
}

const quiet = (actions: readonly string[]) => actions.every((a) => a === "no-op" || a === "read");

/**
 * Everything a plan would change: managed resources and outputs whose actions are more
 * than no-op (data sources read at plan time are not changes). Empty means the
 * workspace matches its configuration: what the sandbox's second plan must give.
 */
export function plannedChanges(plan: PlanJson): PlannedChange[] {
  const resources = (plan.resource_changes ?? [])
    .filter((r) => r.mode === "managed" && !quiet(r.change.actions))
    .map((r) => ({ address: r.address, actions: r.change.actions }));
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => !quiet(change.actions))
    .map(([name, change]) => ({ address: `output.${name}`, actions: change.actions }));
  return [...resources, ...outputs];
}

/** Counts of a plan, as Terraform words its summary. */
export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** Resources to add, change and destroy; a replacement counts as one add and one destroy, as Terraform counts it. */
export function countPlan(plan: PlanJson): PlanCounts {
  const managed = (plan.resource_changes ?? []).filter((r) => r.mode === "managed").map((r) => r.change.actions);
  return {
    add: managed.filter((a) => a.includes("create")).length,
    change: managed.filter((a) => a.includes("update")).length,
    destroy: managed.filter((a) => a.includes("delete")).length,
  };
}

/** `2 to add, 0 to change, 1 to destroy`. */
export function formatCounts(counts: PlanCounts): string {
  return `${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy`;
}

/** Managed resources in the state the plan started from, in every module. */
export function priorResourceCount(plan: PlanJson): number {
  const count = (module: StateModule | undefined): number =>
    (module?.resources ?? []).filter((r) => r.mode === "managed").length +
    (module?.child_modules ?? []).reduce((sum, child) => sum + count(child), 0);
  return count(plan.prior_state?.values?.root_module);
}
