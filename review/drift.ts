import { type AttributeChange, attributeChanges, attributeLines } from "./attribute-diff.js";
import type { PlanJson } from "./plan-json.js";

/** Marker of the drift report, and of the issues the drift workflow keeps. */
export const DRIFT_MARKER = "<!-- fleetfile-drift -->";

/** One resource whose real state differs from what Terraform last recorded. */
export interface DriftedResource {
  readonly address: string;
  /** `update`: changed outside Terraform; `delete`: gone. */
  readonly action: "update" | "delete";
  /** The attributes that differ, recorded → now. */
  readonly attributes: readonly AttributeChange[];
}

/** The drift of one workspace, or why it could not be read. */
export interface WorkspaceDrift {
  readonly workspace: string;
  readonly drifted: readonly DriftedResource[];
  readonly error?: string;
}

/**
 * The resources a refreshing plan found changed or deleted outside Terraform
 * (`resource_drift` of the plan JSON) that the plan would change back, with the
 * attributes that differ; a resource whose only difference is an empty value read back in
 * another form (`null` → `{}`) is none. Empty when the real resources match the configuration.
 */
export function driftOf(plan: PlanJson): DriftedResource[] {
  // What the refresh reads differently is drift only where the plan would change it back:
  // attributes other resources set (a role's managed_policy_arns after its attachments, a
  // topic's policy after its aws_sns_topic_policy) read back changed and plan nothing.
  const planned = new Set(
    (plan.resource_changes ?? [])
      .filter((r) => r.change.actions.some((a) => a !== "no-op" && a !== "read"))
      .map((r) => r.address),
  );
  return (plan.resource_drift ?? [])
    .filter((r) => r.mode !== "data" && planned.has(r.address))
    .flatMap((r): DriftedResource[] => {
      const actions = r.change.actions;
      if (actions.includes("delete")) return [{ address: r.address, action: "delete", attributes: [] }];
      if (!actions.includes("update")) return [];
      // A refresh that only turns an empty value from one form into another (tags null
      // after the apply, {} when read back) changed nothing anyone did.
      const attributes = attributeChanges(r.change);
      return attributes.length > 0 ? [{ address: r.address, action: "update", attributes }] : [];
    })
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** The report of one drifted (or failed) workspace, as the body of its issue. */
export function renderWorkspaceDrift(drift: WorkspaceDrift): string {
  if (drift.error) {
    return `${DRIFT_MARKER}\n### \`${drift.workspace}\`: drift could not be read\n\n\`\`\`text\n${drift.error.trim()}\n\`\`\`\n`;
  }
  const lines = drift.drifted.flatMap((d) => [
    `${d.action === "delete" ? "-" : "~"}   ${d.address}${d.action === "delete" ? " (deleted outside Terraform)" : ""}`,
    ...attributeLines(d.attributes),
  ]);
  return [
    DRIFT_MARKER,
    `### \`${drift.workspace}\`: ${drift.drifted.length} resource(s) changed outside Terraform`,
    "",
    "Applying the workspace's configuration again puts them back; or change accounts.yaml to keep what was done by hand.",
    "",
    "```diff",
    ...lines,
    "```",
    "",
  ].join("\n");
}

/** The whole drift report: a summary line, then each drifted or failed workspace. */
export function renderDriftReport(drifts: readonly WorkspaceDrift[]): string {
  const drifted = drifts.filter((d) => !d.error && d.drifted.length > 0);
  const failed = drifts.filter((d) => d.error);
  const clean = drifts.length - drifted.length - failed.length;
  const head = `## fleetfile drift: ${drifted.length} of ${drifts.length} workspace(s) drifted${failed.length ? `, ${failed.length} could not be read` : ""}; ${clean} match their configuration`;
  return [DRIFT_MARKER, head, "", ...[...failed, ...drifted].map(renderWorkspaceDrift)].join("\n");
}
