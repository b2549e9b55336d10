import { describe, expect, it } from "vitest";
import { coreAccount } from "../../inventory/model.js";
import { applies, denies, parsePolicy, type Request, type Statement } from "./iam.js";
import {
  type Block,
  EXAMPLE_FILE,
  fixtureFile,
  ORGANIZATION_ID,
  ORGANIZATION_REF,
  readInventory,
  ref,
  referencedName,
  type Synthesized,
  synthesizeOnce,
  type Workspace,
} from "./support.js";

/** The log archive of one synth: its workspace, account id and the three buckets by role. */
function archiveOf(synth: Synthesized) {
  const account = coreAccount(synth.organization, "log-archive");
  const id = account.id ?? "";
  const workspace = synth.of(account.key);
  const prefix = synth.organization.inventory.organization.name;
  const bucket = (bucketName: string) => {
    const found = workspace.resources("aws_s3_bucket").find(([, b]) => b.bucket === bucketName);
    if (!found) throw new Error(`${workspace.name} has no bucket ${bucketName}`);
    return { name: found[0], body: found[1], bucketName, arn: `arn:aws:s3:::${bucketName}` };
  };
  return {
    id,
    workspace,
    settings: workspace.substitutions(id),
    trail: bucket(`${prefix}-cloudtrail-${id}`),
    config: bucket(`${prefix}-config-${id}`),
    accessLogs: bucket(`${prefix}-access-logs-${id}`),
    flowLogs: bucket(`${prefix}-flow-logs-${id}`),
    executionRoleArn: `arn:aws:iam::${id}:role/${synth.organization.inventory.organization.executionRoleName}`,
  };
}

type Bucket = ReturnType<typeof archiveOf>["trail"];

/** The resource of `type` that configures `bucket` (its `bucket` argument refers to the bucket's id). */
function settingOf(workspace: Workspace, type: string, bucket: Bucket): Block | undefined {
  return workspace.resources(type).find(([, body]) => body.bucket === ref("aws_s3_bucket", bucket.name, "id"))?.[1];
}

/** The one lifecycle rule of `bucket`; throws when the bucket has no lifecycle configuration. */
function lifecycleRule(workspace: Workspace, bucket: Bucket): Block {
  const lifecycle = settingOf(workspace, "aws_s3_bucket_lifecycle_configuration", bucket);
  if (!lifecycle) throw new Error(`${bucket.bucketName} has no lifecycle configuration`);
  return (lifecycle.rule as Block[])[0];
}

function bucketPolicy(archive: ReturnType<typeof archiveOf>, bucket: Bucket): Statement[] {
  const policy = settingOf(archive.workspace, "aws_s3_bucket_policy", bucket);
  if (!policy) throw new Error(`${bucket.bucketName} has no bucket policy`);
  return parsePolicy(policy.policy as string, archive.settings);
}

/** A request over TLS by `principalArn`, unless the context says otherwise. */
function byRole(principalArn: string, action: string, resource: string, context: Record<string, string> = {}): Request {
  return {
    action,
    resource,
    principal: { AWS: principalArn },
    context: { "aws:SecureTransport": "true", "aws:PrincipalArn": principalArn, ...context },
  };
}

const SOURCES = [
  { title: "the example (COMPLIANCE, 365 days)", source: { file: EXAMPLE_FILE }, lock: ["COMPLIANCE", 365] },
  {
    title: "three-regions (GOVERNANCE, 30 days)",
    source: { file: fixtureFile("three-regions") },
    lock: ["GOVERNANCE", 30],
  },
] as const;

