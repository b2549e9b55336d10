import { createHash } from "node:crypto";

/**
 * `name` if it fits in `max` characters, else its start and a short hash of the whole, so
 * that long keys still give distinct, stable names within AWS's limits.
 */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - hash.length - 1)}-${hash}`;
}

/** Longest IAM role name. */
export const MAX_ROLE_NAME = 64;
