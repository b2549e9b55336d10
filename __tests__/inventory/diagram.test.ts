import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DOC_DIAGRAMS, redrawnDocs } from "../../cli/diagram.js";
import { networkDiagram, organizationDiagram, replaceDiagrams } from "../../inventory/diagram.js";
import { loadInventoryText } from "../../inventory/load.js";
import type { Organization } from "../../inventory/model.js";
import { EXAMPLE_FILE, fixtureFile, readInventory } from "../synth/support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function organizationOf(text: string): Organization {
  const organization = loadInventoryText("accounts.yaml", text).organization;
  if (!organization) throw new Error("the inventory does not validate");
  return organization;
}

const example = organizationOf(readInventory(EXAMPLE_FILE));
const units = organizationOf(readInventory(fixtureFile("units")));

/** The lines of a diagram from the one that opens `subgraph id` to its `end`. */
function subgraph(diagram: string, id: string): string[] {
  const lines = diagram.split("\n");
  const start = lines.findIndex((l) => l.trim().startsWith(`subgraph ${id}[`));
  const indent = lines[start].indexOf("subgraph");
  const end = lines.findIndex((l, i) => i > start && l === `${" ".repeat(indent)}end`);
  return lines.slice(start, end + 1);
}

describe("the organization diagram", () => {
  it("nests the units and puts each account in its unit, with its team and environment", () => {
    const diagram = organizationDiagram(units);
    const workloads = subgraph(diagram, "u_Workloads").join("\n");
    expect(subgraph(diagram, "u_Workloads_Prod").join("\n")).toContain(
      'a_prod_payments_api["prod-payments-api · 666666666666<br/>team payments · prod"]',
    );
    expect(workloads).toContain("subgraph u_Workloads_NonProd[");
    expect(subgraph(diagram, "u_Suspended").join("\n")).toMatch(/legacy-billing · 123456789012.*retired/);
    expect(diagram).toContain('subgraph u_Sandbox["Sandbox<br/>adds: regions ap-northeast-1"]');
    expect(diagram).toContain("root --- a_management");
    expect(diagram).not.toContain("root --- a_prod_payments_api");
  });

  it("puts every account at the root where the inventory has no units", () => {
    const diagram = organizationDiagram(example);
    expect(diagram).not.toContain("subgraph");
    for (const account of example.accounts) expect(diagram).toContain(`root --- a_${account.key.replace(/-/g, "_")}`);
  });

  it("draws the roles access creates, from the identity account", () => {
    expect(organizationDiagram(example)).toContain('a_identity -. "administrator, developer" .-> a_stg_payments_api');
  });

  it("quotes labels so that a unit's name cannot break the diagram", () => {
    const doc = parseDocument(readInventory(fixtureFile("units")));
    doc.setIn(["organization", "units", "Workloads", "name"], 'Work "loads"] end');
    const diagram = organizationDiagram(organizationOf(doc.toString()));
    expect(diagram).toContain('subgraph u_Workloads["Work #quot;loads#quot;] end"]');
  });
});

describe("the network diagram", () => {
  it("draws a gateway per environment in every region with a VPC, and each VPC on its own", () => {
    const diagram = networkDiagram(example);
    expect(subgraph(diagram, "r_us_east_1")).toEqual([
      '    subgraph r_us_east_1["us-east-1"]',
      '      g_us_east_1_prod["acme-prod<br/>ASN 64512"]',
      '      g_us_east_1_stg["acme-stg<br/>ASN 64513<br/>(no VPC yet)"]',
      '      g_us_east_1_dev["acme-dev<br/>ASN 64514<br/>(no VPC yet)"]',
      "    end",
    ]);
    expect(diagram).toContain('v_prod_data_lake["prod-data-lake<br/>10.30.0.0/16 · 3 AZs"] --- g_us_east_1_prod');
    expect(diagram).toContain('v_dev_data_lake["dev-data-lake<br/>10.40.0.0/20 · 1 AZ"] --- g_ap_northeast_1_dev');
  });
});

describe("the diagrams of docs/", () => {
  it.each(DOC_DIAGRAMS.map((d) => [d.doc, d.kind, d.source]))(
    "fails when %s's %s diagram of %s is stale: run npm run diagram -- --docs",
    (doc) => {
      expect(readFileSync(join(ROOT, doc), "utf8")).toBe(redrawnDocs(ROOT).get(doc));
    },
  );

  it("fails when a marker has no diagram after it", () => {
    expect(() => replaceDiagrams("<!-- m -->\ntext\n", new Map([["<!-- m -->", "flowchart TB"]]))).toThrow(
      /is not followed by a mermaid block/,
    );
  });
});
