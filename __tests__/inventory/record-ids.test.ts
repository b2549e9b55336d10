import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadInventoryText } from "../../inventory/load.js";
import { recordAccountIds } from "../../inventory/record-ids.js";

const EXAMPLE = readFileSync(new URL("../../accounts.yaml", import.meta.url), "utf8");

/** The lines of `after` that `before` lacks, and whether every line of `before` is still there in order. */
function added(before: string, after: string): string[] {
  const old = before.split("\n");
  const lines = after.split("\n");
  const extra: string[] = [];
  let i = 0;
  for (const line of lines) {
    if (line === old[i]) i += 1;
    else extra.push(line);
  }
  expect(i, "every line of the inventory is kept, in order").toBe(old.length);
  return extra;
}

describe("recordAccountIds", () => {
  it("gives a pending account its id as its first field, quoted, and changes no other line", () => {
    const result = recordAccountIds(EXAMPLE, { "dev-payments-api": "012345678901" });
    expect(result.recorded).toEqual(["dev-payments-api"]);
    expect(added(EXAMPLE, result.text)).toEqual(['    id: "012345678901"']);
    const { organization } = loadInventoryText("accounts.yaml", result.text);
    expect(organization?.byKey.get("dev-payments-api")?.id).toBe("012345678901");
  });

  it("keeps a comment above the account's fields, the id going below it", () => {
    const text = "accounts:\n  app:\n    # vended soon\n    env: dev\n    team: web\n";
    expect(recordAccountIds(text, { app: "012345678901" }).text).toBe(
      'accounts:\n  app:\n    # vended soon\n    id: "012345678901"\n    env: dev\n    team: web\n',
    );
  });

  it("writes into a flow map in its own style", () => {
    const text = "accounts:\n  app: { env: dev, team: web } # one line\n";
    expect(recordAccountIds(text, { app: "012345678901" }).text).toBe(
      'accounts:\n  app: { id: "012345678901", env: dev, team: web } # one line\n',
    );
  });

  it("leaves an account with the same id alone, and reports one whose id differs without touching it", () => {
    const result = recordAccountIds(EXAMPLE, { management: "111111111111", audit: "999999999999" });
    expect(result.text).toBe(EXAMPLE);
    expect(result.recorded).toEqual([]);
    expect(result.conflicts).toEqual([{ key: "audit", inventory: "333333333333", aws: "999999999999" }]);
  });

  it("ignores keys the inventory does not have", () => {
    expect(recordAccountIds(EXAMPLE, { "closed-long-ago": "012345678901" })).toEqual({
      text: EXAMPLE,
      recorded: [],
      conflicts: [],
    });
  });
});
