import { globalRegistry, type z } from "zod";
import { error, type FieldPath, formatPath, type Problem, show } from "./problems.js";
import { InventorySchema, PATTERN_WORDS } from "./schema.js";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** The schema that describes the value at `path`, looking through optional and default wrappers. */
function schemaAt(path: FieldPath): AnySchema | undefined {
  let schema: AnySchema | undefined = InventorySchema;
  for (const part of path) {
    schema = unwrap(schema);
    const def = schema?._zod.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      valueType?: AnySchema;
      element?: AnySchema;
    };
    if (def?.type === "object") schema = def.shape?.[String(part)];
    else if (def?.type === "record") schema = def.valueType;
    else if (def?.type === "array") schema = def.element;
    else return undefined;
  }
  return unwrap(schema);
}

function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let current = schema;
  while (current) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else break;
  }
  return current;
}

/** The keys an object accepts at `path`, for "did you mean" and "allowed" wording. */
export function knownKeys(path: FieldPath): string[] {
  const def = schemaAt(path)?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** Closest of `candidates` to `word` by edit distance, when close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function describeSchema(schema: AnySchema | undefined, fallback: string): string {
  const def = schema?._zod.def as
    | {
        type: string;
        format?: string;
        checks?: { _zod: { def: { format?: string; pattern?: RegExp } } }[];
        entries?: Record<string, unknown>;
      }
    | undefined;
  if (!def) return fallback;
  if (def.format === "email") return "an email address";
  for (const check of def.checks ?? []) {
    const { format, pattern } = check._zod.def;
    if (format === "email") return "an email address";
    if (pattern) return PATTERN_WORDS[pattern.source] ?? `a string matching ${pattern.source}`;
  }
  if (def.type === "enum" && def.entries) return `one of ${Object.keys(def.entries).join(", ")}`;
  if (def.type === "object") return "a map of fields";
  if (def.type === "record") return "a map of named entries";
  if (def.type === "array") return "a list";
  if (def.type === "number") return def.format === "safeint" ? "a whole number" : "a number";
  if (def.type === "boolean") return "true or false";
  if (def.type === "string") return "a string";
  return fallback;
}

/** Turns one zod issue into problems (an unknown-keys issue gives one per key). */
function issueProblems(issue: Issue, input: unknown): Problem[] {
  const path = issue.path as FieldPath;
  const value = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(path);
      return issue.keys.map((key) => {
        const guess = closest(key, known);
        const allowed = guess
          ? `did you mean "${guess}"? allowed keys: ${known.join(", ")}`
          : `allowed keys: ${known.join(", ")}`;
        return error([...path, key], `unknown key "${key}"`, allowed, true);
      });
    }
    case "invalid_type": {
      const wanted = describeSchema(schemaAt(path), issue.expected);
      if (value === undefined) return [error(path, `"${path.at(-1)}" is missing`, `required: ${wanted}`)];
      if (value === null) return [error(path, path.length === 0 ? "the file is empty" : "empty", `allowed: ${wanted}`)];
      const unquotedNumber = typeof value === "number" && issue.expected === "string";
      const found = unquotedNumber
        ? `${show(value)} is a number (unquoted)`
        : typeof value === "object"
          ? `found ${typeOf(value)}`
          : `${show(value)} is ${typeOf(value)}`;
      return [error(path, found, `allowed: ${wanted}`)];
    }
    case "invalid_format":
      return [error(path, `${show(value)} is not valid`, `allowed: ${describeSchema(schemaAt(path), issue.format)}`)];
    case "invalid_value": {
      const allowed = issue.values.map((v) => show(v)).join(", ");
      if (value === undefined) return [error(path, `"${path.at(-1)}" is missing`, `required: ${allowed}`)];
      const [only] = issue.values;
      if (issue.values.length === 1 && typeof only === "number" && String(value) === String(only)) {
        return [error(path, `${show(value)} is ${typeOf(value)}`, `allowed: the number ${only}, unquoted`)];
      }
      return [error(path, `${show(value)} is not allowed`, `allowed: ${allowed}`)];
    }
    case "too_small":
      return [
        error(path, `${sizeOf(value)}`, `allowed: ${bound("at least", issue.minimum, issue.inclusive, issue.origin)}`),
      ];
    case "too_big":
      return [
        error(path, `${sizeOf(value)}`, `allowed: ${bound("at most", issue.maximum, issue.inclusive, issue.origin)}`),
      ];
    case "custom": {
      const params = issue.params as { atKey?: boolean; pattern?: string } | undefined;
      if (params?.atKey && params.pattern) {
        const words = PATTERN_WORDS[params.pattern] ?? params.pattern;
        return [error(path, `key ${show(path.at(-1))} is not valid`, `allowed: ${words}`, true)];
      }
      return [error(path, issue.message, "see docs/inventory.md")];
    }
    default:
      return [error(path, `${show(value)}: ${issue.message}`, "see docs/inventory.md")];
  }
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `a ${typeof value}`;
}

function sizeOf(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "string") return `${show(value)} (${value.length} characters)`;
  return show(value);
}

function bound(word: string, limit: number | bigint, inclusive: boolean | undefined, origin: string): string {
  const one = Number(limit) === 1;
  const unit =
    origin === "array" ? (one ? " item" : " items") : origin === "string" ? (one ? " character" : " characters") : "";
  return inclusive === false
    ? `${word === "at least" ? "more than" : "less than"} ${limit}${unit}`
    : `${word} ${limit}${unit}`;
}

/**
 * Paths of every `__proto__` key in a parsed value. zod's records skip such a key without
 * a word (to keep it off the prototype), but a key in the file must never be ignored.
 */
function protoKeyPaths(value: unknown, path: FieldPath = []): FieldPath[] {
  if (value === null || typeof value !== "object") return [];
  const own: FieldPath[] = Object.hasOwn(value, "__proto__") ? [[...path, "__proto__"]] : [];
  const nested = Object.entries(value).flatMap(([key, child]) =>
    protoKeyPaths(child, [...path, Array.isArray(value) ? Number(key) : key]),
  );
  return [...own, ...nested];
}

/** Phase one: checks the shape of a parsed YAML value against the schema. */
export function checkShape(input: unknown): { inventory?: z.infer<typeof InventorySchema>; problems: Problem[] } {
  const result = InventorySchema.safeParse(input);
  const problems = result.success ? [] : result.error.issues.flatMap((issue) => issueProblems(issue, input));
  const reported = new Set(problems.map((p) => formatPath(p.path)));
  for (const path of protoKeyPaths(input)) {
    if (!reported.has(formatPath(path))) {
      problems.push(error(path, 'key "__proto__" is not valid', `allowed: ${keyRule(path.slice(0, -1))}`, true));
    }
  }
  if (result.success && problems.length === 0) return { inventory: result.data, problems };
  return { problems };
}

/** The rule of the keys of the map at `path`, from the `propertyNames` its schema declares. */
function keyRule(path: FieldPath): string {
  const schema = schemaAt(path);
  const meta = schema && (globalRegistry.get(schema) as { propertyNames?: { pattern?: string } } | undefined);
  const pattern = meta?.propertyNames?.pattern;
  if (pattern) return PATTERN_WORDS[pattern] ?? `a key matching ${pattern}`;
  return `one of ${knownKeys(path).join(", ")}`;
}
