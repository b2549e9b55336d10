import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import type { TerraformResource } from "./cdktf.js";
import { denyInsecureTransport, type PolicyStatement, policyDocument } from "./policy.js";

/** Object Lock settings of a bucket. */
export interface ObjectLockProps {
  readonly mode: "COMPLIANCE" | "GOVERNANCE";
  readonly days: number;
}

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  readonly bucketName: string;
  readonly provider?: AwsProvider;
  /**
   * KMS key ARN for SSE-KMS.
   * @default - SSE-S3 (AES256); S3 server access logs can only be delivered to SSE-S3 buckets
   */
  readonly kmsKeyArn?: string;
  /**
   * Object Lock default retention; only possible on a bucket created with it.
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockProps;
  /**
   * Bucket that receives this bucket's server access logs; logging starts once its policy
   * lets S3 deliver.
   * @default - no access logging
   */
  readonly accessLogBucket?: SecureBucket;
  /** Role that Terraform runs as: the principal that may change the bucket's settings. */
  readonly managerRoleArn: string;
  /**
   * More roles that may, beside {@link managerRoleArn} (Terraform Cloud's apply-phase role).
   * @default []
   */
  readonly otherManagerRoleArns?: readonly string[];
  /** Statements added to the bucket policy beside the TLS-only and deny-delete ones. */
  readonly statements?: readonly PolicyStatement[];
  /**
   * Days after which objects move to Glacier Instant Retrieval; noncurrent versions follow.
   * @default 90
   */
  readonly coldAfterDays?: number;
  /**
   * Days after which objects expire; their old versions go one day later. S3 itself
   * expires them, which the bucket policy's deny of deletes does not stop (Object Lock would).
   * @default - objects are kept for good
   */
  readonly expireAfterDays?: number;
}

/** What nobody may do to the objects of a log bucket: the deny that makes it an archive. */
export const DENIED_OBJECT_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
] as const;

/** Settings of a log bucket that only the role Terraform runs as may change. */
export const GUARDED_BUCKET_ACTIONS = [
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketLogging",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:DeleteBucket",
] as const;

/**
 * The settings every private bucket of the project has, made as children of `scope`:
 * versioning, default encryption (SSE-KMS with `kmsKeyArn`, else SSE-S3), public access
 * blocked in all four ways, and ownership enforced (ACLs off). Returns the versioning,
 * which settings that need it must follow.
 */
export function privateBucketSettings(
  scope: Construct,
  bucket: string,
  provider: AwsProvider | undefined,
  kmsKeyArn?: string,
): S3BucketVersioningA {
  const versioning = new S3BucketVersioningA(scope, "versioning", {
    provider,
    bucket,
    versioningConfiguration: { status: "Enabled" },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, "encryption", {
    provider,
    bucket,
    rule: [
      {
        applyServerSideEncryptionByDefault: kmsKeyArn
          ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }
          : { sseAlgorithm: "AES256" },
        bucketKeyEnabled: kmsKeyArn ? true : undefined,
      },
    ],
  });
  new S3BucketPublicAccessBlock(scope, "public-access-block", {
    provider,
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, "ownership", {
    provider,
    bucket,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  return versioning;
}

/**
 * A private log bucket: versioned, encrypted, public access blocked, owner-enforced,
 * TLS only, deletes denied to everyone, protected from `terraform destroy`.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const provider = props.provider;
    this.bucket = new S3Bucket(this, "Resource", {
      provider,
      bucket: props.bucketName,
      objectLockEnabled: props.objectLock ? true : undefined,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;
    const settings: TerraformResource[] = [privateBucketSettings(this, bucket, provider, props.kmsKeyArn)];
    if (props.objectLock) {
      settings.push(
        new S3BucketObjectLockConfigurationA(this, "object-lock", {
          provider,
          bucket,
          rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        }),
      );
    }
    if (props.accessLogBucket) {
      settings.push(
        new S3BucketLoggingA(this, "access-logging", {
          provider,
          bucket,
          targetBucket: props.accessLogBucket.bucketName,
          targetPrefix: `${props.bucketName}/`,
          dependsOn: [props.accessLogBucket.policy],
        }),
      );
    }
    const coldAfterDays = props.coldAfterDays ?? 90;
    const expireAfterDays = props.expireAfterDays;
    // S3 refuses a transition on or after the expiry: objects that expire first never move.
    const cold = expireAfterDays === undefined || expireAfterDays > coldAfterDays;
    settings.push(
      new S3BucketLifecycleConfiguration(this, "lifecycle", {
        provider,
        bucket,
        rule: [
          {
            id: "colder-storage",
            status: "Enabled",
            filter: [{ prefix: "" }],
            transition: cold ? [{ days: coldAfterDays, storageClass: "GLACIER_IR" }] : undefined,
            noncurrentVersionTransition: cold
              ? [{ noncurrentDays: coldAfterDays, storageClass: "GLACIER_IR" }]
              : undefined,
            expiration: expireAfterDays === undefined ? undefined : [{ days: expireAfterDays }],
            noncurrentVersionExpiration: expireAfterDays === undefined ? undefined : [{ noncurrentDays: 1 }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
      }),
    );
    const arn = this.bucket.arn;
    // The policy denies changing these settings to all but the manager role; it comes last
    // so that the first apply can still create them, whoever runs it.
    this.policy = new S3BucketPolicy(this, "policy", {
      provider,
      bucket,
      dependsOn: settings,
      policy: policyDocument([
        denyInsecureTransport([arn, `${arn}/*`]),
        {
          Sid: "DenyObjectDeletes",
          Effect: "Deny",
          Principal: "*",
          Action: [...DENIED_OBJECT_ACTIONS],
          Resource: `${arn}/*`,
        },
        {
          Sid: "DenySettingChangesButByManager",
          Effect: "Deny",
          Principal: "*",
          Action: [...GUARDED_BUCKET_ACTIONS],
          Resource: arn,
          Condition: {
            ArnNotLike: {
              "aws:PrincipalArn": props.otherManagerRoleArns?.length
                ? [props.managerRoleArn, ...props.otherManagerRoleArns]
                : props.managerRoleArn,
            },
          },
        },
        ...(props.statements ?? []),
      ]),
    });
  }

  /** The bucket's name. */
  get bucketName(): string {
    return this.bucket.bucket;
  }
}
