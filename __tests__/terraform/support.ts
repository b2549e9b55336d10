import { spawnSync } from "node:child_process";
import { pythonBinary } from "../../terraform/moto.js";

/** An outside program some tests need. */
export type Tool = "terraform" | "moto";

/** How to tell each tool is there: a command that exits 0 when it is. */
const PROBES: Record<Tool, () => readonly [string, readonly string[]]> = {
  terraform: () => ["terraform", ["version"]],
  moto: () => [pythonBinary(), ["-c", "import moto, boto3, werkzeug"]],
};

/** Which of `tools` are missing on this machine. */
export function missingTools(tools: readonly Tool[]): Tool[] {
  return tools.filter((tool) => {
    const [command, args] = PROBES[tool]();
    return spawnSync(command, args, { stdio: "ignore", timeout: 30_000 }).status !== 0;
  });
}

/**
 * What to do about missing tools: run when none is missing; skip, saying why, on a
 * developer's machine; fail in CI, where a silently skipped Terraform test hides breakage.
 */
export function toolsVerdict(
  missing: readonly Tool[],
  ci: boolean,
): { readonly skip: boolean; readonly reason?: string } {
  if (missing.length === 0) return { skip: false };
  const reason = `${missing.join(" and ")} not found (terraform on PATH; moto and boto3 in ${pythonBinary()}, or set FLEETFILE_PYTHON)`;
  if (ci) throw new Error(`CI=true and ${reason}: install them, the Terraform tests must run in CI`);
  return { skip: true, reason };
}

/**
 * Checks the tools a test file needs, at collection time. Returns whether to skip the
 * file's suites (`describe.skipIf(requireTools().skip)`), printing the reason when it
 * does; throws when CI=true, so that the file fails instead.
 */
export function requireTools(...tools: Tool[]): { readonly skip: boolean } {
  const verdict = toolsVerdict(
    missingTools(tools.length > 0 ? tools : ["terraform", "moto"]),
    process.env.CI === "true",
  );
  if (verdict.skip) console.warn(`skipping: ${verdict.reason}`);
  return verdict;
}
