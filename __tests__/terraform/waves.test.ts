import { describe, expect, it } from "vitest";
import { applyWaves } from "../../terraform/waves.js";

const accounts = [
  { name: "app", type: "workload" },
  { name: "mgmt", type: "management" },
  { name: "logs", type: "log-archive" },
  { name: "data", type: "workload" },
  { name: "audit", type: "audit" },
];

describe("applyWaves", () => {
  it("puts each leading key in its own wave, in that order, then the rest together", () => {
    const waves = applyWaves(accounts, (a) => a.type, ["log-archive", "audit", "network", "management"]);
    expect(waves.map((w) => w.map((a) => a.name))).toEqual([["logs"], ["audit"], ["mgmt"], ["app", "data"]]);
  });

  it("gives no empty wave", () => {
    expect(applyWaves([{ type: "workload" }], (a) => a.type, ["audit"])).toEqual([[{ type: "workload" }]]);
    expect(applyWaves([], (a: { type: string }) => a.type, ["audit"])).toEqual([]);
  });
});
