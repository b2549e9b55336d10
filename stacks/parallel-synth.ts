import { fork } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Organization } from "../inventory/model.js";
import { type SynthSummary, synthesize } from "./synthesize.js";

/** Below this many workspaces one process is faster than starting several. */
export const PARALLEL_THRESHOLD = 150;
/** Most processes a synth uses, whatever the machine. */
export const MAX_SYNTH_PROCESSES = 8;
/** The command-line entry that shard processes run (one level up from here, in sources and bundle alike). */
const ENTRY = fileURLToPath(new URL("../bin/fleetfile.mjs", import.meta.url));

/** Hidden command that synthesizes one shard: `synth-shard INVENTORY OUTDIR INDEX COUNT`. */
export const SHARD_COMMAND = "synth-shard";

/** How many processes to synthesize `workspaces` workspaces with on `cores` cores. */
export function synthProcesses(workspaces: number, cores: number): number {
  if (workspaces < PARALLEL_THRESHOLD) return 1;
  return Math.max(1, Math.min(cores, MAX_SYNTH_PROCESSES, Math.ceil(workspaces / (PARALLEL_THRESHOLD / 2))));
}

interface Manifest {
  readonly version: string;
  readonly stacks: Record<string, unknown>;
}

/**
 * Synthesizes in several processes at once when the organization is large: each process
 * builds every n-th stack into a folder of its own; the folders and manifests are then
 * merged into `outdir`. cdktf builds one app in one thread, so this is what makes use of
 * more than one core (docs/benchmarks.md).
 */
export async function synthesizeInParallel(
  organization: Organization,
  inventoryFile: string,
  outdir: string,
  processes = synthProcesses(organization.accounts.filter((a) => a.id).length, availableParallelism()),
): Promise<SynthSummary> {
  if (processes <= 1) return synthesize(organization, outdir);
  const shards = Array.from({ length: processes }, (_, index) => join(outdir, `.shard-${index}`));
  const summaries = await Promise.all(
    shards.map(
      (dir, index) =>
        new Promise<SynthSummary>((resolve, reject) => {
          const child = fork(ENTRY, [SHARD_COMMAND, inventoryFile, dir, String(index), String(processes)], {
            execArgv: [],
            stdio: ["ignore", "ignore", "inherit", "ipc"],
          });
          let summary: SynthSummary | undefined;
          child.on("message", (message) => {
            summary = message as SynthSummary;
          });
          child.on("error", reject);
          child.on("exit", (code) =>
            code === 0 && summary ? resolve(summary) : reject(new Error(`synth shard ${index} exited ${code}`)),
          );
        }),
    ),
  );
  const manifest: Manifest = { version: "", stacks: {} };
  mkdirSync(join(outdir, "stacks"), { recursive: true });
  for (const dir of shards) {
    const part = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    Object.assign(manifest, { version: part.version });
    Object.assign(manifest.stacks, part.stacks);
    for (const stack of readdirSync(join(dir, "stacks"))) {
      renameSync(join(dir, "stacks", stack), join(outdir, "stacks", stack));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2));
  const order = new Map(organization.accounts.map((a, i) => [a.workspace, i]));
  return {
    workspaces: summaries.flatMap((s) => s.workspaces).sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9)),
    pending: summaries[0].pending,
    resources: summaries.reduce((sum, s) => sum + s.resources, 0),
  };
}
