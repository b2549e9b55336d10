import { describe, expect, it } from "vitest";
import { KEPT_STATE_VERSIONS } from "../../constructs/state-bucket.js";
import { coreAccount } from "../../inventory/model.js";
import { decideByPolicy, resolvePolicy } from "./simulate.js";
import {
  type Block,
  EXAMPLE_FILE,
  readInventory,
  type Synthesized,
  synthesizeEachOnce,
  type Workspace,
  withStateInS3,
} from "./support.js";

/** The example with its Terraform Cloud settings replaced by `state`. */
function withState(state: string): string {
  return withStateInS3(readInventory(EXAMPLE_FILE), state);
}

const synths = synthesizeEachOnce({
  defaults: { name: "accounts.yaml with state: {}", text: withState("{}") },
  named: { name: "accounts.yaml with a named bucket", text: withState("{ bucket: acme-tfstate, region: us-east-1 }") },
  cloud: { file: EXAMPLE_FILE },
});

function bootstrapOf(synth: Synthesized): Workspace {
  const workspace = synth.workspaces.get(`${synth.organization.inventory.organization.name}-state-bootstrap`);
  if (!workspace) throw new Error(`no state bootstrap workspace; there are ${[...synth.workspaces.keys()].join(", ")}`);
  return workspace;
}

describe("the S3 backend (organization.state)", () => {
  it("gives every account workspace its own object in the bucket, encrypted and locked by the S3 lockfile", () => {
    const s = synths.defaults();
    const management = coreAccount(s.organization, "management").id;
    const keys = new Set<string>();
    for (const account of s.accountsWithWorkspace) {
      const terraform = s.of(account.key).json.terraform as Block;
      expect(terraform.backend, account.key).toEqual({
        s3: {
          bucket: `acme-terraform-state-${management}`,
          key: `${account.workspace}/terraform.tfstate`,
          region: s.homeRegion,
          encrypt: true,
          use_lockfile: true,
        },
      });
      expect(terraform.cloud, account.key).toBeUndefined();
      keys.add(`${account.workspace}/terraform.tfstate`);
    }
    expect(keys.size).toBe(s.accountsWithWorkspace.length);
  });

  it("uses the bucket and region the inventory names", () => {
    const s = synths.named();
    for (const account of s.accountsWithWorkspace) {
      const backend = (s.of(account.key).json.terraform as Block).backend as Block;
      expect(backend.s3).toMatchObject({ bucket: "acme-tfstate", region: "us-east-1" });
    }
    const bootstrap = bootstrapOf(s);
    expect(bootstrap.single("aws_s3_bucket").bucket).toBe("acme-tfstate");
    expect(bootstrap.providers()).toEqual([expect.objectContaining({ region: "us-east-1" })]);
  });

  it("writes a bootstrap workspace only with state, and keeps its own state local", () => {
    expect([...synths.cloud().workspaces.keys()].filter((w) => w.endsWith("-state-bootstrap"))).toEqual([]);
    const bootstrap = bootstrapOf(synths.defaults());
    expect((bootstrap.json.terraform as Block).backend).toEqual({
      local: { path: "../../../terraform-state/acme-state-bootstrap.tfstate" },
    });
  });

  describe("its bucket, made by the bootstrap workspace in the management account", () => {
    const management = () => coreAccount(synths.defaults().organization, "management").id ?? "";
    const executionRole = () => `arn:aws:iam::${management()}:role/OrganizationAccountAccessRole`;

    it("is made through the management account's execution role, in homeRegion by default", () => {
      const bootstrap = bootstrapOf(synths.defaults());
      expect(bootstrap.providers()).toEqual([
        expect.objectContaining({ region: "ap-northeast-1", assume_role: [{ role_arn: executionRole() }] }),
      ]);
    });

    it("is versioned, encrypted, private, owner-enforced and kept from destroy", () => {
      const bootstrap = bootstrapOf(synths.defaults());
      expect(bootstrap.single("aws_s3_bucket")).toMatchObject({
        bucket: `acme-terraform-state-${management()}`,
        lifecycle: { prevent_destroy: true },
      });
      expect(bootstrap.single("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
      expect(bootstrap.single("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
      expect(bootstrap.single("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(bootstrap.single("aws_s3_bucket_ownership_controls").rule).toEqual({
        object_ownership: "BucketOwnerEnforced",
      });
    });

    it("keeps replaced states a year, and the newest of them whatever their age", () => {
      const [rule] = bootstrapOf(synths.defaults()).single("aws_s3_bucket_lifecycle_configuration").rule as Block[];
      expect(rule.noncurrent_version_expiration).toEqual([
        { noncurrent_days: 365, newer_noncurrent_versions: KEPT_STATE_VERSIONS },
      ]);
      expect(rule.expiration).toEqual([{ expired_object_delete_marker: true }]);
      expect(rule.transition).toBeUndefined();
    });

    // Evaluated by iam-simulate: a role of the management account with every permission
    // in its identity policy, against the bucket policy.
    it("lets Terraform read, write and unlock state over TLS, and no one but the execution role change the bucket", async () => {
      const bootstrap = bootstrapOf(synths.defaults());
      const bucket = `arn:aws:s3:::acme-terraform-state-${management()}`;
      const policy = resolvePolicy(
        bootstrap.single("aws_s3_bucket_policy").policy as string,
        bootstrap.substitutions(management()),
      );
      const ask = (role: string, action: string, resource: string, context: Record<string, string> = {}) =>
        decideByPolicy({
          principal: `arn:aws:sts::${management()}:assumed-role/${role}/someone`,
          action,
          resource,
          resourceAccount: management(),
          policy,
          context: { "aws:PrincipalArn": `arn:aws:iam::${management()}:role/${role}`, ...context },
        });
      const state = `${bucket}/acme-audit/terraform.tfstate`;
      for (const [action, resource] of [
        ["s3:ListBucket", bucket],
        ["s3:GetObject", state],
        ["s3:PutObject", state],
        ["s3:PutObject", `${state}.tflock`],
        ["s3:DeleteObject", `${state}.tflock`],
      ]) {
        expect(await ask("ci-apply", action, resource), action).toBe("Allowed");
        expect(await ask("ci-apply", action, resource, { "aws:SecureTransport": "false" }), action).toBe(
          "ExplicitlyDenied",
        );
      }
      for (const action of ["s3:PutBucketPolicy", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration"]) {
        expect(await ask("ci-apply", action, bucket), action).toBe("ExplicitlyDenied");
        expect(await ask("OrganizationAccountAccessRole", action, bucket), action).toBe("Allowed");
      }
    });
  });
});
