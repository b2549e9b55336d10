import type { LoadResult } from "../inventory/load.js";
import { formatGithubAnnotation, formatProblem } from "../inventory/problems.js";

/** How problems are printed: one line each, or as GitHub Actions annotations too. */
export type ProblemFormat = "text" | "github";

/** Prints every problem of a load to stderr; returns whether there was an error. */
export function reportProblems(result: LoadResult, format: ProblemFormat = "text"): boolean {
  const errors = result.problems.filter((p) => p.severity === "error").length;
  const warnings = result.problems.length - errors;
  for (const problem of result.problems) {
    console.error(formatProblem(result.file, problem));
    if (format === "github") console.log(formatGithubAnnotation(result.file, problem));
  }
  if (result.problems.length > 0) {
    console.error(`${result.file}: ${plural(errors, "error")}, ${plural(warnings, "warning")}`);
  }
  return errors > 0;
}

/** `1 error`, `2 errors`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
