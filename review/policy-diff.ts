/**
 * Policy documents compared by meaning: statements added, removed and changed; who gains
 * or loses the right to assume a role; actions, resources and conditions added or
 * dropped; each finding marked when it widens access, so that the comment can put it first.
 */

/** One thing a policy change does, in words. */
export interface PolicyFinding {
  readonly text: string;
  /** The change widens access: a reviewer must look at it first. */
  readonly security: boolean;
}

/** Where a policy sits, for the words of its findings. */
export interface PolicyContext {
  /** The attribute holding it (`assume_role_policy` makes it a trust policy). */
  readonly attribute: string;
  /** The role a trust policy belongs to. */
  readonly roleName?: string;
}

interface Statement {
  readonly label: string;
  readonly sid?: string;
  readonly allow: boolean;
  readonly principals: readonly string[];
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** `Bool aws:MultiFactorAuthPresent` → its values as JSON. */
  readonly conditions: ReadonlyMap<string, string>;
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v));

/** Whether `value` is the JSON text of a policy document (an object with `Statement`). */
export function isPolicyText(value: unknown): value is string {
  if (typeof value !== "string" || !value.trimStart().startsWith("{")) return false;
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === "object" && parsed !== null && "Statement" in parsed;
  } catch {
    return false;
  }
}

function principalsOf(raw: unknown, not: boolean): string[] {
  const prefix = not ? "not " : "";
  if (raw === undefined) return [];
  if (raw === "*") return [`${prefix}*`];
  if (typeof raw !== "object" || raw === null) return [`${prefix}${String(raw)}`];
  return Object.entries(raw).flatMap(([kind, values]) =>
    list(values).map((v) => `${prefix}${kind === "AWS" ? "" : `${kind}:`}${v}`),
  );
}

function statementsOf(text: string): Statement[] {
  const document = JSON.parse(text) as { Statement: unknown };
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return raw.map((s: Record<string, unknown>, i) => {
    const conditions = new Map<string, string>();
    for (const [operator, keys] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [key, values] of Object.entries(keys))
        conditions.set(`${operator} ${key}`, JSON.stringify(list(values)));
    }
    const sid = typeof s.Sid === "string" && s.Sid !== "" ? s.Sid : undefined;
    return {
      label: sid ?? `#${i + 1}`,
      sid,
      allow: s.Effect !== "Deny",
      principals: [...principalsOf(s.Principal, false), ...principalsOf(s.NotPrincipal, true)].sort(),
      actions: [...list(s.Action), ...list(s.NotAction).map((a) => `not ${a}`)].sort(),
      resources: [...list(s.Resource), ...list(s.NotResource).map((r) => `not ${r}`)].sort(),
      conditions,
    };
  });
}

/** `payments-contractors (555555555555)` for a role or user ARN; anything else as written. */
export function principalWords(principal: string): string {
  const match = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(?:role|user|assumed-role)\/(?:.*\/)?([^/]+)$/.exec(principal);
  if (match) return `\`${match[2]}\` (${match[1]})`;
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(principal);
  if (root) return `any principal of account ${root[1]}`;
  return principal === "*" ? "anyone (`*`)" : `\`${principal}\``;
}

const quoted = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(", ");
const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

function isAssume(statement: Statement): boolean {
  return statement.actions.some((a) => /^sts:(AssumeRole\w*|\*)$|^\*$/i.test(a));
}

/** A statement in words: `allows sts:AssumeRole to X on *` / `denies …`. */
function describe(s: Statement): string {
  const who = s.principals.length ? ` to ${s.principals.map(principalWords).join(", ")}` : "";
  const on = s.resources.length ? ` on ${quoted(s.resources)}` : "";
  const when = s.conditions.size ? ` when ${quoted([...s.conditions.keys()])}` : "";
  return `${s.allow ? "allows" : "denies"} ${quoted(s.actions)}${who}${on}${when}`;
}

function compare(before: Statement, after: Statement, context: PolicyContext): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const add = (text: string, security: boolean) => findings.push({ text, security });
  const where = `statement ${after.label}`;
  const widens = after.allow;
  const trust = context.attribute === "assume_role_policy" && after.allow && isAssume(after);
  const role = context.roleName ? `\`${context.roleName}\`` : "this role";
  for (const p of minus(after.principals, before.principals)) {
    add(
      trust ? `${principalWords(p)} may now assume ${role}` : `${where}: now applies to ${principalWords(p)}`,
      widens,
    );
  }
  for (const p of minus(before.principals, after.principals)) {
    add(
      trust
        ? `${principalWords(p)} may no longer assume ${role}`
        : `${where}: no longer applies to ${principalWords(p)}`,
      !widens,
    );
  }
  const verb = after.allow ? ["now allows", "no longer allows"] : ["now denies", "no longer denies"];
  const gained = minus(after.actions, before.actions);
  const lost = minus(before.actions, after.actions);
  if (gained.length) add(`${where}: ${verb[0]} ${quoted(gained)}`, widens);
  if (lost.length) add(`${where}: ${verb[1]} ${quoted(lost)}`, !widens);
  const newResources = minus(after.resources, before.resources);
  const oldResources = minus(before.resources, after.resources);
  if (newResources.length) add(`${where}: now covers ${quoted(newResources)}`, widens);
  if (oldResources.length) add(`${where}: no longer covers ${quoted(oldResources)}`, !widens);
  for (const [key, values] of before.conditions) {
    const now = after.conditions.get(key);
    if (now === undefined) add(`${where}: condition \`${key}\` ${values} dropped`, widens);
    else if (now !== values) add(`${where}: condition \`${key}\` changed from ${values} to ${now}`, true);
  }
  for (const [key, values] of after.conditions) {
    if (!before.conditions.has(key)) add(`${where}: condition \`${key}\` ${values} added`, !widens);
  }
  return findings;
}

/** The shape that pairs a statement of the old document with one of the new when their Sids do not. */
const shape = (s: Statement) => JSON.stringify([s.allow, s.actions, s.resources]);

/**
 * What changes from policy document `before` to `after` (both JSON text), by meaning:
 * statements paired by Sid, else by effect, actions and resources; then who may now (or
 * no longer) assume the role, and actions, resources and conditions added or dropped.
 * Empty when only formatting or order changed.
 */
export function policyFindings(before: string, after: string, context: PolicyContext): PolicyFinding[] {
  const old = statementsOf(before);
  const now = statementsOf(after);
  const pairs: [Statement, Statement][] = [];
  const unpaired = new Set(old);
  const added: Statement[] = [];
  for (const statement of now) {
    const match =
      [...unpaired].find((o) => statement.sid !== undefined && o.sid === statement.sid) ??
      [...unpaired].find((o) => o.sid === statement.sid && shape(o) === shape(statement)) ??
      [...unpaired].find((o) => shape(o) === shape(statement));
    if (match) {
      unpaired.delete(match);
      pairs.push([match, statement]);
    } else {
      added.push(statement);
    }
  }
  return [
    ...pairs.flatMap(([o, n]) => compare(o, n, context)),
    ...added.map((s) => ({ text: `new statement ${s.label} ${describe(s)}`, security: s.allow })),
    ...[...unpaired].map((s) => ({ text: `statement ${s.label} removed: it ${describe(s)}`, security: !s.allow })),
  ];
}
