/** An action Terraform plans for a resource (`terraform show -json`, `change.actions`). */
export type PlanAction = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/** The part of a resource change this project reads. */
export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly change: { readonly actions: readonly PlanAction[] };
}

/** A module of a state, as `show -json` renders it. */
export interface StateModule {
  readonly resources?: readonly { readonly address: string; readonly mode: "managed" | "data" }[];
  readonly child_modules?: readonly StateModule[];
}

/** The part of `terraform show -json <planfile>` this project reads. */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly PlanAction[] }>>;
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
}

/** Counts of a plan, as Terraform words its summary. */
export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** A managed resource or output the plan would change, with what it would do. */
export interface PlannedChange {
  readonly address: string;
  readonly actions: readonly PlanAction[];
}

const quiet = (actions: readonly PlanAction[]) => actions.every((a) => a === "no-op" || a === "read");

/**
 * Everything a plan would change: managed resources and outputs whose actions are more
 * than no-op (data sources read at plan time are not changes). Empty means the
 * workspace matches its configuration.
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
