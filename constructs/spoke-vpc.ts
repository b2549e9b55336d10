import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsEc2TransitGateway } from "@cdktf/provider-aws/lib/data-aws-ec2-transit-gateway";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { Fn } from "./cdktf.js";

/** Private address space routed to the gateway; the VPC's own, more specific, route stays local. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** Props of {@link SpokeVpc}. */
export interface SpokeVpcProps {
  readonly vpcName: string;
  readonly cidr: string;
  /** One private subnet per entry, each in the next availability zone. */
  readonly subnetCidrs: readonly string[];
  /** Account that owns the environment's gateway. */
  readonly hubAccountId: string;
  /** ASN of the environment's gateway, by which it is found. */
  readonly gatewayAsn: number;
  /** ARN of the bucket that receives the VPC's flow logs (CIS 3.7). */
  readonly flowLogBucketArn: string;
  readonly provider?: AwsProvider;
}

/**
 * A VPC with flow logs to the log archive and private subnets over several availability zones, attached to its
 * environment's Transit Gateway. The gateway is looked up through the RAM share (owner and
 * ASN), never read from the hub's state, and private address space is routed to it, so a
 * new VPC elsewhere changes nothing here.
 */
export class SpokeVpc extends Construct {
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: SpokeVpcProps) {
    super(scope, id);
    const provider = props.provider;
    this.vpc = new Vpc(this, "Resource", {
      provider,
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.vpcName },
    });
    new FlowLog(this, "flow-logs", {
      provider,
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "s3",
      logDestination: props.flowLogBucketArn,
      maxAggregationInterval: 600,
    });
    const zones = new DataAwsAvailabilityZones(this, "zones", { provider, state: "available" });
    const routes = new RouteTable(this, "private-routes", {
      provider,
      vpcId: this.vpc.id,
      tags: { Name: `${props.vpcName}-private` },
    });
    const subnets = props.subnetCidrs.map((cidr, i) => {
      const subnet = new Subnet(this, `private-${i + 1}`, {
        provider,
        vpcId: this.vpc.id,
        cidrBlock: cidr,
        availabilityZone: Fn.element(zones.names, i),
        tags: { Name: `${props.vpcName}-private-${i + 1}` },
      });
      new RouteTableAssociation(this, `private-${i + 1}-routes`, {
        provider,
        subnetId: subnet.id,
        routeTableId: routes.id,
      });
      return subnet;
    });
    const gateway = new DataAwsEc2TransitGateway(this, "gateway", {
      provider,
      filter: [
        { name: "owner-id", values: [props.hubAccountId] },
        { name: "options.amazon-side-asn", values: [String(props.gatewayAsn)] },
        { name: "state", values: ["available"] },
      ],
    });
    const attachment = new Ec2TransitGatewayVpcAttachment(this, "attachment", {
      provider,
      transitGatewayId: gateway.id,
      vpcId: this.vpc.id,
      subnetIds: subnets.map((s) => s.id),
      dnsSupport: "enable",
      tags: { Name: props.vpcName },
    });
    // A route equal to the VPC's own block would clash with its local route.
    for (const range of PRIVATE_RANGES.filter((r) => r !== props.cidr)) {
      new Route(this, `to-${range.split("/")[0].replace(/\./g, "-")}`, {
        provider,
        routeTableId: routes.id,
        destinationCidrBlock: range,
        transitGatewayId: gateway.id,
        dependsOn: [attachment],
      });
    }
  }
}
