import { describe, expect, it } from "vitest";
import { countPlan, formatCounts, type PlanJson, plannedChanges, priorResourceCount } from "../../review/plan-json.js";

const plan: PlanJson = {
  format_version: "1.2",
  resource_changes: [
    { address: "aws_s3_bucket.logs", type: "aws_s3_bucket", mode: "managed", change: { actions: ["no-op"] } },
    { address: "aws_sns_topic.alerts", type: "aws_sns_topic", mode: "managed", change: { actions: ["update"] } },
    { address: "aws_iam_role.admin", type: "aws_iam_role", mode: "managed", change: { actions: ["delete", "create"] } },
    { address: "aws_kms_key.new", type: "aws_kms_key", mode: "managed", change: { actions: ["create"] } },
    { address: "data.aws_kms_key.trail", type: "aws_kms_key", mode: "data", change: { actions: ["read"] } },
  ],
  output_changes: { arn: { actions: ["no-op"] }, id: { actions: ["create"] } },
  prior_state: {
    values: {
      root_module: {
        resources: [
          { address: "aws_s3_bucket.logs", mode: "managed" },
          { address: "data.aws_kms_key.trail", mode: "data" },
        ],
        child_modules: [{ resources: [{ address: "module.m.aws_iam_role.r", mode: "managed" }] }],
      },
    },
  },
};

describe("plannedChanges", () => {
  it("lists managed resources and outputs that would change, not no-ops or data reads", () => {
    expect(plannedChanges(plan).map((c) => c.address)).toEqual([
      "aws_sns_topic.alerts",
      "aws_iam_role.admin",
      "aws_kms_key.new",
      "output.id",
    ]);
  });

  it("is empty for a plan without changes", () => {
    expect(plannedChanges({ format_version: "1.2" })).toEqual([]);
  });
});

describe("countPlan", () => {
  it("counts a replacement as one add and one destroy, as Terraform does", () => {
    const counts = countPlan(plan);
    expect(counts).toEqual({ add: 2, change: 1, destroy: 1 });
    expect(formatCounts(counts)).toBe("2 to add, 1 to change, 1 to destroy");
  });
});

describe("priorResourceCount", () => {
  it("counts managed resources of every module in the prior state", () => {
    expect(priorResourceCount(plan)).toBe(2);
    expect(priorResourceCount({ format_version: "1.2" })).toBe(0);
  });
});
