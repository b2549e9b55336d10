import { describe, expect, it } from "vitest";
import { coreAccount } from "../../inventory/model.js";
import { type Decision, decideByPolicy, type PolicyDocument, resolvePolicy } from "./simulate.js";
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

/** The bucket policy of `bucket`, with the archive's references resolved. */
function bucketPolicy(archive: ReturnType<typeof archiveOf>, bucket: Bucket): PolicyDocument {
  const policy = settingOf(archive.workspace, "aws_s3_bucket_policy", bucket);
  if (!policy) throw new Error(`${bucket.bucketName} has no bucket policy`);
  return resolvePolicy(policy.policy as string, archive.settings);
}

/** A request to put to the evaluator: who asks, for what, on what, with which condition keys. */
interface Ask {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

/**
 * A request by a session of the role `roleArn` (or by the root `arn:aws:iam::ACCT:root`), over
 * TLS unless `context` says otherwise; `aws:PrincipalArn` is the role, as AWS sets it.
 */
function byRole(roleArn: string, action: string, resource: string, context: Record<string, string> = {}): Ask {
  const [, , , , accountId, path] = roleArn.split(":");
  const principal =
    path === "root" ? roleArn : `arn:aws:sts::${accountId}:assumed-role/${path.split("/").at(-1)}/someone`;
  return { principal, action, resource, context: { "aws:PrincipalArn": roleArn, ...context } };
}

/** What the evaluator decides for `ask` on `bucket`, by the bucket's policy. */
function onBucket(archive: ReturnType<typeof archiveOf>, bucket: Bucket, ask: Ask): Promise<Decision> {
  return decideByPolicy({ ...ask, resourceAccount: archive.id, policy: bucketPolicy(archive, bucket) });
}

/** A role of another account of the organization, as a cross-account caller of the archive. */
const MEMBER_ROLE = "arn:aws:iam::666666666666:role/any-member-role";

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

