import type { Discovery } from "./discovery.js";
import { renderTemplate, workspaceName } from "./naming.js";
import type { AccountSpec, AccountType, Inventory } from "./schema.js";

/** An account with everything the inventory leaves implicit worked out. */
export interface Account {
  readonly key: string;
  readonly id?: string;
  readonly type: AccountType;
  readonly env: string;
  readonly team: string;
  readonly system?: string;
  /** Account name: explicit, or from `organization.naming.account`. */
  readonly name: string;
  /** Root email: explicit, or from `organization.naming.email`. */
  readonly email: string;
  /** Name the naming template gives, whether or not `name` overrides it. */
  readonly conventionalName: string;
  readonly conventionalEmail: string;
  /** Terraform workspace and stack name, `<organization>-<key>`. */
  readonly workspace: string;
  /** Governed regions of this account, in the order written. */
  readonly regions: readonly string[];
  /** Region of global resources: homeRegion, or the account's first region when it leaves homeRegion out. */
  readonly globalRegion: string;
  /** The account's own channel: its `notify`, else its team's. */
  readonly channel?: string;
  readonly vpc?: { readonly cidr: string; readonly azs: number; readonly region: string };
  readonly access?: AccountSpec["access"];
  /** Identity Center groups of each role (`organization.identityCenter`). */
  readonly groups?: AccountSpec["groups"];
  readonly budget?: AccountSpec["budget"];
  /**
   * Path of the unit the account lives in; `null` the root; `undefined` where the
   * inventory places no account (no `units`) and the account is not retired: left where it is.
   */
  readonly unit?: string | null;
  readonly retired: boolean;
}

/** The organization, resolved: what stacks are built from. */
export interface Organization {
  readonly inventory: Inventory;
  /** Every account, in the order of the file. */
  readonly accounts: readonly Account[];
  readonly byKey: ReadonlyMap<string, Account>;
  /** What `discover` found already in the accounts (accounts.discovered.yaml), imported by synth. @default - nothing */
  readonly discovery?: Discovery;
}

/** Works out names, emails, regions and channels of every account; assumes a validated inventory. */
export function resolveOrganization(inventory: Inventory): Organization {
  const accounts = Object.entries(inventory.accounts).map(([key, spec]) => resolveAccount(inventory, key, spec));
  return { inventory, accounts, byKey: new Map(accounts.map((a) => [a.key, a])) };
}

/** Resolves one account; pure, and used by validation before the whole inventory is known to be valid. */
export function resolveAccount(inventory: Inventory, key: string, spec: AccountSpec): Account {
  const org = inventory.organization;
  const vars = { key, org: org.name, env: spec.env, team: spec.team, system: spec.system, domain: org.emailDomain };
  const conventionalName = renderTemplate(org.naming.account, vars);
  const conventionalEmail = renderTemplate(org.naming.email, vars);
  const regions = spec.regions ?? org.regions;
  return {
    key,
    id: spec.id,
    type: spec.type,
    env: spec.env,
    team: spec.team,
    system: spec.system,
    name: spec.name ?? conventionalName,
    email: spec.email ?? conventionalEmail,
    conventionalName,
    conventionalEmail,
    workspace: workspaceName(org.name, key),
    regions,
    globalRegion: regions.includes(org.homeRegion) ? org.homeRegion : regions[0],
    channel: spec.notify ?? inventory.teams[spec.team]?.notify,
    vpc: spec.vpc && { cidr: spec.vpc.cidr, azs: spec.vpc.azs, region: spec.vpc.region ?? org.homeRegion },
    access: spec.access,
    groups: spec.groups,
    budget: spec.budget,
    unit: unitOf(inventory, spec),
    retired: spec.retired,
  };
}

