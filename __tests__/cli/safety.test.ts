import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { MARK_FILE, readMark } from "../../review/output-folder.js";
import { LOCAL_STATE_FOLDER } from "../../stacks/account-stack.js";
import { snapshot } from "../files.js";
import { captureCommandOutput } from "./support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BASE = join(ROOT, "__tests__/fixtures/inventories/valid/base.yaml");
const BROKEN = join(ROOT, "__tests__/fixtures/inventories/invalid/many-meaning-errors.yaml");
const COMMANDS = [
  "validate",
  "synth",
  "affected",
  "plan",
  "apply",
  "record-ids",
  "comment",
  "drift",
  "sandbox",
  "init",
  "discover",
];

let scratch: string;
let printed: string[];

/** Runs the command line as `fleetfile` would, printing into `printed`; returns the exit code. */
async function run(...argv: string[]): Promise<number> {
  return main(argv);
}

/** Everything printed, as one text. */
function output(): string {
  return printed.join("\n");
}

/** A synth output of the base inventory, made once and copied by the tests that need one. */
let synthesized: string;

beforeAll(async () => {
  synthesized = mkdtempSync(join(tmpdir(), "fleetfile-safety-synth-"));
  rmSync(synthesized, { recursive: true });
  captureCommandOutput();
  expect(await run("synth", "--inventory", BASE, "--out", synthesized)).toBe(0);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  return () => rmSync(synthesized, { recursive: true, force: true });
});

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "fleetfile-safety-"));
  printed = captureCommandOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the shared synth output in the scratch folder. */
function synthCopy(name = "out"): string {
  const out = join(scratch, name);
  cpSync(synthesized, out, { recursive: true });
  return out;
}

describe("synth --out never deletes what fleetfile did not write", () => {
  it("fails when --out names a file, which survives byte for byte", async () => {
    const notes = join(scratch, "notes.txt");
    writeFileSync(notes, "my notes\n");
    expect(await run("synth", "--inventory", BASE, "--out", notes)).toBe(1);
    expect(readFileSync(notes, "utf8")).toBe("my notes\n");
    expect(output()).toContain(`--out ${notes}: is a file, not a folder; nothing written`);
  });

  it("fails when --out names the inventory itself, which survives", async () => {
    const inventory = join(scratch, "accounts.yaml");
    cpSync(BASE, inventory);
    expect(await run("synth", "--inventory", inventory, "--out", inventory)).toBe(1);
    expect(readFileSync(inventory, "utf8")).toBe(readFileSync(BASE, "utf8"));
  });

  it("fails when --out is the project folder (`.`), which survives with its .git", () => {
    mkdirSync(join(scratch, ".git", "objects"), { recursive: true });
    writeFileSync(join(scratch, ".git", "HEAD"), "ref: refs/heads/main\n");
    cpSync(BASE, join(scratch, "accounts.yaml"));
    const before = snapshot(scratch);
    const result = spawnSync(process.execPath, [join(ROOT, "bin/fleetfile.mjs"), "synth", "--out", "."], {
      cwd: scratch,
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: "" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "fleetfile synth: --out .: holds files fleetfile did not write (.git, accounts.yaml); nothing written",
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(snapshot(scratch)).toEqual(before);
    expect(readdirSync(scratch).sort()).toEqual([".git", "accounts.yaml"]);
  });

  it("fails when a synth output holds a file of the user's, which survives with the output", async () => {
    const out = synthCopy();
    writeFileSync(join(out, "stacks", "README.md"), "mine\n");
    const before = snapshot(out);
    expect(await run("synth", "--inventory", BASE, "--out", out)).toBe(1);
    expect(output()).toContain("holds files fleetfile did not write (stacks/README.md)");
    expect(snapshot(out)).toEqual(before);
  });

  it("fills an empty folder, and creates the parents of a new one", async () => {
    mkdirSync(join(scratch, "empty"));
    expect(await run("synth", "--inventory", BASE, "--out", join(scratch, "empty"))).toBe(0);
    expect(await run("synth", "--inventory", BASE, "--out", join(scratch, "a", "b"))).toBe(0);
    expect(readMark(join(scratch, "a", "b"))?.kind).toBe("synth");
    expect(readdirSync(join(scratch, "a"))).toEqual(["b"]);
  });

  it("marks its output with every file it wrote and the account id of every workspace", () => {
    const mark = readMark(synthesized);
    expect(mark?.files).toContain("manifest.json");
    expect(mark?.files).toContain("stacks/acme-network/cdk.tf.json");
    expect(mark?.accounts?.["acme-network"]).toBe("444444444444");
    const written = new Set(mark?.files);
    expect([...snapshot(synthesized).keys()].filter((f) => f !== MARK_FILE && !written.has(f))).toEqual([]);
  });

  it("fails, creating nothing, when the folder cannot be made", async () => {
    expect(await run("synth", "--inventory", BASE, "--out", "/proc/fleetfile-out")).toBe(1);
    expect(printed.at(-1)).toBe(
      "fleetfile synth: --out /proc/fleetfile-out: cannot write in /proc (ENOENT); nothing written",
    );
    const notes = join(scratch, "notes.txt");
    writeFileSync(notes, "x");
    expect(await run("synth", "--inventory", BASE, "--out", join(notes, "out"))).toBe(1);
    expect(printed.at(-1)).toBe(
      `fleetfile synth: --out ${join(notes, "out")}: cannot be used (a part of the path is a file, not a folder); nothing written`,
    );
    expect(readdirSync(scratch)).toEqual(["notes.txt"]);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(".fleetfile-out.next-"))).toEqual([]);
  });
});

