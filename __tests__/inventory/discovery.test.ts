import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkDiscovery, discoveryPathOf, loadDiscoveryBeside, renderDiscovery } from "../../inventory/discovery.js";
import { loadInventoryFile, loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";
import { discoveryOf, EXAMPLE_FILE, foundAccount, foundRegion, readInventory } from "../synth/support.js";

const example = loadInventoryText("accounts.yaml", readInventory(EXAMPLE_FILE)).organization;
if (!example) throw new Error("the example inventory does not validate");

const FOUND = discoveryOf(
  {
    "stg-payments-api": foundAccount("777777777777", {
      regions: {
        "us-east-1": foundRegion({
          trails: [
            {
              name: "old",
              arn: "arn:aws:cloudtrail:us-east-1:777777777777:trail/old",
              multiRegion: true,
              organization: false,
              managementEvents: true,
            },
            {
              name: "data-only",
              arn: "arn:aws:cloudtrail:us-east-1:777777777777:trail/data-only",
              multiRegion: false,
              organization: false,
              managementEvents: false,
            },
          ],
        }),
      },
    }),
    "prod-data-lake": foundAccount("123123123123"),
    "gone-account": foundAccount("456456456456"),
  },
  {
    "dev-data-lake": {
      id: "999999999999",
      error: "cannot assume arn:aws:iam::999999999999:role/OrganizationAccountAccessRole (AccessDenied)",
      fix: "create the role",
    },
  },
);

const scratch = mkdtempSync(join(tmpdir(), "fleetfile-discovery-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the discovery file", () => {
  it("sits beside the inventory", () => {
    expect(discoveryPathOf("envs/prod/accounts.yaml")).toBe("envs/prod/accounts.discovered.yaml");
    expect(discoveryPathOf("org.yml")).toBe("org.discovered.yml");
  });

  it("reads back what it wrote", () => {
    const inventory = join(scratch, "round.yaml");
    writeFileSync(discoveryPathOf(inventory), renderDiscovery(FOUND));
    expect(loadDiscoveryBeside(inventory)).toEqual({ discovery: FOUND, problems: [] });
  });

  it("is optional", () => {
    expect(loadDiscoveryBeside(join(scratch, "none.yaml"))).toEqual({ problems: [] });
  });

  it("fails when it is malformed, naming its file, line and column and the field", () => {
    const inventory = join(scratch, "bad.yaml");
    const path = discoveryPathOf(inventory);
    writeFileSync(path, "version: 1\ndiscoveredAt: now\naccounts:\n  a:\n    id: 12\n");
    const { problems } = loadDiscoveryBeside(inventory);
    expect(problems.map((p) => [p.severity, p.found])).toEqual([
      ["error", expect.stringMatching(new RegExp(`^${path}:5:9  accounts.a.id: `))],
    ]);
  });

  it("is checked against the inventory: a wrong id is an error, the rest warnings with their fix", () => {
    const problems = checkDiscovery(example, FOUND, "accounts.discovered.yaml").map((p) =>
      [p.severity, p.path.join("."), p.found].join(" "),
    );
    expect(problems).toEqual([
      'error accounts.prod-data-lake.id accounts.discovered.yaml found account "prod-data-lake" as 123123123123, the inventory says 888888888888',
      'warning accounts accounts.discovered.yaml lists account "gone-account", which the inventory has not',
      "warning accounts.dev-data-lake accounts.discovered.yaml: cannot assume arn:aws:iam::999999999999:role/OrganizationAccountAccessRole (AccessDenied); its plans will fail",
      "warning accounts.stg-payments-api trail old (us-east-1) already records management events, and is left as it is; the baseline trail adds a second copy, charged at $2.00 per 100,000 management events",
    ]);
  });

  it("is read with the inventory file, its problems positioned in the inventory", () => {
    const inventory = join(scratch, "accounts.yaml");
    writeFileSync(inventory, readInventory(EXAMPLE_FILE));
    writeFileSync(discoveryPathOf(inventory), renderDiscovery(FOUND));
    const result = loadInventoryFile(inventory);
    expect(result.organization).toBeUndefined();
    expect(result.problems.map((p) => formatProblem("accounts.yaml", p))[0]).toMatch(
      /^accounts.yaml:\d+:\d+ {2}accounts.prod-data-lake.id {2}accounts.discovered.yaml found account "prod-data-lake" as 123123123123/,
    );
  });
});
