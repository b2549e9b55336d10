import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyWaves, CORE_APPLY_ORDER } from "../../terraform/waves.js";

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

describe("CORE_APPLY_ORDER", () => {
  it("is the order docs/baseline.md tells a user to apply in", () => {
    const doc = readFileSync(new URL("../../docs/baseline.md", import.meta.url), "utf8");
    const sentence = /Then apply in this order: ([\s\S]*?)\n\n/.exec(doc)?.[1].replace(/\s+/g, " ") ?? "";
    const named = {
      "log-archive": "the log archive",
      management: "the management workspace",
      audit: "the audit account",
      network: "the network hub",
    };
    const positions = CORE_APPLY_ORDER.map((type) => sentence.indexOf(named[type]));
    expect(
      positions.every((p) => p >= 0),
      sentence,
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(sentence).toMatch(/then every other account\.$/);
  });
});
