/**
 * The synthesized permission model, evaluated by an independent IAM evaluator
 * (`@cloud-copilot/iam-simulate`, AGPL, a test-only dependency): identity policies
 * (AWS managed ones as AWS publishes them), permissions boundaries, the SCPs of the
 * management workspace at the root and on the account, and the resource policy of what
 * is asked for (bucket, key, topic, a role's trust policy). This file only gathers the
 * policies from the synthesized JSON; every decision is the evaluator's.
 */
import { readFileSync } from "node:fs";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { Account } from "../../inventory/model.js";
import { type Block, ORGANIZATION_ID, ref, type Synthesized, type Workspace } from "./support.js";

/** A policy document as JSON. */
export type PolicyDocument = { Version?: string; Statement: unknown };

/** The evaluator's verdict. */
export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

const MANAGED = new URL("../fixtures/aws-managed-policies/", import.meta.url);
const managedCache = new Map<string, PolicyDocument>();

/** An AWS managed policy document by name (`ReadOnlyAccess`), as AWS publishes it. */
export function managedPolicy(name: string): PolicyDocument {
  const cached = managedCache.get(name);
  if (cached) return cached;
  const file = new URL(`${name}.json`, MANAGED);
  const document = (JSON.parse(readFileSync(file, "utf8")) as { PolicyVersion: { Document: PolicyDocument } })
    .PolicyVersion.Document;
  managedCache.set(name, document);
  return document;
}

const ALLOW_ALL: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

/** Who asks: a principal with the policies that apply to it, and what its session carries. */
export interface Caller {
  /** Readable name for messages and the docs table: `administrator`, `the execution role`. */
  readonly label: string;
  /** The principal as the request carries it: an assumed-role session ARN, a root ARN, a user ARN. */
  readonly principal: string;
  /** `aws:PrincipalArn`: the role ARN of a session, else the principal. */
  readonly principalArn: string;
  readonly accountId: string;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly boundary?: PolicyDocument;
  /** Whether the session was authenticated with MFA. @default true */
  readonly mfa?: boolean;
  /** Whether the principal belongs to the organization. @default true */
  readonly inOrganization?: boolean;
}

/** A request to decide. */
export interface Ask {
  readonly action: string;
  readonly resource: string;
  /** Region of the request; by default the resource's, else the home region. */
  readonly region?: string;
  /** Further condition keys of the request. */
  readonly context?: Readonly<Record<string, string | string[]>>;
}

/** The synthesized organization's policies, ready to be asked. */
export class PermissionModel {
  constructor(readonly synth: Synthesized) {}

  private get prefix(): string {
    return this.synth.organization.inventory.organization.name;
  }

  private get executionRoleName(): string {
    return this.synth.organization.inventory.organization.executionRoleName;
  }

  private account(key: string): Account {
    return this.synth.account(key);
  }

  private idOf(key: string): string {
    const id = this.account(key).id;
    if (!id) throw new Error(`${key} has no id`);
    return id;
  }

  /** A session of the role `roleName` of account `key`, with the policies its workspace gives it. */
  role(key: string, roleName: string, options: { mfa?: boolean; label?: string } = {}): Caller {
    const ws = this.synth.of(key);
    const accountId = this.idOf(key);
    const [address, role] = roleNamed(ws, roleName);
    const substitutions = ws.substitutions(accountId);
    const identityPolicies = [
      ...ws
        .resources("aws_iam_role_policy_attachment")
        .filter(([, a]) => a.role === ref("aws_iam_role", address, "name") || a.role === roleName)
        .map(([, a]) => this.attachedPolicy(ws, a.policy_arn as string, substitutions)),
      ...ws
        .resources("aws_iam_role_policy")
        .filter(([, p]) => p.role === ref("aws_iam_role", address, "id") || p.role === roleName)
        .map(([, p]) => resolvePolicy(p.policy as string, substitutions)),
    ];
    if (identityPolicies.length === 0) throw new Error(`${ws.name}: role ${roleName} has no policy`);
    const boundaryArn = role.permissions_boundary as string | undefined;
    return {
      label: options.label ?? roleName,
      principal: `arn:aws:sts::${accountId}:assumed-role/${roleName}/someone`,
      principalArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      accountId,
      identityPolicies,
      boundary: boundaryArn ? this.attachedPolicy(ws, boundaryArn, substitutions) : undefined,
      mfa: options.mfa ?? true,
    };
  }

