import { renameSync, writeFileSync } from "node:fs";
import { discover } from "../aws/discover.js";
import { discoveryPathOf, renderDiscovery } from "../inventory/discovery.js";
import { loadInventoryFile } from "../inventory/load.js";
import { expectedNames } from "../stacks/expected-names.js";
import { type CommandSpec, type ParseArgsOptionsConfig, parseCommand, UsageError } from "./args.js";
import { plural, reportProblems } from "./report.js";

const SPEC = {
  name: "discover",
  usage: `usage: fleetfile discover [--inventory FILE] [--concurrency N]
  Assumes the execution role in every account with an id and records what of the
  baseline exists there already (GuardDuty detectors, Config recorders and channels,
  trails, the roles, topics and buckets the baseline names, Transit Gateway
  attachments) in FILE's .discovered.yaml beside it, which synth turns into imports.
  Accounts whose role cannot be assumed are listed with the fix. Uses the standard AWS
  credential chain, as the management account.
  --inventory FILE  the inventory to read (default: accounts.yaml)
  --concurrency N   accounts worked on at once (default: 8)`,
  options: {
    inventory: { type: "string", default: "accounts.yaml" },
    concurrency: { type: "string", default: "8" },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/** `discover --inventory FILE`: writes what exists already into FILE's discovery file, replaced whole. */
export async function discoverCommand(args: readonly string[]): Promise<number> {
  const options = parseCommand(SPEC, args);
  if (!options) return 0;
  const concurrency = Number(options.concurrency);
  if (!(Number.isInteger(concurrency) && concurrency >= 1))
    throw new UsageError(`--concurrency ${options.concurrency}: allowed a whole number of at least 1`, SPEC.usage);
  const result = loadInventoryFile(options.inventory);
  if (reportProblems(result, "text") || !result.organization) return 1;
  const organization = result.organization;
  const home = organization.inventory.organization.homeRegion;
  const discovery = await discover(
    organization,
    { region: home, endpoint: process.env.AWS_ENDPOINT_URL || undefined },
    {
      expected: expectedNames(organization),
      concurrency,
      progress: (done, total, key) => {
        if (total <= 20 || done === total || done % 25 === 0) console.error(`discover: ${done}/${total} ${key}`);
      },
    },
  );
  const path = discoveryPathOf(options.inventory);
  writeFileSync(`${path}.tmp`, renderDiscovery(discovery));
  renameSync(`${path}.tmp`, path);

  const regions = Object.values(discovery.accounts).flatMap((a) => Object.values(a.regions));
  const count = (what: (r: (typeof regions)[number]) => number) => regions.reduce((sum, r) => sum + what(r), 0);
  console.log(
    `${path}: ${plural(Object.keys(discovery.accounts).length, "account")} read; ${plural(
      count((r) => (r.guardduty ? 1 : 0)),
      "detector",
    )}, ${plural(
      count((r) => (r.config ? 1 : 0)),
      "recorder",
    )} to import, ${plural(
      count((r) => r.trails.length),
      "legacy trail",
    )} left alone`,
  );
  for (const [key, u] of Object.entries(discovery.unreachable)) {
    console.log(`unreachable: ${key} (${u.id}): ${u.error}\n  fix: ${u.fix}`);
  }
  return 0;
}
