import { Document, isCollection, isMap, isPair, isScalar, type Node, type YAMLMap } from "yaml";
import { PATTERNS } from "./schema.js";

/** An organizational unit as AWS Organizations lists it. */
export interface LiveUnit {
  readonly id: string;
  readonly name: string;
  /** Id of the root or unit it lives under. */
  readonly parentId: string;
}

/** An account as AWS Organizations lists it, with its tags. */
export interface LiveAccount {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`. */
  readonly status: string;
  /** `CREATED` by the organization, or `INVITED` into it (without the execution role). */
  readonly joinedMethod: string;
  /** Id of the root or unit it lives under. */
  readonly parentId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A service control policy attached to the root, a unit or an account. */
export interface LivePolicyAttachment {
  readonly targetId: string;
  readonly policyId: string;
  readonly policyName: string;
}

/** What `init --from-organization` reads of AWS Organizations. */
export interface LiveOrganization {
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly units: readonly LiveUnit[];
  readonly accounts: readonly LiveAccount[];
  readonly policies: readonly LivePolicyAttachment[];
}

/** Choices of the inventory {@link inventoryFromOrganization} writes. */
export interface FromOrganizationOptions {
  /** `organization.name`: the short prefix of every global name. */
  readonly name: string;
  /** `organization.homeRegion`, and the one governed region to start with. */
  readonly homeRegion: string;
  /** Tag whose value is an account's team, in any case (`Team`). @default "team" */
  readonly teamTag?: string;
  /** Tag whose value is an account's environment, in any case. @default "environment" */
  readonly envTag?: string;
  /** Tag that names a core account's type (log-archive, audit, network). @default "fleetfile:type" */
  readonly typeTag?: string;
}

/** The team or environment of an account whose tags do not say: a value that validates, marked in the file. */
export const UNASSIGNED = "unassigned";

/** Names a core account has when no tag says its type (Control Tower's and common hand-made ones). */
const CORE_NAMES: Readonly<Record<string, RegExp>> = {
  "log-archive": /\blog[\s_-]*archive\b/i,
  audit: /\baudit\b|\bsecurity[\s_-]*tooling\b/i,
  network: /\bnetwork(ing)?\b/i,
};

/** The starting inventory, and what the user has to look at before using it. */
export interface StartingInventory {
  readonly text: string;
  /** Accounts left out (closed or closing), and fields the tags did not fill. */
  readonly notes: readonly string[];
}

/** Why a starting inventory cannot be written: one sentence with the fix. */
export class FromOrganizationError extends Error {}

/**
 * The inventory that describes `live` as it is: every unit with its id (imported, not
 * created), every active account with its id, in its unit, under a key derived from its
 * name, with its own name and email (the validator's warnings then list the accounts that
 * do not follow the naming convention). Team and environment come from the account's tags;
 * where a tag is missing the value is {@link UNASSIGNED} with a comment to fill it in. The
 * core accounts are found by `typeTag`, else by name; the management account by its id.
 */
export function inventoryFromOrganization(live: LiveOrganization, options: FromOrganizationOptions): StartingInventory {
  const teamTag = options.teamTag ?? "team";
  const envTag = options.envTag ?? "environment";
  const typeTag = options.typeTag ?? "fleetfile:type";
  const notes: string[] = [];
  const paths = unitPaths(live);
  const active = live.accounts.filter((a) => a.status === "ACTIVE");
  for (const closed of live.accounts.filter((a) => a.status !== "ACTIVE")) {
    notes.push(`account ${closed.id} (${closed.name}) is ${closed.status}: left out`);
  }
  const keys = accountKeys(active);
  const types = coreTypes(live, active, typeTag);
  const management = active.find((a) => a.id === live.managementAccountId);
  if (!management) throw new FromOrganizationError(`the management account ${live.managementAccountId} is not active`);

  const tagged = (account: LiveAccount, tag: string, what: string) => {
    // Tag keys are matched without regard to case: `Team` and `team` are the same tag to people.
    const raw = Object.entries(account.tags).find(([key]) => key.toLowerCase() === tag.toLowerCase())?.[1];
    const value = raw === undefined ? "" : slug(raw, 63);
    if (value && PATTERNS.name.test(value)) return { value, fill: undefined };
    const found = raw === undefined ? `no "${tag}" tag` : `tag "${tag}" is "${raw}", not a name`;
    notes.push(`${keys.get(account.id)}: ${found}; ${what} set to ${UNASSIGNED}`);
    return { value: UNASSIGNED, fill: `fill in: ${found}` };
  };
  const rows = active.map((account) => ({
    account,
    key: keys.get(account.id) as string,
    type: types.get(account.id) ?? "workload",
    env: tagged(account, envTag, "env"),
    team: tagged(account, teamTag, "team"),
  }));
  const environments = [...new Set(rows.map((r) => r.env.value))].sort();
  const teams = [...new Set(rows.map((r) => r.team.value))].sort();
  const managementKey = keys.get(management.id) as string;

  const units = Object.fromEntries(
    live.units
      .map((u) => [paths.get(u.id) as string, u] as const)
      .sort(([a], [b]) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1))
      .map(([path, unit]) => [
        path,
        { id: unit.id, ...(path.split("/").pop() === unit.name ? {} : { name: unit.name }) },
      ]),
  );
  const inventory = {
    version: 1,
    organization: {
      name: options.name,
      emailDomain: commonDomain(active),
      homeRegion: options.homeRegion,
      regions: [options.homeRegion],
      environments,
      identity: { trustedAccount: managementKey },
      ...(live.units.length > 0 ? { units } : {}),
    },
    notifications: { security: { emails: [management.email] } },
    teams: Object.fromEntries(teams.map((t) => [t, {}])),
    accounts: Object.fromEntries(
      rows.map((r) => [
        r.key,
        {
          id: r.account.id,
          ...(r.type === "workload" ? {} : { type: r.type }),
          env: r.env.value,
          team: r.team.value,
          ...(r.type === "management" || r.account.parentId === live.rootId
            ? {}
            : { unit: paths.get(r.account.parentId) }),
          name: r.account.name,
          email: r.account.email,
        },
      ]),
    ),
  };

  const doc = new Document(inventory);
  doc.commentBefore = header(live, paths);
  const comment = (path: readonly string[], text: string) => {
    const node = doc.getIn(path, true) as Node | undefined;
    if (node) node.comment = ` ${text}`;
  };
  comment(["organization", "identity", "trustedAccount"], "whose roles assume the four roles: your identity account");
  comment(["notifications", "security"], "who receives every account's findings");
  for (const row of rows) {
    if (row.env.fill) comment(["accounts", row.key, "env"], row.env.fill);
    if (row.team.fill) comment(["accounts", row.key, "team"], row.team.fill);
    if (row.account.joinedMethod === "INVITED") {
      const node = doc.getIn(["accounts", row.key], true);
      if (isMap(node))
        (node as YAMLMap).commentBefore =
          ` Invited into the organization: it may lack the execution role (npm run discover says).`;
    }
  }
  flowLeaves(doc);
  return { text: doc.toString({ lineWidth: 0 }), notes };
}

/** The comment at the top of the file: where it came from, and the policies attached by hand. */
function header(live: LiveOrganization, paths: ReadonlyMap<string, string>): string {
  const where = (target: string) => (target === live.rootId ? "root" : (paths.get(target) ?? `account ${target}`));
  const attached = live.policies
    .filter((p) => p.policyName !== "FullAWSAccess")
    .map((p) => `#   ${where(p.targetId)}: ${p.policyName} (${p.policyId})`);
  return [
    " yaml-language-server: $schema=accounts.schema.json",
    "",
    ` Written by fleetfile init --from-organization from organization ${live.managementAccountId}.`,
    " Review it, then run npm run discover and npm run validate (docs/adopting.md).",
    ...(attached.length > 0
      ? ["", " Service control policies attached by hand, left as they are:", ...attached.map((l) => l.slice(1))]
      : []),
  ].join("\n");
}

