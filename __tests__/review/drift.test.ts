import { describe, expect, it } from "vitest";
import { DRIFT_MARKER, driftOf, renderDriftReport, renderWorkspaceDrift } from "../../review/drift.js";
import type { PlanJson } from "../../review/plan-json.js";

const trust = (principals: string[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principals }, Action: "sts:AssumeRole" }],
  });

/** A refreshing plan that found the plan role's trust widened and a Config rule deleted outside Terraform. */
const PLAN: PlanJson = {
  format_version: "1.2",
  resource_changes: [
    { address: "aws_iam_role.plan-role", type: "aws_iam_role", mode: "managed", change: { actions: ["update"] } },
    {
      address: "aws_config_config_rule.ap-northeast-1_config_rule",
      type: "aws_config_config_rule",
      mode: "managed",
      change: { actions: ["create"] },
    },
    { address: "aws_cloudtrail.trail", type: "aws_cloudtrail", mode: "managed", change: { actions: ["update"] } },
    { address: "aws_sns_topic.alerts", type: "aws_sns_topic", mode: "managed", change: { actions: ["no-op"] } },
  ],
  resource_drift: [
    {
      address: "aws_iam_role.plan-role",
      type: "aws_iam_role",
      mode: "managed",
      change: {
        actions: ["update"],
        before: { name: "acme-plan", assume_role_policy: trust(["arn:aws:iam::111111111111:root"]) },
        after: {
          name: "acme-plan",
          assume_role_policy: trust(["arn:aws:iam::111111111111:root", "arn:aws:iam::999999999999:root"]),
        },
      },
    },
    {
      address: "aws_config_config_rule.ap-northeast-1_config_rule",
      type: "aws_config_config_rule",
      mode: "managed",
      change: { actions: ["delete"], before: { name: "x" }, after: null },
    },
    {
      address: "aws_cloudtrail.trail",
      type: "aws_cloudtrail",
      mode: "managed",
      change: {
        actions: ["update"],
        before: { name: "acme-baseline", tags: null, event_selector: [{ exclude_management_event_sources: null }] },
        after: { name: "acme-baseline", tags: {}, event_selector: [{ exclude_management_event_sources: [] }] },
      },
    },
    {
      // Read back changed by another resource (its topic policy), which the plan leaves alone.
      address: "aws_sns_topic.alerts",
      type: "aws_sns_topic",
      mode: "managed",
      change: { actions: ["update"], before: { policy: "" }, after: { policy: "set by the topic policy" } },
    },
    { address: "data.aws_region.current", type: "aws_region", mode: "data", change: { actions: ["update"] } },
  ],
};

describe("driftOf", () => {
  it("names each managed resource changed or deleted outside Terraform, with what changed, not empty values read back in another form nor what the plan leaves alone", () => {
    const drifted = driftOf(PLAN);
    expect(drifted.map((d) => `${d.action} ${d.address}`)).toEqual([
      "delete aws_config_config_rule.ap-northeast-1_config_rule",
      "update aws_iam_role.plan-role",
    ]);
    expect(drifted[1].attributes[0].policy).toEqual([
      { text: "any principal of account 999999999999 may now assume `acme-plan`", security: true },
    ]);
  });

  it("finds nothing in a plan without drift", () => {
    expect(driftOf({ format_version: "1.2", resource_changes: [] })).toEqual([]);
  });
});

describe("the drift report", () => {
  it("counts drifted, unreadable and clean workspaces, and shows each drifted one as its issue would", () => {
    const drifted = { workspace: "acme-legacy-billing", drifted: driftOf(PLAN) };
    const report = renderDriftReport([
      drifted,
      { workspace: "acme-audit", drifted: [] },
      { workspace: "acme-network", drifted: [], error: "Error: boom" },
    ]);
    expect(report.split("\n").slice(0, 2)).toEqual([
      DRIFT_MARKER,
      "## fleetfile drift: 1 of 3 workspace(s) drifted, 1 could not be read; 1 match their configuration",
    ]);
    expect(report).toContain(renderWorkspaceDrift(drifted));
    expect(renderWorkspaceDrift(drifted)).toContain(
      "-   aws_config_config_rule.ap-northeast-1_config_rule (deleted outside Terraform)",
    );
    expect(report).not.toContain("acme-audit");
  });
});
