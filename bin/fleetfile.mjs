#!/usr/bin/env node
// Launcher of the fleetfile commands: runs one bundled JavaScript file, rebuilt with
// esbuild only when a source is newer. A bundle starts in a fraction of the time that
// loading hundreds of TypeScript and provider modules one by one takes (docs/benchmarks.md).
import { mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "fleetfile.mjs");
const SOURCES = [
  "main.ts",
  "package-lock.json",
  "aws",
  "cli",
  "inventory",
  "stacks",
  "constructs",
  "review",
  "terraform",
];

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else if (stat.mtimeMs > newest) newest = stat.mtimeMs;
  };
  for (const source of SOURCES) visit(join(root, source));
  return newest;
}

/**
 * Each `@aws-sdk/*` import becomes a CommonJS module of the bundle that requires the
 * package from node_modules: evaluated when the module importing it first runs (init and
 * discover load theirs on demand), not when the bundle loads.
 */
const awsSdkOnDemand = {
  name: "aws-sdk-on-demand",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\// }, (args) =>
      args.namespace === "aws-sdk" ? { path: args.path, external: true } : { path: args.path, namespace: "aws-sdk" },
    );
    build.onLoad({ filter: /.*/, namespace: "aws-sdk" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

const built = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (built < newestSource()) {
  const { build } = await import("esbuild");
  mkdirSync(dirname(bundle), { recursive: true });
  // Built beside and renamed into place, so that a launcher started meanwhile (tests run
  // commands side by side) never imports half a bundle.
  const staging = `${bundle}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, "main.ts")],
    outfile: staging,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    // The AWS SDK loads from node_modules, and only when a command that calls AWS runs:
    // an external ESM import would be hoisted to the bundle's top and load at every start.
    plugins: [awsSdkOnDemand],
    // cdktf and the provider are CommonJS; give the ESM bundle a require of its own.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  renameSync(staging, bundle);
}
await import(pathToFileURL(bundle).href);
