import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import type { ITerraformDependable } from "./cdktf.js";
import { importExisting } from "./imports.js";

/** A recorder (and delivery channel) that exists in the region already: AWS allows one of each. */
export interface ExistingRecorder {
  /** Name of the recorder, kept: AWS cannot rename one. */
  readonly recorderName: string;
  /** Name of the delivery channel, kept likewise. @default - none yet: created under the recorder's name */
  readonly deliveryChannelName?: string;
}

/** Props of {@link ConfigRecorder}. */
export interface ConfigRecorderProps {
  /** Name of a recorder this construct creates; an existing one keeps its own. */
  readonly recorderName: string;
  /**
   * The region's recorder and channel when they exist already: imported under their
   * names and set up like new ones, never a second recorder (which AWS refuses).
   * @default - none: created
   */
  readonly existing?: ExistingRecorder;
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
    const recorderName = props.existing?.recorderName ?? props.recorderName;
    this.recorder = new ConfigConfigurationRecorder(this, "Resource", {
      provider,
      name: recorderName,
      roleArn: props.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: props.recordGlobalResources },
    });
    const channel = new ConfigDeliveryChannel(this, "delivery", {
      provider,
      name: props.existing?.deliveryChannelName ?? recorderName,
      s3BucketName: props.bucketName,
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      dependsOn: [this.recorder, ...(props.dependsOn ?? [])],
    });
    const status = new ConfigConfigurationRecorderStatus(this, "status", {
      provider,
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
    if (props.existing) {
      importExisting(this.recorder, props.existing.recorderName);
      importExisting(status, props.existing.recorderName);
      if (props.existing.deliveryChannelName) importExisting(channel, props.existing.deliveryChannelName);
    }
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
