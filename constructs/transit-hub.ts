import { Ec2TransitGateway } from "@cdktf/provider-aws/lib/ec2-transit-gateway";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RamPrincipalAssociation } from "@cdktf/provider-aws/lib/ram-principal-association";
import { RamResourceAssociation } from "@cdktf/provider-aws/lib/ram-resource-association";
import { RamResourceShare } from "@cdktf/provider-aws/lib/ram-resource-share";
import { Construct } from "constructs";

/** One environment's gateway: its name and the ASN that spokes find it by. */
export interface HubEnvironment {
  readonly env: string;
  readonly asn: number;
}

/** Props of {@link TransitHub}. */
export interface TransitHubProps {
  readonly namePrefix: string;
  readonly environments: readonly HubEnvironment[];
  /** ARN of the organization, the one principal the gateways are shared with. */
  readonly organizationArn: string;
  readonly provider?: AwsProvider;
}

/**
 * The hub of one region: a Transit Gateway per environment, each with its own default
 * route table (so VPCs of one environment reach each other and never another's), accepting
 * shared attachments automatically, all shared with the organization through AWS RAM.
 * A new VPC attaches and propagates by itself: nothing here changes.
 */
export class TransitHub extends Construct {
  readonly gateways: ReadonlyMap<string, Ec2TransitGateway>;

  constructor(scope: Construct, id: string, props: TransitHubProps) {
    super(scope, id);
    const provider = props.provider;
    const share = new RamResourceShare(this, "share", {
      provider,
      name: `${props.namePrefix}-transit-gateways`,
      allowExternalPrincipals: false,
    });
    new RamPrincipalAssociation(this, "share-organization", {
      provider,
      resourceShareArn: share.arn,
      principal: props.organizationArn,
    });
    this.gateways = new Map(
      props.environments.map(({ env, asn }) => {
        const gateway = new Ec2TransitGateway(this, env, {
          provider,
          description: `${props.namePrefix} ${env}: VPCs of ${env} only`,
          amazonSideAsn: asn,
          autoAcceptSharedAttachments: "enable",
          defaultRouteTableAssociation: "enable",
          defaultRouteTablePropagation: "enable",
          dnsSupport: "enable",
          tags: { Name: `${props.namePrefix}-${env}` },
        });
        new RamResourceAssociation(this, `${env}-share`, {
          provider,
          resourceShareArn: share.arn,
          resourceArn: gateway.arn,
        });
        return [env, gateway];
      }),
    );
  }
}
