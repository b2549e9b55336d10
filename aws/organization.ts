import {
  DescribeOrganizationCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListOrganizationalUnitsForParent,
  paginateListPoliciesForTarget,
  paginateListTagsForResource,
} from "@aws-sdk/client-organizations";
import type { LiveAccount, LiveOrganization, LivePolicyAttachment, LiveUnit } from "../inventory/from-organization.js";
import { runPool } from "../terraform/pool.js";
import { type AwsTarget, clientConfig } from "./clients.js";

/** Calls to Organizations at once: it allows a few per second per account before throttling. */
export const ORGANIZATIONS_CONCURRENCY = 4;

/**
 * Reads the organization the target's credentials belong to (its management account):
 * units, accounts with their parents and tags, and the service control policies attached
 * to the root and the units. `progress` hears of every account read.
 */
export async function readLiveOrganization(
  target: AwsTarget,
  progress: (done: number, total: number) => void = () => {},
): Promise<LiveOrganization> {
  const client = new OrganizationsClient(clientConfig(target));
  const { Organization: org } = await client.send(new DescribeOrganizationCommand({}));
  const { Roots: roots } = await client.send(new ListRootsCommand({}));
  const rootId = roots?.[0]?.Id;
  if (!org?.MasterAccountId || !rootId) throw new Error("Organizations returned no management account or root");

  const units: LiveUnit[] = [];
  const below = async (parentId: string): Promise<void> => {
    for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: parentId })) {
      for (const unit of page.OrganizationalUnits ?? []) {
        units.push({ id: unit.Id as string, name: unit.Name as string, parentId });
        await below(unit.Id as string);
      }
    }
  };
  await below(rootId);

  const listed = [];
  for await (const page of paginateListAccounts({ client }, {})) listed.push(...(page.Accounts ?? []));
  let done = 0;
  const outcomes = await runPool(
    listed,
    async (account): Promise<LiveAccount> => {
      const id = account.Id as string;
      const [{ Parents: parents }, tags] = [
        await client.send(new ListParentsCommand({ ChildId: id })),
        await tagsOf(client, id),
      ];
      progress(++done, listed.length);
      return {
        id,
        name: account.Name ?? id,
        email: account.Email ?? "",
        status: account.State ?? account.Status ?? "ACTIVE",
        joinedMethod: account.JoinedMethod ?? "CREATED",
        parentId: parents?.[0]?.Id ?? rootId,
        tags,
      };
    },
    { size: ORGANIZATIONS_CONCURRENCY },
  );
  const accounts = outcomes.map((o) => {
    if (!o.ok) throw o.error;
    return o.value;
  });

  const policies: LivePolicyAttachment[] = [];
  for (const targetId of [rootId, ...units.map((u) => u.id)]) {
    const pages = paginateListPoliciesForTarget({ client }, { TargetId: targetId, Filter: "SERVICE_CONTROL_POLICY" });
    for await (const page of pages) {
      for (const p of page.Policies ?? [])
        policies.push({ targetId, policyId: p.Id as string, policyName: p.Name as string });
    }
  }
  return { managementAccountId: org.MasterAccountId, rootId, units, accounts, policies };
}

/** Every tag of an account. */
async function tagsOf(client: OrganizationsClient, id: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for await (const page of paginateListTagsForResource({ client }, { ResourceId: id })) {
    for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
  }
  return tags;
}
