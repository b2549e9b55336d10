import { App } from "../constructs/cdktf.js";
import type { Organization } from "../inventory/model.js";
import { addAccessRoles } from "./access.js";
import { AccountStack } from "./account-stack.js";
import { addBaseline } from "./baseline.js";
import { BootstrapStack } from "./bootstrap-stack.js";
import { importDiscovered } from "./imports.js";
import { addManagement } from "./management.js";
import { addNetworkHub, addSpokeVpc } from "./network.js";
import { StateBootstrapStack } from "./state-bootstrap-stack.js";

/** A part of the workspaces, for synthesizing in several processes at once. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Builds the cdktf app of an organization: one stack per account that has an id, and the
 * Terraform Cloud bootstrap workspace when Terraform Cloud is configured, or the state
 * bootstrap workspace with an S3 backend. With `shard`, only every `count`-th account from
 * `index` on (and the bootstrap in shard 0).
 */
export function buildApp(organization: Organization, outdir: string, shard: Shard = { index: 0, count: 1 }): App {
  // Stack traces in metadata and cdktf's own validations cost time on every synth and add
  // nothing that `terraform validate` (run by the tests on every workspace) does not check.
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  const withIds = organization.accounts.filter((a) => a.id);
  for (const [i, account] of withIds.entries()) {
    if (i % shard.count !== shard.index) continue;
    const stack = new AccountStack(app, { organization, account });
    addBaseline(stack);
    addAccessRoles(stack);
    addSpokeVpc(stack);
    addNetworkHub(stack);
    if (account.type === "management") addManagement(stack);
    importDiscovered(stack);
  }
  if (shard.index === 0 && organization.inventory.organization.terraformCloud) new BootstrapStack(app, organization);
  if (shard.index === 0 && organization.inventory.organization.state) new StateBootstrapStack(app, organization);
  return app;
}
