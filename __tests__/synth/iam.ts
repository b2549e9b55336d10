/**
 * Just enough of IAM policy evaluation to ask synthesized policies the questions that
 * matter ("may this principal do this to that?") instead of comparing their text.
 * Supports Action/NotAction, Resource/NotResource, Principal, and the condition
 * operators the project uses; an unknown operator fails loudly rather than guessing.
 */

/** One statement, with every list-or-string field made a list. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | Record<string, string[]>;
  readonly Action?: string[];
  readonly NotAction?: string[];
  readonly Resource?: string[];
  readonly NotResource?: string[];
  readonly Condition?: Record<string, Record<string, string[]>>;
}

/** A request to evaluate. */
export interface Request {
  readonly action: string;
  readonly resource: string;
  /** Who asks, for resource policies: `{ AWS: arn }` or `{ Service: name }`. */
  readonly principal?: { readonly AWS?: string; readonly Service?: string };
  /** Condition keys of the request (aws:PrincipalArn, aws:RequestedRegion, ...). */
  readonly context?: Readonly<Record<string, string>>;
}

const list = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String) : [String(value)];

/** Parses a policy document (JSON text), after replacing Terraform references with `substitutions`. */
export function parsePolicy(text: string, substitutions: Readonly<Record<string, string>> = {}): Statement[] {
  let resolved = text;
  for (const [from, to] of Object.entries(substitutions)) resolved = resolved.split(from).join(to);
  const document = JSON.parse(resolved) as { Statement: Record<string, unknown>[] | Record<string, unknown> };
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return raw.map((s) => ({
    Sid: s.Sid as string | undefined,
    Effect: s.Effect as "Allow" | "Deny",
    Principal:
      s.Principal === undefined || s.Principal === "*"
        ? (s.Principal as "*" | undefined)
        : Object.fromEntries(
            Object.entries(s.Principal as Record<string, unknown>).map(([k, v]) => [k, list(v) ?? []]),
          ),
    Action: list(s.Action),
    NotAction: list(s.NotAction),
    Resource: list(s.Resource),
    NotResource: list(s.NotResource),
    Condition:
      s.Condition === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(s.Condition as Record<string, Record<string, unknown>>).map(([op, keys]) => [
              op,
              Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, list(v) ?? []])),
            ]),
          ),
  }));
}

/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

function actionMatches(s: Statement, action: string): boolean {
  if (s.Action) return s.Action.some((a) => wildcard(a, action, true));
  if (s.NotAction) return !s.NotAction.some((a) => wildcard(a, action, true));
  return false;
}

function resourceMatches(s: Statement, resource: string): boolean {
  if (s.Resource) return s.Resource.some((r) => wildcard(r, resource));
  if (s.NotResource) return !s.NotResource.some((r) => wildcard(r, resource));
  return true;
}

function principalMatches(s: Statement, principal: Request["principal"]): boolean {
  if (s.Principal === undefined) return true;
  if (s.Principal === "*") return true;
  if (!principal) return false;
  return Object.entries(s.Principal).some(([kind, values]) => {
    const asked = principal[kind as "AWS" | "Service"];
    return asked !== undefined && values.some((v) => v === "*" || wildcard(v, asked));
  });
}

const OPERATORS: Record<string, (patterns: string[], value: string | undefined) => boolean> = {
  StringEquals: (p, v) => v !== undefined && p.includes(v),
  StringNotEquals: (p, v) => v === undefined || !p.includes(v),
  StringLike: (p, v) => v !== undefined && p.some((x) => wildcard(x, v)),
  StringNotLike: (p, v) => v === undefined || !p.some((x) => wildcard(x, v)),
  ArnEquals: (p, v) => v !== undefined && p.includes(v),
  ArnLike: (p, v) => v !== undefined && p.some((x) => wildcard(x, v)),
  ArnNotLike: (p, v) => v === undefined || !p.some((x) => wildcard(x, v)),
  Bool: (p, v) => v !== undefined && p.includes(v),
};

function conditionHolds(s: Statement, context: Readonly<Record<string, string>>): boolean {
  return Object.entries(s.Condition ?? {}).every(([operator, keys]) => {
    const test = OPERATORS[operator];
    if (!test) throw new Error(`condition operator ${operator} is not supported by this evaluator`);
    return Object.entries(keys).every(([key, patterns]) => test(patterns, context[key]));
  });
}

/** Whether `statement` applies to `request`. */
export function applies(statement: Statement, request: Request): boolean {
  return (
    actionMatches(statement, request.action) &&
    resourceMatches(statement, request.resource) &&
    principalMatches(statement, request.principal) &&
    conditionHolds(statement, request.context ?? {})
  );
}

/** The statements of `policy` with `effect` that apply to `request`. */
export function matching(policy: readonly Statement[], effect: "Allow" | "Deny", request: Request): Statement[] {
  return policy.filter((s) => s.Effect === effect && applies(s, request));
}

/** Whether any statement of `policy` explicitly denies `request`. */
export function denies(policy: readonly Statement[], request: Request): boolean {
  return matching(policy, "Deny", request).length > 0;
}

/** Whether any statement of `policy` allows `request` (explicit denies not considered). */
export function allows(policy: readonly Statement[], request: Request): boolean {
  return matching(policy, "Allow", request).length > 0;
}

/** The policies that decide what a role may do. */
export interface RolePolicies {
  /** Identity policies: managed and inline, each a list of statements. */
  readonly identity: readonly (readonly Statement[])[];
  /** The permissions boundary. @default - none */
  readonly boundary?: readonly Statement[];
  /** Other policies whose explicit denies count (SCPs, resource policies). @default - none */
  readonly denyOnly?: readonly (readonly Statement[])[];
}

/**
 * Whether a role with `policies` may make `request`, within one account: no explicit deny
 * anywhere, some identity policy allows, and the boundary (when set) allows too.
 */
export function permitted(policies: RolePolicies, request: Request): boolean {
  const all = [...policies.identity, ...(policies.boundary ? [policies.boundary] : []), ...(policies.denyOnly ?? [])];
  if (all.some((p) => denies(p, request))) return false;
  const identityAllows = policies.identity.some((p) => allows(p, request));
  return identityAllows && (!policies.boundary || allows(policies.boundary, request));
}

/**
 * The AWS managed policies the four roles use, as AWS publishes them (the parts that
 * matter here). PowerUserAccess: everything but IAM, Organizations and Account, plus a
 * few reads and service-linked roles.
 */
export const MANAGED_POLICIES: Readonly<Record<string, readonly Statement[]>> = {
  "arn:aws:iam::aws:policy/AdministratorAccess": [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }],
  "arn:aws:iam::aws:policy/PowerUserAccess": [
    { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: ["*"] },
    {
      Effect: "Allow",
      Action: [
        "account:GetAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeOrganization",
      ],
      Resource: ["*"],
    },
  ],
  "arn:aws:iam::aws:policy/ReadOnlyAccess": [
    { Effect: "Allow", Action: ["*:Describe*", "*:Get*", "*:List*", "*:BatchGet*"], Resource: ["*"] },
  ],
};
