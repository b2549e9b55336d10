import { App } from "../constructs/cdktf.js";
import type { Organization } from "../inventory/model.js";
import { addAccessRoles } from "./access.js";
import { AccountStack } from "./account-stack.js";
import { addBaseline } from "./baseline.js";
import { BootstrapStack } from "./bootstrap-stack.js";
import { addManagement } from "./management.js";
import { addNetworkHub, addSpokeVpc } from "./network.js";

/** Builds the cdktf app of an organization: one stack per account that has an id. */
export function buildApp(organization: Organization, outdir: string): App {
  const app = new App({ outdir });
  for (const account of organization.accounts) {
    if (!account.id) continue;
    const stack = new AccountStack(app, { organization, account });
    addBaseline(stack);
    addAccessRoles(stack);
    addSpokeVpc(stack);
    addNetworkHub(stack);
    if (account.type === "management") addManagement(stack);
  }
  if (organization.inventory.organization.terraformCloud) new BootstrapStack(app, organization);
  return app;
}
