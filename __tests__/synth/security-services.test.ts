import { describe, expect, it } from "vitest";
import { type Block, EXAMPLE_FILE, exampleWith, ref, synthesizeEachOnce, type Workspace } from "./support.js";

const synths = synthesizeEachOnce({
  example: { file: EXAMPLE_FILE },
  org: {
    name: "the example with organization-wide security services",
    text: exampleWith(["organization", "securityServices"], {
      guardduty: true,
      securityHub: {
        standards: ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark-v3.0.0"],
        disabledControls: ["IAM.6", "EC2.10"],
      },
    }),
  },
});

/** Every resource of `type` in `ws`, whatever its name. */
function all(ws: Workspace, type: string): Block[] {
  return ws.resources(type).map(([, r]) => r);
}

describe("organization-wide security services", () => {
  it("makes the audit account the delegated administrator, after checking no other account is", () => {
    const ws = synths.org().of("management");
    const admins = all(ws, "aws_guardduty_organization_admin_account");
    expect(admins.map((a) => [a.admin_account_id, ws.regionOf(a)])).toEqual([
      ["333333333333", "ap-northeast-1"],
      ["333333333333", "us-east-1"],
    ]);
    expect(all(ws, "aws_securityhub_organization_admin_account").map((a) => a.admin_account_id)).toEqual([
      "333333333333",
    ]);
    const checks = ws.dataSources("aws_organizations_delegated_administrators").map(([, d]) => d);
    expect(checks.map((d) => d.service_principal).sort()).toEqual([
      "guardduty.amazonaws.com",
      "securityhub.amazonaws.com",
    ]);
    for (const check of checks) {
      const [postcondition] = (check.lifecycle as { postcondition: { condition: string; error_message: string }[] })
        .postcondition;
      expect(postcondition.condition).toContain('a.id == "333333333333"');
      expect(postcondition.error_message).toContain(
        `aws organizations deregister-delegated-administrator --service-principal ${check.service_principal} --account-id \${join(`,
      );
    }
    for (const admin of admins)
      expect(admin.depends_on).toEqual([expect.stringMatching(/^data\.aws_organizations_delegated_administrators\./)]);
  });

  it("enrolls every account in GuardDuty from the audit account, in each governed region, through its own detectors", () => {
    const ws = synths.org().of("audit");
    const configurations = all(ws, "aws_guardduty_organization_configuration");
    expect(configurations.map((c) => [ws.regionOf(c), c.auto_enable_organization_members]).sort()).toEqual([
      ["ap-northeast-1", "ALL"],
      ["us-east-1", "ALL"],
    ]);
    for (const c of configurations) {
      const [name] = (ws.byRegion("aws_guardduty_detector").get(ws.regionOf(c)) ?? [])[0];
      expect(c.detector_id).toBe(ref("aws_guardduty_detector", name, "id"));
    }
  });

  it("leaves a member's detector to GuardDuty, so that each account has exactly one", () => {
    const org = synths.org();
    for (const account of org.accountsWithWorkspace) {
      const detectors = org.of(account.key).resources("aws_guardduty_detector").length;
      const own = account.type === "audit" || account.type === "management";
      expect(detectors, account.key).toBe(own ? account.regions.length : 0);
    }
    expect(synths.example().of("prod-payments-api").resources("aws_guardduty_detector")).toHaveLength(1);
  });

  it("runs the listed standards with the listed controls off everywhere, by central configuration, aggregated in the home region", () => {
    const ws = synths.org().of("audit");
    const [policy] = all(ws, "aws_securityhub_configuration_policy");
    expect(policy.configuration_policy).toEqual({
      service_enabled: true,
      enabled_standard_arns: [
        "arn:aws:securityhub:ap-northeast-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:ap-northeast-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
      ],
      security_controls_configuration: { disabled_control_identifiers: ["IAM.6", "EC2.10"] },
    });
    const [association] = all(ws, "aws_securityhub_configuration_policy_association");
    expect(association.target_id).toMatch(/roots\[0\]\.id/);
    const [aggregator] = all(ws, "aws_securityhub_finding_aggregator");
    expect([aggregator.linking_mode, aggregator.specified_regions, ws.regionOf(aggregator)]).toEqual([
      "SPECIFIED_REGIONS",
      ["us-east-1"],
      "ap-northeast-1",
    ]);
    expect(all(ws, "aws_securityhub_organization_configuration")[0].organization_configuration).toEqual({
      configuration_type: "CENTRAL",
    });
  });

  it("sends Security Hub findings at or above the severity to each account's channel, and forwards only Config to the audit account", () => {
    const ws = synths.org().of("prod-payments-api");
    const rules = all(ws, "aws_cloudwatch_event_rule");
    const hub = rules.find((r) => String(r.name).endsWith("securityhub-findings"));
    expect(JSON.parse(hub?.event_pattern as string).detail.findings.Severity).toEqual({
      Label: ["MEDIUM", "HIGH", "CRITICAL"],
    });
    // Health notices are forwarded either way (organizationView: __tests__/synth/health.test.ts).
    const forwardedAlerts = (targets: Block[]) =>
      targets
        .filter((t) => t.target_id === "audit-bus")
        .map((t) => String(t.rule))
        .filter((rule) => !rule.includes("_health."));
    const forwarded = forwardedAlerts(all(ws, "aws_cloudwatch_event_target"));
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).toMatch(/config-noncompliance/);
    expect(forwardedAlerts(all(synths.example().of("prod-payments-api"), "aws_cloudwatch_event_target"))).toEqual([
      expect.stringMatching(/config-noncompliance/),
      expect.stringMatching(/guardduty-findings/),
    ]);
  });
});