describe("synth into a folder it may not replace", () => {
  it("fails before swapping anything when a folder of the output is not writable, leaving no debris", () => {
    const out = synthCopy();
    const locked = join(out, "stacks", "acme-audit");
    chmodSync(locked, 0o555);
    const before = snapshot(out);
    // Root's CAP_DAC_OVERRIDE writes anywhere: as root, the command runs without it (and
    // without CAP_DAC_READ_SEARCH), so that permission bits bind it as they bind a user,
    // while it still reads the checkout it owns, whatever that checkout's mode.
    const asRoot = process.getuid?.() === 0;
    const launcher = join(ROOT, "bin/fleetfile.mjs");
    spawnSync(process.execPath, [launcher, "--help"], { cwd: ROOT });
    const command = [launcher, "synth", "--inventory", BASE, "--out", out];
    const result = asRoot
      ? spawnSync("setpriv", ["--bounding-set=-dac_override,-dac_read_search", process.execPath, ...command], {
          encoding: "utf8",
          cwd: scratch,
        })
      : spawnSync(process.execPath, command, { encoding: "utf8", cwd: scratch });
    chmodSync(locked, 0o755);
    expect(result.stderr).toContain(
      `fleetfile synth: --out ${out}: cannot be replaced, stacks/acme-audit not writable; nothing written`,
    );
    expect(result.status).toBe(1);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(scratch)).toEqual(["out"]);
  });
});

describe("state survives a synth", () => {
  it("keeps local state outside the synth output, where replacing the output never reaches", () => {
    for (const workspace of readdirSync(join(synthesized, "stacks"))) {
      const dir = join(synthesized, "stacks", workspace);
      const config = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
      const path = config.terraform.backend.local.path as string;
      const state = resolve(dir, path);
      expect(relative(synthesized, state).startsWith(".."), `${workspace}: ${state}`).toBe(true);
      expect(state).toBe(join(synthesized, "..", LOCAL_STATE_FOLDER, `${workspace}.tfstate`));
    }
  });

  it("fails when the output holds Terraform state, leaving the state and the output as they were", async () => {
    const out = synthCopy();
    const state = join(out, "stacks", "acme-audit", "terraform.tfstate");
    writeFileSync(state, '{"version":4,"serial":7}\n');
    const before = snapshot(out);
    expect(await run("synth", "--inventory", BASE, "--out", out)).toBe(1);
    expect(output()).toContain("holds Terraform state (stacks/acme-audit/terraform.tfstate); nothing written");
    expect(snapshot(out)).toEqual(before);
  });

  it("carries Terraform's working folder and lock file over to the workspaces that remain", async () => {
    const out = synthCopy();
    const ws = join(out, "stacks", "acme-audit");
    mkdirSync(join(ws, ".terraform", "providers"), { recursive: true });
    writeFileSync(join(ws, ".terraform", "providers", "cache"), "x");
    writeFileSync(join(ws, ".terraform.lock.hcl"), "# lock\n");
    writeFileSync(join(ws, "tfplan"), "written by fleetfile plan");
    expect(await run("synth", "--inventory", BASE, "--out", out)).toBe(0);
    expect(readFileSync(join(ws, ".terraform", "providers", "cache"), "utf8")).toBe("x");
    expect(readFileSync(join(ws, ".terraform.lock.hcl"), "utf8")).toBe("# lock\n");
    expect(existsSync(join(ws, "tfplan"))).toBe(false);
    expect(readdirSync(scratch)).toEqual(["out"]);
  });
});

