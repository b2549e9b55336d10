import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { Construct } from "constructs";
import { denyInsecureTransport, policyDocument } from "./policy.js";
import { GUARDED_BUCKET_ACTIONS, privateBucketSettings } from "./secure-bucket.js";

/** Props of {@link StateBucket}. */
export interface StateBucketProps {
  readonly bucketName: string;
  readonly provider?: AwsProvider;
  /** Role that Terraform runs as here: the only principal that may change the bucket's settings. */
  readonly managerRoleArn: string;
  /**
   * Days a replaced version of a state object is kept; the newest versions are kept whatever their age.
   * @default 365
   */
  readonly keepVersionsDays?: number;
}

/** Replaced versions of each state object kept whatever their age: enough to step back through a busy week. */
export const KEPT_STATE_VERSIONS = 100;

/**
 * The bucket of the S3 backend: private (versioned, encrypted, public access blocked,
 * ACLs off), TLS only, its settings changed by the manager role alone, and protected from
 * `terraform destroy`. Objects stay deletable, because Terraform's S3 lockfile is an object
 * it deletes on unlock; versioning keeps every state Terraform replaced.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const { provider } = props;
    this.bucket = new S3Bucket(this, "Resource", {
      provider,
      bucket: props.bucketName,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;
    const versioning = privateBucketSettings(this, bucket, provider);
    const lifecycle = new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket,
      dependsOn: [versioning],
      rule: [
        {
          id: "replaced-states",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [
            { noncurrentDays: props.keepVersionsDays ?? 365, newerNoncurrentVersions: KEPT_STATE_VERSIONS },
          ],
          expiration: [{ expiredObjectDeleteMarker: true }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const arn = this.bucket.arn;
    this.policy = new S3BucketPolicy(this, "policy", {
      provider,
      bucket,
      dependsOn: [versioning, lifecycle],
      policy: policyDocument([
        denyInsecureTransport([arn, `${arn}/*`]),
        {
          Sid: "DenySettingChangesButByManager",
          Effect: "Deny",
          Principal: "*",
          Action: GUARDED_BUCKET_ACTIONS.filter((a) => a !== "s3:PutBucketObjectLockConfiguration"),
          Resource: arn,
          Condition: { ArnNotLike: { "aws:PrincipalArn": props.managerRoleArn } },
        },
      ]),
    });
  }
}