  /**
   * A session of the permission set `roleName` (Identity Center) in account `key`: the role
   * Identity Center makes there from the management workspace's permission set (its AWS
   * managed policy, its inline policy), bounded by the account's own boundary policy when
   * the permission set names one.
   */
  permissionSet(key: string, roleName: string): Caller {
    const management = this.synth.of(this.synth.organization.accounts.find((a) => a.type === "management")?.key ?? "");
    const ws = this.synth.of(key);
    const accountId = this.idOf(key);
    const [address] = management.resources("aws_ssoadmin_permission_set").find(([, p]) => p.name === roleName) ?? [];
    if (!address) throw new Error(`${management.name}: no permission set ${roleName}`);
    const arn = ref("aws_ssoadmin_permission_set", address, "arn");
    const of = (type: string) => management.resources(type).filter(([, r]) => r.permission_set_arn === arn);
    const substitutions = ws.substitutions(accountId);
    const identityPolicies = [
      ...of("aws_ssoadmin_managed_policy_attachment").map(([, a]) =>
        managedPolicy(String(a.managed_policy_arn).split("/").at(-1) as string),
      ),
      ...of("aws_ssoadmin_permission_set_inline_policy").map(([, p]) =>
        resolvePolicy(p.inline_policy as string, substitutions),
      ),
    ];
    const boundaryName = (
      of("aws_ssoadmin_permissions_boundary_attachment")[0]?.[1].permissions_boundary as
        | { customer_managed_policy_reference: { name: string } }
        | undefined
    )?.customer_managed_policy_reference.name;
    const boundary = boundaryName
      ? ws.resources("aws_iam_policy").find(([, p]) => p.name === boundaryName)?.[1].policy
      : undefined;
    if (boundaryName && !boundary)
      throw new Error(`${ws.name}: no policy ${boundaryName} for the ${roleName} boundary`);
    const reserved = `AWSReservedSSO_${roleName}_0123456789abcdef`;
    return {
      label: roleName,
      principal: `arn:aws:sts::${accountId}:assumed-role/${reserved}/someone@example.com`,
      principalArn: `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/${reserved}`,
      accountId,
      identityPolicies,
      boundary: boundary ? resolvePolicy(boundary as string, substitutions) : undefined,
      mfa: true,
    };
  }

  /**
   * A session of the execution role of account `key`, as AWS Organizations creates it:
   * AdministratorAccess. It is in no workspace.
   */
  executionRole(key: string): Caller {
    const accountId = this.idOf(key);
    return {
      label: "the execution role",
      principal: `arn:aws:sts::${accountId}:assumed-role/${this.executionRoleName}/terraform`,
      principalArn: `arn:aws:iam::${accountId}:role/${this.executionRoleName}`,
      accountId,
      identityPolicies: [managedPolicy("AdministratorAccess")],
      mfa: false,
    };
  }

  /**
   * A session of Terraform Cloud's role for `phase` in member account `key`, with the
   * policies the management workspace's stack set template gives it (it is in no
   * workspace of its own).
   */
  terraformCloudRole(key: string, phase: "plan" | "apply"): Caller {
    const management = this.synth.organization.accounts.find((a) => a.type === "management")?.key ?? "";
    const [[, set]] = this.synth.of(management).resources("aws_cloudformation_stack_set");
    const template = JSON.parse(set.template_body as string) as {
      Resources: Record<
        string,
        {
          Properties: {
            RoleName: string;
            ManagedPolicyArns: string[];
            Policies?: { PolicyDocument: PolicyDocument }[];
          };
        }
      >;
    };
    const role = template.Resources[phase === "plan" ? "PlanRole" : "ApplyRole"].Properties;
    const accountId = this.idOf(key);
    return {
      label: `Terraform Cloud's ${phase} role`,
      principal: `arn:aws:sts::${accountId}:assumed-role/${role.RoleName}/terraform-run`,
      principalArn: `arn:aws:iam::${accountId}:role/${role.RoleName}`,
      accountId,
      identityPolicies: [
        ...role.ManagedPolicyArns.map((arn) => managedPolicy(arn.split("/").pop() ?? "")),
        ...(role.Policies ?? []).map((p) => p.PolicyDocument),
      ],
      mfa: false,
    };
  }

