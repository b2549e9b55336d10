import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { importExisting } from "../constructs/imports.js";
import type { AccountStack } from "./account-stack.js";

/**
 * Imports the roles and topics of `stack` that `discover` found in the account already
 * (the detectors and recorders are imported where they are built, as their names depend
 * on it): a role or topic the baseline names that exists already is adopted, not
 * created again (which AWS refuses for roles, and which would silently share a topic).
 */
export function importDiscovered(stack: AccountStack): void {
  const found = stack.organization.discovery?.accounts[stack.account.key];
  if (!found) return;
  const roles = new Set(found.roles);
  const topics = new Set(Object.values(found.regions).flatMap((r) => r.topics));
  for (const resource of stack.node.findAll()) {
    if (resource instanceof IamRole && resource.nameInput && roles.has(resource.nameInput)) {
      importExisting(resource, resource.nameInput);
    } else if (resource instanceof SnsTopic && resource.nameInput) {
      const arn = `arn:aws:sns:${stack.regionOf(resource)}:${stack.account.id}:${resource.nameInput}`;
      if (topics.has(arn)) importExisting(resource, arn);
    }
  }
}
