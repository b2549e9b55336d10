import type { ResourceChange } from "./plan-json.js";

/**
 * Resource types whose loss cannot be undone, or takes a network down: accounts, log
 * buckets, the log key, trails, Terraform Cloud workspaces (their state), and Transit
 * Gateways with their attachments and route tables (every VPC of an environment loses
 * its routes until they are back).
 */
export const PROTECTED_TYPES = new Set([
  "aws_organizations_account",
  "aws_s3_bucket",
  "aws_kms_key",
  "aws_cloudtrail",
  "tfe_workspace",
  "aws_ec2_transit_gateway",
  "aws_ec2_transit_gateway_vpc_attachment",
  "aws_ec2_transit_gateway_route_table",
]);

/** A destroy or replacement of a protected resource. */
export interface GuardViolation {
  readonly workspace: string;
  readonly address: string;
  readonly type: string;
  readonly action: "delete" | "replace";
}

/** Protected resources that the plans would destroy or replace. */
export function destroyViolations(
  plans: readonly { readonly workspace: string; readonly changes: readonly ResourceChange[] }[],
): GuardViolation[] {
  return plans.flatMap(({ workspace, changes }) =>
    changes.flatMap((c) =>
      PROTECTED_TYPES.has(c.type) && (c.action === "delete" || c.action === "replace")
        ? [{ workspace, address: c.address, type: c.type, action: c.action }]
        : [],
    ),
  );
}

/** How to go on deliberately, shown by the comment. */
export const OVERRIDE_STEPS = [
  "to go on deliberately, add the label `allow-destroy` to the pull request (locally: `npm run plan -- --allow-destroy`);",
  "to retire an account, follow docs/access.md (Retiring an account).",
] as const;

/** The same, on one line, for the plan command's output. */
export const OVERRIDE_HINT = OVERRIDE_STEPS.join(" ").replace(/`/g, "");
