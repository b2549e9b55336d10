import { describe, expect, it } from "vitest";
import {
  FromOrganizationError,
  inventoryFromOrganization,
  type LiveAccount,
  type LiveOrganization,
} from "../../inventory/from-organization.js";
import { loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";

const ROOT = "r-ab12";

function account(
  id: string,
  name: string,
  parentId: string,
  tags: Record<string, string> = {},
  more: Partial<LiveAccount> = {},
): LiveAccount {
  return {
    id,
    name,
    email: `aws-${id}@legacy.example`,
    status: "ACTIVE",
    joinedMethod: "CREATED",
    parentId,
    tags,
    ...more,
  };
}

const LIVE: LiveOrganization = {
  managementAccountId: "111111111111",
  rootId: ROOT,
  units: [
    { id: "ou-ab12-11111111", name: "Workloads", parentId: ROOT },
    { id: "ou-ab12-22222222", name: "Prod", parentId: "ou-ab12-11111111" },
    { id: "ou-ab12-33333333", name: "Shared Services", parentId: ROOT },
  ],
  accounts: [
    account("111111111111", "Acme Master", ROOT),
    account("222222222222", "Log Archive", "ou-ab12-33333333", { team: "platform", environment: "prod" }),
    account("333333333333", "Security Audit", "ou-ab12-33333333", { team: "platform", environment: "prod" }),
    account(
      "444444444444",
      "Payments Prod",
      "ou-ab12-22222222",
      { team: "Payments", environment: "prod" },
      { joinedMethod: "INVITED" },
    ),
    account("555555555555", "Payments Prod", "ou-ab12-22222222"),
    account("666666666666", "Closed in 2019", ROOT, {}, { status: "SUSPENDED" }),
  ],
  policies: [
    { targetId: ROOT, policyId: "p-FullAWSAccess", policyName: "FullAWSAccess" },
    { targetId: "ou-ab12-22222222", policyId: "p-abcd1234", policyName: "DenyS3Public" },
  ],
};

const written = inventoryFromOrganization(LIVE, { name: "acme", homeRegion: "eu-west-1" });
const loaded = loadInventoryText("accounts.yaml", written.text);

describe("a starting inventory from the live organization", () => {
  it("validates: warnings only", () => {
    const errors = loaded.problems.filter((p) => p.severity === "error").map((p) => formatProblem("accounts.yaml", p));
    expect(errors).toEqual([]);
    expect(loaded.organization).toBeDefined();
  });

  it("keeps every unit by path with its id, and its own name where the path cannot hold it", () => {
    expect(loaded.organization?.inventory.organization.units).toEqual({
      Shared_Services: { id: "ou-ab12-33333333", name: "Shared Services" },
      Workloads: { id: "ou-ab12-11111111" },
      "Workloads/Prod": { id: "ou-ab12-22222222" },
    });
  });

  it("writes every active account with its id, type, tags, unit, name and email; closed ones are left out and noted", () => {
    const rows = loaded.organization?.accounts.map((a) => [a.key, a.id, a.type, a.env, a.team, a.unit, a.name]);
    expect(rows).toEqual([
      ["acme-master", "111111111111", "management", "unassigned", "unassigned", undefined, "Acme Master"],
      ["log-archive", "222222222222", "log-archive", "prod", "platform", "Shared_Services", "Log Archive"],
      ["security-audit", "333333333333", "audit", "prod", "platform", "Shared_Services", "Security Audit"],
      ["payments-prod", "444444444444", "workload", "prod", "payments", "Workloads/Prod", "Payments Prod"],
      ["payments-prod-2", "555555555555", "workload", "unassigned", "unassigned", "Workloads/Prod", "Payments Prod"],
    ]);
    expect(written.notes).toContain("account 666666666666 (Closed in 2019) is SUSPENDED: left out");
  });

  it("marks in the file what the tags did not say, and the invited account", () => {
    expect(written.text).toMatch(
      /payments-prod-2:\n(.*\n){1} {4}env: unassigned # fill in: no "environment" tag\n {4}team: unassigned # fill in: no "team" tag/,
    );
    expect(written.text).toMatch(/# Invited into the organization: it may lack the execution role/);
    expect(written.text).toMatch(/# {3}Workloads\/Prod: DenyS3Public \(p-abcd1234\)/);
    expect(written.text).not.toMatch(/FullAWSAccess/);
  });

  it("lets the validator warn about names off the convention, and two accounts sharing a name", () => {
    const warnings = loaded.problems.map((p) => formatProblem("accounts.yaml", p));
    expect(warnings.filter((w) => /explicit name/.test(w))).toHaveLength(5);
    expect(warnings.join("\n")).toMatch(
      /payments-prod-2.name {2}warning: name "Payments Prod" is also the name of accounts.payments-prod/,
    );
  });

  it("takes team and environment from the tags it is told, in any case", () => {
    const other = inventoryFromOrganization(
      { ...LIVE, accounts: LIVE.accounts.map((a) => ({ ...a, tags: { Owner: "web", STAGE: "dev" } })) },
      { name: "acme", homeRegion: "eu-west-1", teamTag: "Owner", envTag: "stage" },
    );
    const org = loadInventoryText("other.yaml", other.text).organization;
    expect(new Set(org?.accounts.map((a) => `${a.team}/${a.env}`))).toEqual(new Set(["web/dev"]));
  });

  it("fails when no account can be told to be the log archive, saying how to mark it", () => {
    const without = { ...LIVE, accounts: LIVE.accounts.filter((a) => a.name !== "Log Archive") };
    expect(() => inventoryFromOrganization(without, { name: "acme", homeRegion: "eu-west-1" })).toThrow(
      new FromOrganizationError(
        "no account is the log-archive account; tag it with fleetfile:type=log-archive, or create one first (docs/adopting.md)",
      ),
    );
  });

  it("fails when two accounts could be the audit account, naming both", () => {
    const two = { ...LIVE, accounts: [...LIVE.accounts, account("777777777777", "Audit Old", ROOT)] };
    expect(() => inventoryFromOrganization(two, { name: "acme", homeRegion: "eu-west-1" })).toThrow(
      /2 accounts could be the audit account \(Security Audit, Audit Old\); tag the one with fleetfile:type=audit/,
    );
  });
});
