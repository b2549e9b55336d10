import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { affectedCommand } from "../../cli/affected.js";
import { loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";
import { affectedWorkspaces, listWorkspaces, normalizeConfig, sameConfig } from "../../review/affected.js";
import { MARK_FILE } from "../../review/output-folder.js";
import type { PlanJson } from "../../review/plan-json.js";
import { synthesize } from "../../stacks/synthesize.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = readFileSync(join(ROOT, "accounts.yaml"), "utf8");

/** Replaces `from` in `text`, failing loudly when the example no longer holds it (the edit would be a no-op). */
function edit(text: string, from: string | RegExp, to: string): string {
  const edited = text.replace(from, to);
  if (edited === text) throw new Error(`the inventory no longer contains ${String(from)}: update the test's edit`);
  return edited;
}

/** Payments contractors may now assume the developer role in prod. */
const ACCESS_EDIT = [
  "developer: [payments-devs]\n      operator:",
  "developer: [payments-devs, payments-contractors]\n      operator:",
] as const;
/** The existing account prod-data-api (with its id) joins the inventory. */
const ADD_EDIT = [
  "  # Created by hand in 2019",
  '  prod-data-api:\n    id: "101010101010"\n    env: prod\n    team: data\n    system: api\n\n  # Created by hand in 2019',
] as const;

/** The edits of the example inventory that the tests synthesize, each into its own folder. */
const VARIANTS = {
  base: EXAMPLE,
  access: edit(EXAMPLE, ...ACCESS_EDIT),
  added: edit(EXAMPLE, ...ADD_EDIT),
  /** The pull request of the plan fixtures in __tests__/fixtures/plans/onboarding. */
  onboarding: edit(edit(EXAMPLE, ...ACCESS_EDIT), ...ADD_EDIT),
  removed: edit(EXAMPLE, /\n {2}dev-data-lake:\n( {4}.*\n)+/, "\n"),
  accountNaming: edit(EXAMPLE, 'account: "{env}-{team}{-system}"', 'account: "{team}{-system}-{env}"'),
  emailNaming: edit(
    EXAMPLE,
    'email: "ml-aws-{team}{-system}{+env}@{domain}"',
    'email: "aws-{team}{-system}{+env}@{domain}"',
  ),
  withoutCloud: edit(EXAMPLE, /\n {2}terraformCloud:\n( {4}.*\n)+/, "\n"),
} as const;
type Variant = keyof typeof VARIANTS | "addedWithoutCloud";

/** A Terraform block of cdk.tf.json. */
type Block = Record<string, unknown>;

let scratch: string;
const dirs = new Map<Variant, string>();
/** The synth output of a variant. */
const out = (variant: Variant) => dirs.get(variant)!;

function synthInto(variant: Variant, text: string): void {
  const loaded = loadInventoryText(`${variant}.yaml`, text);
  if (!loaded.organization) throw new Error(loaded.problems.map((p) => formatProblem(`${variant}.yaml`, p)).join("\n"));
  const dir = join(scratch, variant);
  synthesize(loaded.organization, dir);
  dirs.set(variant, dir);
}

beforeAll(() => {
  // cdktf's own CLI sets this; the synths must write where they are told.
  vi.stubEnv("CDKTF_OUTDIR", undefined);
  scratch = mkdtempSync(join(tmpdir(), "fleetfile-affected-"));
  for (const [variant, text] of Object.entries(VARIANTS)) synthInto(variant as Variant, text);
  synthInto("addedWithoutCloud", edit(VARIANTS.withoutCloud, ...ADD_EDIT));
  vi.unstubAllEnvs();
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the base synth output, to be edited by a test the way a code change would. */
function copyOfBase(name: string): string {
  const dir = join(scratch, `copy-${name}`);
  cpSync(out("base"), dir, { recursive: true });
  return dir;
}

function configPath(dir: string, workspace: string): string {
  return join(dir, "stacks", workspace, "cdk.tf.json");
}

function readConfig(dir: string, workspace: string): Record<string, unknown> {
  return JSON.parse(readFileSync(configPath(dir, workspace), "utf8"));
}

function writeConfig(dir: string, workspace: string, config: unknown): void {
  writeFileSync(configPath(dir, workspace), JSON.stringify(config, null, 2));
}

/** The same value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

describe("affectedWorkspaces on synthesized inventories", () => {
  it("synthesizes the example into the workspaces the tests expect", () => {
    expect(listWorkspaces(out("base"))).toEqual([
      "acme-audit",
      "acme-dev-data-lake",
      "acme-identity",
      "acme-legacy-billing",
      "acme-log-archive",
      "acme-management",
      "acme-network",
      "acme-prod-data-lake",
      "acme-prod-payments-api",
      "acme-stg-payments-api",
      "acme-tfc-bootstrap",
    ]);
  });

  it("finds nothing between two synths of the same inventory", () => {
    expect(affectedWorkspaces(out("base"), out("base"))).toEqual([]);
  });

  it("changes only the edited account's workspace when its access changes", () => {
    expect(affectedWorkspaces(out("base"), out("access"))).toEqual([
      { workspace: "acme-prod-payments-api", change: "changed" },
    ]);
  });

  it("adds the new account's workspace and changes management (vending) and the Terraform Cloud bootstrap", () => {
    expect(affectedWorkspaces(out("base"), out("added"))).toEqual([
      { workspace: "acme-management", change: "changed" },
      { workspace: "acme-prod-data-api", change: "added" },
      { workspace: "acme-tfc-bootstrap", change: "changed" },
    ]);
  });

  it("leaves the bootstrap out when the organization has no Terraform Cloud", () => {
    expect(listWorkspaces(out("withoutCloud"))).not.toContain("acme-tfc-bootstrap");
    expect(affectedWorkspaces(out("withoutCloud"), out("addedWithoutCloud"))).toEqual([
      { workspace: "acme-management", change: "changed" },
      { workspace: "acme-prod-data-api", change: "added" },
    ]);
  });

  it("marks a removed account's workspace removed and changes management and the bootstrap", () => {
    expect(affectedWorkspaces(out("base"), out("removed"))).toEqual([
      { workspace: "acme-dev-data-lake", change: "removed" },
      { workspace: "acme-management", change: "changed" },
      { workspace: "acme-tfc-bootstrap", change: "changed" },
    ]);
  });

  it("changes only management when the account-name template changes: names are used only to vend accounts", () => {
    expect(affectedWorkspaces(out("base"), out("accountNaming"))).toEqual([
      { workspace: "acme-management", change: "changed" },
    ]);
  });

  it("changes only management when the email template changes", () => {
    expect(affectedWorkspaces(out("base"), out("emailNaming"))).toEqual([
      { workspace: "acme-management", change: "changed" },
    ]);
  });

  it("catches a change of the generator's code: one value of one resource differs", () => {
    const head = copyOfBase("code-change");
    const config = readConfig(head, "acme-audit") as { resource: Record<string, Record<string, Block>> };
    const [name] = Object.keys(config.resource.aws_cloudtrail);
    config.resource.aws_cloudtrail[name].enable_log_file_validation = false;
    writeConfig(head, "acme-audit", config);

    expect(affectedWorkspaces(out("base"), head)).toEqual([{ workspace: "acme-audit", change: "changed" }]);
  });

  it("counts a reordered list as a change: order matters to Terraform", () => {
    const head = copyOfBase("list-order");
    const config = readConfig(head, "acme-network") as { provider: { aws: unknown[] } };
    expect(config.provider.aws.length).toBeGreaterThan(1);
    config.provider.aws.reverse();
    writeConfig(head, "acme-network", config);

    expect(affectedWorkspaces(out("base"), head)).toEqual([{ workspace: "acme-network", change: "changed" }]);
  });

  it("ignores a change only in cdktf's // metadata (construct paths, its version)", () => {
    const head = copyOfBase("metadata");
    const config = readConfig(head, "acme-identity") as Record<string, Block> & {
      resource: Record<string, Record<string, Block>>;
    };
    (config["//"].metadata as Block).version = "0.99.0";
    for (const byName of Object.values(config.resource))
      for (const resource of Object.values(byName)) {
        const metadata = (resource["//"] as { metadata: Block }).metadata;
        metadata.path = `moved/${metadata.path as string}`;
      }
    writeConfig(head, "acme-identity", config);
    expect(readFileSync(configPath(head, "acme-identity"), "utf8")).not.toBe(
      readFileSync(configPath(out("base"), "acme-identity"), "utf8"),
    );

    expect(affectedWorkspaces(out("base"), head)).toEqual([]);
  });

  it("ignores key order and formatting", () => {
    const head = copyOfBase("key-order");
    writeFileSync(
      configPath(head, "acme-log-archive"),
      JSON.stringify(reverseKeys(readConfig(head, "acme-log-archive"))),
    );

    expect(affectedWorkspaces(out("base"), head)).toEqual([]);
  });

  it("affects exactly the workspaces that the onboarding plan fixtures plan", () => {
    const fixtures = readdirSync(join(ROOT, "__tests__/fixtures/plans/onboarding"))
      .filter((f) => f.endsWith(".json") && f !== MARK_FILE)
      .map((f) => f.slice(0, -".json".length));
    expect(affectedWorkspaces(out("base"), out("onboarding")).map((a) => a.workspace)).toEqual(fixtures.sort());
  });

  it("imports the onboarded account where the onboarding fixture's management plan imports it", () => {
    const imports = readConfig(out("onboarding"), "acme-management").import as { id: string; to: string }[];
    const plan = JSON.parse(
      readFileSync(join(ROOT, "__tests__/fixtures/plans/onboarding/acme-management.json"), "utf8"),
    ) as PlanJson;
    const imported = plan.resource_changes?.filter((c) => c.change.importing);
    expect(imported?.map((c) => ({ id: c.change.importing?.id, to: c.address }))).toEqual(
      imports.filter((i) => i.id === "101010101010"),
    );
  });

  it("counts every workspace as added when the base has none (the base branch did not synthesize)", () => {
    const empty = join(scratch, "empty-base");
    mkdirSync(join(empty, "stacks"), { recursive: true });
    expect(affectedWorkspaces(empty, out("base"))).toEqual(
      listWorkspaces(out("base")).map((workspace) => ({ workspace, change: "added" })),
    );
  });

  it("ignores a folder under stacks/ without a cdk.tf.json", () => {
    const head = copyOfBase("stray-folder");
    mkdirSync(join(head, "stacks", "acme-stray"));

    expect(affectedWorkspaces(out("base"), head)).toEqual([]);
  });
});

describe("normalizeConfig and sameConfig", () => {
  it("drops // at every level and sorts keys, leaving arrays in order", () => {
    const config = { "//": { metadata: {} }, b: [{ "//": 1, y: 2, x: 1 }, 3], a: { "//": "x", c: null } };
    expect(JSON.stringify(normalizeConfig(config))).toBe('{"a":{"c":null},"b":[{"x":1,"y":2},3]}');
  });

  it("answers for texts: equal without // and key order, different for a changed value", () => {
    expect(sameConfig('{"a":1,"b":{"c":2}}', '{"b":{"c":2,"//":"note"},"a":1}')).toBe(true);
    expect(sameConfig('{"a":1}', '{"a":"1"}')).toBe(false);
  });
});

describe("the affected command", () => {
  let printed: string[];

  afterEach(() => {
    vi.restoreAllMocks();
  });

  function run(args: string[]): number {
    printed = [];
    vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
      printed.push(parts.join(" "));
    });
    return affectedCommand(args);
  }

  it("prints one workspace name per line", () => {
    expect(run(["--base", out("base"), "--head", out("added")])).toBe(0);
    expect(printed).toEqual(["acme-management", "acme-prod-data-api", "acme-tfc-bootstrap"]);
  });

  it("prints each workspace with its kind of change with --json", () => {
    expect(run(["--base", out("base"), "--head", out("removed"), "--json"])).toBe(0);
    expect(JSON.parse(printed.join("\n"))).toEqual([
      { workspace: "acme-dev-data-lake", change: "removed" },
      { workspace: "acme-management", change: "changed" },
      { workspace: "acme-tfc-bootstrap", change: "changed" },
    ]);
  });

  it("prints nothing, and [] with --json, when nothing is affected", () => {
    expect(run(["--base", out("base"), "--head", out("base")])).toBe(0);
    expect(printed).toEqual([]);
    run(["--base", out("base"), "--head", out("base"), "--json"]);
    expect(printed).toEqual(["[]"]);
  });

  it("asks for one plan job with --matrix when one account changed, and for none when nothing did", () => {
    run(["--base", out("base"), "--head", out("access"), "--matrix"]);
    expect(printed).toEqual(['{"shard":[0]}']);
    run(["--base", out("base"), "--head", out("base"), "--matrix"]);
    expect(printed).toEqual(['{"shard":[]}']);
  });

  it("splits the affected workspaces into groups that together hold each once, the removed one in the first", () => {
    const groups = [0, 1].map((shard) => {
      run(["--base", out("base"), "--head", out("removed"), "--shards", "2", "--shard", String(shard)]);
      return printed;
    });
    expect(groups.flat().sort()).toEqual(["acme-dev-data-lake", "acme-management", "acme-tfc-bootstrap"]);
    expect(groups[0]).toContain("acme-dev-data-lake");
    expect(groups[0].length).toBeGreaterThan(0);
    expect(groups[1].length).toBeGreaterThan(0);
  });

  it("refuses --shard without --shards, and a shard out of range", () => {
    expect(() => run(["--base", out("base"), "--head", out("base"), "--shard", "0"])).toThrow(
      "--shards N and --shard I go together",
    );
    expect(() => run(["--base", out("base"), "--head", out("base"), "--shards", "2", "--shard", "2"])).toThrow(
      "--shard 2: allowed a whole number from 0 to 1 (--shards 2)",
    );
  });

  it("fails when --head is missing, saying what it needs", () => {
    expect(() => run(["--base", out("base")])).toThrow("affected needs --base DIR and --head DIR (two synth outputs)");
  });

  it("writes the names to standard output when run as a process", () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bin/fleetfile.mjs"), "affected", "--base", out("base"), "--head", out("access")],
      { encoding: "utf8", cwd: ROOT },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("acme-prod-payments-api\n");
  });
});
