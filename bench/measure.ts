import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listWorkspaces } from "../review/affected.js";
import { benchInventoryText } from "./inventory.js";

/** What one measured command did. */
export interface Measured {
  readonly seconds: number;
  /** Peak resident memory of the command and all its descendants together, in bytes. */
  readonly peakBytes: number;
  readonly code: number;
  readonly stderr: string;
}

/** Resident memory of `pid` and its descendants, read from /proc (0 where /proc is absent). */
export function treeRss(pid: number): number {
  let total = 0;
  const visit = (id: number) => {
    try {
      const status = readFileSync(`/proc/${id}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      for (const task of readdirSync(`/proc/${id}/task`)) {
        const children = readFileSync(`/proc/${id}/task/${task}/children`, "utf8").trim();
        for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
      }
    } catch {
      // the process ended between two reads
    }
  };
  visit(pid);
  return total;
}

/** Runs a command, sampling the memory of its whole process tree every 20 ms. */
export function measure(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let peakBytes = 0;
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setInterval(() => {
      if (child.pid) peakBytes = Math.max(peakBytes, treeRss(child.pid));
    }, 20);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - started) / 1000, peakBytes, code: code ?? 1, stderr });
    });
  });
}

/** Disk space used under `dir` as `du` counts it (blocks, folders and links included); file sizes where `du` is absent. */
export function diskUsage(dir: string): number {
  const du = spawnSync("du", ["-sk", dir], { encoding: "utf8" });
  return du.status === 0 ? Number(du.stdout.split(/\s/)[0]) * 1024 : diskBytes(dir);
}

/** Bytes of every file under `dir`. */
export function diskBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += diskBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Resources in a synth output: every `resource` entry of every cdk.tf.json. */
export function countResources(outdir: string): { workspaces: number; resources: number } {
  const stacks = listWorkspaces(outdir);
  let resources = 0;
  for (const stack of stacks) {
    const config = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    for (const byName of Object.values(config.resource ?? {})) resources += Object.keys(byName).length;
  }
  return { workspaces: stacks.length, resources };
}

/** The command every benchmark runs, as a user runs it: the bundle, built once. */
export const FLEETFILE_ENTRY = "bin/fleetfile.mjs";

/**
 * `fleetfile synth` of the generated inventory of `workloads` workload accounts, written
 * into `scratch`: the inventory file, the synth output and what the run measured.
 */
export async function measureSynth(
  workloads: number,
  scratch: string,
): Promise<{ readonly file: string; readonly out: string; readonly run: Measured }> {
  const file = join(scratch, `inventory-${workloads}.yaml`);
  writeFileSync(file, benchInventoryText({ workloads }));
  const out = join(scratch, `out-${workloads}`);
  const run = await measure(process.execPath, [FLEETFILE_ENTRY, "synth", "--inventory", file, "--out", out]);
  if (run.code !== 0) throw new Error(`synth of ${workloads} accounts failed:\n${run.stderr}`);
  return { file, out, run };
}
