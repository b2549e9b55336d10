import { describe, expect, it } from "vitest";
import { destroyViolations, OVERRIDE_HINT, PROTECTED_TYPES } from "../../review/destroy-guard.js";
import { type PlanJson, type ResourceChangeJson, resourceChanges } from "../../review/plan-json.js";

/** One entry of `resource_changes` as `terraform show -json` writes it (the fields the guard reads). */
function change(address: string, actions: string[], extra: Partial<ResourceChangeJson> = {}): ResourceChangeJson {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, change: { actions }, ...extra };
}

/** The guard's verdict on one workspace's plan. */
function guard(workspace: string, ...changes: ResourceChangeJson[]) {
  const plan: PlanJson = { format_version: "1.2", resource_changes: changes };
  return destroyViolations([{ workspace, changes: resourceChanges(plan) }]);
}

describe("destroyViolations", () => {
  it("protects accounts, buckets, keys, trails, Terraform Cloud workspaces, Transit Gateways and their attachments and route tables", () => {
    expect([...PROTECTED_TYPES].sort()).toEqual([
      "aws_cloudtrail",
      "aws_ec2_transit_gateway",
      "aws_ec2_transit_gateway_route_table",
      "aws_ec2_transit_gateway_vpc_attachment",
      "aws_kms_key",
      "aws_organizations_account",
      "aws_s3_bucket",
      "tfe_workspace",
    ]);
  });

  it("trips on a plan that replaces a Transit Gateway because its ASN changed", () => {
    expect(
      guard(
        "acme-network",
        change("aws_ec2_transit_gateway.hub-ap-northeast-1_dev", ["delete", "create"], {
          action_reason: "replace_because_cannot_update",
        }),
      ).map((v) => [v.address, v.action]),
    ).toEqual([["aws_ec2_transit_gateway.hub-ap-northeast-1_dev", "replace"]]);
  });

  it("trips on a plan that deletes an account", () => {
    expect(
      guard(
        "acme-management",
        change("aws_organizations_account.vending_dev-data-lake", ["delete"], {
          action_reason: "delete_because_no_resource_config",
        }),
      ),
    ).toEqual([
      {
        workspace: "acme-management",
        address: "aws_organizations_account.vending_dev-data-lake",
        type: "aws_organizations_account",
        action: "delete",
      },
    ]);
  });

  it("trips on a replacement of the log key, destroy-before-create", () => {
    expect(
      guard(
        "acme-log-archive",
        change("aws_kms_key.log-archive_key", ["delete", "create"], { action_reason: "replace_because_cannot_update" }),
      ),
    ).toEqual([
      {
        workspace: "acme-log-archive",
        address: "aws_kms_key.log-archive_key",
        type: "aws_kms_key",
        action: "replace",
      },
    ]);
  });

  it("trips on a replacement of a trail, create-before-destroy", () => {
    expect(guard("acme-audit", change("aws_cloudtrail.trail", ["create", "delete"]))).toEqual([
      { workspace: "acme-audit", address: "aws_cloudtrail.trail", type: "aws_cloudtrail", action: "replace" },
    ]);
  });

  it("trips on a deleted log bucket", () => {
    expect(guard("acme-log-archive", change("aws_s3_bucket.log-archive_trail-bucket", ["delete"]))).toHaveLength(1);
  });

  it("trips on a deleted Terraform Cloud workspace: its state goes with it", () => {
    expect(
      guard(
        "acme-tfc-bootstrap",
        change('tfe_workspace.workspaces["dev-data-lake"]', ["delete"], {
          action_reason: "delete_because_each_key",
        }),
        change('tfe_variable.run-role-arn["dev-data-lake"]', ["delete"]),
      ),
    ).toEqual([
      {
        workspace: "acme-tfc-bootstrap",
        address: 'tfe_workspace.workspaces["dev-data-lake"]',
        type: "tfe_workspace",
        action: "delete",
      },
    ]);
  });

  it("lets updates of protected resources through", () => {
    expect(
      guard(
        "acme-management",
        change("aws_organizations_account.vending_prod-payments-api", ["update"]),
        change("aws_kms_key.log-archive_key", ["update"]),
        change("aws_cloudtrail.trail", ["update"]),
        change("aws_s3_bucket.log-archive_trail-bucket", ["update"]),
      ),
    ).toEqual([]);
  });

  it("lets creations, imports and no-ops of protected resources through", () => {
    expect(
      guard(
        "acme-log-archive",
        change("aws_s3_bucket.log-archive_config-bucket", ["create"]),
        change("aws_kms_key.log-archive_key", ["no-op"], { change: { actions: ["no-op"], importing: { id: "k-1" } } }),
        change("aws_cloudtrail.trail", ["no-op"]),
      ),
    ).toEqual([]);
  });

  it("lets the deletion of an IAM role through: it is sensitive, but not lost for good", () => {
    expect(guard("acme-prod-payments-api", change("aws_iam_role.access_operator", ["delete"]))).toEqual([]);
  });

  it("looks only at the protected type itself, not at its sub-resources", () => {
    expect(
      guard(
        "acme-log-archive",
        change("aws_s3_bucket_policy.log-archive_trail-bucket_policy", ["delete"]),
        change("aws_kms_alias.log-archive_key-alias", ["delete", "create"]),
      ),
    ).toEqual([]);
  });

  it("names every violation of every workspace, in plan order", () => {
    const violations = destroyViolations([
      {
        workspace: "acme-log-archive",
        changes: [
          { address: "aws_kms_key.log-archive_key", type: "aws_kms_key", action: "replace" },
          { address: "aws_iam_role.config-role", type: "aws_iam_role", action: "delete" },
        ],
      },
      {
        workspace: "acme-management",
        changes: [{ address: "aws_cloudtrail.trail", type: "aws_cloudtrail", action: "delete" }],
      },
    ]);
    expect(violations.map((v) => `${v.workspace}: ${v.action} ${v.address}`)).toEqual([
      "acme-log-archive: replace aws_kms_key.log-archive_key",
      "acme-management: delete aws_cloudtrail.trail",
    ]);
  });

  it("tells how to go on deliberately, locally and in CI", () => {
    expect(OVERRIDE_HINT).toContain("--allow-destroy");
    expect(OVERRIDE_HINT).toContain("label allow-destroy");
  });
});
