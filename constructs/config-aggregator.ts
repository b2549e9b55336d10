import { ConfigConfigurationAggregator } from "@cdktf/provider-aws/lib/config-configuration-aggregator";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { ServiceRole } from "./service-role.js";

/** Props of {@link ConfigAggregator}. */
export interface ConfigAggregatorProps {
  readonly aggregatorName: string;
  /** Regions to aggregate: the governed ones. */
  readonly regions: readonly string[];
  readonly provider?: AwsProvider;
}

/**
 * An organization-wide AWS Config aggregator (the audit account is Config's delegated
 * administrator): every account, present and future, without listing any.
 */
export class ConfigAggregator extends Construct {
  constructor(scope: Construct, id: string, props: ConfigAggregatorProps) {
    super(scope, id);
    const role = new ServiceRole(this, "role", {
      provider: props.provider,
      roleName: `${props.aggregatorName}-aggregator`,
      service: "config.amazonaws.com",
      managedPolicies: ["service-role/AWSConfigRoleForOrganizations"],
    });
    new ConfigConfigurationAggregator(this, "Resource", {
      provider: props.provider,
      name: props.aggregatorName,
      organizationAggregationSource: { roleArn: role.roleArn, regions: [...props.regions], allRegions: false },
    });
  }
}
