import { type TerraformResource, TerraformStack } from "./cdktf.js";

/** One Terraform `import` block. */
interface ImportBlock {
  readonly to: string;
  readonly id: string;
  readonly provider?: string;
}

const blocks = new WeakMap<TerraformStack, ImportBlock[]>();

/**
 * Adopts an existing object as `resource` (as its instance `key`, for a `for_each`
 * resource): an `import` block (Terraform 1.5 and later) in the resource's stack, with
 * the resource's own provider configuration. cdktf's `importFrom` names a provider by its
 * type alone (`aws`), which imports a resource of an aliased, regional provider from the
 * default provider's region.
 */
export function importExisting(resource: TerraformResource, id: string, key?: string): void {
  const stack = TerraformStack.of(resource);
  const list = blocks.get(stack) ?? [];
  blocks.set(stack, list);
  const provider = resource.provider;
  list.push({
    to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}${key === undefined ? "" : `["${key}"]`}`,
    id,
    ...(provider?.alias ? { provider: `${provider.terraformResourceType}.${provider.alias}` } : {}),
  });
  stack.addOverride("import", [...list]);
}