describe.each(SOURCES)("log archive of $title", ({ source, lock }) => {
  const synth = synthesizeOnce(source);

  it("has one KMS key, rotating, kept from destroy", () => {
    const key = archiveOf(synth()).workspace.single("aws_kms_key");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.lifecycle).toMatchObject({ prevent_destroy: true });
  });

  it("lets CloudTrail encrypt with the key only for trails of the organization (aws:SourceOrgID)", () => {
    const archive = archiveOf(synth());
    const [[, key]] = archive.workspace.resources("aws_kms_key");
    const policy = parsePolicy(key.policy as string, archive.settings);
    const encrypt = (org: string): Request => ({
      action: "kms:GenerateDataKey",
      resource: "*",
      principal: { Service: "cloudtrail.amazonaws.com" },
      context: {
        "aws:SourceOrgID": org,
        "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/any",
      },
    });
    const cloudtrailGrants = policy.filter(
      (s) => s.Effect === "Allow" && s.Principal !== "*" && s.Principal?.Service?.includes("cloudtrail.amazonaws.com"),
    );
    expect(cloudtrailGrants.some((s) => s.Action?.some((a) => a.startsWith("kms:GenerateDataKey")))).toBe(true);
    const grantsEncrypt = (org: string) => cloudtrailGrants.some((s) => applies(s, encrypt(org)));
    expect(grantsEncrypt(ORGANIZATION_ID)).toBe(true);
    expect(grantsEncrypt("o-someoneelse")).toBe(false);
    expect(key.policy).toContain(ORGANIZATION_REF.id);
  });

  it("gives every trail of the organization the key: the archive's own by reference, the others by alias", () => {
    const s = synth();
    const archive = archiveOf(s);
    const [[keyName]] = archive.workspace.resources("aws_kms_key");
    const alias = archive.workspace.single("aws_kms_alias");
    expect(alias.target_key_id).toBe(ref("aws_kms_key", keyName, "key_id"));
    expect(archive.workspace.single("aws_cloudtrail").kms_key_id).toBe(ref("aws_kms_key", keyName, "arn"));
    const aliasArn = `arn:aws:kms:${s.homeRegion}:${archive.id}:${alias.name as string}`;
    for (const account of s.accountsWithWorkspace.filter((a) => a.type !== "log-archive")) {
      const ws = s.of(account.key);
      const [[dataName, data]] = ws.dataSources("aws_kms_key");
      expect(data.key_id, ws.name).toBe(aliasArn);
      expect(ws.single("aws_cloudtrail").kms_key_id, ws.name).toBe(ref("data.aws_kms_key", dataName, "arn"));
    }
  });

  describe("CloudTrail bucket", () => {
    it("is versioned and Object Locked in the inventory's mode for its retention days", () => {
      const archive = archiveOf(synth());
      const { trail } = archive;
      expect(trail.body.object_lock_enabled).toBe(true);
      expect(settingOf(archive.workspace, "aws_s3_bucket_versioning", trail)?.versioning_configuration).toEqual({
        status: "Enabled",
      });
      const lockConfig = settingOf(archive.workspace, "aws_s3_bucket_object_lock_configuration", trail);
      expect(lockConfig?.rule).toEqual({ default_retention: { mode: lock[0], days: lock[1] } });
    });

    it("is encrypted with the archive's KMS key", () => {
      const archive = archiveOf(synth());
      const [[keyName]] = archive.workspace.resources("aws_kms_key");
      const sse = settingOf(archive.workspace, "aws_s3_bucket_server_side_encryption_configuration", archive.trail);
      expect(sse?.rule).toEqual([
        expect.objectContaining({
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: ref("aws_kms_key", keyName, "arn"),
          },
        }),
      ]);
    });

    it("blocks public access in all four ways and enforces bucket ownership", () => {
      const archive = archiveOf(synth());
      expect(settingOf(archive.workspace, "aws_s3_bucket_public_access_block", archive.trail)).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(settingOf(archive.workspace, "aws_s3_bucket_ownership_controls", archive.trail)?.rule).toEqual({
        object_ownership: "BucketOwnerEnforced",
      });
    });

    it("lets CloudTrail write only for trails of the organization (aws:SourceOrgID)", () => {
      const archive = archiveOf(synth());
      const policy = bucketPolicy(archive, archive.trail);
      const write = (org: string): Request => ({
        action: "s3:PutObject",
        resource: `${archive.trail.arn}/AWSLogs/${ORGANIZATION_ID}/666666666666/CloudTrail/x.json.gz`,
        principal: { Service: "cloudtrail.amazonaws.com" },
        context: {
          "aws:SecureTransport": "true",
          "aws:SourceOrgID": org,
          "s3:x-amz-acl": "bucket-owner-full-control",
        },
      });
      const allowed = (r: Request) => policy.some((s) => s.Effect === "Allow" && applies(s, r)) && !denies(policy, r);
      expect(allowed(write(ORGANIZATION_ID))).toBe(true);
      expect(allowed(write("o-someoneelse"))).toBe(false);
      const cloudtrailAllows = policy.filter(
        (s) =>
          s.Effect === "Allow" && s.Principal !== "*" && s.Principal?.Service?.includes("cloudtrail.amazonaws.com"),
      );
      expect(cloudtrailAllows.length).toBeGreaterThan(0);
      for (const statement of cloudtrailAllows) {
        expect(statement.Condition?.StringEquals?.["aws:SourceOrgID"], statement.Sid).toEqual([ORGANIZATION_ID]);
      }
    });

    it("logs its accesses to the access-log bucket and moves objects to colder storage", () => {
      const archive = archiveOf(synth());
      const logging = settingOf(archive.workspace, "aws_s3_bucket_logging", archive.trail);
      // A reference, not the name as text, so that Terraform creates the target bucket first.
      expect(logging?.target_bucket).toBe(`\${aws_s3_bucket.${archive.accessLogs.name}.bucket}`);
      expect(logging?.depends_on).toContain(`aws_s3_bucket_policy.${archive.accessLogs.name}_policy`);
      const lifecycle = settingOf(archive.workspace, "aws_s3_bucket_lifecycle_configuration", archive.trail);
      const rules = lifecycle?.rule as Block[];
      expect(rules.some((r) => r.status === "Enabled" && (r.transition as unknown[] | undefined)?.length)).toBe(true);
    });
  });

  describe.each(["trail", "config", "accessLogs", "flowLogs"] as const)("%s bucket", (which) => {
    it("is versioned, encrypted and kept from destroy", () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      expect(settingOf(archive.workspace, "aws_s3_bucket_versioning", bucket)?.versioning_configuration).toEqual({
        status: "Enabled",
      });
      const sse = settingOf(archive.workspace, "aws_s3_bucket_server_side_encryption_configuration", bucket);
      const byDefault = (sse?.rule as Block[] | undefined)?.[0]?.apply_server_side_encryption_by_default as Block;
      expect(["aws:kms", "AES256"]).toContain(byDefault?.sse_algorithm);
      expect(bucket.body.lifecycle).toMatchObject({ prevent_destroy: true });
    });

    it("blocks public access in all four ways", () => {
      const archive = archiveOf(synth());
      expect(settingOf(archive.workspace, "aws_s3_bucket_public_access_block", archive[which])).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    });

    it("denies every request without TLS (aws:SecureTransport false)", () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const policy = bucketPolicy(archive, bucket);
      const tlsDeny = policy.find((s) => s.Sid === "DenyInsecureTransport");
      expect(tlsDeny).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Condition: { Bool: { "aws:SecureTransport": ["false"] } },
      });
      const read = (tls: string) =>
        byRole(archive.executionRoleArn, "s3:GetObject", `${bucket.arn}/a`, {
          "aws:SecureTransport": tls,
        });
      expect(denies(policy, read("false"))).toBe(true);
      expect(denies(policy, read("true"))).toBe(false);
    });

    it("denies deleting objects and object versions to everyone, the execution role included", () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const policy = bucketPolicy(archive, bucket);
      const deleteDeny = policy.filter((s) => s.Effect === "Deny" && s.Principal === "*" && s.Condition === undefined);
      for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion"]) {
        expect(deleteDeny.some((s) => applies(s, { action, resource: `${bucket.arn}/AWSLogs/x` }))).toBe(true);
        for (const who of [archive.executionRoleArn, `arn:aws:iam::${archive.id}:role/administrator`]) {
          expect(denies(policy, byRole(who, action, `${bucket.arn}/AWSLogs/x`)), `${action} by ${who}`).toBe(true);
        }
      }
    });

    it("lets no one but the execution role change its versioning, lifecycle or Object Lock, or delete its policy", () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const policy = bucketPolicy(archive, bucket);
      const administrator = `arn:aws:iam::${archive.id}:role/administrator`;
      for (const action of [
        "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "s3:DeleteBucketPolicy",
        "s3:DeleteBucket",
      ]) {
        expect(denies(policy, byRole(administrator, action, bucket.arn)), action).toBe(true);
        expect(denies(policy, byRole(archive.executionRoleArn, action, bucket.arn)), action).toBe(false);
      }
    });

    // Bug: GUARDED_BUCKET_ACTIONS (constructs/secure-bucket.ts) guards s3:DeleteBucketPolicy but
    // not s3:PutBucketPolicy, so any principal of the log-archive account with that right can
    // replace the policy with one that no longer denies deletes (the Config and access-log
    // buckets have no Object Lock behind it).
    it("lets no one but the execution role replace its policy, which would lift the delete deny (bug: s3:PutBucketPolicy is not guarded)", () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const policy = bucketPolicy(archive, bucket);
      const administrator = `arn:aws:iam::${archive.id}:role/administrator`;
      expect(denies(policy, byRole(administrator, "s3:PutBucketPolicy", bucket.arn))).toBe(true);
      expect(denies(policy, byRole(archive.executionRoleArn, "s3:PutBucketPolicy", bucket.arn))).toBe(false);
    });
  });

  describe.each(["config", "accessLogs"] as const)(
    "%s bucket, which AWS cannot deliver to under Object Lock",
    (which) => {
      it("has no Object Lock", () => {
        const archive = archiveOf(synth());
        const bucket = archive[which];
        expect(bucket.body.object_lock_enabled ?? false).toBe(false);
        expect(settingOf(archive.workspace, "aws_s3_bucket_object_lock_configuration", bucket)).toBeUndefined();
      });
    },
  );

  it("expires flow logs and access logs after the retention, their old versions a day later, and keeps trail and Config logs", () => {
    const archive = archiveOf(synth());
    const rule = (which: "trail" | "config" | "accessLogs" | "flowLogs") =>
      lifecycleRule(archive.workspace, archive[which]);
    for (const which of ["accessLogs", "flowLogs"] as const) {
      expect(rule(which).expiration, which).toEqual([{ days: lock[1] }]);
      expect(rule(which).noncurrent_version_expiration, which).toEqual([{ noncurrent_days: 1 }]);
    }
    for (const which of ["trail", "config"] as const) {
      expect(rule(which).expiration, which).toBeUndefined();
      expect(rule(which).noncurrent_version_expiration, which).toBeUndefined();
    }
  });

  it("moves no object to colder storage on or after the day it expires, which S3 refuses", () => {
    const archive = archiveOf(synth());
    for (const which of ["trail", "config", "accessLogs", "flowLogs"] as const) {
      const rule = lifecycleRule(archive.workspace, archive[which]);
      const expires = (rule.expiration as { days: number }[] | undefined)?.[0].days ?? Number.POSITIVE_INFINITY;
      for (const t of (rule.transition as { days: number }[] | undefined) ?? [])
        expect(t.days, which).toBeLessThan(expires);
    }
  });

  it("has exactly four buckets, and only the CloudTrail bucket is locked", () => {
    const archive = archiveOf(synth());
    expect(archive.workspace.resources("aws_s3_bucket")).toHaveLength(4);
    const locks = archive.workspace.resources("aws_s3_bucket_object_lock_configuration");
    expect(locks.map(([, l]) => referencedName(l.bucket, "aws_s3_bucket"))).toEqual([archive.trail.name]);
  });

  it("admits the flow logs of the organization's VPCs only, through the log delivery service", () => {
    const archive = archiveOf(synth());
    const statements = bucketPolicy(archive, archive.flowLogs);
    const writes = statements.filter((st) => st.Effect === "Allow" && st.Action?.includes("s3:PutObject"));
    expect(writes).toHaveLength(1);
    expect(writes[0].Principal).toEqual({ Service: ["delivery.logs.amazonaws.com"] });
    expect(writes[0].Resource).toEqual([`${archive.flowLogs.arn}/AWSLogs/*`]);
    expect(writes[0].Condition?.StringEquals["aws:SourceOrgID"]).toEqual([ORGANIZATION_ID]);
    expect(settingOf(archive.workspace, "aws_s3_bucket_logging", archive.flowLogs)).toBeDefined();
  });

  it("keeps every bucket and the key from destroy", () => {
    const { workspace } = archiveOf(synth());
    for (const [name, body] of [...workspace.resources("aws_s3_bucket"), ...workspace.resources("aws_kms_key")]) {
      expect(body.lifecycle, name).toMatchObject({ prevent_destroy: true });
    }
  });

  it("puts no log archive in any other workspace", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace.filter((a) => a.type !== "log-archive")) {
      const ws = s.of(account.key);
      expect(ws.resources("aws_s3_bucket"), ws.name).toEqual([]);
      expect(ws.resources("aws_kms_key"), ws.name).toEqual([]);
    }
  });
});

describe("log archive with logArchive.expireLogsAfterDays", () => {
  const text = readInventory(EXAMPLE_FILE).replace(
    "    retentionDays: 365\n",
    "    retentionDays: 365\n    expireLogsAfterDays: 60\n",
  );
  const synth = synthesizeOnce({ name: "expiry.yaml", text });

  it("expires flow logs and access logs after that many days, without first moving them to colder storage", () => {
    const archive = archiveOf(synth());
    for (const which of ["accessLogs", "flowLogs"] as const) {
      const rule = lifecycleRule(archive.workspace, archive[which]);
      expect(rule.expiration, which).toEqual([{ days: 60 }]);
      expect(rule.transition, which).toBeUndefined();
    }
  });
});
