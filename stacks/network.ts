import { SpokeVpc } from "../constructs/spoke-vpc.js";
import { TransitHub } from "../constructs/transit-hub.js";
import { environmentAsns } from "../inventory/asn.js";
import { parseCidr, splitCidr } from "../inventory/cidr.js";
import type { Inventory } from "../inventory/schema.js";
import type { AccountStack } from "./account-stack.js";
import { baselineNames } from "./baseline.js";
import { organization } from "./organization-data.js";

/** Regions that hold at least one VPC: where the hub needs gateways. */
export function vpcRegions(stack: AccountStack): string[] {
  return [...new Set(stack.organization.accounts.flatMap((a) => (a.vpc ? [a.vpc.region] : [])))];
}

/** The ASN of each environment's gateways (docs/network.md): pinned in network.asns, else derived from the name. */
export function gatewayAsns(inventory: Inventory): Map<string, number> {
  const network = inventory.network;
  return network ? environmentAsns(inventory.organization.environments, network.asn, network.asns) : new Map();
}

/** The Transit Gateway hubs, in the network hub account. */
export function addNetworkHub(stack: AccountStack): void {
  const inventory = stack.organization.inventory;
  if (!inventory.network || inventory.network.hubAccount !== stack.account.key) return;
  const environments = [...gatewayAsns(inventory)].map(([env, asn]) => ({ env, asn }));
  for (const region of vpcRegions(stack)) {
    new TransitHub(stack, `hub-${region}`, {
      provider: stack.providerFor(region),
      namePrefix: inventory.organization.name,
      environments,
      organizationArn: organization(stack).arn,
    });
  }
}

/** The account's VPC and its attachment to its environment's gateway, where it sets `vpc`. */
export function addSpokeVpc(stack: AccountStack): void {
  const { account, organization: org } = stack;
  const network = org.inventory.network;
  const hub = network && org.byKey.get(network.hubAccount);
  if (!account.vpc || !network || !hub?.id) return;
  const cidr = parseCidr(account.vpc.cidr);
  if ("reason" in cidr)
    throw new Error(`${account.key}: ${account.vpc.cidr} ${cidr.reason}; validate the inventory first`);
  new SpokeVpc(stack, "vpc", {
    provider: stack.providerFor(account.vpc.region),
    vpcName: account.workspace,
    cidr: account.vpc.cidr,
    subnetCidrs: splitCidr(cidr, account.vpc.azs),
    hubAccountId: hub.id,
    gatewayAsn: gatewayAsns(org.inventory).get(account.env) as number,
    flowLogBucketArn: `arn:aws:s3:::${baselineNames(stack).logArchive.flowLogBucket}`,
  });
}
