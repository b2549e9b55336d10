import type { ResourceChangeJson } from "./plan-json.js";
import { isPolicyText, type PolicyFinding, policyFindings } from "./policy-diff.js";

/** Longest value shown in full; a longer one is cut, and the cut said. */
export const MAX_VALUE_CHARS = 80;

/** One attribute of an updated or replaced resource that changes, as a reviewer reads it. */
export interface AttributeChange {
  /** `name`, `tags.team`, `ingress[0].from_port`. */
  readonly path: string;
  /** The value before, rendered: JSON, `(sensitive value)`, cut when long. */
  readonly before: string;
  /** The value after, rendered; `(known after apply)` when unknown. */
  readonly after: string;
  /** Terraform replaces the resource because of this attribute (`replace_paths`). */
  readonly forcesReplacement: boolean;
  /** For a policy document: its change by meaning, instead of before → after. */
  readonly policy?: readonly PolicyFinding[];
}

type Path = readonly (string | number)[];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isPrimitive = (value: unknown) => value === null || typeof value !== "object";

/** The mirror of `mirror` (after_unknown, *_sensitive) at `key`, or undefined. */
function child(mirror: unknown, key: string | number): unknown {
  if (Array.isArray(mirror) && typeof key === "number") return mirror[key];
  if (isObject(mirror) && typeof key === "string") return mirror[key];
  return undefined;
}

/** An absent value as Terraform's state keeps it one way or another: null, {}, [] or "". */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/** Equal, counting every empty value as the same: `tags: null` against `tags: {}` is no change. */
function same(a: unknown, b: unknown): boolean {
  return (isEmpty(a) && isEmpty(b)) || JSON.stringify(a) === JSON.stringify(b);
}

/** `tags.team`, `ingress[0].from_port`, as Terraform names attribute paths. */
export function formatPath(path: Path): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/** A value as the comment shows it: JSON, cut to {@link MAX_VALUE_CHARS} with the cut said. */
export function formatValue(value: unknown): string {
  const text = value === undefined ? "null" : JSON.stringify(value);
  if (text.length <= MAX_VALUE_CHARS) return text;
  return `${text.slice(0, MAX_VALUE_CHARS)}… (cut: ${text.length.toLocaleString("en-US")} characters)`;
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/**
 * The attributes an update or replacement changes, from the plan's `before`, `after`,
 * `after_unknown`, `before_sensitive`, `after_sensitive` and `replace_paths`: sensitive
 * values masked as Terraform masks them, unknown ones shown as `(known after apply)`,
 * the attributes that force a replacement marked, long values cut, and policy documents
 * compared by meaning (`policyFindings`, with the resource's own `name` as the role a
 * trust policy belongs to). Empty for creates and deletes.
 */
export function attributeChanges(change: ResourceChangeJson["change"]): AttributeChange[] {
  if (!isObject(change.before) || !isObject(change.after)) return [];
  const replacePaths = change.replace_paths ?? [];
  const roleName = typeof change.after.name === "string" ? change.after.name : undefined;
  const found: AttributeChange[] = [];
  const emit = (path: Path, before: string, after: string, policy?: readonly PolicyFinding[]) =>
    found.push({
      path: formatPath(path),
      before,
      after,
      forcesReplacement: replacePaths.some((p) => startsWith(path, p) || startsWith(p, path)),
      ...(policy ? { policy } : {}),
    });

  const walk = (before: unknown, after: unknown, unknown: unknown, bSens: unknown, aSens: unknown, path: Path) => {
    if (unknown === true) {
      emit(path, bSens === true ? "(sensitive value)" : formatValue(before), "(known after apply)");
      return;
    }
    if (bSens === true || aSens === true) {
      if (!same(before, after)) {
        emit(
          path,
          bSens === true ? "(sensitive value)" : formatValue(before),
          aSens === true ? "(sensitive value)" : formatValue(after),
        );
      }
      return;
    }
    if (isObject(before) && isObject(after)) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
      for (const key of keys) {
        walk(before[key], after[key], child(unknown, key), child(bSens, key), child(aSens, key), [...path, key]);
      }
      return;
    }
    const structured = (v: unknown) => Array.isArray(v) && v.some((item) => !isPrimitive(item));
    if (Array.isArray(before) && Array.isArray(after) && (structured(before) || structured(after))) {
      for (let i = 0; i < Math.max(before.length, after.length); i++) {
        walk(before[i], after[i], child(unknown, i), child(bSens, i), child(aSens, i), [...path, i]);
      }
      return;
    }
    if (same(before, after)) return;
    if (isPolicyText(before) && isPolicyText(after)) {
      const attribute = String(path.at(-1) ?? "");
      emit(path, "", "", policyFindings(before, after, { attribute, roleName }));
      return;
    }
    emit(path, formatValue(before), formatValue(after));
  };

  walk(change.before, change.after, change.after_unknown, change.before_sensitive, change.after_sensitive, []);
  return found;
}

/**
 * The lines of the comment's change list for one resource's attribute changes, indented
 * under its address: `name: "a" → "b"  # forces replacement`, and a policy's findings.
 */
export function attributeLines(changes: readonly AttributeChange[]): string[] {
  return changes.flatMap((c) => {
    const mark = c.forcesReplacement ? "  # forces replacement" : "";
    if (!c.policy) return [`      ${c.path}: ${c.before} → ${c.after}${mark}`];
    if (c.policy.length === 0) return [`      ${c.path}: reformatted, same meaning${mark}`];
    return [`      ${c.path}:${mark}`, ...c.policy.map((f) => `        ${f.security ? "! " : ""}${f.text}`)];
  });
}
