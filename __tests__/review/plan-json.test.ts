import { describe, expect, it } from "vitest";
import { actionOf, type ResourceChangeJson, resourceChanges } from "../../review/plan-json.js";

/** One entry of `resource_changes` as `terraform show -json` writes it. */
function change(
  address: string,
  actions: string[],
  extra: { mode?: "managed" | "data"; importing?: { id?: string } } = {},
): ResourceChangeJson {
  const [type, name] = address.replace(/^data\./, "").split(".");
  return {
    address,
    mode: extra.mode ?? "managed",
    type,
    name,
    change: { actions, ...(extra.importing ? { importing: extra.importing } : {}) },
  };
}

describe("actionOf", () => {
  it.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["forget"], "forget"],
    [["read"], "read"],
    [["no-op"], "no-op"],
  ])("reads %j as %s", (actions, action) => {
    expect(actionOf(change("aws_iam_role.access_developer", actions))).toBe(action);
  });

  it("reads an import without changes as an import", () => {
    expect(actionOf(change("aws_iam_role.access_developer", ["no-op"], { importing: { id: "x" } }))).toBe("import");
  });

  it("reads an import that also updates as an update", () => {
    expect(actionOf(change("aws_iam_role.access_developer", ["update"], { importing: { id: "x" } }))).toBe("update");
  });
});

describe("resourceChanges", () => {
  it("keeps managed resources that change, in plan order, and drops no-ops and data sources", () => {
    const changes = resourceChanges({
      format_version: "1.2",
      resource_changes: [
        change("aws_iam_role.access_operator", ["update"]),
        change("aws_vpc.vpc", ["no-op"]),
        change("data.aws_organizations_organization.organization", ["read"], { mode: "data" }),
        change("aws_iam_role.access_developer", ["delete", "create"]),
      ],
    });
    expect(changes).toEqual([
      { address: "aws_iam_role.access_operator", type: "aws_iam_role", action: "update", importing: false },
      { address: "aws_iam_role.access_developer", type: "aws_iam_role", action: "replace", importing: false },
    ]);
  });

  it("says which changes import the resource, whatever else they do", () => {
    const changes = resourceChanges({
      format_version: "1.2",
      resource_changes: [
        change("aws_organizations_account.accounts", ["update"], { importing: { id: "101010101010" } }),
        change("aws_kms_key.log-archive_key", ["no-op"], { importing: { id: "k-1" } }),
        change("aws_iam_role.access_operator", ["update"]),
      ],
    });
    expect(changes.map((c) => [c.address, c.action, c.importing])).toEqual([
      ["aws_organizations_account.accounts", "update", true],
      ["aws_kms_key.log-archive_key", "import", true],
      ["aws_iam_role.access_operator", "update", false],
    ]);
  });

  it("reads a plan without resource_changes (nothing configured) as no change", () => {
    expect(resourceChanges({ format_version: "1.2" })).toEqual([]);
  });

  // Terraform ≥ 1.7 plans ["forget"] for a resource that a `removed` block takes out of the
  // state without destroying it.
  it("keeps a resource that leaves the state without being destroyed (forget)", () => {
    const changes = resourceChanges({
      format_version: "1.2",
      resource_changes: [change("aws_iam_role.access_operator", ["forget"])],
    });
    expect(changes).toEqual([
      { address: "aws_iam_role.access_operator", type: "aws_iam_role", action: "forget", importing: false },
    ]);
  });
});
