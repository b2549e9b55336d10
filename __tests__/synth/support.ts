import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { parseDocument } from "yaml";
import type { AccountFindings, Discovery, RegionFindings } from "../../inventory/discovery.js";
import { loadInventoryText } from "../../inventory/load.js";
import type { Account, Organization } from "../../inventory/model.js";
import { formatProblem } from "../../inventory/problems.js";
import { synthesize } from "../../stacks/synthesize.js";

/** The example inventory at the root of the repository. */
export const EXAMPLE_FILE = fileURLToPath(new URL("../../accounts.yaml", import.meta.url));

/** A synth fixture by name: `__tests__/fixtures/synth/<name>.yaml`. */
export function fixtureFile(name: string): string {
  return fileURLToPath(new URL(`../fixtures/synth/${name}.yaml`, import.meta.url));
}

/** The two inventories most synth tests hold to: the example and a three-region one. */
export const EXAMPLE_AND_THREE_REGIONS = [
  { title: "the example", source: { file: EXAMPLE_FILE } },
  { title: "three-regions", source: { file: fixtureFile("three-regions") } },
] as const;

/** Text of an inventory file, to be varied by a test before synthesizing it. */
export function readInventory(file: string): string {
  return readFileSync(file, "utf8");
}

/** An inventory to synthesize: a file, or text with a name for messages. */
export type InventorySource = ({ readonly file: string } | { readonly name: string; readonly text: string }) & {
  /** What `discover` found, as if in the file beside the inventory. @default - nothing */
  readonly discovery?: Discovery;
};

/** A Terraform block of cdk.tf.json (a resource, a data source, a provider). */
export type Block = Record<string, unknown>;

/** One workspace's cdk.tf.json, with the look-ups the tests share. */
export class Workspace {
  readonly json: Block;

  constructor(
    readonly name: string,
    /** The file exactly as written, for comparisons between synths. */
    readonly text: string,
  ) {
    this.json = JSON.parse(text) as Block;
  }

  /** Every resource of `type`, by Terraform name. */
  resources(type: string): [string, Block][] {
    return Object.entries(((this.json.resource as Block | undefined)?.[type] ?? {}) as Record<string, Block>);
  }

  /** Every data source of `type`, by Terraform name. */
  dataSources(type: string): [string, Block][] {
    return Object.entries(((this.json.data as Block | undefined)?.[type] ?? {}) as Record<string, Block>);
  }

  /** The resource `type.name`; throws when it is missing, naming what exists. */
  resource(type: string, name: string): Block {
    const found = this.resources(type).find(([n]) => n === name)?.[1];
    if (!found) {
      const names = this.resources(type).map(([n]) => n);
      throw new Error(`${this.name} has no ${type}.${name}; it has ${names.join(", ") || "none of that type"}`);
    }
    return found;
  }

  /** The only resource of `type`; throws when there are none or several. */
  single(type: string): Block {
    const all = this.resources(type);
    if (all.length !== 1) throw new Error(`${this.name} has ${all.length} ${type}, expected exactly one`);
    return all[0][1];
  }

  /**
   * Values to put in place of Terraform references inside policy documents, so that
   * they can be evaluated: bucket ARNs from bucket names, key ARNs in `accountId`, and
   * the organization's id as {@link ORGANIZATION_ID}.
   */
  substitutions(accountId: string): Record<string, string> {
    const values: Record<string, string> = {
      [ORGANIZATION_REF.id]: ORGANIZATION_ID,
      [ORGANIZATION_REF.arn]: ORGANIZATION_ARN,
    };
    for (const [name, bucket] of this.resources("aws_s3_bucket")) {
      values[ref("aws_s3_bucket", name, "arn")] = `arn:aws:s3:::${bucket.bucket as string}`;
    }
    for (const [name, key] of this.resources("aws_kms_key")) {
      values[ref("aws_kms_key", name, "arn")] = `arn:aws:kms:${this.regionOf(key)}:${accountId}:key/${name}`;
    }
    return values;
  }

