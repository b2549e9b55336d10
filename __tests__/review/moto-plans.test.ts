import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readPlans } from "../../cli/comment.js";
import { renderComment } from "../../review/comment.js";
import type { PlanJson } from "../../review/plan-json.js";

/**
 * Plans made by real Terraform 1.11 and the AWS provider 5.100.0 against moto, from
 * accounts.yaml applied and then edited (`npm run fixtures:plans`, harness/plan-fixtures.ts).
 */
const MOTO_PLANS = fileURLToPath(new URL("../fixtures/plans/moto/", import.meta.url));

/** The comment for one scenario, as CI renders it. */
function render(scenario: string): string {
  const { plans, removed, destroyAllowed } = readPlans(join(MOTO_PLANS, scenario));
  return renderComment(plans, { removed, destroyAllowed, plansLocation: "the plans artifact" });
}

/** The lines of the comment's warning block, without its `> ` quote marks. */
function warning(text: string): string[] {
  const lines = text.split("\n");
  const at = lines.indexOf("> [!WARNING]");
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && !l.startsWith(">"));
  return lines.slice(at + 1, end).map((l) => l.replace(/^> ?/, ""));
}

describe("the comment on plans made by Terraform against moto", () => {
  it("are plans of Terraform's JSON format, unchanged but for the parts left out", () => {
    const plan = JSON.parse(
      readFileSync(join(MOTO_PLANS, "trust-policy-edit/acme-prod-payments-api.json"), "utf8"),
    ) as PlanJson & Record<string, unknown>;
    expect(plan.format_version).toBe("1.2");
    expect(plan.terraform_version).toMatch(/^1\.\d+\.\d+$/);
    expect(Object.keys(plan)).not.toContain("prior_state");
    expect(plan.resource_changes?.length).toBeGreaterThan(40);
  });

  it("says who may now assume a role after a trust-policy edit", () => {
    const text = render("trust-policy-edit");
    expect(text.split("\n")[1]).toBe("## fleetfile plan: 1 to change in 1 workspace");
    expect(warning(text)).toEqual([
      "**Access widens** (1 policy change):",
      "- `acme-prod-payments-api` `aws_iam_role.access_developer` assume_role_policy: " +
        "`payments-contractors` (555555555555) may now assume `developer`",
    ]);
  });

  it("flags a guardrail statement removed from an SCP, with what it denied", () => {
    expect(warning(render("scp-edit"))).toEqual([
      "**Access widens** (1 policy change):",
      "- `acme-management` `aws_organizations_policy.guardrails_protect-baseline` content: statement DenyIamUsers " +
        "removed: it denies `iam:CreateAccessKey`, `iam:CreateLoginProfile`, `iam:CreateUser` on `*` " +
        "when `ArnNotLike aws:PrincipalArn`",
    ]);
  });

  it("flags a bucket policy that lets an outside account read the logs", () => {
    expect(warning(render("bucket-policy-edit"))).toEqual([
      "**Access widens** (1 policy change):",
      "- `acme-log-archive` `aws_s3_bucket_policy.log-archive_trail-bucket_policy` policy: new statement " +
        "PartnerReadsLogs allows `s3:GetObject` to any principal of account 999999999999 on " +
        "`arn:aws:s3:::acme-cloudtrail-222222222222/*`",
    ]);
  });

  it("flags each role whose trust drops its MFA condition", () => {
    const lines = warning(render("mfa-removed"));
    expect(lines[0]).toBe("**Access widens** (3 policy changes):");
    expect(lines.slice(1)).toEqual(
      ["administrator", "developer", "operator"].map(
        (role) =>
          `- \`acme-prod-payments-api\` \`aws_iam_role.access_${role}\` assume_role_policy: statement ` +
          'OrganizationPrincipals: condition `Bool aws:MultiFactorAuthPresent` ["true"] dropped',
      ),
    );
  });

  it("marks the attribute that forces a replacement, and stops on the Transit Gateway attachment it replaces", () => {
    const text = render("forced-replacement");
    expect(text.split("\n")[1]).toBe("## fleetfile plan: 11 to replace in 1 workspace");
    expect(text).toContain(
      "> - `acme-prod-payments-api`: **replace** `aws_ec2_transit_gateway_vpc_attachment.vpc_attachment` (Transit Gateway)",
    );
    const vpc = text.split("\n").slice(text.split("\n").indexOf("-/+ aws_vpc.vpc"));
    expect(vpc).toContain('      cidr_block: "10.10.0.0/16" → "10.11.0.0/16"  # forces replacement');
    expect(vpc.find((l) => l.startsWith("      id: "))).toMatch(/^ {6}id: "vpc-[0-9a-f]+" → \(known after apply\)$/);
    expect(text).not.toContain("[!WARNING]");
  });
});
