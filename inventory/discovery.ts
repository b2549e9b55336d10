import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { Document, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import type { Organization } from "./model.js";
import { error, type Problem, warning } from "./problems.js";
import { PATTERNS } from "./schema.js";

const Trail = z.strictObject({
  name: z.string().min(1),
  arn: z.string().min(1),
  multiRegion: z.boolean(),
  organization: z.boolean(),
  /** Whether it records management events: a second copy of them is charged. */
  managementEvents: z.boolean(),
});

const Attachment = z.strictObject({
  id: z.string().min(1),
  transitGatewayId: z.string().min(1),
  resourceType: z.string().min(1),
  resourceId: z.string().optional(),
  state: z.string().min(1),
});

const RegionFindings = z.strictObject({
  guardduty: z.strictObject({ detectorId: z.string().min(1) }).optional(),
  config: z
    .strictObject({
      recorder: z.string().min(1),
      deliveryChannel: z.string().min(1).optional(),
    })
    .optional(),
  trails: z.array(Trail).default([]),
  topics: z.array(z.string().min(1)).default([]),
  transitGatewayAttachments: z.array(Attachment).default([]),
});

const AccountFindings = z.strictObject({
  id: z.string().regex(PATTERNS.accountId),
  regions: z.record(z.string().regex(PATTERNS.region), RegionFindings).default({}),
  roles: z.array(z.string().min(1)).default([]),
  buckets: z.array(z.string().min(1)).default([]),
});

const Unreachable = z.strictObject({
  id: z.string().regex(PATTERNS.accountId),
  error: z.string().min(1),
  fix: z.string().min(1),
});

/** The shape of the file `discover` writes beside the inventory (accounts.discovered.yaml). */
export const DiscoverySchema = z.strictObject({
  version: z.literal(1),
  discoveredAt: z.string().min(1),
  accounts: z.record(z.string(), AccountFindings).default({}),
  unreachable: z.record(z.string(), Unreachable).default({}),
});

/** What `discover` found of the baseline in the accounts, by account key. */
export type Discovery = z.infer<typeof DiscoverySchema>;
/** What was found in one account. */
export type AccountFindings = z.infer<typeof AccountFindings>;
/** An account whose execution role could not be assumed, and the fix. */
export type Unreachable = z.infer<typeof Unreachable>;
/** What was found in one region of an account. */
export type RegionFindings = z.infer<typeof RegionFindings>;

/** The names the baseline gives in one account: what `discover` looks for besides detectors and recorders. */
export interface ExpectedNames {
  readonly roles: readonly string[];
  readonly topics: readonly { readonly region: string; readonly name: string }[];
  readonly buckets: readonly string[];
  /** The baseline's own trail, which is not a legacy one. */
  readonly trail: string;
}

/** Where `discover` writes what it found for `inventory`: `accounts.yaml` → `accounts.discovered.yaml`. */
export function discoveryPathOf(inventory: string): string {
  const extension = extname(inventory);
  return join(dirname(inventory), `${basename(inventory, extension)}.discovered${extension || ".yaml"}`);
}

/** The discovery file's text, with a header that says what it is and who reads it. */
export function renderDiscovery(discovery: Discovery): string {
  const doc = new Document(discovery);
  doc.commentBefore = [
    " Written by fleetfile discover: what of the baseline already exists in each account.",
    " synth imports the GuardDuty detectors, Config recorders and channels, roles and topics",
    " listed here instead of creating them; review it like the inventory, and run discover",
    " again rather than editing it.",
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}

/**
 * Reads the discovery file beside `inventory`, when there is one. Problems name that
 * file and its line and column; an unreadable or malformed file is an error, never
 * silently ignored (its imports would turn into creates).
 */
export function loadDiscoveryBeside(inventory: string): { discovery?: Discovery; problems: Problem[] } {
  const path = discoveryPathOf(inventory);
  if (!existsSync(path)) return { problems: [] };
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(path, "utf8"), { lineCounter: lines });
  const where = (offset: number | undefined) => {
    const position = offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
    return `${path}:${position.line}:${position.col}`;
  };
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) =>
        error([], `${where(e.pos[0])} is not YAML: ${e.message.split("\n")[0]}`, "run npm run discover again"),
      ),
    };
  }
  const parsed = DiscoverySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number] } | undefined;
        const field = issue.path.join(".") || "(top)";
        return error([], `${where(node?.range?.[0])}  ${field}: ${issue.message}`, "run npm run discover again");
      }),
    };
  }
  return { discovery: parsed.data, problems: [] };
}

/** Additional cost of a second copy of management events, as AWS CloudTrail prices it. */
export const SECOND_COPY_COST = "$2.00 per 100,000 management events";

/**
 * What the discovery means for the inventory: findings of accounts the inventory lacks or
 * knows under another id (errors: imports into the wrong account), accounts that could not
 * be reached (their plans will fail), and legacy trails the baseline trail doubles.
 */
export function checkDiscovery(organization: Organization, discovery: Discovery, file: string): Problem[] {
  const problems: Problem[] = [];
  const found = Object.entries(discovery.accounts).map(([key, f]) => [key, f.id] as const);
  for (const [key, id] of [...found, ...Object.entries(discovery.unreachable).map(([k, u]) => [k, u.id] as const)]) {
    const account = organization.byKey.get(key);
    if (!account) {
      problems.push(
        warning(
          ["accounts"],
          `${file} lists account "${key}", which the inventory has not`,
          "run npm run discover again",
        ),
      );
    } else if (account.id !== id) {
      problems.push(
        error(
          ["accounts", key, "id"],
          `${file} found account "${key}" as ${id}, the inventory says ${account.id ?? "pending"}`,
          "run npm run discover again after fixing the id",
        ),
      );
    }
  }
  for (const [key, unreachable] of Object.entries(discovery.unreachable)) {
    if (!organization.byKey.has(key)) continue;
    problems.push(
      warning(["accounts", key], `${file}: ${unreachable.error}; its plans will fail`, `fix: ${unreachable.fix}`),
    );
  }
  for (const [key, findings] of Object.entries(discovery.accounts)) {
    if (!organization.byKey.has(key)) continue;
    for (const [region, at] of Object.entries(findings.regions)) {
      for (const trail of at.trails.filter((t) => t.managementEvents)) {
        problems.push(
          warning(
            ["accounts", key],
            `trail ${trail.name} (${region}) already records management events, and is left as it is; the baseline trail adds a second copy, charged at ${SECOND_COPY_COST}`,
            "keep both, or delete the old trail once the baseline trail has run (docs/adopting.md)",
          ),
        );
      }
    }
  }
  return problems;
}
