import { environmentAsns, isPrivateAsn, PRIVATE_ASN_RANGES, PRIVATE_ASN_WORDS } from "./asn.js";
import { type Cidr, findOverlaps, parseCidr } from "./cidr.js";
import { type Account, accessListings, resolveAccount } from "./model.js";
import { PLACEHOLDER_NAMES, unknownPlaceholders } from "./naming.js";
import { error, type FieldPath, type Problem, warning } from "./problems.js";
import type { AccountSpec, Inventory } from "./schema.js";

const CORE_TYPES = ["management", "log-archive", "audit"] as const;
/** Longest account name AWS Organizations accepts. */
const MAX_ACCOUNT_NAME = 50;
/** Longest root email AWS Organizations accepts. */
const MAX_ACCOUNT_EMAIL = 64;
const EMAIL = /^[A-Za-z0-9_'+.-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
/** VPC sizes AWS allows. */
const VPC_PREFIX = { min: 16, max: 28 };

/**
 * Phase two: the rules that look across fields and accounts. `inventory` has passed the
 * shape check; every problem is returned, none thrown.
 */
export function checkMeaning(inventory: Inventory): Problem[] {
  const accounts = Object.entries(inventory.accounts).map(([key, spec]) => resolveAccount(inventory, key, spec));
  return [
    ...checkRegions(inventory, accounts),
    ...checkTemplates(inventory),
    ...checkTypes(inventory, accounts),
    ...checkReferences(inventory, accounts),
    ...checkIdentities(inventory, accounts),
    ...checkVpcs(inventory, accounts),
    ...checkAsns(inventory),
    ...checkPrincipals(inventory, accounts),
    ...checkGroups(inventory, accounts),
    ...checkBackend(inventory),
    ...checkUnits(inventory, accounts),
  ];
}

/** Deepest nesting of units AWS Organizations allows under the root. */
const MAX_UNIT_DEPTH = 5;
/** Guardrails a unit may turn on, never off. */
const UNIT_FLAGS = ["denyRootUser", "denyLeaveOrganization", "protectBaseline", "denyIamUsers"] as const;

/**
 * Units: each one's parent listed, no deeper than AWS allows, guardrails that add to the
 * root's and never lift them, regions that narrow; placements and accounts that name
 * units that exist; retirements only of accounts that can be retired.
 */
function checkUnits(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  const org = inventory.organization;
  const units = org.units ?? {};
  const paths = Object.keys(units);
  const known = new Set([...paths, org.retiredUnit]);
  const problems: Problem[] = [];
  /** The regions a unit's accounts may work in: its own, else its nearest ancestor's, else the organization's. */
  const regionsOf = (path: string | null): readonly string[] => {
    for (let p = path; p; p = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : null) {
      const regions = Object.hasOwn(units, p) ? units[p].guardrails?.regions : undefined;
      if (regions) return regions;
    }
    return org.regions;
  };
  for (const path of paths) {
    const at = ["organization", "units", path];
    const names = path.split("/");
    const parent = names.length > 1 ? names.slice(0, -1).join("/") : null;
    if (names.length > MAX_UNIT_DEPTH) {
      problems.push(
        error(
          at,
          `unit is ${names.length} levels deep`,
          `allowed: at most ${MAX_UNIT_DEPTH} levels under the root`,
          true,
        ),
      );
    }
    if (parent && !Object.hasOwn(units, parent)) {
      problems.push(
        error(at, `its parent unit "${parent}" is not listed`, `add "${parent}" to organization.units`, true),
      );
    }
    const guardrails = units[path].guardrails ?? {};
    for (const flag of UNIT_FLAGS) {
      if (guardrails[flag] === false && org.guardrails[flag] !== false) {
        problems.push(
          error(
            [...at, "guardrails", flag],
            `${flag} is false, lifting the root's guardrail`,
            "allowed: true, or leave it out: a unit adds guardrails to the root's, never lifts them",
          ),
        );
      }
    }
    const allowed = regionsOf(parent);
    (guardrails.regions ?? []).forEach((region, i) => {
      if (!allowed.includes(region)) {
        problems.push(
          error(
            [...at, "guardrails", "regions", i],
            `region ${region} is outside what ${parent ? `unit ${parent}` : "the organization"} allows`,
            `allowed: ${allowed.join(", ")} (a unit narrows its parent's regions, never widens them)`,
          ),
        );
      }
    });
    if (path === org.retiredUnit && guardrails.denyAll === false) {
      problems.push(
        error(
          [...at, "guardrails", "denyAll"],
          "the retired unit has denyAll false",
          "allowed: true, or leave it out: retired accounts are denied everything",
        ),
      );
    }
  }
  if (org.retiredUnit.includes("/") && !Object.hasOwn(units, org.retiredUnit) && accounts.some((a) => a.retired)) {
    problems.push(
      error(
        ["organization", "retiredUnit"],
        `"${org.retiredUnit}" is nested but not listed under units`,
        "list it and its parents under organization.units, or name a top-level unit",
      ),
    );
  }
  for (const [env, path] of Object.entries(org.placement?.byEnvironment ?? {})) {
    const at = ["organization", "placement", "byEnvironment", env];
    if (!org.environments.includes(env)) {
      problems.push(
        error(at, `environment "${env}" is not one of organization.environments`, allowedOf(org.environments), true),
      );
    }
    if (!known.has(path))
      problems.push(error(at, `unit "${path}" is not listed under organization.units`, allowedOf(paths)));
  }
  const trusted = org.identity.trustedAccount;
  const hub = inventory.network?.hubAccount;
  for (const account of accounts) {
    const spec = inventory.accounts[account.key];
    if (spec.unit !== undefined) {
      if (account.type === "management") {
        problems.push(
          error(
            at(account, "unit"),
            "the management account has a unit",
            "leave it out: the management account stays at the root",
          ),
        );
      } else if (!org.units) {
        problems.push(
          error(
            at(account, "unit"),
            `unit "${spec.unit}" is set, but organization.units lists no units`,
            "list the unit under organization.units",
          ),
        );
      } else if (!known.has(spec.unit)) {
        problems.push(
          error(at(account, "unit"), `unit "${spec.unit}" is not listed under organization.units`, allowedOf(paths)),
        );
      }
    }
    if (spec.retired) {
      const core = account.type !== "workload" || account.key === trusted || account.key === hub;
      if (core) {
        problems.push(
          error(
            at(account, "retired"),
            `${account.key} cannot be retired: the organization depends on it`,
            "retire workload accounts only",
          ),
        );
      } else if (!account.id) {
        problems.push(
          error(
            at(account, "retired"),
            "a pending account has nothing to retire",
            "delete it from the inventory instead: it was never created",
          ),
        );
      }
    }
    if (typeof account.unit === "string" && known.has(account.unit) && !account.retired) {
      const allowed = regionsOf(account.unit);
      const outside = account.regions.filter((r) => !allowed.includes(r));
      if (outside.length > 0) {
        problems.push(
          error(
            at(account, "regions"),
            `governs ${outside.join(", ")}, which unit ${account.unit} denies`,
            `allowed: ${allowed.join(", ")}, or place the account in another unit`,
          ),
        );
      }
    }
  }
  return problems;
}

/**
 * One home for state and runs: Terraform Cloud, or GitHub Actions with local or S3
 * state; not both.
 */
function checkBackend(inventory: Inventory): Problem[] {
  const { terraformCloud, state, github } = inventory.organization;
  if (!terraformCloud) return [];
  return [
    ...(state
      ? [
          error(
            ["organization", "state"],
            "state is set beside terraformCloud",
            "allowed: one of them (Terraform Cloud keeps the state itself)",
          ),
        ]
      : []),
    ...(github
      ? [
          error(
            ["organization", "github"],
            "github is set beside terraformCloud",
            "allowed: one of them (with Terraform Cloud, its runs plan and apply with its own credentials)",
          ),
        ]
      : []),
  ];
}

/** `groups` only where Identity Center is set up. */
function checkGroups(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  return accounts.flatMap((account) => {
    if (!account.groups) return [];
    if (!inventory.organization.identityCenter) {
      return [
        error(
          at(account, "groups"),
          "groups are set, but organization.identityCenter is not",
          "set organization.identityCenter (sign-in through IAM Identity Center), or use access",
        ),
      ];
    }
    return [];
  });
}

/**
 * Principals named by ARN in `access`: a role or user, never a whole account (`:root`),
 * and of an account of the organization unless its id is in identity.externalAccounts.
 */
function checkPrincipals(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  const ids = new Set(accounts.flatMap((a) => (a.id ? [a.id] : [])));
  const external = new Set(inventory.organization.identity.externalAccounts);
  const problems: Problem[] = [];
  for (const account of accounts) {
    for (const { principals, path: list } of accessListings(account.access)) {
      principals.forEach((principal, i) => {
        if (!principal.startsWith("arn:")) return;
        const path = at(account, ...list, i);
        const owner = principal.split(":")[4];
        if (principal.endsWith(":root")) {
          problems.push(
            error(
              path,
              `"${principal}" lets every principal of account ${owner} in`,
              "allowed: the ARN of a role or user",
            ),
          );
        } else if (!ids.has(owner) && !external.has(owner)) {
          problems.push(
            error(
              path,
              `"${principal}" belongs to account ${owner}, which is not in the organization`,
              "allowed: principals of the organization's accounts, or list the account in organization.identity.externalAccounts",
            ),
          );
        }
      });
    }
  }
  return problems;
}

/**
 * The gateways' ASNs: pinned ones name environments and are private; every environment's
 * ASN, pinned or derived, is its own (spokes find their gateway by it).
 */
function checkAsns(inventory: Inventory): Problem[] {
  const network = inventory.network;
  if (!network) return [];
  const environments = inventory.organization.environments;
  const pinned = network.asns ?? {};
  const problems: Problem[] = [];
  for (const [env, asn] of Object.entries(pinned)) {
    if (!environments.includes(env)) {
      problems.push(
        error(["network", "asns", env], `"${env}" is not an environment`, `allowed: ${environments.join(", ")}`, true),
      );
    } else if (!isPrivateAsn(asn)) {
      problems.push(error(["network", "asns", env], `${asn} is not a private ASN`, `allowed: ${PRIVATE_ASN_WORDS}`));
    }
  }
  const derived = environments.filter((env) => !Object.hasOwn(pinned, env));
  if (derived.length > 0 && !isPrivateAsn(network.asn)) {
    problems.push(
      error(
        ["network", "asn"],
        `${network.asn} is not a private ASN`,
        `allowed: ${PRIVATE_ASN_WORDS}, or pin every environment's ASN in network.asns`,
      ),
    );
    return problems;
  }
  const owners = new Map<number, string>();
  for (const [env, asn] of environmentAsns(environments, network.asn, pinned)) {
    const first = owners.get(asn);
    if (first === undefined) {
      owners.set(asn, env);
      continue;
    }
    const path = Object.hasOwn(pinned, env) ? ["network", "asns", env] : ["network", "asn"];
    problems.push(
      error(
        path,
        `environments ${first} and ${env} would share the gateway ASN ${asn}`,
        `allowed: a different ASN for each; pin one in network.asns (for example ${env}: ${freeAsn(owners, network.asn)})`,
      ),
    );
  }
  return problems;
}

/** The first private ASN from `base` up that no environment uses, for a suggestion. */
function freeAsn(used: ReadonlyMap<number, string>, base: number): number {
  let asn = isPrivateAsn(base) ? base : PRIVATE_ASN_RANGES[0].min;
  while (used.has(asn)) asn++;
  return asn;
}

const at = (account: Account, ...rest: (string | number)[]): FieldPath => ["accounts", account.key, ...rest];

function checkRegions(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  const org = inventory.organization;
  const governed = new Set(org.regions);
  const list = org.regions.join(", ");
  const problems: Problem[] = [];
  if (!governed.has(org.homeRegion)) {
    problems.push(
      error(["organization", "homeRegion"], `"${org.homeRegion}" is not in organization.regions`, `allowed: ${list}`),
    );
  }
  problems.push(...duplicatesIn(org.regions, ["organization", "regions"]));
  problems.push(...duplicatesIn(org.environments, ["organization", "environments"]));
  for (const account of accounts) {
    const spec = inventory.accounts[account.key];
    spec.regions?.forEach((region, i) => {
      if (!governed.has(region)) {
        problems.push(error(at(account, "regions", i), `"${region}" is not a governed region`, `allowed: ${list}`));
      }
    });
    if (spec.regions) problems.push(...duplicatesIn(spec.regions, at(account, "regions")));
    if (!org.environments.includes(account.env)) {
      problems.push(
        error(at(account, "env"), `"${account.env}" is not an environment`, `allowed: ${org.environments.join(", ")}`),
      );
    }
  }
  return problems;
}

function duplicatesIn(values: readonly string[], path: FieldPath): Problem[] {
  return values.flatMap((value, i) =>
    values.indexOf(value) < i ? [error([...path, i], `"${value}" is listed twice`, "allowed: each value once")] : [],
  );
}

function checkTemplates(inventory: Inventory): Problem[] {
  const naming = inventory.organization.naming;
  return (["account", "email"] as const).flatMap((field) =>
    unknownPlaceholders(naming[field]).map((placeholder) =>
      error(
        ["organization", "naming", field],
        `unknown placeholder ${placeholder}`,
        `allowed placeholders: ${PLACEHOLDER_NAMES.join(", ")}`,
      ),
    ),
  );
}

function checkTypes(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  const problems: Problem[] = [];
  for (const type of CORE_TYPES) {
    const ofType = accounts.filter((a) => a.type === type);
    if (ofType.length === 0) {
      problems.push(error(["accounts"], `no account has type: ${type}`, `required: exactly one ${type} account`));
    }
    for (const extra of ofType.slice(1)) {
      problems.push(
        error(
          at(extra, "type"),
          `a second ${type} account (the first is accounts.${ofType[0].key})`,
          `allowed: exactly one`,
        ),
      );
    }
  }
  const networks = accounts.filter((a) => a.type === "network");
  for (const extra of networks.slice(1)) {
    problems.push(
      error(
        at(extra, "type"),
        `a second network account (the first is accounts.${networks[0].key})`,
        "allowed: at most one",
      ),
    );
  }
  const hub = inventory.network?.hubAccount;
  if (networks.length > 0 && hub !== undefined && hub !== networks[0].key && Object.hasOwn(inventory.accounts, hub)) {
    problems.push(
      error(
        ["network", "hubAccount"],
        `"${hub}" is not the network account`,
        `allowed: "${networks[0].key}" (type: network)`,
      ),
    );
  }
  for (const account of accounts) {
    if (account.type !== "workload" && !account.id) {
      problems.push(
        error(
          at(account),
          `${account.type} account without an id`,
          'required: id, a quoted 12-digit string ("123456789012")',
        ),
      );
    }
  }
  return problems;
}

function checkReferences(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  const problems: Problem[] = [];
  const channels = Object.keys(inventory.notifications);
  const teams = Object.keys(inventory.teams);
  const channel = (path: FieldPath, name: string | undefined) => {
    if (name !== undefined && !Object.hasOwn(inventory.notifications, name)) {
      problems.push(error(path, `channel "${name}" is not defined under notifications`, allowedOf(channels)));
    }
  };
  const accountRef = (path: FieldPath, key: string, role: string) => {
    const target = Object.hasOwn(inventory.accounts, key) ? inventory.accounts[key] : undefined;
    if (!target)
      problems.push(error(path, `account "${key}" does not exist`, allowedOf(Object.keys(inventory.accounts))));
    else if (!target.id)
      problems.push(error(path, `account "${key}" has no id yet`, `required: the ${role} needs an id`));
  };

  channel(["baseline", "securityChannel"], inventory.baseline.securityChannel);
  for (const [name, team] of Object.entries(inventory.teams)) channel(["teams", name, "notify"], team.notify);
  for (const [name, spec] of Object.entries(inventory.notifications)) {
    if (spec.emails.length === 0 && !spec.slack) {
      problems.push(
        warning(["notifications", name], "channel has no emails and no slack", "nobody hears what is sent to it"),
      );
    }
  }
  accountRef(
    ["organization", "identity", "trustedAccount"],
    inventory.organization.identity.trustedAccount,
    "trusted account",
  );
  if (inventory.network) accountRef(["network", "hubAccount"], inventory.network.hubAccount, "network hub");

  for (const account of accounts) {
    if (!Object.hasOwn(inventory.teams, account.team)) {
      problems.push(error(at(account, "team"), `team "${account.team}" is not defined under teams`, allowedOf(teams)));
    }
    channel(at(account, "notify"), inventory.accounts[account.key].notify);
  }
  for (const name of teams) {
    const unheard = accounts.filter((a) => a.team === name && a.channel === undefined).map((a) => a.key);
    if (unheard.length > 0) {
      problems.push(
        warning(
          ["teams", name],
          `team has no notify, so the budget and finding alerts of ${unheard.join(", ")} reach nobody`,
          "set notify to a channel, or give each of these accounts its own notify",
        ),
      );
    }
  }
  return problems;
}

function allowedOf(names: readonly string[]): string {
  return names.length === 0 ? "none are defined" : `allowed: ${names.join(", ")}`;
}

function checkIdentities(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  const problems: Problem[] = [];
  const seen = { name: new Map<string, Account>(), email: new Map<string, Account>(), id: new Map<string, Account>() };
  // A template with an unknown placeholder is already an error; what it renders would only repeat it.
  const naming = inventory.organization.naming;
  const broken = {
    name: unknownPlaceholders(naming.account).length > 0,
    email: unknownPlaceholders(naming.email).length > 0,
    id: false,
  };
  for (const account of accounts) {
    const spec = inventory.accounts[account.key];
    const unknowable = (field: keyof typeof broken) => broken[field] && spec[field] === undefined;
    for (const field of ["name", "email", "id"] as const) {
      const value = account[field];
      if (value === undefined || unknowable(field)) continue;
      const unique = field === "email" ? value.toLowerCase() : value;
      const first = seen[field].get(unique);
      if (!first) {
        seen[field].set(unique, account);
        continue;
      }
      const hint = field === "id" ? "each account has its own id" : `set \`system\`, or an explicit \`${field}\``;
      // AWS lets two accounts share a name; two that exist already and say so keep theirs.
      const existingPair =
        field === "name" && account.id && first.id && spec.name !== undefined && inventory.accounts[first.key].name;
      problems.push(
        (existingPair ? warning : error)(
          at(account, ...(spec[field] === undefined ? [] : [field])),
          `${field} "${value}" is also the ${field} of accounts.${first.key}`,
          existingPair
            ? "allowed for existing accounts, which AWS lets share a name; people confuse them: rename one in AWS and here"
            : `allowed: unique ${field}s; ${hint}`,
        ),
      );
    }
    if (!unknowable("name") && account.name.length > MAX_ACCOUNT_NAME) {
      problems.push(
        error(
          at(account),
          `name "${account.name}" is ${account.name.length} characters`,
          `allowed: at most ${MAX_ACCOUNT_NAME}`,
        ),
      );
    }
    if (!unknowable("email") && (!EMAIL.test(account.email) || account.email.length > MAX_ACCOUNT_EMAIL)) {
      problems.push(
        error(
          at(account),
          `email "${account.email}" is not a valid root email`,
          `allowed: an address of at most ${MAX_ACCOUNT_EMAIL} characters`,
        ),
      );
    }
    problems.push(...explicitNameWarnings(account, spec));
  }
  return problems;
}

/** Warnings for a name or email set by hand rather than by the naming templates. */
function explicitNameWarnings(account: Account, spec: AccountSpec): Problem[] {
  return (["name", "email"] as const).flatMap((field) => {
    const value = spec[field];
    if (value === undefined) return [];
    const conventional = field === "name" ? account.conventionalName : account.conventionalEmail;
    const template = `organization.naming.${field === "name" ? "account" : "email"}`;
    return value === conventional
      ? [warning(at(account, field), `explicit ${field} "${value}" equals the convention`, "the field can go")]
      : [
          warning(
            at(account, field),
            `explicit ${field} "${value}" departs from the convention "${conventional}"`,
            `allowed for accounts that predate ${template}`,
          ),
        ];
  });
}

function checkVpcs(inventory: Inventory, accounts: readonly Account[]): Problem[] {
  const problems: Problem[] = [];
  const blocks: { account: Account; cidr: Cidr }[] = [];
  const hubKey = inventory.network?.hubAccount;
  const hub = hubKey === undefined ? undefined : accounts.find((a) => a.key === hubKey);
  for (const account of accounts) {
    if (!account.vpc) continue;
    if (!inventory.network) {
      problems.push(
        error(
          at(account, "vpc"),
          "a vpc, but no `network` section",
          "required: a `network` section that names network.hubAccount",
        ),
      );
    }
    const cidr = parseCidr(account.vpc.cidr);
    if ("reason" in cidr) {
      problems.push(
        error(
          at(account, "vpc", "cidr"),
          `"${account.vpc.cidr}" ${cidr.reason}`,
          "allowed: an IPv4 network such as 10.0.0.0/16",
        ),
      );
    } else if (cidr.prefix < VPC_PREFIX.min || cidr.prefix > VPC_PREFIX.max) {
      problems.push(
        error(
          at(account, "vpc", "cidr"),
          `"/${cidr.prefix}" is not a VPC size`,
          `allowed: /${VPC_PREFIX.min} to /${VPC_PREFIX.max}`,
        ),
      );
    } else if (cidr.prefix + Math.ceil(Math.log2(account.vpc.azs)) > VPC_PREFIX.max) {
      problems.push(
        error(
          at(account, "vpc", "azs"),
          `${account.vpc.azs} subnets do not fit in ${account.vpc.cidr}`,
          "allowed: a larger cidr or fewer azs",
        ),
      );
    } else {
      blocks.push({ account, cidr });
    }
    if (!account.regions.includes(account.vpc.region)) {
      const defaulted = inventory.accounts[account.key].vpc?.region === undefined;
      problems.push(
        error(
          at(account, "vpc", ...(defaulted ? [] : ["region"])),
          `vpc region "${account.vpc.region}"${defaulted ? " (the default, homeRegion)" : ""} is not a region of this account`,
          `allowed: ${account.regions.join(", ")}`,
        ),
      );
    } else if (hub && !hub.regions.includes(account.vpc.region)) {
      problems.push(
        error(
          at(account, "vpc", "region"),
          `vpc region "${account.vpc.region}" is not governed in the hub account ${hub.key}`,
          `allowed: ${hub.regions.join(", ")}`,
        ),
      );
    }
  }
  for (const [first, second] of findOverlaps(blocks)) {
    problems.push(
      error(
        at(second.account, "vpc", "cidr"),
        `${second.cidr.text} overlaps ${first.cidr.text} of accounts.${first.account.key}`,
        "allowed: a block that overlaps no other account's vpc",
      ),
    );
  }
  return problems;
}
