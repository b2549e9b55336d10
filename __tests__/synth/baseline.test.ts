import { describe, expect, it } from "vitest";
import { chatbotRegion } from "../../constructs/slack-channel.js";
import { type Account, coreAccount } from "../../inventory/model.js";
import { bootstrapWorkspaceName } from "../../stacks/bootstrap-stack.js";
import {
  EXAMPLE_AND_THREE_REGIONS,
  fixtureFile,
  REGIONAL_BASELINE_TYPES,
  type Synthesized,
  synthesizeOnce,
  type Workspace,
} from "./support.js";

/** Where an account records global resources, worked out here rather than taken from the model. */
function expectedGlobalRegion(synth: Synthesized, account: Account): string {
  return account.regions.includes(synth.homeRegion) ? synth.homeRegion : account.regions[0];
}

/** The provider a regional resource of `region` must name. */
function providerFor(synth: Synthesized, region: string): string {
  return region === synth.homeRegion ? "aws" : `aws.${region}`;
}

/** For each region of the workspace, how many resources of `type` it has there. */
function countsByRegion(ws: Workspace, type: string): Record<string, number> {
  return Object.fromEntries([...ws.byRegion(type)].map(([region, entries]) => [region, entries.length]));
}

/** Whether the recorder of each region records global resources. */
function globalRecording(ws: Workspace): Map<string, unknown> {
  return new Map(
    [...ws.byRegion("aws_config_configuration_recorder")].map(([region, [[, recorder]]]) => [
      region,
      (recorder.recording_group as Record<string, unknown>).include_global_resource_types,
    ]),
  );
}

const once = (regions: readonly string[]) => Object.fromEntries(regions.map((r) => [r, 1]));

describe.each(EXAMPLE_AND_THREE_REGIONS)("baseline of every workspace of $title", ({ source }) => {
  const synth = synthesizeOnce(source);

  it("gives every account with an id a workspace, and no pending account one", () => {
    const s = synth();
    const org = s.organization.inventory.organization;
    const bootstrap = org.terraformCloud ? [bootstrapWorkspaceName(org.name)] : [];
    expect([...s.workspaces.keys()].sort()).toEqual(
      [...s.accountsWithWorkspace.map((a) => a.workspace), ...bootstrap].sort(),
    );
  });

  it("has one multi-region trail with log file validation, global service events and KMS, into the log archive", () => {
    const s = synth();
    const archive = coreAccount(s.organization, "log-archive");
    const bucket = `${s.organization.inventory.organization.name}-cloudtrail-${archive.id}`;
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      const trail = ws.single("aws_cloudtrail");
      expect(trail, ws.name).toMatchObject({
        is_multi_region_trail: true,
        enable_log_file_validation: true,
        include_global_service_events: true,
        s3_bucket_name: bucket,
        lifecycle: { prevent_destroy: true },
      });
      expect(trail.kms_key_id, ws.name).toMatch(/^\$\{(data\.)?aws_kms_key\.[^.]+\.arn\}$/);
      expect(trail.enable_logging ?? true, ws.name).toBe(true);
    }
  });

  it.each([
    "aws_config_configuration_recorder",
    "aws_config_delivery_channel",
    "aws_config_configuration_recorder_status",
  ])("has exactly one %s in each governed region of the account, and none elsewhere", (type) => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      expect(countsByRegion(s.of(account.key), type), account.key).toEqual(once(account.regions));
    }
  });

  it("has exactly one GuardDuty detector and one alerts topic in each governed region of the account", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      expect(countsByRegion(ws, "aws_guardduty_detector"), account.key).toEqual(once(account.regions));
      expect(countsByRegion(ws, "aws_sns_topic"), account.key).toEqual(once(account.regions));
      for (const [, detector] of ws.resources("aws_guardduty_detector")) expect(detector.enable).toBe(true);
    }
  });

  it("deploys every configured rule, as an AWS managed rule, in each governed region", () => {
    const s = synth();
    const rules = [...s.organization.inventory.baseline.configRules].sort();
    for (const account of s.accountsWithWorkspace) {
      const byRegion = s.of(account.key).byRegion("aws_config_config_rule");
      expect([...byRegion.keys()].sort(), account.key).toEqual([...account.regions].sort());
      for (const [region, entries] of byRegion) {
        const identifiers = entries.map(([, r]) => r.source as { owner: string; source_identifier: string });
        expect(identifiers.every((i) => i.owner === "AWS")).toBe(true);
        expect(identifiers.map((i) => i.source_identifier).sort(), `${account.key} ${region}`).toEqual(rules);
      }
    }
  });

  it("records global resources in exactly one region: homeRegion, or the account's first region without it", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const global = [...globalRecording(s.of(account.key))].filter(([, on]) => on === true).map(([region]) => region);
      expect(global, account.key).toEqual([expectedGlobalRegion(s, account)]);
    }
  });

  it("delivers Config in every region to the log archive's Config bucket", () => {
    const s = synth();
    const archive = coreAccount(s.organization, "log-archive");
    const bucket = `${s.organization.inventory.organization.name}-config-${archive.id}`;
    for (const account of s.accountsWithWorkspace) {
      for (const [, channel] of s.of(account.key).resources("aws_config_delivery_channel")) {
        expect(channel.s3_bucket_name, account.key).toBe(bucket);
      }
    }
  });

  it("puts each regional resource on its region's provider: the default one for homeRegion, aws.<region> otherwise", () => {
    const s = synth();
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      for (const type of REGIONAL_BASELINE_TYPES) {
        for (const [region, entries] of ws.byRegion(type)) {
          expect(account.regions, `${ws.name} ${type} in ${region}`).toContain(region);
          for (const [name, body] of entries) expect(body.provider, `${type}.${name}`).toBe(providerFor(s, region));
        }
      }
    }
  });

  it("configures the home region's provider, one aliased provider per other governed region, and the Chatbot API region's where Slack is set, each assuming the execution role", () => {
    const s = synth();
    const role = s.organization.inventory.organization.executionRoleName;
    const chatbot = chatbotRegion(s.organization.inventory.organization.regions);
    for (const account of s.accountsWithWorkspace) {
      const ws = s.of(account.key);
      const providers = ws.providers();
      const [home, ...aliased] = providers;
      expect(home.alias, account.key).toBeUndefined();
      expect(home.region).toBe(s.homeRegion);
      const regions = account.regions.filter((r) => r !== s.homeRegion);
      const slack = ws.resources("aws_chatbot_slack_channel_configuration").length > 0;
      if (slack && chatbot !== s.homeRegion && !regions.includes(chatbot)) regions.push(chatbot);
      expect(aliased.map((p) => [p.alias, p.region])).toEqual(regions.map((r) => [r, r]));
      for (const provider of providers) {
        // The execution role unless a review plan sets fleetfile_access=plan (pipeline.test.ts).
        expect(provider.assume_role).toEqual([
          { role_arn: expect.stringMatching(new RegExp(`\\? "arn:aws:iam::${account.id}:role/${role}" : ""\\}$`)) },
        ]);
      }
    }
  });
});

