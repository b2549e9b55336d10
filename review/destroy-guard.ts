import type { ResourceChange } from "./plan-json.js";

/** Resource types whose loss cannot be undone: accounts, log buckets, the log key, trails. */
export const PROTECTED_TYPES = new Set(["aws_organizations_account", "aws_s3_bucket", "aws_kms_key", "aws_cloudtrail"]);

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

/** How to go on deliberately, printed by the plan command and the comment. */
export const OVERRIDE_HINT =
  "to go on deliberately, re-run with --allow-destroy (in CI: add the label allow-destroy to the pull request); " +
  "to retire an account, see docs/access.md#retiring-an-account";