  /** Every resource type of the workspace. */
  resourceTypes(): string[] {
    return Object.keys((this.json.resource as Block | undefined) ?? {});
  }

  /** The AWS provider blocks: the default one first as written, aliases after. */
  providers(): Block[] {
    return ((this.json.provider as Block | undefined)?.aws ?? []) as Block[];
  }

  /** Region of a resource or data source, through the provider it names ("aws" or "aws.<alias>"). */
  regionOf(block: Block): string {
    const name = (block.provider as string | undefined) ?? "aws";
    const alias = name === "aws" ? undefined : name.replace(/^aws\./, "");
    const provider = this.providers().find((p) => p.alias === alias);
    if (!provider) throw new Error(`${this.name}: no AWS provider ${name}`);
    return provider.region as string;
  }

  /** Resources of `type` grouped by the region of their provider. */
  byRegion(type: string): Map<string, [string, Block][]> {
    const grouped = new Map<string, [string, Block][]>();
    for (const entry of this.resources(type)) {
      const region = this.regionOf(entry[1]);
      grouped.set(region, [...(grouped.get(region) ?? []), entry]);
    }
    return grouped;
  }
}

/** What one synth produced: the organization it came from and every workspace by name. */
export class Synthesized {
  constructor(
    readonly organization: Organization,
    readonly workspaces: ReadonlyMap<string, Workspace>,
  ) {}

  /** The workspace of the account with `key`. */
  of(key: string): Workspace {
    const account = this.account(key);
    const workspace = this.workspaces.get(account.workspace);
    if (!workspace) throw new Error(`no workspace ${account.workspace} (is ${key} pending?)`);
    return workspace;
  }

  /** The resolved account with `key`. */
  account(key: string): Account {
    const account = this.organization.byKey.get(key);
    if (!account) throw new Error(`the inventory has no account ${key}`);
    return account;
  }

  /** Accounts that have a workspace, in inventory order. */
  get accountsWithWorkspace(): Account[] {
    return this.organization.accounts.filter((a) => a.id !== undefined);
  }

  /** The home region of the organization. */
  get homeRegion(): string {
    return this.organization.inventory.organization.homeRegion;
  }
}

/** Loads and synthesizes `source` into `outdir`; throws with every problem when the inventory is invalid. */
export function synthesizeInto(source: InventorySource, outdir: string): Synthesized {
  const [name, text] = "file" in source ? [source.file, readInventory(source.file)] : [source.name, source.text];
  const loaded = loadInventoryText(name, text, source.discovery && { discovery: source.discovery, problems: [] });
  if (!loaded.organization) {
    throw new Error(loaded.problems.map((p) => formatProblem(name, p)).join("\n"));
  }
  synthesize(loaded.organization, outdir);
  const stacks = join(outdir, "stacks");
  const workspaces = new Map(
    readdirSync(stacks).map((ws) => [ws, new Workspace(ws, readFileSync(join(stacks, ws, "cdk.tf.json"), "utf8"))]),
  );
  return new Synthesized(loaded.organization, workspaces);
}

/**
 * Synthesizes `source` once for the calling test file (in `beforeAll`, into a temporary
 * folder removed in `afterAll`) and returns an accessor for the result.
 */
export function synthesizeOnce(source: InventorySource): () => Synthesized {
  return synthesizeEachOnce({ only: source }).only;
}

/** {@link synthesizeOnce} of several inventories, in one `beforeAll`: one accessor per name. */
export function synthesizeEachOnce<K extends string>(
  sources: Record<K, InventorySource>,
): Record<K, () => Synthesized> {
  const results = new Map<K, Synthesized>();
  const outdirs: string[] = [];
  beforeAll(() => {
    for (const [name, source] of Object.entries(sources) as [K, InventorySource][]) {
      const outdir = mkdtempSync(join(tmpdir(), "fleetfile-synth-"));
      outdirs.push(outdir);
      results.set(name, synthesizeInto(source, outdir));
    }
  });
  afterAll(() => {
    for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
  });
  const accessor = (name: K) => () => {
    const result = results.get(name);
    if (!result) throw new Error("the synth has not run: call the accessor inside a test");
    return result;
  };
  return Object.fromEntries(Object.keys(sources).map((name) => [name, accessor(name as K)])) as Record<
    K,
    () => Synthesized
  >;
}

