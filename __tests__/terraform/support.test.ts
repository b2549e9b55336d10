import { describe, expect, it } from "vitest";
import { toolsVerdict } from "./support.js";

describe("toolsVerdict", () => {
  it("runs when nothing is missing", () => {
    expect(toolsVerdict([], true)).toEqual({ skip: false });
  });

  it("skips with the reason on a developer's machine", () => {
    const verdict = toolsVerdict(["terraform"], false);
    expect(verdict.skip).toBe(true);
    expect(verdict.reason).toMatch(/^terraform not found/);
  });

  it("fails when something is missing in CI", () => {
    expect(() => toolsVerdict(["terraform", "moto"], true)).toThrow("CI=true and terraform and moto not found");
  });
});
