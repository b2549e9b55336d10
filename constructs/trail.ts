import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import type { ITerraformDependable } from "./cdktf.js";

/** Props of {@link Trail}. */
export interface TrailProps {
  readonly trailName: string;
  /** The log archive's CloudTrail bucket (another account's, usually). */
  readonly bucketName: string;
  /** ARN of the log archive's KMS key. */
  readonly kmsKeyArn: string;
  readonly provider?: AwsProvider;
  /**
   * Resources that must exist first (the archive's bucket policy, when in the same workspace).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The account's multi-region CloudTrail trail: management events, read and write, global
 * service events, log file validation, SSE-KMS, into the log archive (CIS 3.1, 3.2, 3.5).
 */
export class Trail extends Construct {
  readonly trail: Cloudtrail;

  constructor(scope: Construct, id: string, props: TrailProps) {
    super(scope, id);
    this.trail = new Cloudtrail(this, "Resource", {
      provider: props.provider,
      name: props.trailName,
      s3BucketName: props.bucketName,
      kmsKeyId: props.kmsKeyArn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      eventSelector: [{ readWriteType: "All", includeManagementEvents: true }],
      lifecycle: { preventDestroy: true },
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
