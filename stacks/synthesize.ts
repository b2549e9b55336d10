import { TerraformResource, TerraformStack } from "../constructs/cdktf.js";
import type { Organization } from "../inventory/model.js";
import { buildApp, type Shard } from "./app.js";

/** What a synth produced. */
export interface SynthSummary {
  /** Workspace names, in inventory order, then the bootstrap workspace if any (Terraform Cloud's or the state bucket's). */
  readonly workspaces: readonly string[];
  /** Keys of accounts without an id, which get no workspace yet. */
  readonly pending: readonly string[];
  readonly resources: number;
}

/**
 * Writes the organization's workspaces (or one shard of them) into `outdir`, in cdktf's
 * layout: `stacks/<workspace>/cdk.tf.json` and `manifest.json`.
 */
export function synthesize(organization: Organization, outdir: string, shard?: Shard): SynthSummary {
  const app = withoutCreationStacks(() => {
    const built = buildApp(organization, outdir, shard);
    built.synth();
    return built;
  });
  const resources = app.node.findAll().filter((c) => TerraformResource.isTerraformResource(c)).length;
  return {
    workspaces: app.node.children.filter((c) => TerraformStack.isStack(c)).map((c) => c.node.id),
    pending: organization.accounts.filter((a) => !a.id).map((a) => a.key),
    resources,
  };
}

/**
 * Runs `work` with stack traces left unformatted. cdktf captures the creation stack of
 * every token and computed attribute (tens of thousands per synth) only to quote it in
 * error messages about misused tokens; formatting them was a third of the synth time
 * (docs/benchmarks.md). Errors keep their messages; their stacks are empty inside `work`.
 */
export function withoutCreationStacks<T>(work: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = () => "";
  try {
    return work();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