  /** The execution role's trust, as AWS Organizations creates it: the management account. */
  private executionRoleTrust(): PolicyDocument {
    const management = this.synth.organization.accounts.find((a) => a.type === "management")?.id ?? "";
    return {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${management}:root` }, Action: "sts:AssumeRole" }],
    };
  }

  /** The root user of account `key`. */
  root(key: string): Caller {
    const accountId = this.idOf(key);
    const arn = `arn:aws:iam::${accountId}:root`;
    return { label: "the root user", principal: arn, principalArn: arn, accountId, identityPolicies: [ALLOW_ALL] };
  }

  /**
   * A role of an account that no workspace describes (the identity account's people, a
   * role of another organization): allowed everything by its own account, so that only
   * the other side's policies decide.
   */
  foreignRole(accountId: string, roleName: string, options: { mfa?: boolean; inOrganization?: boolean } = {}): Caller {
    return {
      label: roleName,
      principal: `arn:aws:sts::${accountId}:assumed-role/${roleName}/someone`,
      principalArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      accountId,
      identityPolicies: [ALLOW_ALL],
      mfa: options.mfa ?? true,
      inOrganization: options.inOrganization ?? true,
    };
  }

  /** A role of the trusted identity account, by name. */
  identityRole(roleName: string, options: { mfa?: boolean } = {}): Caller {
    const key = this.synth.organization.inventory.organization.identity.trustedAccount;
    return this.foreignRole(this.idOf(key), roleName, options);
  }

  /** The SCPs that apply to principals of account `accountId`: the root's, then the account's own. */
  serviceControlPolicies(
    accountId: string,
  ): { orgIdentifier: string; policies: { name: string; policy: unknown }[] }[] {
    const management = this.synth.organization.accounts.find((a) => a.type === "management");
    if (!management || management.id === accountId) return [];
    const ws = this.synth.of(management.key);
    const content = new Map(ws.resources("aws_organizations_policy").map(([name, body]) => [name, body]));
    const attached = (target: string) =>
      ws
        .resources("aws_organizations_policy_attachment")
        .filter(([, a]) => a.target_id === target)
        .map(([, a]) => {
          const name = /^\$\{aws_organizations_policy\.(.+)\.id\}$/.exec(a.policy_id as string)?.[1] ?? "";
          const body = content.get(name);
          if (!body) throw new Error(`attachment of an unknown policy ${a.policy_id}`);
          return { name, policy: resolvePolicy(body.content as string, {}) };
        });
    const full = { name: "FullAWSAccess", policy: ALLOW_ALL };
    const rootRef = ref("data.aws_organizations_organization", "organization", "roots[0].id");
    // The units from the root down to the account's, each with the policies attached to it.
    const unitPath = this.synth.organization.accounts.find((a) => a.id === accountId)?.unit;
    const units = ws.resources("aws_organizations_organizational_unit");
    const chain =
      typeof unitPath === "string" ? unitPath.split("/").map((_, i, all) => all.slice(0, i + 1).join("/")) : [];
    const unitLevels = chain.map((path) => {
      const found = units.find(([, u]) => (u.tags as Record<string, string>)["fleetfile:unit"] === path);
      if (!found) throw new Error(`no unit ${path} in the management workspace`);
      return {
        orgIdentifier: path,
        policies: [full, ...attached(ref("aws_organizations_organizational_unit", found[0], "id"))],
      };
    });
    return [
      { orgIdentifier: "r-root", policies: [full, ...attached(rootRef)] },
      ...unitLevels,
      { orgIdentifier: accountId, policies: [full, ...attached(accountId)] },
    ];
  }

  /**
   * The resource policy of `resource` and the account that owns it, from the workspace that
   * creates it. A bucket no workspace creates belongs to `callerAccount`, with no policy.
   */
  resourcePolicy(
    resource: string,
    action: string,
    callerAccount: string,
  ): { accountId: string; policy?: PolicyDocument } {
    if (resource === "*") return { accountId: callerAccount };
    const arn = resource.split(":");
    const service = arn[2];
    if (service === "s3") {
      const bucket = arn[5].split("/")[0];
      for (const account of this.synth.accountsWithWorkspace) {
        const ws = this.synth.of(account.key);
        const found = ws.resources("aws_s3_bucket").find(([, b]) => b.bucket === bucket);
        if (!found) continue;
        const policy = ws
          .resources("aws_s3_bucket_policy")
          .find(([, p]) => p.bucket === ref("aws_s3_bucket", found[0], "id"))?.[1];
        const accountId = account.id as string;
        return { accountId, policy: policy && resolvePolicy(policy.policy as string, ws.substitutions(accountId)) };
      }
      return { accountId: callerAccount };
    }
    const accountId = arn[4];
    const owner = this.synth.accountsWithWorkspace.find((a) => a.id === accountId);
    if (!owner) return { accountId };
    const ws = this.synth.of(owner.key);
    const substitutions = ws.substitutions(accountId);
    if (service === "kms" && arn[5].startsWith("key/")) {
      const key = ws.resources("aws_kms_key").find(([name]) => arn[5] === `key/${name}`)?.[1];
      return { accountId, policy: key && resolvePolicy(key.policy as string, substitutions) };
    }
    if (service === "iam" && action === "sts:AssumeRole" && arn[5].startsWith("role/")) {
      const name = arn[5].slice("role/".length).split("/").at(-1) ?? "";
      if (name === this.executionRoleName) return { accountId, policy: this.executionRoleTrust() };
      const [, role] = roleNamed(ws, name);
      return { accountId, policy: resolvePolicy(role.assume_role_policy as string, substitutions) };
    }
    return { accountId };
  }

  /** An attached policy's document: an AWS managed one as AWS publishes it, or the workspace's own. */
  private attachedPolicy(ws: Workspace, arn: string, substitutions: Readonly<Record<string, string>>): PolicyDocument {
    const managed = /^arn:aws:iam::aws:policy\/(.+)$/.exec(arn);
    if (managed) return managedPolicy(managed[1]);
    const byRef = /^\$\{aws_iam_policy\.(.+)\.arn\}$/.exec(arn)?.[1];
    const byName = /^arn:aws:iam::\d{12}:policy\/(.+)$/.exec(arn)?.[1];
    const found = ws.resources("aws_iam_policy").find(([name, p]) => name === byRef || p.name === byName);
    if (!found) throw new Error(`${ws.name}: no policy ${arn}`);
    return resolvePolicy(found[1].policy as string, substitutions);
  }

  /** What the evaluator decides for `caller` asking `ask`. */
  async decide(caller: Caller, ask: Ask): Promise<Decision> {
    const { accountId, policy } = this.resourcePolicy(ask.resource, ask.action, caller.accountId);
    const own = this.synth.organization.accounts.find((a) => a.id === caller.accountId)?.globalRegion;
    const region = ask.region ?? (ask.resource.split(":")[3] || own || this.synth.homeRegion);
    const inOrganization = caller.inOrganization ?? true;
    const isRoot = caller.principal.endsWith(":root");
    const result = await runSimulation(
      {
        request: {
          principal: caller.principal,
          action: ask.action,
          resource: { resource: ask.resource, accountId },
          contextVariables: {
            "aws:PrincipalArn": caller.principalArn,
            "aws:PrincipalAccount": caller.accountId,
            "aws:RequestedRegion": region,
            "aws:SecureTransport": "true",
            ...(isRoot ? {} : { "aws:MultiFactorAuthPresent": String(caller.mfa ?? true) }),
            ...(inOrganization ? { "aws:PrincipalOrgID": ORGANIZATION_ID } : {}),
            ...ask.context,
          },
        },
        identityPolicies: caller.identityPolicies.map((p, i) => ({ name: `identity-${i}`, policy: p })),
        permissionBoundaryPolicies: caller.boundary ? [{ name: "boundary", policy: caller.boundary }] : undefined,
        serviceControlPolicies: inOrganization ? this.serviceControlPolicies(caller.accountId) : [],
        resourceControlPolicies: [],
        resourcePolicy: policy,
      },
      {},
    );
    if (result.resultType === "error") {
      throw new Error(
        `${caller.label} ${ask.action} ${ask.resource}: the evaluator refused the request: ${JSON.stringify(result.errors)}`,
      );
    }
    return result.overallResult as Decision;
  }

  /** The ARN of a resource of the baseline, by what it is, in account `key`. */
  arn(key: string, what: BaselineResource, region = this.account(key).globalRegion): string {
    const id = this.idOf(key);
    const prefix = this.prefix;
    const archive = this.synth.organization.accounts.find((a) => a.type === "log-archive")?.id ?? "";
    switch (what) {
      case "trail":
        // The multi-region trail lives in the home region, whatever the account governs.
        return `arn:aws:cloudtrail:${this.synth.homeRegion}:${id}:trail/${prefix}-trail`;
      case "config-rule":
        return `arn:aws:config:${region}:${id}:config-rule/config-rule-abc123`;
      case "config-recorder":
        return `arn:aws:config:${region}:${id}:configuration-recorder/${prefix}-recorder/abc123`;
      case "detector":
        return `arn:aws:guardduty:${region}:${id}:detector/0123456789abcdef0123456789abcdef`;
      case "guardduty-filter":
        return `arn:aws:guardduty:${region}:${id}:detector/0123456789abcdef0123456789abcdef/filter/hide-everything`;
      case "guardduty-ipset":
        return `arn:aws:guardduty:${region}:${id}:detector/0123456789abcdef0123456789abcdef/ipset/0123456789abcdef0123456789abcdef`;
      case "alert-topic":
        return `arn:aws:sns:${region}:${id}:${prefix}-alerts`;
      case "alert-rule":
        return `arn:aws:events:${region}:${id}:rule/${prefix}-alerts-guardduty`;
      case "flow-log":
        return `arn:aws:ec2:${region}:${id}:vpc-flow-log/fl-0123456789abcdef0`;
      case "trail-bucket-object":
        return `arn:aws:s3:::${prefix}-cloudtrail-${archive}/AWSLogs/${id}/CloudTrail/log.json.gz`;
      case "log-key": {
        const ws = this.synth.of(this.synth.organization.accounts.find((a) => a.type === "log-archive")?.key ?? "");
        const [name, body] = ws.resources("aws_kms_key")[0];
        return `arn:aws:kms:${ws.regionOf(body)}:${archive}:key/${name}`;
      }
      case "data-table":
        return `arn:aws:dynamodb:${region}:${id}:table/orders`;
      case "instance":
        return `arn:aws:ec2:${region}:${id}:instance/i-0123456789abcdef0`;
      case "workload-role":
        return `arn:aws:iam::${id}:role/workload/orders-api`;
      case "function":
        return `arn:aws:lambda:${region}:${id}:function:orders-api`;
    }
  }
}

/** Resources of the baseline (and of ordinary work) that the matrix asks about. */
export type BaselineResource =
  | "trail"
  | "config-rule"
  | "config-recorder"
  | "detector"
  | "guardduty-filter"
  | "guardduty-ipset"
  | "alert-topic"
  | "alert-rule"
  | "flow-log"
  | "trail-bucket-object"
  | "log-key"
  | "data-table"
  | "instance"
  | "workload-role"
  | "function";

/** The role named `roleName` in a workspace, with its Terraform name; throws when there is none. */
function roleNamed(ws: Workspace, roleName: string): [string, Block] {
  const found = ws.resources("aws_iam_role").find(([, r]) => r.name === roleName);
  if (!found) throw new Error(`${ws.name} has no role ${roleName}`);
  return found;
}

/** A policy document (JSON text) with Terraform references replaced; a reference left over is an error. */
export function resolvePolicy(text: string, substitutions: Readonly<Record<string, string>>): PolicyDocument {
  let resolved = text;
  for (const [from, to] of Object.entries(substitutions)) resolved = resolved.split(from).join(to);
  const leftover = /\$\{[^}]+\}/.exec(resolved);
  if (leftover) throw new Error(`a policy refers to ${leftover[0]}, which the test cannot resolve`);
  return JSON.parse(resolved) as PolicyDocument;
}

/** A question about one resource policy alone: may `principal` do `action` on `resource`, by this policy? */
export interface PolicyQuestion {
  /** A principal ARN (a role session, a role, a root) or a service principal (`cloudtrail.amazonaws.com`). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource. */
  readonly resourceAccount: string;
  /** The resource policy, resolved ({@link resolvePolicy}). */
  readonly policy: PolicyDocument;
  /** Condition keys of the request. */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /**
   * Identity policies of the principal; a principal of another account needs both sides to allow.
   * @default - allow everything, so that only the resource policy decides
   */
  readonly identityPolicies?: readonly PolicyDocument[];
}

/** The evaluator's verdict on a {@link PolicyQuestion}, with no SCP in the way. */
export async function decideByPolicy(question: PolicyQuestion): Promise<Decision> {
  const service = !question.principal.startsWith("arn:");
  const result = await runSimulation(
    {
      request: {
        principal: question.principal,
        action: question.action,
        resource: { resource: question.resource, accountId: question.resourceAccount },
        contextVariables: { "aws:SecureTransport": "true", ...question.context },
      },
      identityPolicies: service
        ? []
        : (question.identityPolicies ?? [ALLOW_ALL]).map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: question.policy,
    },
    {},
  );
  if (result.resultType === "error") {
    throw new Error(
      `${question.principal} ${question.action} ${question.resource}: the evaluator refused the request: ${JSON.stringify(result.errors)}`,
    );
  }
  return result.overallResult as Decision;
}