/** Collections of scalars without comments in flow style (`[a, b]`, `{ id: x }`), as the example inventory writes them. */
function flowLeaves(doc: Document): void {
  const visit = (node: unknown) => {
    if (!isCollection(node)) return;
    const values = node.items.map((item) => (isPair(item) ? item.value : item));
    const leaf = values.every((v) => isScalar(v) && !v.comment && !v.commentBefore);
    if (leaf) node.flow = true;
    for (const value of values) visit(value);
  };
  visit(doc.contents);
  const accounts = doc.getIn(["accounts"], true);
  if (isMap(accounts)) for (const item of accounts.items) if (isMap(item.value)) item.value.flow = false;
}

/** Each unit's path from the root: names made to fit the path pattern. */
function unitPaths(live: LiveOrganization): Map<string, string> {
  const byId = new Map(live.units.map((u) => [u.id, u]));
  const paths = new Map<string, string>();
  const pathOf = (id: string, depth = 0): string => {
    const known = paths.get(id);
    if (known) return known;
    const unit = byId.get(id);
    if (!unit || depth > 10) throw new FromOrganizationError(`unit ${id} hangs from no unit of the organization`);
    const own = unitName(unit.name);
    const path = unit.parentId === live.rootId ? own : `${pathOf(unit.parentId, depth + 1)}/${own}`;
    paths.set(id, path);
    return path;
  };
  for (const unit of live.units) pathOf(unit.id);
  return paths;
}

