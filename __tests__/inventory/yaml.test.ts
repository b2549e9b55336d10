import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  it("fails when a key is written twice in one map, at the second one, naming where the first is", () => {
    expect(load("duplicate-keys")).toEqual({
      valid: false,
      lines: [
        "invalid/duplicate-keys.yaml:37:5  accounts.prod-payments-api.team  key appears twice (first at line 35, column 5); allowed: each key once per map",
        "invalid/duplicate-keys.yaml:39:3  accounts.prod-payments-api  key appears twice (first at line 32, column 3); allowed: each key once per map",
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

describe("messages a new user meets in the first hour", () => {
  const lines = (text: string) => loadInventoryText("t.yaml", text).problems.map((p) => formatProblem("t.yaml", p));

  it("fails when a file is not text, in one short line instead of its bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetfile-binary-"));
    try {
      const file = join(dir, "accounts.yaml");
      writeFileSync(
        file,
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe, ...Array(6000).fill(0x90)]),
      );
      const printed = loadInventoryFile(file).problems.map((p) => formatProblem("accounts.yaml", p));
      expect(printed).toEqual([
        "accounts.yaml:1:1  (document)  the file is not text (binary, or not UTF-8); required: a YAML text file in UTF-8",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails when a map is given where a map of another kind belongs, without saying 'a list is a list'", () => {
    expect(lines(base().replace(/^teams:\n( {2}.*\n)+/m, "teams: []\n"))).toContain(
      "t.yaml:22:8  teams  found a list; allowed: a map of named entries",
    );
  });

  it("fails when the version is quoted, saying it must be the number 1 unquoted", () => {
    expect(lines(base().replace("version: 1", 'version: "1"'))).toEqual([
      't.yaml:2:10  version  "1" is a string; allowed: the number 1, unquoted',
    ]);
  });

  it("fails when the version is missing, saying it is missing", () => {
    expect(lines(base().replace("version: 1\n", ""))).toEqual([
      't.yaml:3:1  version  "version" is missing; required: 1',
    ]);
  });

  it("fails when a key is indented less than its siblings, at the key's own column", () => {
    const text = base().replace("  homeRegion: ap-northeast-1\n", " homeRegion: ap-northeast-1\n");
    expect(lines(text)[0]).toMatch(/^t\.yaml:7:2 /);
  });

  it("fails when YAML nests deeper than any inventory needs, with a short path and no stack overflow", () => {
    for (const text of [
      `a: ${"[".repeat(20000)}${"]".repeat(20000)}\n`,
      Array.from({ length: 3000 }, (_, i) => `${"  ".repeat(i)}b:`).join("\n"),
    ]) {
      const [line, ...rest] = lines(text);
      expect(rest).toEqual([]);
      expect(line).toMatch(/nested more than 32 levels deep; allowed: at most 32 levels$/);
      expect(line.length).toBeLessThan(250);
    }
  });
});
