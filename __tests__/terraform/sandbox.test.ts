import { describe, expect, it } from "vitest";
import { organizationSeed, sandboxWaves } from "../../cli/sandbox.js";
import { loadInventoryFile } from "../../inventory/load.js";
import { renderSandboxTable, type SandboxRow, sandboxPassed } from "../../terraform/sandbox.js";

const organization = loadInventoryFile("accounts.yaml").organization!;

describe("sandboxWaves", () => {
  it("applies log-archive, management, audit and network one by one, then the rest together", () => {
    const waves = sandboxWaves(organization, "/out").map((wave) => wave.map((w) => w.name));
    expect(waves.slice(0, 4)).toEqual([["acme-log-archive"], ["acme-management"], ["acme-audit"], ["acme-network"]]);
    expect(waves[4]).toContain("acme-identity");
    expect(waves.flat()).toHaveLength(organization.accounts.filter((a) => a.id).length);
  });

  it("points each workspace at its synthesized folder", () => {
    expect(sandboxWaves(organization, "/out")[0][0].dir).toBe("/out/stacks/acme-log-archive");
  });
});

describe("organizationSeed", () => {
  it("seeds the management account and every member that has an id, by the inventory's names", () => {
    const seed = organizationSeed(organization);
    expect(seed.management.id).toBe(organization.accounts.find((a) => a.type === "management")!.id);
    expect(seed.members.map((m) => m.id)).not.toContain(seed.management.id);
    expect(seed.members).toHaveLength(organization.accounts.filter((a) => a.id).length - 1);
    expect(seed.members.find((m) => m.id === "123456789012")?.name).toBe("Acme Billing (legacy)");
  });
});

const rows: SandboxRow[] = [
  { workspace: "acme-log-archive", resources: 66, applySeconds: 77.04, drift: [] },
  {
    workspace: "acme-network",
    resources: 12,
    applySeconds: 9.5,
    drift: [{ address: "aws_ec2_transit_gateway_vpc_attachment.a", actions: ["update"] }],
  },
  { workspace: "acme-audit", failedStep: "apply", error: "Error: creating AWS Chatbot Slack Channel Configuration" },
];

describe("renderSandboxTable", () => {
  it("gives one aligned row per workspace: resources, apply time, drift or the failure", () => {
    expect(renderSandboxTable(rows).split("\n")).toEqual([
      "workspace         resources   apply  drift",
      "acme-log-archive         66  77.0 s  none",
      "acme-network             12   9.5 s  1 drifting: aws_ec2_transit_gateway_vpc_attachment.a (update)",
      "acme-audit                -       -  apply failed: Error: creating AWS Chatbot Slack Channel Configuration",
    ]);
  });
});

describe("sandboxPassed", () => {
  it("passes only when every workspace applied and none drifts", () => {
    expect(sandboxPassed(rows.slice(0, 1))).toBe(true);
    expect(sandboxPassed(rows.slice(0, 2))).toBe(false);
    expect(sandboxPassed([rows[0], rows[2]])).toBe(false);
  });
});
