import { TerraformResource, TerraformStack } from "../constructs/cdktf.js";
import type { Organization } from "../inventory/model.js";
import { buildApp } from "./app.js";

/** What a synth produced. */
export interface SynthSummary {
  /** Workspace names, in inventory order, then the Terraform Cloud bootstrap workspace if any. */
  readonly workspaces: readonly string[];
  /** Keys of accounts without an id, which get no workspace yet. */
  readonly pending: readonly string[];
  readonly resources: number;
}

/** Writes the organization's workspaces into `outdir` (cdktf's layout: `stacks/<workspace>/cdk.tf.json`). */
export function synthesize(organization: Organization, outdir: string): SynthSummary {
  const app = buildApp(organization, outdir);
  app.synth();
  const resources = app.node.findAll().filter((c) => TerraformResource.isTerraformResource(c)).length;
  return {
    workspaces: app.node.children.filter((c) => TerraformStack.isStack(c)).map((c) => c.node.id),
    pending: organization.accounts.filter((a) => !a.id).map((a) => a.key),
    resources,
  };
}
