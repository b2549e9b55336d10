import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";
import { PermissionModel } from "./simulate.js";
import {
  type Block,
  EXAMPLE_FILE,
  fixtureFile,
  readInventory,
  ref,
  synthesizeEachOnce,
  type Workspace,
} from "./support.js";

const UNITS = fixtureFile("units");

/** The units fixture with `change` made to it, as a person would edit it. */
function edited(change: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(readInventory(UNITS));
  change(doc);
  return doc.toString();
}

const synths = synthesizeEachOnce({
  units: { file: UNITS },
  moved: {
    name: "units.yaml with prod-payments-api moved to Workloads/NonProd",
    text: edited((doc) => doc.setIn(["accounts", "prod-payments-api", "unit"], "Workloads/NonProd")),
  },
});

/** The management workspace of a synth. */
function management(name: "units" | "moved"): Workspace {
  return synths[name]().of("management");
}

/** Reference to the unit at `path`, as the management workspace writes it. */
function unitRef(path: string): string {
  return ref("aws_organizations_organizational_unit", `units_${path.split("/").join("--")}`, "id");
}

const ROOT = ref("data.aws_organizations_organization", "organization", "roots[0].id");

/** Each account's parent in the management workspace's account map, by key. */
function parents(ws: Workspace): Record<string, unknown> {
  const forEach = ws.single("aws_organizations_account").for_each as Record<string, Block>;
  return Object.fromEntries(Object.entries(forEach).map(([key, value]) => [key, value.parent]));
}

describe("organizational units (organization.units)", () => {
  it("creates each unit under its parent, and the retired unit once an account is retired", () => {
    const units = Object.fromEntries(
      management("units")
        .resources("aws_organizations_organizational_unit")
        .map(([, u]) => [(u.tags as Record<string, string>)["fleetfile:unit"], [u.name, u.parent_id]]),
    );
    expect(units).toEqual({
      Core: ["Core", ROOT],
      Sandbox: ["Sandbox", ROOT],
      Suspended: ["Suspended", ROOT],
      Workloads: ["Workloads", ROOT],
      "Workloads/NonProd": ["NonProd", unitRef("Workloads")],
      "Workloads/Prod": ["Prod", unitRef("Workloads")],
    });
  });

  it("places each account: by its own unit, else its environment's; the retired one in Suspended", () => {
    expect(parents(management("units"))).toEqual({
      "log-archive": unitRef("Core"),
      audit: unitRef("Core"),
      network: unitRef("Core"),
      identity: unitRef("Core"),
      "prod-payments-api": unitRef("Workloads/Prod"),
      "stg-payments-api": unitRef("Workloads/NonProd"),
      "dev-payments-api": unitRef("Workloads/NonProd"),
      "prod-data-lake": unitRef("Workloads/Prod"),
      "dev-data-lake": unitRef("Workloads/NonProd"),
      "legacy-billing": unitRef("Suspended"),
    });
  });

  it("leaves every account where it is when the inventory lists no units", () => {
    const s = synths.units();
    expect(s.organization.accounts.filter((a) => a.unit === undefined).map((a) => a.key)).toEqual(["management"]);
    const plain = loadInventoryText("accounts.yaml", readInventory(EXAMPLE_FILE)).organization;
    expect(plain?.accounts.every((a) => a.unit === undefined)).toBe(true);
  });

  it("moves an account by changing its parent alone: same address, nothing else different", () => {
    const before = management("units");
    const after = management("moved");
    expect(parents(after)["prod-payments-api"]).toBe(unitRef("Workloads/NonProd"));
    const without = (ws: Workspace) => {
      const json = structuredClone(ws.json) as Block;
      const forEach = ((json.resource as Block).aws_organizations_account as Block).accounts as Block;
      delete (forEach.for_each as Record<string, Block>)["prod-payments-api"].parent;
      return json;
    };
    expect(without(after)).toEqual(without(before));
    // The account's own workspace does not change either.
    expect(synths.moved().of("prod-payments-api").json).toEqual(synths.units().of("prod-payments-api").json);
  });

  it("keeps a retired account's workspace, its baseline and state where they were", () => {
    const s = synths.units();
    const retired = s.of("legacy-billing");
    expect(retired.resources("aws_cloudtrail").length).toBeGreaterThan(0);
    expect(retired.name).toBe("acme-legacy-billing");
  });

  it("attaches each unit's own guardrails to it, and keeps the root's at the root", () => {
    const ws = management("units");
    const attachments = ws.resources("aws_organizations_policy_attachment").map(([, a]) => [a.policy_id, a.target_id]);
    expect(attachments).toContainEqual([
      ref("aws_organizations_policy", "units_Sandbox-guardrails", "id"),
      unitRef("Sandbox"),
    ]);
    expect(attachments).toContainEqual([
      ref("aws_organizations_policy", "units_Suspended-guardrails", "id"),
      unitRef("Suspended"),
    ]);
    expect(attachments).toContainEqual([ref("aws_organizations_policy", "guardrails_protect-baseline", "id"), ROOT]);
    expect(ws.resources("aws_organizations_organizational_unit").length).toBe(6);
    // Units that add nothing get no policy.
    expect(ws.resources("aws_organizations_policy").map(([name]) => name)).not.toContain("units_Core-guardrails");
  });
});

