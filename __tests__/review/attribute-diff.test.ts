import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { attributeChanges, attributeLines, formatValue, MAX_VALUE_CHARS } from "../../review/attribute-diff.js";
import type { PlanJson, ResourceChangeJson } from "../../review/plan-json.js";

function fixtureChange(scenario: string, workspace: string, address: string): ResourceChangeJson["change"] {
  const url = new URL(`../fixtures/plans/${scenario}/${workspace}.json`, import.meta.url);
  const plan = JSON.parse(readFileSync(url, "utf8")) as PlanJson;
  const found = plan.resource_changes?.find((r) => r.address === address);
  if (!found) throw new Error(`${scenario}/${workspace} has no ${address}`);
  return found.change;
}

const update = (change: Partial<ResourceChangeJson["change"]>): ResourceChangeJson["change"] => ({
  actions: ["update"],
  ...change,
});

describe("attributeChanges", () => {
  it("reads a trust policy edit by meaning: who may now assume the role (onboarding fixture)", () => {
    const changes = attributeChanges(
      fixtureChange("onboarding", "acme-prod-payments-api", "aws_iam_role.access_developer"),
    );
    expect(changes.map((c) => c.path)).toEqual(["assume_role_policy"]);
    expect(changes[0].policy).toEqual([
      { text: "`payments-contractors` (555555555555) may now assume `developer`", security: true },
    ]);
  });

  it("marks the attribute that forces a replacement (replace-iam-role fixture)", () => {
    const changes = attributeChanges(
      fixtureChange("replace-iam-role", "acme-prod-payments-api", "aws_iam_role.access_developer"),
    );
    const forcing = changes.filter((c) => c.forcesReplacement).map((c) => c.path);
    expect(forcing).toEqual(["name"]);
    expect(changes.find((c) => c.path === "name")).toMatchObject({ before: '"developer"' });
  });

  it("shows unknown values as known after apply and masks sensitive ones, on either side", () => {
    const changes = attributeChanges(
      update({
        before: { arn: "arn:1", password: "old", token: "t1", tags: { team: "a", env: "prod" } },
        after: { arn: null, password: "new", token: "t2", tags: { team: "b", env: "prod" } },
        after_unknown: { arn: true },
        before_sensitive: { password: true },
        after_sensitive: { password: true, token: true },
      }),
    );
    expect(changes).toEqual([
      { path: "arn", before: '"arn:1"', after: "(known after apply)", forcesReplacement: false },
      { path: "password", before: "(sensitive value)", after: "(sensitive value)", forcesReplacement: false },
      { path: "tags.team", before: '"a"', after: '"b"', forcesReplacement: false },
      { path: "token", before: '"t1"', after: "(sensitive value)", forcesReplacement: false },
    ]);
  });

  it("names nested blocks by index and lists of plain values whole", () => {
    const changes = attributeChanges(
      update({
        before: { ingress: [{ from_port: 22, cidr_blocks: ["10.0.0.0/8"] }], regions: ["a", "b"] },
        after: { ingress: [{ from_port: 443, cidr_blocks: ["10.0.0.0/8"] }], regions: ["a", "b", "c"] },
      }),
    );
    expect(changes.map((c) => `${c.path}: ${c.before} → ${c.after}`)).toEqual([
      "ingress[0].from_port: 22 → 443",
      'regions: ["a","b"] → ["a","b","c"]',
    ]);
  });

  it("cuts a long value and says how long it was", () => {
    const long = "x".repeat(500);
    expect(formatValue(long)).toBe(`"${"x".repeat(MAX_VALUE_CHARS - 1)}… (cut: 502 characters)`);
    expect(formatValue("short")).toBe('"short"');
  });

  it("has nothing to say about creates and deletes", () => {
    expect(attributeChanges({ actions: ["create"], before: null, after: { name: "a" } })).toEqual([]);
    expect(attributeChanges({ actions: ["delete"], before: { name: "a" }, after: null })).toEqual([]);
  });
});

describe("attributeLines", () => {
  it("indents each change under its resource, marks replacements and security findings", () => {
    expect(
      attributeLines([
        { path: "name", before: '"a"', after: '"b"', forcesReplacement: true },
        {
          path: "assume_role_policy",
          before: "",
          after: "",
          forcesReplacement: false,
          policy: [{ text: "`x` (1) may now assume `developer`", security: true }],
        },
        { path: "policy", before: "", after: "", forcesReplacement: false, policy: [] },
      ]),
    ).toEqual([
      '      name: "a" → "b"  # forces replacement',
      "      assume_role_policy:",
      "        ! `x` (1) may now assume `developer`",
      "      policy: reformatted, same meaning",
    ]);
  });
});
