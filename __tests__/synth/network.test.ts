import { describe, expect, it } from "vitest";
import { derivedAsn } from "../../inventory/asn.js";
import { parseCidr } from "../../inventory/cidr.js";
import type { Account } from "../../inventory/model.js";
import {
  type Block,
  EXAMPLE_AND_THREE_REGIONS,
  EXAMPLE_FILE,
  fixtureFile,
  ORGANIZATION_REF,
  readInventory,
  ref,
  referencedName,
  type Synthesized,
  synthesizeEachOnce,
  synthesizeOnce,
  type Workspace,
} from "./support.js";

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

function hub(synth: Synthesized): { account: Account; ws: Workspace } {
  const key = synth.organization.inventory.network?.hubAccount ?? "";
  return { account: synth.account(key), ws: synth.of(key) };
}

/** ASN of the gateway of `env`, worked out from the inventory: pinned in network.asns, else derived from network.asn and the name. */
function asnOf(synth: Synthesized, env: string): number {
  const network = synth.organization.inventory.network;
  const pinned = network?.asns?.[env];
  return pinned ?? derivedAsn(network?.asn ?? 0, env) ?? Number.NaN;
}

/** Regions that hold a VPC, from the inventory as written (a VPC's region defaults to homeRegion). */
function vpcRegions(synth: Synthesized): string[] {
  const inventory = synth.organization.inventory;
  const regions = Object.values(inventory.accounts).flatMap((a) => (a.vpc ? [a.vpc.region ?? synth.homeRegion] : []));
  return [...new Set(regions)].sort();
}

function spokes(synth: Synthesized): Account[] {
  return synth.accountsWithWorkspace.filter((a) => a.vpc !== undefined);
}

/** The gateway data source of a spoke and its filters by name. */
function gatewayLookup(ws: Workspace): { name: string; body: Block; filters: Record<string, string[]> } {
  const [[name, body], ...others] = ws.dataSources("aws_ec2_transit_gateway");
  expect(others, ws.name).toEqual([]);
  const filters = Object.fromEntries(
    (body.filter as { name: string; values: string[] }[]).map((f) => [f.name, f.values]),
  );
  return { name, body, filters };
}

function contains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  if ("reason" in a || "reason" in b) throw new Error(`not CIDR blocks: ${outer}, ${inner}`);
  return b.first >= a.first && b.last <= a.last;
}

