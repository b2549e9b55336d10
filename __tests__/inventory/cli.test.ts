import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { synthCommand } from "../../cli/synth.js";
import { validateCommand } from "../../cli/validate.js";
import { loadInventoryFile } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";
import { writeMark } from "../../review/output-folder.js";
import { captureCommandOutput } from "../cli/support.js";
import { snapshot } from "../files.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "__tests__/fixtures/inventories");
const EXAMPLE = join(ROOT, "accounts.yaml");
const BASE = join(FIXTURES, "valid/base.yaml");
const BROKEN = join(FIXTURES, "invalid/many-meaning-errors.yaml");

let scratch: string;
let printed: string[];

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "fleetfile-cli-"));
  printed = captureCommandOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(scratch, { recursive: true, force: true });
});

/** Folder names under DIR/stacks. */
function stacks(outdir: string): string[] {
  return readdirSync(join(outdir, "stacks")).sort();
}

/**
 * Terraform addresses of a synth output: each stack folder, and each `<type>.<name>` of
 * the `resource` blocks of its cdk.tf.json. Generic, so that new resources are covered too.
 */
function addresses(outdir: string): string[] {
  return stacks(outdir).flatMap((stack) => {
    const config = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    const resources = Object.entries(config.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${stack}: ${type}.${name}`),
    );
    return [stack, ...resources.sort()];
  });
}

/** `accounts.yaml` of a test, written into the scratch folder. */
function inventoryFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe("validate", () => {
  it("exits 0 on the example inventory, printing its two warnings", () => {
    const run = spawnSync("npx", ["tsx", "main.ts", "validate", "--inventory", "accounts.yaml"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("accounts.yaml: valid; 11 accounts, 1 pending\n");
    expect(run.stderr).toContain("accounts.yaml: 0 errors, 2 warnings\n");
  });

  it("fails when the inventory has errors: exit 1 and one line per error", () => {
    const file = relative(ROOT, BROKEN);
    const run = spawnSync("npx", ["tsx", "main.ts", "validate", "--inventory", file], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      ...loadInventoryFile(file).problems.map((p) => formatProblem(file, p)),
      `${file}: 4 errors, 0 warnings`,
    ]);
  });

  it("prints GitHub annotations with --format github", async () => {
    expect(await validateCommand(["--inventory", BROKEN, "--format", "github"])).toBe(1);
    expect(printed.filter((line) => line.startsWith("::error file="))).toHaveLength(4);
  });

  it("fails when --format is neither text nor github", async () => {
    await expect(async () => validateCommand(["--inventory", BROKEN, "--format", "json"])).rejects.toThrow(
      "--format json: allowed text or github",
    );
  });
});

describe("synth", () => {
  it("writes one folder per account with an id, and none for the pending account", async () => {
    const out = join(scratch, "out");
    expect(await synthCommand(["--inventory", EXAMPLE, "--out", out])).toBe(0);
    const folders = stacks(out);
    const withId = [
      "management",
      "log-archive",
      "audit",
      "network",
      "identity",
      "prod-payments-api",
      "stg-payments-api",
      "prod-data-lake",
      "dev-data-lake",
      "legacy-billing",
    ];
    expect(folders).toEqual(expect.arrayContaining(withId.map((key) => `acme-${key}`)));
    expect(folders).not.toContain("acme-dev-payments-api");
    for (const key of withId) expect(existsSync(join(out, "stacks", `acme-${key}`, "cdk.tf.json"))).toBe(true);
    expect(printed).toContain("pending, vended by the management workspace: dev-payments-api");
  });

  it("fails when the inventory has errors, leaving an existing output folder byte for byte as it was", async () => {
    const out = join(scratch, "out");
    expect(await synthCommand(["--inventory", BASE, "--out", out])).toBe(0);
    const before = snapshot(out);

    expect(await synthCommand(["--inventory", BROKEN, "--out", out])).toBe(1);

    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(scratch)).toEqual(["out"]);
    expect(printed.at(-1)).toBe(`nothing written to ${out}`);
  });

  it("fails when the inventory has errors, creating nothing when the output folder did not exist", async () => {
    const out = join(scratch, "out");
    expect(await synthCommand(["--inventory", BROKEN, "--out", out])).toBe(1);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it("fails when the inventory cannot be read, creating nothing", async () => {
    const out = join(scratch, "out");
    expect(await synthCommand(["--inventory", join(scratch, "missing.yaml"), "--out", out])).toBe(1);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it("replaces the previous output whole: a stack that is gone leaves no folder, and no staging folder stays", async () => {
    const out = join(scratch, "out");
    mkdirSync(join(out, "stacks", "acme-removed-account"), { recursive: true });
    writeFileSync(join(out, "stacks", "acme-removed-account", "cdk.tf.json"), "{}\n");
    writeMark(out, "synth");

    expect(await synthCommand(["--inventory", BASE, "--out", out])).toBe(0);

    expect(stacks(out)).not.toContain("acme-removed-account");
    expect(stacks(out)).toContain("acme-prod-payments-api");
    expect(readdirSync(scratch)).toEqual(["out"]);
  });
});

describe("every valid inventory", () => {
  const valid = [
    EXAMPLE,
    ...readdirSync(join(FIXTURES, "valid"))
      .filter((name) => name.endsWith(".yaml"))
      .map((name) => join(FIXTURES, "valid", name)),
  ];

  it.each(valid.map((path) => [relative(ROOT, path), path]))("%s validates and synthesizes", async (_, path) => {
    const result = loadInventoryFile(path);
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
    if (path !== EXAMPLE) expect(result.problems).toEqual([]);

    const out = join(scratch, "out");
    expect(await synthCommand(["--inventory", path, "--out", out])).toBe(0);
    const organization = result.organization!;
    const expected = organization.accounts.filter((a) => a.id).map((a) => a.workspace);
    expect(stacks(out)).toEqual(expect.arrayContaining(expected));
    for (const pending of organization.accounts.filter((a) => !a.id)) {
      expect(stacks(out)).not.toContain(pending.workspace);
    }
  });
});

describe("Terraform addresses", () => {
  it("stay the same when an account's team, system, name and email change", async () => {
    const before = join(scratch, "before");
    const after = join(scratch, "after");
    const original = readFileSync(BASE, "utf8");
    const edited = original
      .replace(
        "  payments: { notify: payments }\n",
        "  payments: { notify: payments }\n  checkout: { notify: payments }\n",
      )
      .replace(
        "    team: payments\n    system: api\n    vpc",
        "    team: checkout\n    system: storefront\n    name: Storefront (renamed)\n    email: storefront@example.com\n    vpc",
      );
    expect(edited).not.toBe(original);
    const account = organizationOf(edited).byKey.get("prod-payments-api");
    expect(account).toMatchObject({ team: "checkout", system: "storefront", name: "Storefront (renamed)" });

    expect(await synthCommand(["--inventory", inventoryFile("before.yaml", original), "--out", before])).toBe(0);
    expect(await synthCommand(["--inventory", inventoryFile("after.yaml", edited), "--out", after])).toBe(0);

    const stack = join("stacks", "acme-prod-payments-api", "cdk.tf.json");
    expect(readFileSync(join(after, stack), "utf8")).toContain('"fleetfile:team": "checkout"');
    expect(addresses(before).length).toBeGreaterThan(stacks(before).length);
    expect(addresses(after)).toEqual(addresses(before));
  });

  it("change when an account's key changes, as they should: the key is the identity", async () => {
    const before = join(scratch, "before");
    const after = join(scratch, "after");
    const original = readFileSync(BASE, "utf8");
    const rekeyed = original.replace("  prod-payments-api:\n", "  prod-payments-web:\n");

    expect(await synthCommand(["--inventory", inventoryFile("before.yaml", original), "--out", before])).toBe(0);
    expect(await synthCommand(["--inventory", inventoryFile("after.yaml", rekeyed), "--out", after])).toBe(0);

    expect(stacks(after)).toContain("acme-prod-payments-web");
    expect(addresses(after)).not.toEqual(addresses(before));
  });
});

/** The resolved organization of inventory text that must be valid. */
function organizationOf(text: string) {
  const result = loadInventoryFile(inventoryFile("check.yaml", text));
  expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
  return result.organization!;
}
