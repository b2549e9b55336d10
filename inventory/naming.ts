/** What a naming template may refer to. */
export interface NamingVars {
  readonly key: string;
  readonly org: string;
  readonly env: string;
  readonly team: string;
  readonly system?: string;
  readonly domain: string;
}

/** Placeholders a naming template may use, and what each becomes. */
const PLACEHOLDERS: Record<string, (v: NamingVars) => string> = {
  env: (v) => v.env,
  team: (v) => v.team,
  system: (v) => v.system ?? "",
  "-system": (v) => (v.system ? `-${v.system}` : ""),
  "+env": (v) => `+${v.env}`,
  domain: (v) => v.domain,
  key: (v) => v.key,
  org: (v) => v.org,
};

/** Names of the placeholders, in braces, for messages and docs. */
export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS).map((name) => `{${name}}`);

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Placeholders of `template` that are not known, e.g. `{enviroment}`. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => !(p.slice(1, -1) in PLACEHOLDERS));
}

/** Fills a naming template: `{env}-{team}{-system}` with env prod, team payments, system api is `prod-payments-api`. */
export function renderTemplate(template: string, vars: NamingVars): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => PLACEHOLDERS[name]?.(vars) ?? whole);
}

/** Terraform workspace (and stack) name of an account: `<organization>-<key>`. */
export function workspaceName(org: string, key: string): string {
  return `${org}-${key}`;
}
