/**
 * Regenerates `__tests__/fixtures/plans/moto/`: plans made by real Terraform against
 * patched moto, one folder per scenario, as `npm run plan` writes them. Applies
 * accounts.yaml to moto (the sandbox), then synthesizes each edit, plans its one workspace
 * against the applied state, and keeps the plan's `terraform show -json`, reduced to what
 * the review reads (see the fixtures' README).
 *
 *     npm run fixtures:plans      # about 5 minutes on 2 cores
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { writeMark } from "../review/output-folder.js";
import type { PlanJson } from "../review/plan-json.js";
import { synthesize } from "../stacks/synthesize.js";
import { init, plan } from "../terraform/runner.js";
import { applyExample, resolveInventory } from "./applied-example.js";

const FIXTURES = fileURLToPath(new URL("../__tests__/fixtures/plans/moto/", import.meta.url));

/** An edit of accounts.yaml (or of its synthesized configuration) and the one workspace planned with it. */
export interface PlanScenario {
  /** The fixture folder's name. */
  readonly name: string;
  /** Key of the account whose workspace is planned. */
  readonly account: string;
  /** The inventory as edited. */
  readonly edit: (text: string) => string;
  /** A change of the synthesized `cdk.tf.json`, standing for a change of a construct's code. @default - none */
  readonly editConfig?: (config: TerraformJson) => void;
}

/** The part of a synthesized `cdk.tf.json` the scenarios change. */
interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

/** `text` with the value at `path` replaced by `change` of the value there. */
function setIn(text: string, path: readonly string[], change: (value: unknown) => unknown): string {
  const doc = parseDocument(text);
  const node = doc.getIn(path) as { toJSON(): unknown } | unknown;
  const value = node && typeof node === "object" && "toJSON" in node ? node.toJSON() : node;
  doc.setIn(path, change(value));
  return doc.toString();
}

/** An account outside the organization, which the bucket-policy scenario lets read the trail logs. */
const OUTSIDE_ACCOUNT = "999999999999";

/** The scenarios of issue 14, each the pull request a reviewer must read correctly. */
export const PLAN_SCENARIOS: readonly PlanScenario[] = [
  {
    name: "trust-policy-edit",
    account: "prod-payments-api",
    edit: (text) =>
      setIn(text, ["accounts", "prod-payments-api", "access", "developer"], (v) => [
        ...(v as string[]),
        "payments-contractors",
      ]),
  },
  {
    name: "scp-edit",
    account: "management",
    edit: (text) => setIn(text, ["organization", "guardrails", "denyIamUsers"], () => false),
  },
  {
    name: "bucket-policy-edit",
    account: "log-archive",
    edit: (text) => text,
    editConfig: (config) => {
      const policies = config.resource.aws_s3_bucket_policy;
      const key = Object.keys(policies).find((k) => k.includes("trail"));
      if (!key) throw new Error(`no trail bucket policy among ${Object.keys(policies).join(", ")}`);
      const document = JSON.parse(policies[key].policy as string) as { Statement: unknown[] };
      // The policy's bucket is `${aws_s3_bucket.<name>.id}`; its objects are under that bucket's arn.
      const objects = `${(policies[key].bucket as string).replace(/\.id\}$/, ".arn}")}/*`;
      document.Statement.push({
        Sid: "PartnerReadsLogs",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` },
        Action: "s3:GetObject",
        Resource: objects,
      });
      policies[key].policy = JSON.stringify(document);
    },
  },
  {
    name: "forced-replacement",
    account: "prod-payments-api",
    edit: (text) => setIn(text, ["accounts", "prod-payments-api", "vpc", "cidr"], () => "10.11.0.0/16"),
  },
  {
    name: "mfa-removed",
    account: "prod-payments-api",
    edit: (text) => setIn(text, ["organization", "identity", "requireMfa"], () => false),
  },
];

/**
 * A plan's JSON reduced to what the review reads: Terraform's version and flags, the
 * resource and output changes and the drift. The configuration, prior state and planned
 * values (most of the bytes, and the moto endpoint) are left out; nothing kept is changed.
 */
export function reducePlanJson(json: PlanJson & Record<string, unknown>): Record<string, unknown> {
  const kept = [
    "format_version",
    "terraform_version",
    "applyable",
    "complete",
    "errored",
    "resource_drift",
    "resource_changes",
    "output_changes",
  ];
  return Object.fromEntries(kept.filter((k) => json[k] !== undefined).map((k) => [k, json[k]]));
}

async function main(): Promise<void> {
  const example = await applyExample();
  try {
    rmSync(FIXTURES, { recursive: true, force: true });
    for (const scenario of PLAN_SCENARIOS) {
      const edited = resolveInventory(scenario.edit(example.text));
      const into = join(example.scratch, scenario.name);
      synthesize(edited, into);
      const workspace = edited.accounts.find((a) => a.key === scenario.account)!.workspace;
      const dir = join(into, "stacks", workspace);
      if (scenario.editConfig) {
        const file = join(dir, "cdk.tf.json");
        const config = JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
        scenario.editConfig(config);
        writeFileSync(file, JSON.stringify(config, null, 2));
      }
      example.withAppliedState(into, workspace);
      await init(dir, example.runner);
      const planned = await plan(dir, example.runner);
      const folder = join(FIXTURES, scenario.name);
      mkdirSync(folder, { recursive: true });
      const reduced = reducePlanJson(planned.json as PlanJson & Record<string, unknown>);
      writeFileSync(join(folder, `${workspace}.json`), `${JSON.stringify(reduced, null, 2)}\n`);
      writeMark(folder, "plans");
      console.log(`${scenario.name}: ${workspace}, ${planned.seconds.toFixed(1)} s`);
    }
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
