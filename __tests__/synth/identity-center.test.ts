import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";
import { type Block, EXAMPLE_FILE, fixtureFile, readInventory, ref, synthesizeEachOnce } from "./support.js";

const IC = fixtureFile("identity-center");

/** The Identity Center fixture with one more group given `developer` in stg-payments-api. */
function withOneMoreGroup(): string {
  const doc = parseDocument(readInventory(IC));
  doc.setIn(["accounts", "stg-payments-api", "groups", "developer"], ["payments-devs", "Contractors"]);
  return doc.toString();
}

/** The Identity Center fixture during a switch: every account's `access` of the example kept beside its `groups`. */
function duringSwitch(): string {
  const doc = parseDocument(readInventory(IC));
  const example = parseDocument(readInventory(EXAMPLE_FILE));
  for (const key of Object.keys((example.toJS() as { accounts: object }).accounts)) {
    const access = example.getIn(["accounts", key, "access"]);
    if (access) doc.setIn(["accounts", key, "access"], access);
  }
  return doc.toString();
}

/** The Identity Center fixture with its instance in a region the organization does not govern. */
function inEuWest1(): string {
  const doc = parseDocument(readInventory(IC));
  doc.setIn(["organization", "identityCenter", "region"], "eu-west-1");
  return doc.toString();
}

const synths = synthesizeEachOnce({
  ic: { file: IC },
  both: { name: "identity-center.yaml during the switch (access kept)", text: duringSwitch() },
  more: { name: "identity-center.yaml with one group added", text: withOneMoreGroup() },
  example: { file: EXAMPLE_FILE },
  elsewhere: { name: "identity-center.yaml with its instance in eu-west-1", text: inEuWest1() },
});

/** The assignments' for_each map of a synth's management workspace. */
function assignments(name: "ic" | "more"): Record<string, Block> {
  return synths[name]().of("management").resource("aws_ssoadmin_account_assignment", "assignments").for_each as Record<
    string,
    Block
  >;
}

