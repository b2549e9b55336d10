import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The registry Terraform assumes when a provider source names none. */
const DEFAULT_HOST = "registry.terraform.io";

/**
 * The full address of a provider source: `aws` and `hashicorp/aws` are both
 * `registry.terraform.io/hashicorp/aws`, as Terraform reads them.
 */
export function providerAddress(source: string): string {
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return `${DEFAULT_HOST}/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `${DEFAULT_HOST}/${parts[0]}/${parts[1]}`;
  return parts.join("/");
}

/** Addresses of the providers a synthesized configuration requires (`terraform.required_providers`). */
export function requiredProviders(config: unknown): string[] {
  const required = (config as { terraform?: { required_providers?: Record<string, { source?: string }> } }).terraform
    ?.required_providers;
  return Object.entries(required ?? {}).map(([name, p]) => providerAddress(p.source ?? name));
}

/** Providers a workspace folder's `cdk.tf.json` requires that are not among `available`. */
export function unavailableProviders(dir: string, available: readonly string[]): string[] {
  const config: unknown = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  return requiredProviders(config).filter((address) => !available.includes(address));
}
