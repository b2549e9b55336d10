import { type Workspace, workspacesIn } from "./runner.js";

/**
 * Core accounts applied first, one at a time, in this order: each may need what the one
 * before made. Every trail needs the log archive's bucket and key; the management
 * workspace turns on RAM sharing with the organization, which the network hub's share of
 * its gateways needs (AWS, and the patched moto, refuse the organization as principal
 * before). docs/baseline.md gives the same order, and a test holds the two together.
 */
export const CORE_APPLY_ORDER = ["log-archive", "management", "audit", "network"] as const;

/**
 * Splits items into waves to apply one after another: one wave for each key of `first`,
 * in that order, then every other item together in the last wave. Keys with no item give
 * no wave; the order of items within a wave is theirs.
 */
export function applyWaves<T>(items: readonly T[], keyOf: (item: T) => string, first: readonly string[]): T[][] {
  const leading = first.map((key) => items.filter((item) => keyOf(item) === key));
  const rest = items.filter((item) => !first.includes(keyOf(item)));
  return [...leading, rest].filter((wave) => wave.length > 0);
}

/** An account as the apply order sees it: its workspace and its type (`log-archive`, `workload`, ...). */
export interface WaveAccount {
  readonly workspace: string;
  readonly type: string;
}

/**
 * The workspaces of `accounts` synthesized into `outdir`, in apply waves: the core
 * accounts in {@link CORE_APPLY_ORDER}, then the rest together. The one order of every
 * apply, the sandbox's and production's.
 */
export function workspaceWaves(accounts: readonly WaveAccount[], outdir: string): Workspace[][] {
  const types = new Map(accounts.map((a) => [a.workspace, a.type]));
  const workspaces = workspacesIn(
    outdir,
    accounts.map((a) => a.workspace),
  );
  return applyWaves(workspaces, (w) => types.get(w.name) ?? "", CORE_APPLY_ORDER);
}
