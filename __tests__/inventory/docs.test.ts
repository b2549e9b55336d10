import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TABLE_END, TABLE_START, withFieldTable } from "../../cli/schema.js";
import { inventoryJsonSchemaText } from "../../inventory/json-schema.js";
import { loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("files generated from the inventory schema (npm run schema)", () => {
  it("accounts.schema.json is current", () => {
    expect(read("accounts.schema.json"), "run npm run schema").toBe(inventoryJsonSchemaText());
  });

  it("the field table of docs/inventory.md is current", () => {
    const docs = read("docs/inventory.md");
    expect(docs, "run npm run schema").toBe(withFieldTable(docs));
  });

  it("fails when the field table is stale", () => {
    const docs = withFieldTable(read("docs/inventory.md"));
    const stale = docs.replace("| `organization.homeRegion` ", "| `organization.homeregion` ");
    expect(stale).not.toBe(docs);
    expect(withFieldTable(stale)).toBe(docs);
  });

  it("fails when docs/inventory.md lacks the markers", () => {
    expect(() => withFieldTable("# no table here\n")).toThrow(`${TABLE_START} ... ${TABLE_END}`);
  });
});

describe("the worked example of docs/inventory.md", () => {
  const docs = read("docs/inventory.md");
  const example = /```yaml\n([\s\S]*?)```/.exec(docs)?.[1] ?? "";
  /** What validate prints for the example with `edits` applied, as if it were accounts.yaml. */
  const lines = (...edits: [string, string][]) => {
    const text = edits.reduce((current, [from, to]) => {
      expect(current).toContain(from);
      return current.replace(from, to);
    }, example);
    return loadInventoryText("accounts.yaml", text).problems.map((p) => formatProblem("accounts.yaml", p));
  };

  it("is valid, and gives the names, emails and workspaces its table shows", () => {
    const result = loadInventoryText("accounts.yaml", example);
    expect(result.problems).toEqual([]);
    const rows = docs
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) =>
        line
          .split("|")
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    for (const a of result.organization?.accounts ?? []) {
      const workspace = a.id ? a.workspace : "(none yet)";
      expect(rows).toContainEqual([`\`${a.key}\``, workspace, a.name, a.email, a.id ?? "pending"]);
    }
  });

  it("fails with the very lines the docs show", () => {
    const broken = lines(
      ["    team: shop\n    regions", "    team: shopp\n    regions"],
      ["cidr: 10.10.0.0/16", "cidr: 10.10.0.0/15"],
      ["  dev-shop:\n", '  dev-shop:\n    id: "555555555555"\n'],
    );
    const misspelled = lines(["    regions: [eu-west-1]", "    regoins: [eu-west-1]"]);
    expect(broken).toHaveLength(3);
    expect(misspelled).toHaveLength(1);
    for (const line of [...broken, ...misspelled]) expect(docs).toContain(line);
  });
});
