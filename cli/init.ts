import { existsSync, writeFileSync } from "node:fs";
import { readLiveOrganization } from "../aws/organization.js";
import { inventoryFromOrganization } from "../inventory/from-organization.js";
import { loadInventoryText } from "../inventory/load.js";
import { type CommandSpec, type ParseArgsOptionsConfig, parseCommand, UsageError } from "./args.js";
import { plural, reportProblems } from "./report.js";

const SPEC = {
  name: "init",
  usage: `usage: fleetfile init --from-organization --out FILE --name NAME [--region REGION] [--team-tag KEY] [--env-tag KEY] [--type-tag KEY]
  Reads AWS Organizations (units, accounts, emails, tags, SCP attachments) with the
  standard AWS credential chain, as the management account, and writes a starting
  inventory that validates. Never overwrites FILE. See docs/adopting.md.
  --from-organization  read the live organization (the only source for now)
  --out FILE           the inventory to write; must not exist
  --name NAME          organization.name: the short prefix of every global name
  --region REGION      home region, and the one governed region to start with
                       (default: AWS_REGION, else us-east-1)
  --team-tag KEY       the account tag that holds its team (default: team)
  --env-tag KEY        the account tag that holds its environment (default: environment)
  --type-tag KEY       the account tag that marks log-archive, audit, network (default: fleetfile:type)`,
  options: {
    "from-organization": { type: "boolean" },
    out: { type: "string" },
    name: { type: "string" },
    region: { type: "string" },
    "team-tag": { type: "string" },
    "env-tag": { type: "string" },
    "type-tag": { type: "string" },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

/** `init --from-organization --out FILE --name NAME`: a starting inventory read from AWS Organizations. */
export async function initCommand(args: readonly string[]): Promise<number> {
  const options = parseCommand(SPEC, args);
  if (!options) return 0;
  if (!options["from-organization"]) throw new UsageError("init: --from-organization is required", SPEC.usage);
  if (!options.out) throw new UsageError("init: --out FILE is required", SPEC.usage);
  if (!options.name) throw new UsageError("init: --name NAME is required", SPEC.usage);
  const exists = () => new Error(`${options.out} exists; init never overwrites a file: choose another --out`);
  // Before reading the organization, which takes minutes at a few hundred accounts.
  if (existsSync(options.out)) throw exists();
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const live = await readLiveOrganization(
    { region, endpoint: process.env.AWS_ENDPOINT_URL || undefined },
    (done, total) => {
      if (done === total || done % 50 === 0) console.error(`init: ${done}/${total} accounts read`);
    },
  );
  const { text, notes } = inventoryFromOrganization(live, {
    name: options.name,
    homeRegion: region,
    teamTag: options["team-tag"],
    envTag: options["env-tag"],
    typeTag: options["type-tag"],
  });
  const result = loadInventoryText(options.out, text);
  if (reportProblems(result, "text") || !result.organization) {
    console.error(
      `init: the inventory read from the organization does not validate; nothing written to ${options.out}`,
    );
    return 1;
  }
  try {
    // "wx": never overwrites, not even a file created since the check a moment ago.
    writeFileSync(options.out, text, { flag: "wx" });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") throw exists();
    throw cause;
  }
  for (const note of notes) console.log(`note: ${note}`);
  console.log(
    `${options.out}: ${plural(result.organization.accounts.length, "account")}, ${plural(live.units.length, "unit")}; next: npm run discover -- --inventory ${options.out}`,
  );
  return 0;
}