describe("sign-in through IAM Identity Center", () => {
  it("makes one permission set per role in use, with the session duration and the role's AWS managed policy", () => {
    const ws = synths.ic().of("management");
    const sets = ws.resources("aws_ssoadmin_permission_set").map(([, p]) => [p.name, p.session_duration]);
    expect(sets.sort()).toEqual([
      ["administrator", "PT4H"],
      ["content", "PT4H"],
      ["developer", "PT4H"],
      ["operator", "PT4H"],
    ]);
    expect(
      ws
        .resources("aws_ssoadmin_managed_policy_attachment")
        .map(([, a]) => String(a.managed_policy_arn).split("/").at(-1))
        .sort(),
    ).toEqual(["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"]);
    const [[, boundary]] = ws.resources("aws_ssoadmin_permissions_boundary_attachment");
    expect(boundary.permissions_boundary).toEqual({
      customer_managed_policy_reference: { name: "acme-developer-boundary" },
    });
  });

  it("assigns each group its permission set in each account, keyed by account, role and group", () => {
    const map = assignments("ic");
    expect(map["prod-payments-api/operator/SRE On-call"]).toEqual({
      account: "666666666666",
      group: "SRE On-call",
      permission_set: ref("aws_ssoadmin_permission_set", "identity-center_operator", "arn"),
    });
    expect(Object.keys(map)).toHaveLength(9);
    const ws = synths.ic().of("management");
    const assignment = ws.resource("aws_ssoadmin_account_assignment", "assignments");
    expect(assignment.principal_id).toBe(`\${data.aws_identitystore_group.groups[each.value.group].group_id}`);
    const groups = ws.dataSources("aws_identitystore_group")[0][1];
    expect(Object.keys(groups.for_each as object)).toContain("Payments Owners");
    expect(groups.alternate_identifier).toEqual({
      unique_attribute: { attribute_path: "DisplayName", attribute_value: `\${each.value}` },
    });
  });

  it("adds exactly one assignment when one group is added to one account, and touches no other", () => {
    const before = assignments("ic");
    const after = assignments("more");
    const added = Object.keys(after).filter((k) => !(k in before));
    expect(added).toEqual(["stg-payments-api/developer/Contractors"]);
    for (const [key, value] of Object.entries(before)) expect(after[key], key).toEqual(value);
  });

  it("gives the accounts no IAM roles of the four, and keeps the developer boundary where IAM roles keep it", () => {
    const ic = synths.ic();
    const example = synths.example();
    for (const account of ic.accountsWithWorkspace) {
      const names = ic
        .of(account.key)
        .resources("aws_iam_role")
        .map(([, r]) => r.name);
      expect(
        names.filter((n) => ["administrator", "developer", "operator", "content"].includes(n as string)),
        account.key,
      ).toEqual([]);
      const boundary = (s: typeof ic) =>
        s
          .of(account.key)
          .resources("aws_iam_policy")
          .filter(([, p]) => p.name === "acme-developer-boundary")
          .map(([n]) => n);
      // The same address in both modes: switching from access to groups keeps the policy in place.
      expect(boundary(ic), account.key).toEqual(boundary(example));
    }
  });

  it("ends a switch from IAM roles by removing access: the four roles and their policies go, nothing else", () => {
    const both = synths.both();
    const ic = synths.ic();
    const fourRoles = new Set(["administrator", "developer", "operator", "content"]);
    for (const account of ic.accountsWithWorkspace.filter((a) => a.type !== "management")) {
      const addresses = (s: typeof ic) => {
        const ws = s.of(account.key);
        return ws.resourceTypes().flatMap((type) => ws.resources(type).map(([name]) => `${type}.${name}`));
      };
      const before = addresses(both);
      const after = new Set(addresses(ic));
      expect(
        addresses(ic).filter((a) => !before.includes(a)),
        account.key,
      ).toEqual([]);
      const removed = before.filter((a) => !after.has(a));
      if (account.key === "prod-payments-api") expect(removed.length).toBeGreaterThanOrEqual(8);
      const ws = both.of(account.key);
      for (const address of removed) {
        const [type, name] = address.split(".");
        const block = ws.resource(type, name);
        const role = String(type === "aws_iam_role" ? block.name : (block.role ?? ""));
        expect(
          ["aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment"].includes(type) &&
            [...fourRoles].some((r) => role === r || role.includes(`.access_${r}`)),
          `${account.key}: ${address}`,
        ).toBe(true);
      }
    }
  });

  it("reads and writes Identity Center in the home region, or in identityCenter.region when it is set", () => {
    const providers = (name: "ic" | "elsewhere") => {
      const ws = synths[name]().of("management");
      const blocks = [
        ...ws.resources("aws_ssoadmin_permission_set"),
        ...ws.resources("aws_ssoadmin_account_assignment"),
        ...ws.dataSources("aws_ssoadmin_instances"),
        ...ws.dataSources("aws_identitystore_group"),
      ];
      return [...new Set(blocks.map(([, b]) => b.provider ?? "aws"))];
    };
    expect(providers("ic")).toEqual(["aws"]);
    expect(providers("elsewhere")).toEqual(["aws.eu-west-1"]);
    expect(synths.elsewhere().of("management").providers()).toContainEqual(
      expect.objectContaining({ alias: "eu-west-1", region: "eu-west-1" }),
    );
  });

  it("fails when an account lists groups without organization.identityCenter, saying what to set", () => {
    const doc = parseDocument(readInventory(EXAMPLE_FILE));
    doc.setIn(["accounts", "dev-data-lake", "groups"], { developer: ["data-devs"] });
    const result = loadInventoryText("accounts.yaml", doc.toString());
    expect(result.problems.filter((p) => p.severity === "error").map((p) => formatProblem("accounts.yaml", p))).toEqual(
      [
        expect.stringMatching(
          /^accounts\.yaml:\d+:\d+ {2}accounts\.dev-data-lake\.groups {2}groups are set, but organization\.identityCenter is not; set organization\.identityCenter/,
        ),
      ],
    );
  });
});
