import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import {
  type Block,
  discoveryOf,
  EXAMPLE_FILE,
  fixtureFile,
  foundAccount,
  foundRegion,
  readInventory,
  synthesizeEachOnce,
} from "./support.js";

const REGION = "us-east-1";

/** stg-payments-api as a legacy account (in its second region, of an aliased provider): GuardDuty and Config switched on by hand, a role and a topic of the baseline's names. */
const DISCOVERY = discoveryOf({
  "stg-payments-api": foundAccount("777777777777", {
    regions: {
      [REGION]: foundRegion({
        guardduty: { detectorId: "12abc34d567e8fa901bc2d34e56789f0" },
        config: { recorder: "default", deliveryChannel: "default" },
        topics: [`arn:aws:sns:${REGION}:777777777777:acme-alerts`],
      }),
    },
    roles: ["acme-config-recorder"],
  }),
});

/** The units fixture with its Workloads unit existing already. */
function withExistingUnit(): string {
  const doc = parseDocument(readInventory(fixtureFile("units")));
  doc.setIn(["organization", "units", "Workloads", "id"], "ou-ab12-34cd56ef");
  doc.setIn(["organization", "units", "Workloads", "name"], "Workloads (2016)");
  return doc.toString();
}

const synths = synthesizeEachOnce({
  plain: { file: EXAMPLE_FILE },
  discovered: { file: EXAMPLE_FILE, discovery: DISCOVERY },
  units: { name: "units.yaml with an existing Workloads unit", text: withExistingUnit() },
});

/** The import blocks of a workspace, by target address. */
function imports(json: Block): Record<string, { id: string; provider?: string }> {
  return Object.fromEntries(
    ((json.import ?? []) as { to: string; id: string; provider?: string }[]).map((i) => [
      i.to,
      { id: i.id, provider: i.provider },
    ]),
  );
}

describe("what discover found, imported by synth", () => {
  it("imports the existing detector, recorder, channel and recording status under their own names", () => {
    const ws = synths.discovered().of("stg-payments-api");
    const found = imports(ws.json);
    const name = (type: string) => ws.byRegion(type).get(REGION)?.[0][0] as string;
    expect(found[`aws_guardduty_detector.${name("aws_guardduty_detector")}`]).toEqual({
      id: "12abc34d567e8fa901bc2d34e56789f0",
      provider: `aws.${REGION}`,
    });
    for (const type of [
      "aws_config_configuration_recorder",
      "aws_config_configuration_recorder_status",
      "aws_config_delivery_channel",
    ]) {
      expect(found[`${type}.${name(type)}`], type).toEqual({ id: "default", provider: `aws.${REGION}` });
    }
    for (const type of ["aws_config_configuration_recorder", "aws_config_delivery_channel"]) {
      expect(ws.byRegion(type).get(REGION)?.[0][1].name, type).toBe("default");
    }
  });

  it("imports the roles and topics of the baseline's names that exist, and nothing else", () => {
    const ws = synths.discovered().of("stg-payments-api");
    const found = imports(ws.json);
    const [role] = ws.resources("aws_iam_role").filter(([, r]) => r.name === "acme-config-recorder");
    expect(found[`aws_iam_role.${role[0]}`]).toEqual({ id: "acme-config-recorder", provider: undefined });
    const [topic] = ws.byRegion("aws_sns_topic").get(REGION) ?? [];
    expect(found[`aws_sns_topic.${topic[0]}`]).toEqual({
      id: `arn:aws:sns:${REGION}:777777777777:acme-alerts`,
      provider: `aws.${REGION}`,
    });
    expect(Object.keys(found)).toHaveLength(6);
  });

  it("leaves every other workspace as it was, and adds nothing where nothing was found", () => {
    const plain = synths.plain();
    const discovered = synths.discovered();
    for (const [name, workspace] of plain.workspaces) {
      if (name === "acme-stg-payments-api") continue;
      expect(discovered.workspaces.get(name)?.text, name).toBe(workspace.text);
    }
    expect(plain.of("stg-payments-api").json.import).toBeUndefined();
  });

  it("imports a unit that exists by its id, under its own name", () => {
    const ws = synths.units().of("management");
    const unit = ws.resource("aws_organizations_organizational_unit", "units_Workloads");
    expect(unit.name).toBe("Workloads (2016)");
    expect(imports(ws.json)["aws_organizations_organizational_unit.units_Workloads"]).toEqual({
      id: "ou-ab12-34cd56ef",
      provider: undefined,
    });
  });
});
