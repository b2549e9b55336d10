/**
 * The parts of Terraform's JSON plan representation (`terraform show -json PLANFILE`,
 * format_version 1.x) that a reviewer needs.
 */
export interface PlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly ResourceChangeJson[];
}

/** One entry of `resource_changes`. */
export interface ResourceChangeJson {
  readonly address: string;
  readonly type: string;
  readonly name?: string;
  readonly mode?: "managed" | "data";
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly importing?: { readonly id?: string };
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
