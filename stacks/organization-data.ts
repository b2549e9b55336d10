import { DataAwsOrganizationsOrganization } from "@cdktf/provider-aws/lib/data-aws-organizations-organization";
import type { AccountStack } from "./account-stack.js";

/**
 * The AWS Organizations organization, read once per workspace that needs its id, ARN or
 * root: writers are admitted by organization rather than by lists of accounts.
 */
export function organization(stack: AccountStack): DataAwsOrganizationsOrganization {
  const existing = stack.node.tryFindChild("organization") as DataAwsOrganizationsOrganization | undefined;
  return existing ?? new DataAwsOrganizationsOrganization(stack, "organization", { provider: stack.globalProvider });
}
