import { describe, expect, it } from "vitest";
import { bootstrapWorkspaceName } from "../../stacks/bootstrap-stack.js";
import { EXAMPLE_FILE, readInventory, type Synthesized, synthesizeOnce } from "./support.js";

/** Which workspaces a change of the inventory adds, removes and changes (file text compared). */
function compare(before: Synthesized, after: Synthesized) {
  const names = (s: Synthesized) => [...s.workspaces.keys()];
  return {
    added: names(after).filter((n) => !before.workspaces.has(n)),
    removed: names(before).filter((n) => !after.workspaces.has(n)),
    changed: names(after)
      .filter((n) => before.workspaces.has(n) && before.workspaces.get(n)?.text !== after.workspaces.get(n)?.text)
      .sort(),
  };
}

/** `text` with `replacement` in place of `original`, which must occur exactly once. */
function edit(text: string, original: string, replacement: string): string {
  const parts = text.split(original);
  if (parts.length !== 2) throw new Error(`expected one ${JSON.stringify(original)}, found ${parts.length - 1}`);
  return parts.join(replacement);
}

const example = readInventory(EXAMPLE_FILE);

/** A workload account with an id, a VPC in a region that already has VPCs, and access. */
const NEW_ACCOUNT = `
  prod-data-reports:
    id: "101010101010"
    env: prod
    team: data
    system: reports
    vpc: { cidr: 10.50.0.0/16, azs: 2 }
    access:
      administrator: [data-owners]
      developer: [data-devs]
    budget: { monthlyUsd: 400 }
`;

describe("blast radius of inventory changes (the example)", () => {
  const original = synthesizeOnce({ name: "accounts.yaml", text: example });
  const withAccount = synthesizeOnce({ name: "accounts.yaml + prod-data-reports", text: example + NEW_ACCOUNT });
  const withVpc = synthesizeOnce({
    name: "accounts.yaml + legacy-billing vpc",
    text: edit(
      example,
      "    email: aws-billing@example.com\n",
      "    email: aws-billing@example.com\n    vpc: { cidr: 10.60.0.0/16 }\n",
    ),
  });
  const withAccess = synthesizeOnce({
    name: "accounts.yaml, stg-payments-api access edited",
    text: edit(
      example,
      "      administrator: [payments-owners]\n      developer: [payments-devs]\n    budget: { monthlyUsd: 800 }",
      "      administrator: [payments-owners, payments-leads]\n      developer: [payments-devs]\n      operator: [sre-oncall]\n    budget: { monthlyUsd: 800 }",
    ),
  });
  const again = synthesizeOnce({ name: "accounts.yaml, again", text: example });
  const bootstrap = bootstrapWorkspaceName("acme");

  it("adds only the new account's workspace, and changes only the management workspace (and the TFC bootstrap)", () => {
    // The bootstrap workspace creates one Terraform Cloud workspace per account, so a new
    // account is one more there; no AWS workspace but management's (vending, import) moves.
    expect(compare(original(), withAccount())).toEqual({
      added: ["acme-prod-data-reports"],
      removed: [],
      changed: ["acme-management", bootstrap].sort(),
    });
  });

  it("leaves the network workspace alone when a new account's VPC is in a region that already has VPCs", () => {
    const ws = withAccount().of("prod-data-reports");
    expect(ws.regionOf(ws.single("aws_vpc"))).toBe("ap-northeast-1");
    expect(withAccount().of("network").text).toBe(original().of("network").text);
  });

  it("changes only the account's own workspace when an existing account gets a VPC in a region that has VPCs", () => {
    expect(compare(original(), withVpc())).toEqual({ added: [], removed: [], changed: ["acme-legacy-billing"] });
    expect(withVpc().of("legacy-billing").resources("aws_vpc")).toHaveLength(1);
  });

  it("changes only that account's workspace when one account's access is edited", () => {
    expect(compare(original(), withAccess())).toEqual({ added: [], removed: [], changed: ["acme-stg-payments-api"] });
    const roles = withAccess()
      .of("stg-payments-api")
      .resources("aws_iam_role")
      .map(([, r]) => r.name);
    expect(roles).toContain("operator");
  });

  it("synthesizes the same inventory to the same files, so that any difference above is the edit's", () => {
    expect(compare(original(), again())).toEqual({ added: [], removed: [], changed: [] });
  });
});