describe("an account limited to one region that leaves homeRegion out (three-regions: web-prod-sydney)", () => {
  const synth = synthesizeOnce({ file: fixtureFile("three-regions") });

  it("is the case under test", () => {
    const account = synth().account("web-prod-sydney");
    expect(account.regions).toEqual(["ap-southeast-2"]);
    expect(account.regions).not.toContain(synth().homeRegion);
  });

  it("has every regional resource in ap-southeast-2 and nothing regional in the other governed regions", () => {
    const ws = synth().of("web-prod-sydney");
    for (const type of REGIONAL_BASELINE_TYPES) {
      for (const [name, body] of ws.resources(type)) {
        expect(ws.regionOf(body), `${type}.${name}`).toBe("ap-southeast-2");
        expect(body.provider, `${type}.${name}`).toBe("aws.ap-southeast-2");
      }
    }
    expect(ws.providers().map((p) => p.region)).toEqual(["eu-west-1", "ap-southeast-2"]);
  });

  it("has exactly one recorder, channel, status, detector and topic, and one of each rule", () => {
    const ws = synth().of("web-prod-sydney");
    for (const type of [
      "aws_config_configuration_recorder",
      "aws_config_delivery_channel",
      "aws_config_configuration_recorder_status",
      "aws_guardduty_detector",
      "aws_sns_topic",
    ]) {
      expect(ws.resources(type), type).toHaveLength(1);
    }
    expect(ws.resources("aws_config_config_rule")).toHaveLength(
      synth().organization.inventory.baseline.configRules.length,
    );
  });

  it("records global resources in its own region", () => {
    const recorder = synth().of("web-prod-sydney").single("aws_config_configuration_recorder");
    expect(recorder.recording_group).toMatchObject({ include_global_resource_types: true });
  });

  it("records global resources in homeRegion when the account governs it, even listed second (web-dev-us)", () => {
    expect(globalRecording(synth().of("web-dev-us"))).toEqual(
      new Map([
        ["us-east-1", false],
        ["eu-west-1", true],
      ]),
    );
  });

  it("records global resources in the first of two regions that leave homeRegion out (batch-us)", () => {
    expect(globalRecording(synth().of("batch-us"))).toEqual(
      new Map([
        ["us-east-1", true],
        ["ap-southeast-2", false],
      ]),
    );
  });
});
