import { DataAwsOrganizationsDelegatedAdministrators } from "@cdktf/provider-aws/lib/data-aws-organizations-delegated-administrators";
import { GuarddutyOrganizationAdminAccount } from "@cdktf/provider-aws/lib/guardduty-organization-admin-account";
import { GuarddutyOrganizationConfiguration } from "@cdktf/provider-aws/lib/guardduty-organization-configuration";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubConfigurationPolicy } from "@cdktf/provider-aws/lib/securityhub-configuration-policy";
import { SecurityhubConfigurationPolicyAssociation } from "@cdktf/provider-aws/lib/securityhub-configuration-policy-association";
import { SecurityhubFindingAggregator } from "@cdktf/provider-aws/lib/securityhub-finding-aggregator";
import { SecurityhubOrganizationAdminAccount } from "@cdktf/provider-aws/lib/securityhub-organization-admin-account";
import { SecurityhubOrganizationConfiguration } from "@cdktf/provider-aws/lib/securityhub-organization-configuration";
import { Construct } from "constructs";

/** Each Security Hub standard's ARN path (after `arn:aws:securityhub:<region>::`). */
export const STANDARD_PATHS: Readonly<Record<string, string>> = {
  "aws-foundational-security-best-practices": "standards/aws-foundational-security-best-practices/v/1.0.0",
  "cis-aws-foundations-benchmark-v1.4.0": "standards/cis-aws-foundations-benchmark/v/1.4.0",
  "cis-aws-foundations-benchmark-v3.0.0": "standards/cis-aws-foundations-benchmark/v/3.0.0",
};

/** The service principals of the services the audit account administers. */
export const ADMINISTERED_SERVICES = {
  guardduty: "guardduty.amazonaws.com",
  securityHub: "securityhub.amazonaws.com",
} as const;

/** Props of {@link DelegatedAdministration}. */
export interface DelegatedAdministrationProps {
  /** The account that administers the services: the audit account. */
  readonly adminAccountId: string;
  readonly guardduty: boolean;
  readonly securityHub: boolean;
  /** Providers of the regions where GuardDuty's administrator is designated (it is regional), home region first. */
  readonly regionalProviders: readonly (AwsProvider | undefined)[];
  /** Provider of the home region, where Security Hub's administrator is designated. */
  readonly provider?: AwsProvider;
}

/**
 * In the management account: the audit account made the delegated administrator of
 * GuardDuty (in every governed region) and of Security Hub. Before anything changes, the
 * plan reads who administers each service now, and stops with what to do when it is
 * another account: AWS allows one administrator per service, and replacing it half-way
 * leaves the organization unwatched.
 */
export class DelegatedAdministration extends Construct {
  constructor(scope: Construct, id: string, props: DelegatedAdministrationProps) {
    super(scope, id);
    const checked = (service: keyof typeof ADMINISTERED_SERVICES) => {
      const principal = ADMINISTERED_SERVICES[service];
      return new DataAwsOrganizationsDelegatedAdministrators(this, `${service}-administrators`, {
        provider: props.provider,
        servicePrincipal: principal,
        lifecycle: {
          postcondition: [
            {
              condition: `\${alltrue([for a in self.delegated_administrators : a.id == "${props.adminAccountId}"])}`,
              errorMessage: `${principal} is administered by account \${join(", ", [for a in self.delegated_administrators : a.id])}, not by the audit account (${props.adminAccountId}); AWS allows one delegated administrator per service. In the management account, after moving what that account administers, run: aws organizations deregister-delegated-administrator --service-principal ${principal} --account-id \${join(", ", [for a in self.delegated_administrators : a.id])}; then plan again.`,
            },
          ],
        },
      });
    };
    if (props.guardduty) {
      const current = checked("guardduty");
      props.regionalProviders.forEach((provider, i) => {
        new GuarddutyOrganizationAdminAccount(this, `guardduty-admin-${i}`, {
          provider,
          adminAccountId: props.adminAccountId,
          dependsOn: [current],
        });
      });
    }
    if (props.securityHub) {
      const current = checked("securityHub");
      const hub = new SecurityhubAccount(this, "securityhub", {
        provider: props.provider,
        enableDefaultStandards: false,
      });
      new SecurityhubOrganizationAdminAccount(this, "securityhub-admin", {
        provider: props.provider,
        adminAccountId: props.adminAccountId,
        dependsOn: [hub, current],
      });
    }
  }
}

/** Props of {@link OrganizationSecurity}. */
export interface OrganizationSecurityProps {
  /** The audit account's GuardDuty detector of each governed region, with that region's provider. */
  readonly detectors: readonly { readonly detectorId: string; readonly provider?: AwsProvider }[];
  readonly securityHub?: {
    /** Names of the standards (keys of {@link STANDARD_PATHS}). */
    readonly standards: readonly string[];
    readonly disabledControls: readonly string[];
    readonly homeRegion: string;
    /** Governed regions besides the home region, whose findings are aggregated there. */
    readonly linkedRegions: readonly string[];
    /** Root of the organization, to which the configuration policy is associated. */
    readonly rootId: string;
    readonly namePrefix: string;
  };
  /** Provider of the home region. */
  readonly provider?: AwsProvider;
}

/**
 * In the audit account, as delegated administrator: GuardDuty enrolls every account of
 * the organization, new ones included, in each governed region (each keeps exactly one
 * detector, made or adopted by GuardDuty); Security Hub, by central configuration, runs
 * the listed standards with the listed controls off in every account and governed
 * region, its findings aggregated in the home region.
 */
export class OrganizationSecurity extends Construct {
  constructor(scope: Construct, id: string, props: OrganizationSecurityProps) {
    super(scope, id);
    props.detectors.forEach(({ detectorId, provider }, i) => {
      new GuarddutyOrganizationConfiguration(this, `guardduty-${i}`, {
        provider,
        detectorId,
        autoEnableOrganizationMembers: "ALL",
      });
    });
    const hub = props.securityHub;
    if (!hub) return;
    const account = new SecurityhubAccount(this, "securityhub", {
      provider: props.provider,
      enableDefaultStandards: false,
    });
    const aggregator = new SecurityhubFindingAggregator(this, "aggregator", {
      provider: props.provider,
      linkingMode: hub.linkedRegions.length > 0 ? "SPECIFIED_REGIONS" : "NO_REGIONS",
      ...(hub.linkedRegions.length > 0 ? { specifiedRegions: [...hub.linkedRegions] } : {}),
      dependsOn: [account],
    });
    const central = new SecurityhubOrganizationConfiguration(this, "configuration", {
      provider: props.provider,
      autoEnable: false,
      autoEnableStandards: "NONE",
      organizationConfiguration: { configurationType: "CENTRAL" },
      dependsOn: [aggregator],
    });
    const policy = new SecurityhubConfigurationPolicy(this, "policy", {
      provider: props.provider,
      name: `${hub.namePrefix}-security-hub`,
      description: "fleetfile: the standards every account runs",
      configurationPolicy: {
        serviceEnabled: true,
        enabledStandardArns: hub.standards.map(
          (s) => `arn:aws:securityhub:${hub.homeRegion}::${STANDARD_PATHS[s] ?? `standards/${s}`}`,
        ),
        securityControlsConfiguration: { disabledControlIdentifiers: [...hub.disabledControls] },
      },
      dependsOn: [central],
    });
    new SecurityhubConfigurationPolicyAssociation(this, "policy-root", {
      provider: props.provider,
      targetId: hub.rootId,
      policyId: policy.id,
    });
  }
}
