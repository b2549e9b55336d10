import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import type { ITerraformDependable } from "./cdktf.js";

/** Props of {@link ConfigRecorder}. */
export interface ConfigRecorderProps {
  readonly recorderName: string;
  /** Role AWS Config assumes to read resources and deliver to the bucket. */
  readonly roleArn: string;
  /** The log archive's Config bucket. */
  readonly bucketName: string;
  /** Record IAM and other global resources here; true in exactly one region per account. */
  readonly recordGlobalResources: boolean;
  /** AWS managed rule identifiers, e.g. `INCOMING_SSH_DISABLED`. */
  readonly rules: readonly string[];
  readonly provider?: AwsProvider;
  /**
   * Resources that must exist first (the archive's bucket policy, when in the same workspace).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * AWS Config in one region: recorder, delivery channel, recording switched on, and the
 * managed rules (CIS 3.3; the rules cover CIS 5.2 and FSBP S3.2, S3.3).
 */
export class ConfigRecorder extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  readonly rules: readonly ConfigConfigRule[];

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const provider = props.provider;
    this.recorder = new ConfigConfigurationRecorder(this, "Resource", {
      provider,
      name: props.recorderName,
      roleArn: props.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: props.recordGlobalResources },
    });
    const channel = new ConfigDeliveryChannel(this, "delivery", {
      provider,
      name: props.recorderName,
      s3BucketName: props.bucketName,
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      dependsOn: [this.recorder, ...(props.dependsOn ?? [])],
    });
    new ConfigConfigurationRecorderStatus(this, "status", {
      provider,
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
    this.rules = props.rules.map(
      (rule) =>
        new ConfigConfigRule(this, rule.toLowerCase().replace(/_/g, "-"), {
          provider,
          name: rule.toLowerCase().replace(/_/g, "-"),
          source: { owner: "AWS", sourceIdentifier: rule },
          dependsOn: [this.recorder],
        }),
    );
  }
}
