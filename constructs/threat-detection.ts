import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { importExisting } from "./imports.js";

/** Props of {@link ThreatDetection}. */
export interface ThreatDetectionProps {
  readonly provider?: AwsProvider;
  /**
   * Id of the region's detector when one exists already: imported and set up like a new
   * one, never a second (AWS allows one detector per account and region).
   * @default - none: created
   */
  readonly existingDetectorId?: string;
}

/** GuardDuty in one region (FSBP GuardDuty.1), publishing findings every fifteen minutes. */
export class ThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    this.detector = new GuarddutyDetector(this, "Resource", {
      provider: props.provider,
      enable: true,
      findingPublishingFrequency: "FIFTEEN_MINUTES",
    });
    if (props.existingDetectorId) importExisting(this.detector, props.existingDetectorId);
  }
}
