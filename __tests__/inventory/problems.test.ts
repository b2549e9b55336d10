import { describe, expect, it } from "vitest";
import {
  error,
  formatGithubAnnotation,
  formatPath,
  formatProblem,
  sortProblems,
  warning,
} from "../../inventory/problems.js";

describe("formatPath", () => {
  it("writes keys with dots and indexes in brackets", () => {
    expect(formatPath([])).toBe("(document)");
    expect(formatPath(["organization"])).toBe("organization");
    expect(formatPath(["accounts", "prod-api", "vpc", "cidr"])).toBe("accounts.prod-api.vpc.cidr");
    expect(formatPath(["organization", "regions", 1])).toBe("organization.regions[1]");
    expect(formatPath(["accounts", "api", "access", "developer", 0])).toBe("accounts.api.access.developer[0]");
  });
});

describe("formatProblem", () => {
  it("writes file, line and column, path, what was found and what is allowed", () => {
    const problem = {
      ...error(["accounts", "api", "team"], 'team "paymnts" is not defined', "allowed: payments"),
      line: 12,
      col: 5,
    };
    expect(formatProblem("accounts.yaml", problem)).toBe(
      'accounts.yaml:12:5  accounts.api.team  team "paymnts" is not defined; allowed: payments',
    );
  });

  it("marks warnings, and puts a problem without a position at the start of the file", () => {
    expect(
      formatProblem("a.yaml", warning(["accounts", "old", "name"], "explicit name", "allowed for old accounts")),
    ).toBe("a.yaml:1:1  accounts.old.name  warning: explicit name; allowed for old accounts");
  });
});

describe("formatGithubAnnotation", () => {
  it("annotates the file and line of an error", () => {
    const problem = { ...error(["version"], "2 is not allowed", "allowed: 1"), line: 2, col: 10 };
    expect(formatGithubAnnotation("accounts.yaml", problem)).toBe(
      "::error file=accounts.yaml,line=2,col=10,title=version::2 is not allowed; allowed: 1",
    );
  });

  it("escapes %, CR and LF in the message, and also : and , in the file and title", () => {
    const problem = {
      ...warning(["accounts", "a:b,c"], "100% odd\r\nsecond line", "allowed: x, y: z"),
      line: 3,
      col: 1,
    };
    expect(formatGithubAnnotation("dir,1/a:b%.yaml", problem)).toBe(
      "::warning file=dir%2C1/a%3Ab%25.yaml,line=3,col=1,title=accounts.a%3Ab%2Cc::100%25 odd%0D%0Asecond line; allowed: x, y: z",
    );
  });
});

describe("sortProblems", () => {
  it("puts errors before warnings, each in file order", () => {
    const at = (p: ReturnType<typeof error>, line: number, col: number) => ({ ...p, line, col });
    const early = at(warning(["a"], "early warning", "w"), 1, 1);
    const late = at(error(["b"], "late error", "e"), 9, 3);
    const first = at(error(["c"], "first error", "e"), 9, 1);
    const middle = at(warning(["d"], "middle warning", "w"), 5, 1);
    expect(sortProblems([early, late, first, middle]).map((p) => p.found)).toEqual([
      "first error",
      "late error",
      "early warning",
      "middle warning",
    ]);
  });
});
