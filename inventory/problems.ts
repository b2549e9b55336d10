/** A path into the inventory: map keys and sequence indexes. */
export type FieldPath = readonly (string | number)[];

/**
 * One thing wrong (error) or worth a look (warning) in an inventory.
 *
 * `found` says what the file holds, `allowed` what would be accepted; together they make
 * one line that a reader can act on without opening the docs.
 */
export interface Problem {
  readonly severity: "error" | "warning";
  /** Path of the field the problem is about. */
  readonly path: FieldPath;
  readonly found: string;
  readonly allowed: string;
  /** Point at the key of `path` rather than its value (unknown or misspelled keys). */
  readonly atKey?: boolean;
  /** 1-based position in the file, filled in by the loader. */
  readonly line?: number;
  readonly col?: number;
}

/** Builds an error. */
export function error(path: FieldPath, found: string, allowed: string, atKey = false): Problem {
  return { severity: "error", path, found, allowed, atKey };
}

/** Builds a warning. */
export function warning(path: FieldPath, found: string, allowed: string): Problem {
  return { severity: "warning", path, found, allowed };
}

/** Renders a path the way a reader writes it: `accounts.prod-api.vpc.cidr`, `regions[1]`. */
export function formatPath(path: FieldPath): string {
  if (path.length === 0) return "(document)";
  return path.reduce<string>((out, part) => {
    if (typeof part === "number") return `${out}[${part}]`;
    return out === "" ? part : `${out}.${part}`;
  }, "");
}

/** Renders a value for a message: strings quoted, the rest as YAML would show it. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return String(value);
}

/** Orders problems: errors first, then by position in the file. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const rank = (p: Problem) => (p.severity === "error" ? 0 : 1);
  return [...problems].sort(
    (a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0),
  );
}

/** One line per problem: `accounts.yaml:12:5  accounts.api.team  found ...; allowed ...`. */
export function formatProblem(file: string, problem: Problem): string {
  const where = `${file}:${problem.line ?? 1}:${problem.col ?? 1}`;
  const tag = problem.severity === "warning" ? "warning: " : "";
  return `${where}  ${formatPath(problem.path)}  ${tag}${problem.found}; ${problem.allowed}`;
}

/** A GitHub Actions workflow command that annotates the line of the problem. */
export function formatGithubAnnotation(file: string, problem: Problem): string {
  const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const property = (s: string) => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const kind = problem.severity === "error" ? "error" : "warning";
  const where = `file=${property(file)},line=${problem.line ?? 1},col=${problem.col ?? 1}`;
  return `::${kind} ${where},title=${property(formatPath(problem.path))}::${data(`${problem.found}; ${problem.allowed}`)}`;
}