  it("lets CloudTrail encrypt with the key only for trails of the organization (aws:SourceOrgID)", async () => {
    const archive = archiveOf(synth());
    const [[keyName, key]] = archive.workspace.resources("aws_kms_key");
    const policy = resolvePolicy(key.policy as string, archive.settings);
    const encrypt = (org: string) =>
      decideByPolicy({
        principal: "cloudtrail.amazonaws.com",
        action: "kms:GenerateDataKey",
        resource: archive.settings[ref("aws_kms_key", keyName, "arn")],
        resourceAccount: archive.id,
        policy,
        context: {
          "aws:SourceOrgID": org,
          "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/any",
        },
      });
    expect(await encrypt("o-someoneelse")).not.toBe("Allowed");
    // The evaluator answers that a trail of another organization may not, which still fails if
    // anything grants CloudTrail the key without conditions. It cannot be asked the other half:
    // iam-simulate (0.1.173) drops `kms:EncryptionContext:<key>` from every request (it matches
    // variable condition keys only after a "/", as in aws:PrincipalTag/<key>), so the grant,
    // which requires the trail's encryption context, never matches and it answers
    // ImplicitlyDenied for a trail of the organization too. That grant is checked on the document.
    const cloudtrailEncrypts = [policy.Statement]
      .flat()
      .map((st) => st as { Effect: string; Principal?: { Service?: unknown }; Action?: unknown; Condition?: Block })
      .filter(
        (st) =>
          st.Effect === "Allow" &&
          [st.Principal?.Service].flat().includes("cloudtrail.amazonaws.com") &&
          [st.Action].flat().some((a) => String(a).startsWith("kms:GenerateDataKey")),
      );
    expect(cloudtrailEncrypts.length).toBeGreaterThan(0);
    for (const st of cloudtrailEncrypts) {
      expect(st.Condition?.StringEquals).toMatchObject({ "aws:SourceOrgID": ORGANIZATION_ID });
    }
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

    it("lets CloudTrail write only for trails of the organization (aws:SourceOrgID)", async () => {
      const archive = archiveOf(synth());
      const { trail } = archive;
      const byCloudTrail = (action: string, resource: string, org: string) =>
        onBucket(archive, trail, {
          principal: "cloudtrail.amazonaws.com",
          action,
          resource,
          context: { "aws:SourceOrgID": org, "s3:x-amz-acl": "bucket-owner-full-control" },
        });
      const object = `${trail.arn}/AWSLogs/${ORGANIZATION_ID}/666666666666/CloudTrail/x.json.gz`;
      expect(await byCloudTrail("s3:PutObject", object, ORGANIZATION_ID)).toBe("Allowed");
      expect(await byCloudTrail("s3:GetBucketAcl", trail.arn, ORGANIZATION_ID)).toBe("Allowed");
      // Whatever CloudTrail may do to the bucket or its objects, a trail of another organization may not.
      for (const [action, resource] of [
        ["s3:PutObject", object],
        ["s3:GetObject", object],
        ["s3:GetBucketAcl", trail.arn],
        ["s3:ListBucket", trail.arn],
        ["s3:GetBucketLocation", trail.arn],
      ]) {
        expect(await byCloudTrail(action, resource, "o-someoneelse"), action).not.toBe("Allowed");
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

    it("denies every request without TLS (aws:SecureTransport false)", async () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const administrator = `arn:aws:iam::${archive.id}:role/administrator`;
      for (const who of [archive.executionRoleArn, administrator, MEMBER_ROLE]) {
        for (const [action, resource] of [
          ["s3:GetObject", `${bucket.arn}/a`],
          ["s3:ListBucket", bucket.arn],
        ]) {
          const ask = (tls: string) =>
            onBucket(archive, bucket, byRole(who, action, resource, { "aws:SecureTransport": tls }));
          expect(await ask("false"), `${action} by ${who}`).toBe("ExplicitlyDenied");
          expect(await ask("true"), `${action} by ${who}`).not.toBe("ExplicitlyDenied");
        }
      }
    });

    it("denies deleting objects and object versions to everyone, the execution role included", async () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const everyone = [
        archive.executionRoleArn,
        `arn:aws:iam::${archive.id}:role/administrator`,
        `arn:aws:iam::${archive.id}:root`,
        MEMBER_ROLE,
      ];
      for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion"]) {
        for (const who of everyone) {
          const decision = await onBucket(archive, bucket, byRole(who, action, `${bucket.arn}/AWSLogs/x`));
          expect(decision, `${action} by ${who}`).toBe("ExplicitlyDenied");
        }
      }
    });

    it("lets no one but the execution role change its versioning, lifecycle or Object Lock, or delete its policy", async () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const administrator = `arn:aws:iam::${archive.id}:role/administrator`;
      for (const action of [
        "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "s3:DeleteBucketPolicy",
        "s3:DeleteBucket",
      ]) {
        expect(await onBucket(archive, bucket, byRole(administrator, action, bucket.arn)), action).toBe(
          "ExplicitlyDenied",
        );
        expect(await onBucket(archive, bucket, byRole(archive.executionRoleArn, action, bucket.arn)), action).not.toBe(
          "ExplicitlyDenied",
        );
      }
    });

    // A new policy without the delete deny would leave the Config and access-log buckets, which
    // have no Object Lock behind it, open to deletion.
    it("lets no one but the execution role replace its policy, which would lift the delete deny", async () => {
      const archive = archiveOf(synth());
      const bucket = archive[which];
      const administrator = `arn:aws:iam::${archive.id}:role/administrator`;
      const replace = (who: string) => onBucket(archive, bucket, byRole(who, "s3:PutBucketPolicy", bucket.arn));
      expect(await replace(administrator)).toBe("ExplicitlyDenied");
      expect(await replace(archive.executionRoleArn)).not.toBe("ExplicitlyDenied");
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

  it("admits the flow logs of the organization's VPCs only, through the log delivery service", async () => {
    const archive = archiveOf(synth());
    const { flowLogs } = archive;
    const object = `${flowLogs.arn}/AWSLogs/666666666666/vpcflowlogs/eu-west-1/2024/01/01/x.log.gz`;
    const write = (principal: string, org: string, resource = object) =>
      onBucket(archive, flowLogs, {
        principal,
        action: "s3:PutObject",
        resource,
        context: { "aws:SourceOrgID": org, "s3:x-amz-acl": "bucket-owner-full-control" },
      });
    expect(await write("delivery.logs.amazonaws.com", ORGANIZATION_ID)).toBe("Allowed");
    expect(await write("delivery.logs.amazonaws.com", "o-someoneelse")).not.toBe("Allowed");
    expect(await write("delivery.logs.amazonaws.com", ORGANIZATION_ID, `${flowLogs.arn}/elsewhere/x.log.gz`)).not.toBe(
      "Allowed",
    );
    expect(await write("cloudtrail.amazonaws.com", ORGANIZATION_ID)).not.toBe("Allowed");
    const member = byRole(MEMBER_ROLE, "s3:PutObject", object, { "aws:PrincipalOrgID": ORGANIZATION_ID });
    expect(await onBucket(archive, flowLogs, member)).not.toBe("Allowed");
    expect(settingOf(archive.workspace, "aws_s3_bucket_logging", archive.flowLogs)).toBeDefined();
  });

  // AWS Config delivers with the recorder's role when that role may write, and otherwise as
  // config.amazonaws.com (Config's developer guide, "Permissions for the Amazon S3 bucket"):
  // either way it checks the bucket's ACL, lists it, and writes under AWSLogs/ with the
  // bucket-owner-full-control ACL.
  it("admits AWS Config of the organization's accounts only, through its service or the recorder role", async () => {
    const s = synth();
    const archive = archiveOf(s);
    const { config } = archive;
    const recorderRole = `arn:aws:iam::666666666666:role/${s.organization.inventory.organization.name}-config-recorder`;
    const object = `${config.arn}/AWSLogs/666666666666/Config/eu-west-1/2024/1/1/ConfigSnapshot/x.json.gz`;
    const requests = [
      ["s3:GetBucketAcl", config.arn],
      ["s3:ListBucket", config.arn],
      ["s3:PutObject", object],
    ] as const;
    const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };
    for (const [action, resource] of requests) {
      const byService = (org: string) =>
        onBucket(archive, config, {
          principal: "config.amazonaws.com",
          action,
          resource,
          context: { "aws:SourceOrgID": org, ...acl },
        });
      expect(await byService(ORGANIZATION_ID), action).toBe("Allowed");
      expect(await byService("o-someoneelse"), action).not.toBe("Allowed");
      const byRecorder = (role: string, org: string) =>
        onBucket(archive, config, byRole(role, action, resource, { "aws:PrincipalOrgID": org, ...acl }));
      expect(await byRecorder(recorderRole, ORGANIZATION_ID), action).toBe("Allowed");
      expect(await byRecorder(recorderRole, "o-someoneelse"), action).not.toBe("Allowed");
      expect(await byRecorder(MEMBER_ROLE, ORGANIZATION_ID), action).not.toBe("Allowed");
    }
    expect(
      await onBucket(archive, config, {
        principal: "config.amazonaws.com",
        action: "s3:PutObject",
        resource: `${config.arn}/elsewhere/x.json.gz`,
        context: { "aws:SourceOrgID": ORGANIZATION_ID, ...acl },
      }),
    ).not.toBe("Allowed");
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