describe("the guardrails of units, as iam-simulate decides", () => {
  it("deny a retired account everything, to its administrator too, and leave its execution role its baseline", async () => {
    const model = new PermissionModel(synths.units());
    const key = "legacy-billing";
    const administrator = model.role(key, "administrator");
    expect(await model.decide(administrator, { action: "ec2:DescribeInstances", resource: "*" })).toBe(
      "ExplicitlyDenied",
    );
    expect(await model.decide(administrator, { action: "s3:ListAllMyBuckets", resource: "*" })).toBe(
      "ExplicitlyDenied",
    );
    const exec = model.executionRole(key);
    expect(await model.decide(exec, { action: "cloudtrail:StopLogging", resource: model.arn(key, "trail") })).toBe(
      "Allowed",
    );
  });

  it("still deny what the root denies inside a unit: a unit adds, never lifts", async () => {
    const model = new PermissionModel(synths.units());
    const key = "prod-payments-api";
    const administrator = model.role(key, "administrator");
    expect(
      await model.decide(administrator, { action: "cloudtrail:StopLogging", resource: model.arn(key, "trail") }),
    ).toBe("ExplicitlyDenied");
    expect(await model.decide(administrator, { action: "ec2:DescribeInstances", resource: "*" })).toBe("Allowed");
  });
});

describe("validation of units", () => {
  /** The problems of the units fixture after `change`, as the validator prints them. */
  function problems(change: (doc: ReturnType<typeof parseDocument>) => void): string[] {
    const { file, problems } = loadInventoryText("units.yaml", edited(change));
    return problems
      .filter((p) => p.severity === "error")
      .map((p) => formatProblem(file, p).replace(/^units\.yaml:\d+:\d+ {2}/, ""));
  }

  it("fails when a unit lifts a guardrail the root has on, and says a unit only adds", () => {
    expect(
      problems((doc) => doc.setIn(["organization", "units", "Sandbox", "guardrails", "protectBaseline"], false)),
    ).toEqual([
      "organization.units.Sandbox.guardrails.protectBaseline  protectBaseline is false, lifting the root's guardrail; allowed: true, or leave it out: a unit adds guardrails to the root's, never lifts them",
    ]);
  });

  it("fails when a unit's parent is not listed, or an account names a unit that is not", () => {
    expect(
      problems((doc) => {
        doc.setIn(["organization", "units", "Labs/Red"], {});
        doc.setIn(["accounts", "dev-data-lake", "unit"], "Labs");
      }),
    ).toEqual([
      'organization.units.Labs/Red  its parent unit "Labs" is not listed; add "Labs" to organization.units',
      'accounts.dev-data-lake.unit  unit "Labs" is not listed under organization.units; allowed: Core, Workloads, Workloads/Prod, Workloads/NonProd, Sandbox, Labs/Red',
    ]);
  });

  it("fails when a unit widens its parent's regions, or holds an account that governs a region it inherits a denial of", () => {
    expect(
      problems((doc) => {
        doc.setIn(["organization", "units", "Workloads", "guardrails"], { regions: ["ap-northeast-1"] });
      }),
    ).toEqual([
      "organization.units.Workloads/NonProd.guardrails.regions[1]  region us-east-1 is outside what unit Workloads allows; allowed: ap-northeast-1 (a unit narrows its parent's regions, never widens them)",
      // Workloads/NonProd's accounts are not named again: its own regions are the error.
      "accounts.prod-data-lake.regions  governs us-east-1, which unit Workloads/Prod denies; allowed: ap-northeast-1, or place the account in another unit",
    ]);
  });

  it("fails when a core account is retired, or a pending one, or the management account is given a unit", () => {
    expect(
      problems((doc) => {
        doc.setIn(["accounts", "audit", "retired"], true);
        doc.setIn(["accounts", "dev-payments-api", "retired"], true);
        doc.setIn(["accounts", "management", "unit"], "Core");
      }),
    ).toEqual([
      "accounts.management.unit  the management account has a unit; leave it out: the management account stays at the root",
      "accounts.audit.retired  audit cannot be retired: the organization depends on it; retire workload accounts only",
      "accounts.dev-payments-api.retired  a pending account has nothing to retire; delete it from the inventory instead: it was never created",
    ]);
  });
});
