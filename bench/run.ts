import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { listWorkspaces } from "../review/affected.js";
import { writeCliConfig } from "../terraform/cli-config.js";
import { defaultPoolSize } from "../terraform/pool.js";
import { initEvery, validate, workspacesIn } from "../terraform/runner.js";
import { benchInventory } from "./inventory.js";
import { countResources, diskBytes, diskUsage, FLEETFILE_ENTRY, measure, measureSynth } from "./measure.js";

/** One row of the benchmark table. */
interface Row {
  readonly what: string;
  readonly value: string;
  readonly target?: string;
  readonly met?: boolean;
}

const MB = 1024 ** 2;

async function synthRow(workloads: number, scratch: string, rows: Row[], target?: { seconds: number; mb?: number }) {
  const { file, out, run } = await measureSynth(workloads, scratch);
  const { workspaces, resources } = countResources(out);
  const met = target ? run.seconds <= target.seconds && (!target.mb || run.peakBytes / MB <= target.mb) : undefined;
  rows.push({
    what: `synth, ${workloads} workload accounts (${workspaces} workspaces, ${resources} resources, ${(diskBytes(out) / MB).toFixed(1)} MB written)`,
    value: `${run.seconds.toFixed(2)} s, peak ${(run.peakBytes / MB).toFixed(0)} MB`,
    target: target && `≤ ${target.seconds} s${target.mb ? `, ≤ ${target.mb} MB` : ""}`,
    met,
  });
  return { file, out };
}

async function affectedRow(workloads: number, scratch: string, base: string, rows: Row[]) {
  const inventory = benchInventory({ workloads }) as { accounts: Record<string, { access?: unknown }> };
  inventory.accounts.w3.access = { administrator: ["payments-owners", "break-glass"] };
  const file = join(scratch, `inventory-${workloads}-edited.yaml`);
  writeFileSync(file, stringify(inventory));
  const head = join(scratch, `out-${workloads}-edited`);
  const synth = await measure(process.execPath, [FLEETFILE_ENTRY, "synth", "--inventory", file, "--out", head]);
  if (synth.code !== 0) throw new Error(`synth of the edited inventory failed:\n${synth.stderr}`);
  const run = await measure(process.execPath, [FLEETFILE_ENTRY, "affected", "--base", base, "--head", head]);
  rows.push({
    what: `affected after a one-account edit, ${workloads} workload accounts`,
    value: `${run.seconds.toFixed(2)} s`,
    target: "≤ 2 s",
    met: run.seconds <= 2,
  });
}

async function initRow(out: string, count: number, scratch: string, rows: Row[]) {
  const dirs = join(scratch, "init");
  mkdirSync(join(dirs, "stacks"), { recursive: true });
  const chosen = listWorkspaces(out).slice(0, count);
  for (const name of chosen) cpSync(join(out, "stacks", name), join(dirs, "stacks", name), { recursive: true });
  const home = join(scratch, "terraform-home");
  const props = { cliConfigFile: writeCliConfig(home) };
  const workspaces = workspacesIn(dirs, chosen);
  // Warm the plugin cache, as the target says, with one init before the clock starts.
  await initEvery(workspaces.slice(0, 1), props, { backend: false });
  const before = diskUsage(dirs) + diskUsage(home);
  const started = performance.now();
  const outcomes = await initEvery(workspaces, props, { backend: false });
  const seconds = (performance.now() - started) / 1000;
  const failed = outcomes.filter((o) => !o.ok).length;
  const extra = (diskUsage(dirs) + diskUsage(home) - before) / MB;
  rows.push({
    what: `terraform init of ${chosen.length} workspaces, plugin cache warm (${failed} failed, pool of ${defaultPoolSize()})`,
    value: `${seconds.toFixed(1)} s, ${extra.toFixed(1)} MB extra disk`,
    target: "≤ 60 s, ≤ 100 MB",
    met: failed === 0 && seconds <= 60 && extra <= 100,
  });
  const timed = workspaces[0];
  const started2 = performance.now();
  await validate(timed.dir, props);
  rows.push({
    what: `terraform validate of one workspace (${timed.name})`,
    value: `${((performance.now() - started2) / 1000).toFixed(1)} s`,
  });
}

function printTable(rows: readonly Row[]): void {
  const lines = [
    "| What | Measured | Target | Met |",
    "|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.what} | ${r.value} | ${r.target ?? ""} | ${r.met === undefined ? "" : r.met ? "yes" : "no"} |`,
    ),
  ];
  console.log(lines.join("\n"));
}

/** `npm run bench [-- --json] [--skip-terraform]`: the figures of docs/benchmarks.md. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: "boolean", default: false }, "skip-terraform": { type: "boolean", default: false } },
  });
  const scratch = mkdtempSync(join(tmpdir(), "fleetfile-bench-"));
  const rows: Row[] = [];
  try {
    await synthRow(10, scratch, rows);
    await synthRow(90, scratch, rows, { seconds: 3 });
    const hundred = await synthRow(100, scratch, rows);
    const thousand = await synthRow(1000, scratch, rows, { seconds: 20, mb: 2048 });
    await affectedRow(1000, scratch, thousand.out, rows);
    if (!values["skip-terraform"]) await initRow(hundred.out, 100, scratch, rows);
    rows.push({
      what: "workspaces planned at once (pool size: cores, and free memory / 700 MB)",
      value: String(defaultPoolSize()),
      target: "≥ 2",
      met: defaultPoolSize() >= 2,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const machine = `${cpus()[0]?.model ?? "cpu"} × ${availableParallelism()}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB (${(freemem() / 1024 ** 3).toFixed(0)} free), Node ${process.version}`;
  if (values.json) console.log(JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2));
  else {
    console.log(`${new Date().toISOString()}  ${machine}\n`);
    printTable(rows);
  }
}

await main();
