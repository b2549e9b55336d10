import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";

/** Props of {@link ThreatDetection}. */
export interface ThreatDetectionProps {
  readonly provider?: AwsProvider;
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
  }
}
