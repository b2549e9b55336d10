import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy.js";
import { SecureBucket } from "./secure-bucket.js";

/** Names of the log archive's parts, computable by any account from the archive's account id alone. */
export interface LogArchiveNames {
  readonly trailBucket: string;
  readonly configBucket: string;
  readonly accessLogBucket: string;
  /** Bucket of every VPC's flow logs. */
  readonly flowLogBucket: string;
  /** ARN of the alias of the CloudTrail KMS key, which member accounts resolve with DescribeKey. */
  readonly keyAliasArn: string;
  readonly keyAlias: string;
}

/** Names of the log archive of organization `prefix` in account `accountId`, key in `region`. */
export function logArchiveNames(prefix: string, accountId: string, region: string): LogArchiveNames {
  const keyAlias = `alias/${prefix}-cloudtrail`;
  return {
    trailBucket: `${prefix}-cloudtrail-${accountId}`,
    configBucket: `${prefix}-config-${accountId}`,
    accessLogBucket: `${prefix}-access-logs-${accountId}`,
    flowLogBucket: `${prefix}-flow-logs-${accountId}`,
    keyAlias,
    keyAliasArn: `arn:aws:kms:${region}:${accountId}:${keyAlias}`,
  };
}

/**
 * The two statements that let an AWS service deliver logs of the organization's accounts
 * (and of no one else) into a bucket: check its ACL, then write under `AWSLogs/`.
 */
export function organizationDelivery(
  name: string,
  service: string,
  bucketName: string,
  organizationId: string,
  aclActions: readonly string[] = ["s3:GetBucketAcl", "s3:ListBucket"],
): PolicyStatement[] {
  const arn = `arn:aws:s3:::${bucketName}`;
  return [
    {
      Sid: `${name}AclCheck`,
      Effect: "Allow",
      Principal: { Service: service },
      Action: [...aclActions],
      Resource: arn,
      Condition: { StringEquals: { "aws:SourceOrgID": organizationId } },
    },
    {
      Sid: `${name}Writes`,
      Effect: "Allow",
      Principal: { Service: service },
      Action: "s3:PutObject",
      Resource: `${arn}/AWSLogs/*`,
      Condition: { StringEquals: { "aws:SourceOrgID": organizationId, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
  ];
}

/** Props of {@link LogArchive}. */
export interface LogArchiveProps {
  readonly names: LogArchiveNames;
  readonly accountId: string;
  /** AWS Organizations id (`o-...`): only the organization's trails and recorders may write. */
  readonly organizationId: string;
  /** Object Lock retention of the CloudTrail bucket. */
  readonly retentionDays: number;
  readonly lockMode: "COMPLIANCE" | "GOVERNANCE";
  /**
   * Days after which flow logs and S3 access logs expire. The CloudTrail and Config
   * buckets keep everything: they are the audit record.
   * @default - the same as retentionDays
   */
  readonly expireLogsAfterDays?: number;
  /** Role Terraform runs as: the one that may change the buckets' settings. */
  readonly managerRoleArn: string;
  /**
   * More roles that may, beside {@link managerRoleArn} (Terraform Cloud's apply-phase role).
   * @default []
   */
  readonly otherManagerRoleArns?: readonly string[];
  /** Name of the role AWS Config assumes in every account to deliver. */
  readonly configRoleName: string;
  readonly provider?: AwsProvider;
}

/**
 * The organization's immutable CloudTrail archive: a rotating KMS key, the Object Lock
 * CloudTrail bucket, and (because neither AWS Config nor S3 access logs can deliver to an
 * Object Lock bucket) a Config bucket and an access-log bucket; and a bucket for the flow
 * logs of every VPC.
 *
 * Writers are admitted by organization (aws:SourceOrgID, aws:PrincipalOrgID), never by a
 * list of accounts, so a new account changes nothing here.
 */
export class LogArchive extends Construct {
  readonly key: KmsKey;
  readonly trailBucket: SecureBucket;
  readonly configBucket: SecureBucket;
  readonly accessLogBucket: SecureBucket;
  readonly flowLogBucket: SecureBucket;

  constructor(scope: Construct, id: string, props: LogArchiveProps) {
    super(scope, id);
    const { provider, names } = props;
    const org = props.organizationId;
    this.key = new KmsKey(this, "key", {
      provider,
      description: "Encrypts the organization's CloudTrail logs",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: true },
      policy: policyDocument([
        {
          Sid: "AccountAdministers",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "OrganizationTrailsEncrypt",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceOrgID": org },
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:*:trail/*" },
          },
        },
        {
          Sid: "CloudTrailDescribes",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:DescribeKey",
          Resource: "*",
        },
        {
          Sid: "OrganizationResolvesAlias",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:DescribeKey",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalOrgID": org } },
        },
      ]),
    });
    new KmsAlias(this, "key-alias", { provider, name: names.keyAlias, targetKeyId: this.key.keyId });

    const common = { provider, managerRoleArn: props.managerRoleArn, otherManagerRoleArns: props.otherManagerRoleArns };
    const expireAfterDays = props.expireLogsAfterDays ?? props.retentionDays;
    this.accessLogBucket = new SecureBucket(this, "access-log-bucket", {
      ...common,
      expireAfterDays,
      bucketName: names.accessLogBucket,
      statements: [
        {
          Sid: "S3ServerAccessLogs",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `arn:aws:s3:::${names.accessLogBucket}/*`,
          Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
        },
      ],
    });
    this.trailBucket = new SecureBucket(this, "trail-bucket", {
      ...common,
      bucketName: names.trailBucket,
      kmsKeyArn: this.key.arn,
      objectLock: { mode: props.lockMode, days: props.retentionDays },
      accessLogBucket: this.accessLogBucket,
      statements: organizationDelivery("CloudTrail", "cloudtrail.amazonaws.com", names.trailBucket, org, [
        "s3:GetBucketAcl",
      ]),
    });
    const configArn = `arn:aws:s3:::${names.configBucket}`;
    this.configBucket = new SecureBucket(this, "config-bucket", {
      ...common,
      bucketName: names.configBucket,
      accessLogBucket: this.accessLogBucket,
      statements: [
        ...organizationDelivery("Config", "config.amazonaws.com", names.configBucket, org),
        {
          Sid: "ConfigRolesDeliver",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["s3:GetBucketAcl", "s3:ListBucket", "s3:PutObject"],
          Resource: [configArn, `${configArn}/AWSLogs/*`],
          Condition: {
            StringEquals: { "aws:PrincipalOrgID": org },
            ArnLike: { "aws:PrincipalArn": `arn:aws:iam::*:role/${props.configRoleName}` },
          },
        },
      ],
    });
    this.flowLogBucket = new SecureBucket(this, "flow-log-bucket", {
      ...common,
      bucketName: names.flowLogBucket,
      accessLogBucket: this.accessLogBucket,
      expireAfterDays,
      statements: organizationDelivery("FlowLogs", "delivery.logs.amazonaws.com", names.flowLogBucket, org),
    });
  }
}
