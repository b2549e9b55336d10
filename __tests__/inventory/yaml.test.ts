import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadInventoryFile, loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";

const FIXTURES = new URL("../fixtures/inventories/", import.meta.url);

/** Loads `invalid/<name>.yaml`; returns whether it gave an organization, and its problems as printed. */
function load(name: string): { valid: boolean; lines: string[] } {
  const file = `invalid/${name}.yaml`;
  const result = loadInventoryText(file, readFileSync(new URL(file, FIXTURES), "utf8"));
  return { valid: result.organization !== undefined, lines: result.problems.map((p) => formatProblem(file, p)) };
}

/** The valid base inventory, as text to edit. */
function base(): string {
  return readFileSync(new URL("valid/base.yaml", FIXTURES), "utf8");
}

describe("YAML", () => {
  it("fails when a key is written twice in one map, at the second one", () => {
    expect(load("duplicate-keys")).toEqual({
      valid: false,
      lines: [
        "invalid/duplicate-keys.yaml:37:5  accounts.prod-payments-api.team  Map keys must be unique; allowed: each key once per map",
        "invalid/duplicate-keys.yaml:39:3  accounts.prod-payments-api  Map keys must be unique; allowed: each key once per map",
      ],
    });
  });

  it("fails when a tab indents a line, with one line that says so", () => {
    // Built here rather than kept as a file: formatters refuse to touch a file with a tab in its indentation.
    const text = base().replace("    env: dev\n    team: payments", "    env: dev\n\tteam: payments");
    expect(loadInventoryText("tab.yaml", text).problems.map((p) => formatProblem("tab.yaml", p))).toEqual([
      "tab.yaml:40:1  accounts.dev-payments-api  Tabs are not allowed as indentation; allowed: spaces for indentation, never tabs",
    ]);
  });

  it("fails when aliases would expand a billion times", () => {
    expect(load("alias-bomb")).toEqual({
      valid: false,
      lines: [
        "invalid/alias-bomb.yaml:2:1  (document)  aliases expand too far (Excessive alias count indicates a resource exhaustion attack); allowed: at most 100 alias expansions",
      ],
    });
  });

  it("accepts a few aliases", () => {
    const text = base()
      .replace("  security:\n    emails:", "  security: &channel\n    emails:")
      .replace("  payments:\n    emails: [payments-oncall@example.com]", "  payments: *channel");
    const result = loadInventoryText("base.yaml", text);
    expect(result.problems).toEqual([]);
    expect(result.organization?.inventory.notifications.payments.emails).toEqual(["secops@example.com"]);
  });

  it("fails when a map has a __proto__ key, which never reaches Object.prototype", () => {
    const before = Object.getOwnPropertyNames(Object.prototype);
    expect(load("proto-keys")).toEqual({
      valid: false,
      lines: [
        'invalid/proto-keys.yaml:3:1  __proto__  unknown key "__proto__"; allowed keys: version, organization, notifications, baseline, network, teams, accounts',
        `invalid/proto-keys.yaml:26:3  teams.__proto__  key "__proto__" is not valid; allowed: 1 to 63 lowercase letters, digits or '-', starting with a letter`,
        `invalid/proto-keys.yaml:40:3  accounts.__proto__  key "__proto__" is not valid; allowed: 2 to 63 lowercase letters, digits or '-', starting with a letter or digit`,
      ],
    });
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("fails when the file is empty", () => {
    expect(loadInventoryText("empty.yaml", "").problems.map((p) => formatProblem("empty.yaml", p))).toEqual([
      "empty.yaml:1:1  (document)  the file is empty; allowed: a map of fields",
    ]);
  });

  it("fails when the file cannot be read", () => {
    const result = loadInventoryFile("no/such/accounts.yaml");
    expect(result.problems.map((p) => formatProblem(result.file, p))).toEqual([
      "no/such/accounts.yaml:1:1  (document)  cannot read the file (ENOENT); required: a readable accounts.yaml",
    ]);
  });
});
