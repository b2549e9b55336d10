import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonBinary } from "../../terraform/moto.js";
import { requireTools } from "./support.js";

/**
 * Each moto defect that harness/moto_server.py patches, checked in-process against moto
 * as released and as patched (harness/moto_defects.py): no Terraform, a few seconds.
 * When "still present in moto as released" fails, moto fixed the defect: delete its
 * patch and its entry here.
 */
const DEFECTS = {
  "cloudtrail-trail-arn": "StartLogging, StopLogging and DeleteTrail given the trail's ARN",
  "cloudtrail-describe-name-filter": "DescribeTrails ignoring trailNameList",
  "tgw-vpc-attachment-tags": "Transit Gateway VPC attachment tags read from the route-table tag specification",
  "tgw-vpc-attachment-deleted-state": "a deleted Transit Gateway VPC attachment vanishing instead of state deleted",
  "s3-logging-policy-principal": 'PutBucketLogging crashing on a target policy with Principal "*"',
  "kms-describe-other-account":
    "DescribeKey of another account's key or alias ARN not found, whether or not the key policy grants it",
  "organizations-config-delegated-admin":
    "RegisterDelegatedAdministrator refusing config.amazonaws.com, and accepting it without trusted access",
  "ram-associate-resource-share":
    "AssociateResourceShare not implemented; external principals and other accounts' resources accepted",
  "ram-organization-principal-needs-sharing":
    "sharing with the organization accepted before it is enabled (trusted access and RAM's service-linked role)",
  "ram-list-resource-share-permissions": "ListResourceSharePermissions not implemented",
  "ram-resource-share-tags": "resource share tags dropped, TagResource not implemented",
  "ram-organization-sharing-role": "EnableSharingWithAwsOrganization making no service-linked role nor trusted access",
  "tgw-describe-options-filters": "DescribeTransitGateways ignoring options.amazon-side-asn",
  "ram-shared-transit-gateway":
    "Transit Gateways shared through RAM invisible and unusable in member accounts; no pending acceptance",
  "ec2-route-needs-tgw-attachment": "CreateRoute to a Transit Gateway the route table's VPC is not attached to",
  "s3-lifecycle-newer-noncurrent-versions": "NewerNoncurrentVersions dropped from a lifecycle rule",
  "s3-bucket-policy-conditions": "a bucket policy's conditional Deny refusing every object request (TLS-only)",
  "budgets-describe-subscribers": "DescribeSubscribersForNotification not implemented",
  "budgets-tags": "budget tags dropped, ListTagsForResource not implemented",
  "organizations-scp-policy-type": "an SCP attached while SERVICE_CONTROL_POLICY is not enabled on the root",
  "iam-trust-principal-exists": "a trust policy naming a role or user that does not exist",
  "sts-assume-missing-role": "AssumeRole of a role that does not exist in an account of the organization",
  "iam-trust-account-principal":
    "with IAM enforcement, a trust naming an account (or a role) refusing that account's principals (its sessions)",
  "iam-auth-signature-without-body": "with IAM enforcement, GuardDuty's GETs refused as badly signed",
  "guardduty-one-detector": "a second GuardDuty detector in an account and region accepted",
  "guardduty-tag-resource": "TagResource of a GuardDuty detector not implemented (404)",
  "config-empty-exclusion": "a recorder's empty exclusionByResourceTypes ({}) refused beside allSupported",
  "ssoadmin-tags": "ListTagsForResource, TagResource and UntagResource of a permission set not implemented",
  "ssoadmin-provisioning-status": "DescribePermissionSetProvisioningStatus not implemented",
  "events-forward-keeps-event":
    "an event sent to another account's bus arrives as a new event of that account, without its resources",
  "organizations-securityhub-principal": "securityhub.amazonaws.com refused as a delegated administrator's service",
  "securityhub-update-configuration": "UpdateSecurityHubConfiguration not implemented",
} as const;

type Report = Record<string, { present: boolean; detail: string }>;

const PROBE = fileURLToPath(new URL("../../harness/moto_defects.py", import.meta.url));

async function probe(...args: string[]): Promise<Report> {
  const { stdout } = await promisify(execFile)(pythonBinary(), [PROBE, ...args], { timeout: 120_000 });
  return JSON.parse(stdout) as Report;
}

describe.skipIf(requireTools("moto").skip)("moto defects worked around by harness/moto_server.py", () => {
  let released: Report;
  let patched: Report;
  beforeAll(async () => {
    [released, patched] = await Promise.all([probe(), probe("--patched")]);
  });

  it("checks exactly the defects the wrapper patches", () => {
    expect(Object.keys(released).sort()).toEqual(Object.keys(DEFECTS).sort());
  });

  describe.each(Object.entries(DEFECTS))("%s: %s", (name) => {
    it("is still present in moto as released", () => {
      expect(released[name], `moto fixed ${name}; remove its patch: ${released[name].detail}`).toMatchObject({
        present: true,
      });
    });

    it("is gone with the patch", () => {
      expect(patched[name], patched[name].detail).toMatchObject({ present: false });
    });
  });
});
