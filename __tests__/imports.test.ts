import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", "dist", "cdktf.out", ".git", ".tmp", "fixtures"]);

/** Every TypeScript source of the project, tests included, as paths relative to the root. */
function sources(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

/** Files whose import specifiers match `pattern`. */
function importing(pattern: RegExp): string[] {
  return sources().filter((file) =>
    [...readFileSync(join(ROOT, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].some((m) =>
      pattern.test(m[1]),
    ),
  );
}

describe("imports", () => {
  it("finds the sources it checks", () => {
    expect(sources()).toContain("stacks/account-stack.ts");
    expect(sources()).toContain("main.ts");
  });

  it("fails when a source imports a provider package from its root, which loads every resource class", () => {
    // @cdktf/provider-aws's root loads 2,533 modules: seconds on every synth and every test.
    expect(importing(/^@cdktf\/provider-[a-z]+$/)).toEqual([]);
  });

  it("fails when anything but a test imports the AGPL-licensed IAM evaluator, which must never ship", () => {
    expect(importing(/^@cloud-copilot\//).filter((file) => !file.startsWith("__tests__/"))).toEqual([]);
    expect(importing(/^@cloud-copilot\//)).toContain("__tests__/synth/simulate.ts");
  });

  it("fails when a file other than constructs/cdktf.ts imports cdktf itself, so a move to CDK Terrain stays a rename", () => {
    expect(importing(/^cdktf(\/.*)?$/)).toEqual(["constructs/cdktf.ts"]);
  });

  it("fails when the inventory layer imports Terraform or the layers above it", () => {
    const offenders = sources()
      .filter((file) => file.startsWith("inventory/"))
      .filter((file) =>
        /from\s+["'](cdktf|@cdktf\/[^"']+|constructs|\.\.\/(stacks|constructs|cli|review|terraform)\/[^"']*)["']/.test(
          readFileSync(join(ROOT, file), "utf8"),
        ),
      );
    expect(offenders).toEqual([]);
  });

  it("fails when a construct imports the inventory or a command", () => {
    const offenders = sources()
      .filter((file) => file.startsWith("constructs/"))
      .filter((file) => /from\s+["']\.\.\/(inventory|cli|stacks)\//.test(readFileSync(join(ROOT, file), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("fails when the AWS SDK is loaded outside aws/ (and the tests): every other command starts without it", () => {
    expect(
      importing(/^@aws-sdk\//).filter((file) => !file.startsWith("__tests__/") && !file.startsWith("aws/")),
    ).toEqual([]);
    expect(importing(/^@aws-sdk\//)).toContain("aws/discover.ts");
  });

  it("fails when the bundle loads the AWS SDK as it starts, not when a command that calls AWS runs", () => {
    execFileSync(process.execPath, [join(ROOT, "bin/fleetfile.mjs"), "--help"], { stdio: "ignore" });
    const bundle = readFileSync(join(ROOT, "dist/fleetfile.mjs"), "utf8");
    // A static import of an external package runs when the bundle loads, whichever command runs.
    expect(bundle).not.toMatch(/^\s*import\b[^;]*["']@aws-sdk\//m);
    expect(bundle).toContain('__require("@aws-sdk/client-sts")');
  });

  it("fails when the AWS layer imports Terraform, the stacks or a command", () => {
    const offenders = sources()
      .filter((file) => file.startsWith("aws/"))
      .filter((file) =>
        /from\s+["'](cdktf|@cdktf\/[^"']+|\.\.\/(stacks|constructs|cli)\/[^"']*)["']/.test(
          readFileSync(join(ROOT, file), "utf8"),
        ),
      );
    expect(offenders).toEqual([]);
  });

  it("fails when review logic starts a process", () => {
    const offenders = sources()
      .filter((file) => file.startsWith("review/"))
      .filter((file) => /node:child_process|\.\.\/terraform\//.test(readFileSync(join(ROOT, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