describe.each(EXAMPLE_AND_THREE_REGIONS)("network of $title", ({ source }) => {
  const synth = synthesizeOnce(source);

  it("has a Transit Gateway per environment in each region that has a VPC, and none elsewhere", () => {
    const s = synth();
    const { ws } = hub(s);
    const byRegion = ws.byRegion("aws_ec2_transit_gateway");
    expect([...byRegion.keys()].sort()).toEqual(vpcRegions(s));
    const environments = s.organization.inventory.organization.environments;
    for (const [region, gateways] of byRegion) {
      expect(gateways.map(([, g]) => g.amazon_side_asn).sort(), region).toEqual(
        environments.map((env) => asnOf(s, env)).sort(),
      );
      for (const [name, gateway] of gateways) {
        expect(gateway, `${region} ${name}`).toMatchObject({
          auto_accept_shared_attachments: "enable",
          default_route_table_association: "enable",
          default_route_table_propagation: "enable",
        });
      }
    }
  });

  it("numbers each gateway with its environment's ASN, pinned or derived from the name, the same in every region", () => {
    const s = synth();
    const { ws } = hub(s);
    const environments = s.organization.inventory.organization.environments;
    for (const [name, gateway] of ws.resources("aws_ec2_transit_gateway")) {
      const env = environments.find((e) => name.endsWith(`_${e}`));
      expect(env, name).toBeDefined();
      expect(gateway.amazon_side_asn, name).toBe(asnOf(s, env ?? ""));
    }
  });

  it("shares every gateway with the organization through RAM, in the gateway's region, and with no one outside", () => {
    const s = synth();
    const { ws } = hub(s);
    const shares = ws.byRegion("aws_ram_resource_share");
    expect([...shares.keys()].sort()).toEqual(vpcRegions(s));
    for (const [region, [[shareName, share]]] of shares) {
      expect(share.allow_external_principals, region).toBe(false);
      const shareArn = ref("aws_ram_resource_share", shareName, "arn");
      const principals = ws
        .resources("aws_ram_principal_association")
        .filter(([, p]) => p.resource_share_arn === shareArn)
        .map(([, p]) => [p.principal, ws.regionOf(p)]);
      expect(principals, region).toEqual([[ORGANIZATION_REF.arn, region]]);
      const shared = ws
        .resources("aws_ram_resource_association")
        .filter(([, a]) => a.resource_share_arn === shareArn)
        .map(([, a]) => referencedName(a.resource_arn, "aws_ec2_transit_gateway"));
      const gateways = (ws.byRegion("aws_ec2_transit_gateway").get(region) ?? []).map(([n]) => n);
      expect(shared.sort(), region).toEqual(gateways.sort());
    }
  });

  it("gives each account with `vpc` the VPC of its cidr, in its region, with `azs` subnets inside it", () => {
    const s = synth();
    for (const account of spokes(s)) {
      const ws = s.of(account.key);
      const spec = s.organization.inventory.accounts[account.key].vpc;
      const region = spec?.region ?? s.homeRegion;
      const vpc = ws.single("aws_vpc");
      expect(vpc.cidr_block, ws.name).toBe(spec?.cidr);
      expect(ws.regionOf(vpc), ws.name).toBe(region);
      const subnets = ws.resources("aws_subnet").map(([, subnet]) => subnet);
      expect(subnets, ws.name).toHaveLength(spec?.azs ?? 2);
      const zones = new Set(subnets.map((subnet) => subnet.availability_zone));
      expect(zones.size, `${ws.name}: one subnet per zone`).toBe(subnets.length);
      for (const subnet of subnets) {
        expect(contains(spec?.cidr ?? "", subnet.cidr_block as string), `${ws.name} ${subnet.cidr_block}`).toBe(true);
        expect(ws.regionOf(subnet)).toBe(region);
      }
    }
  });

  it("logs every VPC's traffic to the log archive's flow-log bucket (CIS 3.7)", () => {
    const s = synth();
    const archive = s.organization.accounts.find((a) => a.type === "log-archive");
    const bucket = `arn:aws:s3:::${s.organization.inventory.organization.name}-flow-logs-${archive?.id}`;
    for (const account of spokes(s)) {
      const ws = s.of(account.key);
      const log = ws.single("aws_flow_log");
      expect(log.vpc_id, ws.name).toBe(ref("aws_vpc", ws.resources("aws_vpc")[0][0], "id"));
      expect(log.log_destination_type).toBe("s3");
      expect(log.log_destination).toBe(bucket);
      expect(log.traffic_type).toBe("ALL");
      expect(log.provider).toBe(ws.single("aws_vpc").provider);
    }
  });

  it("looks its environment's gateway up by owner (the hub) and ASN, in its own region", () => {
    const s = synth();
    const { account: hubAccount, ws: hubWs } = hub(s);
    for (const account of spokes(s)) {
      const ws = s.of(account.key);
      const lookup = gatewayLookup(ws);
      expect(lookup.filters["owner-id"], ws.name).toEqual([hubAccount.id]);
      expect(lookup.filters["options.amazon-side-asn"], ws.name).toEqual([String(asnOf(s, account.env))]);
      const region = ws.regionOf(lookup.body);
      expect(region).toBe(ws.regionOf(ws.single("aws_vpc")));
      const hubGateways = (hubWs.byRegion("aws_ec2_transit_gateway").get(region) ?? []).map(([, g]) => g);
      expect(
        hubGateways.filter((g) => g.amazon_side_asn === asnOf(s, account.env)),
        ws.name,
      ).toHaveLength(1);
    }
  });

  it("attaches the VPC's subnets to the gateway it looked up and routes private address space through it", () => {
    const s = synth();
    for (const account of spokes(s)) {
      const ws = s.of(account.key);
      const lookup = gatewayLookup(ws);
      const gatewayId = ref("data.aws_ec2_transit_gateway", lookup.name, "id");
      const [[vpcName]] = ws.resources("aws_vpc");
      const attachment = ws.single("aws_ec2_transit_gateway_vpc_attachment");
      expect(attachment.transit_gateway_id).toBe(gatewayId);
      expect(attachment.vpc_id).toBe(ref("aws_vpc", vpcName, "id"));
      const subnetIds = ws.resources("aws_subnet").map(([n]) => ref("aws_subnet", n, "id"));
      expect([...(attachment.subnet_ids as string[])].sort()).toEqual(subnetIds.sort());
      const routes = ws.resources("aws_route").map(([, r]) => r);
      expect(routes.map((r) => r.destination_cidr_block).sort(), ws.name).toEqual(
        RFC1918.filter((range) => range !== account.vpc?.cidr).sort(),
      );
      for (const route of routes) expect(route.transit_gateway_id).toBe(gatewayId);
      const tables = new Set(routes.map((r) => referencedName(r.route_table_id, "aws_route_table")));
      expect(tables.size).toBe(1);
      const [table] = tables;
      const associated = ws
        .resources("aws_route_table_association")
        .filter(([, a]) => a.route_table_id === ref("aws_route_table", table ?? "", "id"))
        .map(([, a]) => a.subnet_id);
      expect([...associated].sort()).toEqual(subnetIds.sort());
    }
  });

  it("keeps environments apart: VPCs of different environments look up different gateways", () => {
    const s = synth();
    const asnByEnv = new Map<string, Set<string>>();
    for (const account of spokes(s)) {
      const asn = gatewayLookup(s.of(account.key)).filters["options.amazon-side-asn"][0];
      asnByEnv.set(account.env, new Set([...(asnByEnv.get(account.env) ?? []), asn]));
    }
    expect(asnByEnv.size).toBeGreaterThan(1);
    const all = [...asnByEnv.values()].flatMap((set) => [...set]);
    for (const set of asnByEnv.values()) expect(set.size).toBe(1);
    expect(new Set(all).size).toBe(asnByEnv.size);
  });

  it("reads no other workspace's state, and puts no VPC where `vpc` is not set", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      expect(ws.dataSources("terraform_remote_state"), ws.name).toEqual([]);
      if (!account.vpc) expect(ws.resources("aws_vpc"), ws.name).toEqual([]);
    }
    const { account } = hub(s);
    for (const other of s.accountsWithWorkspace.filter((a) => a.key !== account.key)) {
      expect(s.of(other.key).resources("aws_ec2_transit_gateway"), other.key).toEqual([]);
    }
  });
});