/** A unit's name as a path name: letters, digits, `_` and single `-`, starting with a letter. */
function unitName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/-{2,}/g, "-")
    .replace(/^[^A-Za-z]+/, "")
    .replace(/-+$/, "");
  return cleaned || "Unit";
}

/** Each account's key: its name in lowercase words joined by `-`, numbered when two collide. */
function accountKeys(accounts: readonly LiveAccount[]): Map<string, string> {
  const keys = new Map<string, string>();
  const taken = new Set<string>();
  for (const account of accounts) {
    const base = slug(account.name, 58) || `account-${account.id}`;
    let key = base.length >= 2 ? base : `account-${base}`;
    for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
    taken.add(key);
    keys.set(account.id, key);
  }
  return keys;
}

/** `text` in lowercase letters, digits and single `-`, at most `max` long. */
function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");
}

/** The core type of each account the tags or names make one: exactly one account per type, else none. */
function coreTypes(live: LiveOrganization, accounts: readonly LiveAccount[], typeTag: string): Map<string, string> {
  const types = new Map<string, string>([[live.managementAccountId, "management"]]);
  const members = accounts.filter((a) => a.id !== live.managementAccountId);
  for (const [type, pattern] of Object.entries(CORE_NAMES)) {
    const tagged = members.filter((a) => a.tags[typeTag] === type);
    const named = members.filter((a) => pattern.test(a.name) && !types.has(a.id));
    const chosen = tagged.length === 1 ? tagged : tagged.length === 0 && named.length === 1 ? named : [];
    if (chosen.length === 1) types.set(chosen[0].id, type);
    else if (type !== "network") {
      const found = tagged.length > 1 ? tagged : named;
      throw new FromOrganizationError(
        found.length > 1
          ? `${found.length} accounts could be the ${type} account (${found.map((a) => a.name).join(", ")}); tag the one with ${typeTag}=${type}`
          : `no account is the ${type} account; tag it with ${typeTag}=${type}, or create one first (docs/adopting.md)`,
      );
    }
  }
  return types;
}

/** The domain most account emails share. */
function commonDomain(accounts: readonly LiveAccount[]): string {
  const counts = new Map<string, number>();
  for (const a of accounts) {
    const domain = a.email.split("@")[1]?.toLowerCase() ?? "";
    counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? "example.com";
}