describe("plan --plans never deletes what fleetfile did not write", () => {
  it("fails when --plans holds a file of the user's, before any Terraform runs; the file survives", async () => {
    const plans = join(scratch, "plans");
    mkdirSync(plans);
    writeFileSync(join(plans, "notes.md"), "mine\n");
    const synth = synthCopy();
    expect(await run("plan", "--synth", synth, "--plans", plans)).toBe(1);
    expect(output()).toContain(`--plans ${plans}: holds files fleetfile did not write (notes.md); nothing written`);
    expect(readdirSync(plans)).toEqual(["notes.md"]);
  });

  it("fails when --plans is a file", async () => {
    const file = join(scratch, "plans");
    writeFileSync(file, "x");
    expect(await run("plan", "--synth", synthCopy(), "--plans", file)).toBe(1);
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  it("replaces a plans folder it wrote itself, and marks it", async () => {
    const synth = synthCopy();
    const plans = join(scratch, "plans");
    // The head compared with itself: nothing is affected, so no Terraform runs.
    expect(await run("plan", "--synth", synth, "--affected-from", synth, "--plans", plans)).toBe(0);
    expect(readMark(plans)).toMatchObject({ kind: "plans", files: ["not-affected.txt"] });
    expect(await run("plan", "--synth", synth, "--affected-from", synth, "--plans", plans)).toBe(0);
    expect(readFileSync(join(plans, "not-affected.txt"), "utf8")).toBe(
      `${readdirSync(join(synth, "stacks")).length}\n`,
    );
  });
});

describe("comment --markdown never overwrites what fleetfile did not write", () => {
  it("fails when --markdown names the inventory, which survives; replaces a comment it wrote", async () => {
    const plans = join(scratch, "plans");
    const synth = synthCopy();
    expect(await run("plan", "--synth", synth, "--affected-from", synth, "--plans", plans)).toBe(0);
    const inventory = join(scratch, "accounts.yaml");
    cpSync(BASE, inventory);
    expect(await run("comment", "--plans", plans, "--markdown", inventory)).toBe(1);
    expect(printed.at(-1)).toBe(
      `fleetfile comment: --markdown ${inventory}: holds something other than a comment fleetfile wrote; nothing written. Name a new file`,
    );
    expect(readFileSync(inventory, "utf8")).toBe(readFileSync(BASE, "utf8"));
    const comment = join(scratch, "comment.md");
    expect(await run("comment", "--plans", plans, "--markdown", comment)).toBe(0);
    expect(await run("comment", "--plans", plans, "--markdown", comment)).toBe(0);
    expect(readFileSync(comment, "utf8")).toContain("no changes");
  });
});

describe("arguments", () => {
  it("fails when validate is given a file as a positional argument, instead of validating accounts.yaml", async () => {
    expect(await run("validate", "my.yaml")).toBe(2);
    expect(printed[0].split("\n")[0]).toBe(
      'validate: unexpected argument "my.yaml"; validate takes options only; to use it as the inventory: --inventory my.yaml',
    );
    expect(output()).not.toContain("valid;");
  });

  it("fails when synth is given a positional argument, writing nothing", async () => {
    const out = join(scratch, "out");
    expect(await run("synth", BROKEN, "--out", out)).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it.each(COMMANDS)("prints the usage of %s with --help, exit 0", async (command) => {
    expect(await run(command, "--help")).toBe(0);
    expect(printed[0]).toMatch(new RegExp(`^usage: fleetfile ${command} `));
  });

  it.each(COMMANDS)("shows the usage of %s in docs/commands.md exactly as --help prints it", async (command) => {
    await run(command, "--help");
    expect(readFileSync(join(ROOT, "docs/commands.md"), "utf8")).toContain(`\`\`\`\n${printed[0]}\n\`\`\``);
  });

  it("lists every command and no internal one in the top-level usage", async () => {
    expect(await run("--help")).toBe(0);
    for (const command of COMMANDS) expect(output()).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(output()).not.toContain("synth-shard");
  });

  it("fails when an option of another command is used, naming this command's spelling", async () => {
    expect(await run("plan", "--out", "x")).toBe(2);
    expect(printed[0].split("\n")[0]).toBe(
      "plan: unknown option --out; plan spells it --synth DIR (the synth output to plan)",
    );
    expect(await run("comment", "--plans", "x", "--out", "c.md")).toBe(2);
    expect(printed[1].split("\n")[0]).toBe("comment: unknown option --out; comment spells it --markdown FILE");
  });
});

describe("each failure is one message, never a stack trace or a silent empty answer", () => {
  it("fails when comment --plans names a missing folder", async () => {
    expect(await run("comment", "--plans", "/missing")).toBe(1);
    expect(printed).toEqual([
      "fleetfile comment: --plans /missing: no such folder; give a folder written by npm run plan",
    ]);
  });

  it("fails when comment --plans names an empty folder, instead of saying 'no changes'", async () => {
    expect(await run("comment", "--plans", scratch)).toBe(1);
    expect(printed).toEqual([
      `fleetfile comment: --plans ${scratch}: is an empty folder, not a plans folder; give a folder written by npm run plan`,
    ]);
  });

  it("fails when comment --plans names a synth output, instead of planning manifest.json", async () => {
    expect(await run("comment", "--plans", synthesized)).toBe(1);
    expect(output()).toContain("is a synth output, not a plans folder");
  });

  it("fails when a plan in the folder is not JSON, naming the file", async () => {
    const plans = join(scratch, "plans");
    const synth = synthCopy();
    expect(await run("plan", "--synth", synth, "--affected-from", synth, "--plans", plans)).toBe(0);
    writeFileSync(join(plans, "acme-audit.json"), "<html>not json");
    printed.length = 0;
    expect(await run("comment", "--plans", plans)).toBe(1);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(
      /^fleetfile comment: .*acme-audit\.json: not JSON \(.*\); plans are written by terraform show -json$/,
    );
  });

  it("fails when affected --base or --head is mistyped, instead of printing nothing or 'everything removed'", async () => {
    expect(await run("affected", "--base", join(scratch, "bsae"), "--head", synthesized)).toBe(1);
    expect(printed.at(-1)).toBe(
      `fleetfile affected: --base ${join(scratch, "bsae")}: no such folder; give a folder written by npm run synth`,
    );
    expect(await run("affected", "--base", synthesized, "--head", scratch)).toBe(1);
    expect(printed.at(-1)).toContain(`--head ${scratch}: is an empty folder, not a synth output`);
    expect(await run("affected", "--base", synthesized, "--head", ROOT)).toBe(1);
    expect(printed.at(-1)).toContain("is a folder fleetfile did not write, not a synth output");
  });

  it("fails when an account's key was renamed, saying how to rename instead", async () => {
    const renamed = join(scratch, "renamed.yaml");
    writeFileSync(renamed, readFileSync(BASE, "utf8").replace("  prod-payments-api:\n", "  prod-payments-web:\n"));
    const head = join(scratch, "head");
    expect(await run("synth", "--inventory", renamed, "--out", head)).toBe(0);
    expect(await run("affected", "--base", synthesized, "--head", head)).toBe(1);
    expect(printed.at(-1)).toMatch(
      /^fleetfile affected: account 666666666666 moved from workspace acme-prod-payments-api to acme-prod-payments-web: an account's key is its identity .* Keep the key and change its name with the account's `name` field/,
    );
  });
});