/** Where an account lives: retired, its own `unit`, its environment's, the root; or unmanaged without `units`. */
function unitOf(inventory: Inventory, spec: AccountSpec): string | null | undefined {
  const org = inventory.organization;
  if (spec.type === "management") return undefined;
  if (spec.retired) return org.retiredUnit;
  if (!org.units) return undefined;
  return spec.unit ?? org.placement?.byEnvironment?.[spec.env] ?? null;
}

/** One organizational unit, resolved: its path, name, parent path (`null`: the root) and the guardrails it adds. */
export interface Unit {
  readonly path: string;
  /** Its name in AWS: `name` when given, else the last name of its path. */
  readonly name: string;
  readonly parent: string | null;
  /** Id of the unit when it exists already: imported, not created. */
  readonly id?: string;
  readonly guardrails: NonNullable<NonNullable<Inventory["organization"]["units"]>[string]["guardrails"]>;
}

/**
 * The units of the organization, parents before children: those of `units`, and the
 * retired unit with the deny-all guardrail once an account is retired.
 */
export function unitsOf(organization: Organization): Unit[] {
  const org = organization.inventory.organization;
  const declared = Object.entries(org.units ?? {}).map(([path, spec]) => ({
    path,
    id: spec.id,
    name: spec.name,
    guardrails: spec.guardrails ?? {},
  }));
  const retiring = organization.accounts.some((a) => a.retired);
  const retired = declared.find((u) => u.path === org.retiredUnit);
  const all = [
    ...declared.map((u) => (u === retired ? { ...u, guardrails: { ...u.guardrails, denyAll: true } } : u)),
    ...(retiring && !retired
      ? [{ path: org.retiredUnit, id: undefined, name: undefined, guardrails: { denyAll: true } }]
      : []),
  ];
  return all
    .map((u) => {
      const names = u.path.split("/");
      return {
        path: u.path,
        name: u.name ?? names[names.length - 1],
        parent: names.length > 1 ? names.slice(0, -1).join("/") : null,
        ...(u.id ? { id: u.id } : {}),
        guardrails: u.guardrails,
      };
    })
    .sort((a, b) => a.path.split("/").length - b.path.split("/").length || (a.path < b.path ? -1 : 1));
}

/** The one account of a core type; validation guarantees it exists. */
export function coreAccount(organization: Organization, type: Exclude<AccountType, "workload">): Account {
  const account = organization.accounts.find((a) => a.type === type);
  if (!account) throw new Error(`the inventory has no ${type} account; validate it first`);
  return account;
}

/** One role of an account's `access`: who is listed for it, and where the list is in the account's entry. */
export interface AccessListing {
  readonly role: string;
  readonly principals: readonly string[];
  /** Path of the list below the account: `["access", "operator"]`, `["access", "content", "principals"]`. */
  readonly path: readonly string[];
}

/** The principals each role of `access` lists; `content` lists them beside its buckets. */
export function accessListings(access: Account["access"]): AccessListing[] {
  return Object.entries(access ?? {}).map(([role, spec]) =>
    Array.isArray(spec)
      ? { role, principals: spec, path: ["access", role] }
      : { role, principals: (spec as { principals: string[] }).principals, path: ["access", role, "principals"] },
  );
}

/** The region of the organization's Identity Center instance: `identityCenter.region`, else the home region. */
export function identityCenterRegion(organization: Organization): string {
  const org = organization.inventory.organization;
  return org.identityCenter?.region ?? org.homeRegion;
}

/** One role of an account's `groups`: the Identity Center groups given it. */
export interface GroupListing {
  readonly role: "administrator" | "developer" | "operator" | "content";
  readonly groups: readonly string[];
}

/** The groups each role of `groups` lists; `content` lists them beside its buckets. */
export function groupListings(groups: Account["groups"]): GroupListing[] {
  return Object.entries(groups ?? {}).map(([role, spec]) => ({
    role: role as GroupListing["role"],
    groups: Array.isArray(spec) ? spec : (spec as { groups: string[] }).groups,
  }));
}