/** Organization id that stands for the data source's value in evaluated policies. */
export const ORGANIZATION_ID = "o-fleetfile01";
/** Organization ARN that stands for the data source's value in evaluated policies. */
export const ORGANIZATION_ARN = "arn:aws:organizations::111111111111:organization/o-fleetfile01";
/** References to the organization data source, which every workspace reads the same way. */
export const ORGANIZATION_REF = {
  id: ref("data.aws_organizations_organization", "organization", "id"),
  arn: ref("data.aws_organizations_organization", "organization", "arn"),
  rootId: ref("data.aws_organizations_organization", "organization", "roots[0].id"),
} as const;

/** Region-scoped resource types of the baseline: each must use its region's provider. */
export const REGIONAL_BASELINE_TYPES = [
  "aws_config_configuration_recorder",
  "aws_config_delivery_channel",
  "aws_config_configuration_recorder_status",
  "aws_config_config_rule",
  "aws_guardduty_detector",
  "aws_sns_topic",
  "aws_sns_topic_policy",
  "aws_sns_topic_subscription",
  "aws_cloudwatch_event_rule",
  "aws_cloudwatch_event_target",
] as const;

/** The Terraform reference `${<type>.<name>.<attribute>}`. */
export function ref(type: string, name: string, attribute: string): string {
  return `\${${type}.${name}.${attribute}}`;
}

/** Name of the resource a `${type.name.attr}` reference points to, if `value` is one. */
export function referencedName(value: unknown, type: string): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = new RegExp(`^\\$\\{${type.replace(/[.]/g, "\\.")}\\.([^.}]+)\\.[a-z_]+\\}$`).exec(value);
  return match?.[1];
}

/** `text` (an inventory) with GitHub Actions as its pipeline: `organization.github` for `repository`. */
export function withGithub(text: string, repository: string): string {
  const replaced = text.replace(/^ {2}guardrails:\n/m, `  github: { repository: ${repository} }\n  guardrails:\n`);
  if (replaced === text) throw new Error("the inventory has no guardrails block to put github before");
  return replaced;
}

/** Inventory `text` (the example's) with its Terraform Cloud settings replaced by `state` (a YAML flow map): state in S3. */
export function withStateInS3(text: string, state = "{}"): string {
  const replaced = text.replace(/^ {2}terraformCloud:\n(?: {4}.*\n)+/m, `  state: ${state}\n`);
  if (replaced === text) throw new Error("the inventory has no terraformCloud block to replace");
  return replaced;
}

/** The example inventory with the field at `path` set to `value`, as a person would edit it. */
export function exampleWith(path: readonly string[], value: unknown): string {
  const doc = parseDocument(readInventory(EXAMPLE_FILE));
  doc.setIn(path, value);
  return doc.toString();
}

/** A discovery file (accounts.discovered.yaml) holding `accounts`, as `discover` writes it. */
export function discoveryOf(accounts: Discovery["accounts"], unreachable: Discovery["unreachable"] = {}): Discovery {
  return { version: 1, discoveredAt: "2026-12-01T00:00:00.000Z", accounts, unreachable };
}

/** An account `discover` reached, with nothing found in it but what `found` says. */
export function foundAccount(id: string, found: Partial<Omit<AccountFindings, "id">> = {}): AccountFindings {
  return { id, regions: {}, roles: [], buckets: [], ...found };
}

/** A region of a reached account, with nothing found in it but what `found` says. */
export function foundRegion(found: Partial<RegionFindings> = {}): RegionFindings {
  return { trails: [], topics: [], transitGatewayAttachments: [], ...found };
}