describe("network of the example, in particular", () => {
  const synth = synthesizeOnce({ file: EXAMPLE_FILE });

  it("looks up 64514 from the dev VPC and 64512 from the prod VPCs", () => {
    const asn = (key: string) => gatewayLookup(synth().of(key)).filters["options.amazon-side-asn"];
    expect(asn("dev-data-lake")).toEqual(["64514"]);
    expect(asn("prod-payments-api")).toEqual(["64512"]);
    expect(asn("prod-data-lake")).toEqual(["64512"]);
    expect(asn("stg-payments-api")).toEqual(["64513"]);
  });
});

describe("network of three-regions, in particular", () => {
  const synth = synthesizeOnce({ file: fixtureFile("three-regions") });

  it("has gateways in ap-southeast-2 and eu-west-1 but not in us-east-1, which has no VPC", () => {
    const { ws } = hub(synth());
    expect([...ws.byRegion("aws_ec2_transit_gateway").keys()].sort()).toEqual(["ap-southeast-2", "eu-west-1"]);
  });

  it("attaches both dev VPCs of eu-west-1 to the same gateway, found by the same ASN, derived from network.asn 65100 and the name", () => {
    const lookup = (key: string) => gatewayLookup(synth().of(key)).filters;
    expect(lookup("web-dev")).toEqual(lookup("web-dev-us"));
    expect(lookup("web-dev")["options.amazon-side-asn"]).toEqual(["65276"]);
  });
});

describe.each(EXAMPLE_AND_THREE_REGIONS)("environments of $title reordered or added", ({ source }) => {
  const text = readInventory(source.file);
  const environments = /^ {2}environments: \[([^\]]*)\]$/m.exec(text);
  const list = environments?.[1].split(",").map((e) => e.trim()) ?? [];
  const withEnvironments = (envs: readonly string[]) =>
    text.replace(environments?.[0] ?? "", `  environments: [${envs.join(", ")}]`);
  const { original, reordered, added } = synthesizeEachOnce({
    original: source,
    reordered: { name: "reordered.yaml", text: withEnvironments([...list].reverse()) },
    added: { name: "added.yaml", text: withEnvironments(["qa", ...list]) },
  });

  describe("reordered", () => {
    it("changes no workspace: every gateway keeps its ASN, every spoke its lookup", () => {
      expect(list.length).toBeGreaterThan(1);
      for (const account of original().accountsWithWorkspace) {
        expect(reordered().of(account.key).json, account.key).toEqual(original().of(account.key).json);
      }
    });
  });

  describe("with one more", () => {
    it("adds one gateway per hub region for the new environment, and changes no other gateway", () => {
      const gateways = (s: Synthesized) => new Map(hub(s).ws.resources("aws_ec2_transit_gateway"));
      const old = gateways(original());
      const now = gateways(added());
      for (const [name, gateway] of old) expect(now.get(name), name).toEqual(gateway);
      const fresh = [...now.keys()].filter((name) => !old.has(name));
      expect(fresh.length).toBe(hub(original()).ws.byRegion("aws_ec2_transit_gateway").size);
      for (const name of fresh) expect(name).toMatch(/_qa$/);
    });
  });
});
