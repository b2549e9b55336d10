import { describe, expect, it } from "vitest";
import type { Account } from "../../inventory/model.js";
import {
  allows,
  denies,
  MANAGED_POLICIES,
  parsePolicy,
  permitted,
  type Request,
  type RolePolicies,
  type Statement,
} from "./iam.js";
import {
  EXAMPLE_AND_THREE_REGIONS,
  fixtureFile,
  ref,
  referencedName,
  type Synthesized,
  synthesizeOnce,
  type Workspace,
} from "./support.js";

const FOUR_ROLES = ["administrator", "developer", "operator", "content"] as const;
type RoleName = (typeof FOUR_ROLES)[number];

/** The four roles of a workspace by role name, with their Terraform names. */
function fourRoles(ws: Workspace): Map<RoleName, { name: string; body: Record<string, unknown> }> {
  return new Map(
    ws
      .resources("aws_iam_role")
      .filter(([, r]) => (FOUR_ROLES as readonly unknown[]).includes(r.name))
      .map(([name, body]) => [body.name as RoleName, { name, body }]),
  );
}

/** Managed policy ARNs attached to the role with Terraform name `roleName`. */
function attachedPolicies(ws: Workspace, roleName: string): string[] {
  return ws
    .resources("aws_iam_role_policy_attachment")
    .filter(
      ([, a]) => a.role === ref("aws_iam_role", roleName, "name") || a.role === ref("aws_iam_role", roleName, "id"),
    )
    .map(([, a]) => a.policy_arn as string);
}

/** Inline policies of the role with Terraform name `roleName`, parsed. */
function inlinePolicies(ws: Workspace, roleName: string): Statement[][] {
  return ws
    .resources("aws_iam_role_policy")
    .filter(
      ([, p]) => p.role === ref("aws_iam_role", roleName, "id") || p.role === ref("aws_iam_role", roleName, "name"),
    )
    .map(([, p]) => parsePolicy(p.policy as string));
}

/** Every policy that decides what the role may do, managed policies from their published text. */
function policiesOf(ws: Workspace, roleName: string): RolePolicies {
  const role = ws.resource("aws_iam_role", roleName);
  const identity = [
    ...attachedPolicies(ws, roleName).map((arn) => {
      const policy = MANAGED_POLICIES[arn];
      if (!policy) throw new Error(`${ws.name}: ${roleName} has ${arn}, which this test does not know`);
      return policy;
    }),
    ...inlinePolicies(ws, roleName),
  ];
  const boundaryName = referencedName(role.permissions_boundary, "aws_iam_policy");
  const boundary = boundaryName ? parsePolicy(ws.resource("aws_iam_policy", boundaryName).policy as string) : undefined;
  return { identity, boundary };
}

/** The trust policy's principals as IAM will see them, from the inventory as written. */
function expectedPrincipals(synth: Synthesized, principals: readonly string[]): string[] {
  const identity = synth.organization.inventory.organization.identity.trustedAccount;
  const identityId = synth.account(identity).id;
  return principals.map((p) => (p.startsWith("arn:") ? p : `arn:aws:iam::${identityId}:role/${p}`));
}

/** Principals per role as the inventory lists them, for an account. */
function listedPrincipals(synth: Synthesized, account: Account): Partial<Record<RoleName, readonly string[]>> {
  const access = synth.organization.inventory.accounts[account.key].access ?? {};
  return {
    administrator: access.administrator,
    developer: access.developer,
    operator: access.operator,
    content: access.content?.principals,
  };
}

/**
 * Requests that would change the account's baseline, from what the workspace holds: the
 * trail, Config, GuardDuty, alert topics and rules, the baseline and four roles, the
 * boundary, the budget, Chatbot, and (in the log archive) the buckets' settings and objects.
 */
function baselineChanges(synth: Synthesized, account: Account, ws: Workspace): Request[] {
  const id = account.id ?? "";
  const requests: Request[] = [];
  const add = (actions: string[], resource: string) => {
    for (const action of actions) requests.push({ action, resource });
  };
  const trail = ws.single("aws_cloudtrail");
  add(
    ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"],
    `arn:aws:cloudtrail:${synth.homeRegion}:${id}:trail/${trail.name as string}`,
  );
  for (const region of account.regions) {
    add(
      [
        "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder",
        "config:DeleteDeliveryChannel",
        "config:PutConfigurationRecorder",
        "config:PutDeliveryChannel",
      ],
      "*",
    );
    for (const [, rule] of ws.byRegion("aws_config_config_rule").get(region) ?? []) {
      add(
        ["config:DeleteConfigRule", "config:PutConfigRule"],
        `arn:aws:config:${region}:${id}:config-rule/${rule.name as string}`,
      );
    }
    add(
      ["guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:CreateFilter"],
      `arn:aws:guardduty:${region}:${id}:detector/d1`,
    );
    for (const [, topic] of ws.byRegion("aws_sns_topic").get(region) ?? []) {
      const arn = `arn:aws:sns:${region}:${id}:${topic.name as string}`;
      add(["sns:DeleteTopic", "sns:SetTopicAttributes", "sns:RemovePermission"], arn);
      add(["sns:Unsubscribe"], `${arn}:0f1e2d3c`);
    }
    for (const [, rule] of ws.byRegion("aws_cloudwatch_event_rule").get(region) ?? []) {
      add(
        ["events:DeleteRule", "events:DisableRule", "events:PutRule", "events:RemoveTargets", "events:PutTargets"],
        `arn:aws:events:${region}:${id}:rule/${rule.name as string}`,
      );
    }
  }
  for (const [, role] of ws.resources("aws_iam_role")) {
    add(
      [
        "iam:DeleteRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
      ],
      `arn:aws:iam::${id}:role/${role.name as string}`,
    );
  }
  for (const [, policy] of ws.resources("aws_iam_policy")) {
    add(
      ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion"],
      `arn:aws:iam::${id}:policy/${policy.name as string}`,
    );
  }
  for (const [, budget] of ws.resources("aws_budgets_budget")) {
    add(["budgets:ModifyBudget", "budgets:DeleteBudget"], `arn:aws:budgets::${id}:budget/${budget.name as string}`);
  }
  for (const [, config] of ws.resources("aws_chatbot_slack_channel_configuration")) {
    add(
      ["chatbot:DeleteSlackChannelConfiguration", "chatbot:UpdateSlackChannelConfiguration"],
      `arn:aws:chatbot::${id}:chat-configuration/slack-channel/${config.configuration_name as string}`,
    );
  }
  for (const [, aggregator] of ws.resources("aws_config_configuration_aggregator")) {
    add(
      ["config:DeleteConfigurationAggregator", "config:PutConfigurationAggregator"],
      `arn:aws:config:${synth.homeRegion}:${id}:config-aggregator/${aggregator.name as string}`,
    );
  }
  for (const [, bucket] of ws.resources("aws_s3_bucket")) {
    const arn = `arn:aws:s3:::${bucket.bucket as string}`;
    add(["s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:DeleteBucketPolicy", "s3:DeleteBucket"], arn);
    add(["s3:DeleteObject", "s3:DeleteObjectVersion"], `${arn}/AWSLogs/x`);
  }
  return requests;
}

/** Bucket policies of the workspace, which deny some requests whatever the role may do. */
function bucketPolicies(ws: Workspace, accountId: string): Statement[][] {
  return ws
    .resources("aws_s3_bucket_policy")
    .map(([, p]) => parsePolicy(p.policy as string, ws.substitutions(accountId)));
}

/** A request by `roleArn` over TLS, as resource policies see it. */
function by(roleArn: string, request: Request): Request {
  return {
    ...request,
    principal: { AWS: roleArn },
    context: { "aws:SecureTransport": "true", "aws:PrincipalArn": roleArn, ...request.context },
  };
}

describe.each(EXAMPLE_AND_THREE_REGIONS)("the four roles in $title", ({ source }) => {
  const synth = synthesizeOnce(source);
  const eachAccount = (check: (account: Account, ws: Workspace) => void) => {
    for (const account of synth().accountsWithWorkspace) check(account, synth().of(account.key));
  };

  it("exist only where `access` lists them", () => {
    eachAccount((account, ws) => {
      const listed = Object.entries(listedPrincipals(synth(), account))
        .filter(([, principals]) => principals !== undefined)
        .map(([role]) => role);
      expect([...fourRoles(ws).keys()].sort(), ws.name).toEqual(listed.sort());
    });
  });

  it("trust only their listed principals: a bare name in the identity account, an ARN as is", () => {
    eachAccount((account, ws) => {
      for (const [role, { body }] of fourRoles(ws)) {
        const statements = parsePolicy(body.assume_role_policy as string);
        const principals = statements.flatMap((s) => (s.Principal === "*" ? ["*"] : (s.Principal?.AWS ?? [])));
        const expected = expectedPrincipals(synth(), listedPrincipals(synth(), account)[role] ?? []);
        expect(principals.sort(), `${ws.name} ${role}`).toEqual([...expected].sort());
        expect(statements.every((s) => s.Effect === "Allow" && s.Action?.join() === "sts:AssumeRole")).toBe(true);
      }
    });
  });

  it("require MFA exactly when identity.requireMfa is true", () => {
    const requireMfa = synth().organization.inventory.organization.identity.requireMfa;
    eachAccount((account, ws) => {
      for (const [role, { body }] of fourRoles(ws)) {
        const statements = parsePolicy(body.assume_role_policy as string);
        const [principal] = expectedPrincipals(synth(), listedPrincipals(synth(), account)[role] ?? []);
        const assume = (mfa?: string): Request => ({
          action: "sts:AssumeRole",
          resource: `arn:aws:iam::${account.id}:role/${role}`,
          principal: { AWS: principal },
          context: mfa === undefined ? {} : { "aws:MultiFactorAuthPresent": mfa },
        });
        expect(allows(statements, assume("true")), `${ws.name} ${role} with MFA`).toBe(true);
        expect(allows(statements, assume()), `${ws.name} ${role} without MFA`).toBe(!requireMfa);
        const mfaRequired = statements.map((s) => s.Condition?.Bool?.["aws:MultiFactorAuthPresent"]?.join());
        expect(mfaRequired, `${ws.name} ${role}`).toEqual(statements.map(() => (requireMfa ? "true" : undefined)));
        const stranger = { ...assume("true"), principal: { AWS: `arn:aws:iam::${account.id}:role/someone-else` } };
        expect(allows(statements, stranger), `${ws.name} ${role} by a stranger`).toBe(false);
      }
    });
  });

  it("last at most an hour per session", () => {
    eachAccount((_, ws) => {
      for (const [role, { body }] of fourRoles(ws)) {
        expect(body.max_session_duration, `${ws.name} ${role}`).toBeLessThanOrEqual(3600);
      }
    });
  });

  it("give administrator AdministratorAccess and nothing else", () => {
    eachAccount((_, ws) => {
      const administrator = fourRoles(ws).get("administrator");
      if (!administrator) return;
      expect(attachedPolicies(ws, administrator.name)).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess"]);
      expect(inlinePolicies(ws, administrator.name)).toEqual([]);
    });
  });

  it("give developer PowerUserAccess inside a permissions boundary", () => {
    eachAccount((_, ws) => {
      const developer = fourRoles(ws).get("developer");
      if (!developer) return;
      expect(attachedPolicies(ws, developer.name)).toEqual(["arn:aws:iam::aws:policy/PowerUserAccess"]);
      expect(referencedName(developer.body.permissions_boundary, "aws_iam_policy"), ws.name).toBeDefined();
    });
  });

  it("bound developer away from stopping or deleting the trail, Config and GuardDuty, but not from ordinary work", () => {
    eachAccount((account, ws) => {
      const developer = fourRoles(ws).get("developer");
      if (!developer) return;
      const boundary = policiesOf(ws, developer.name).boundary ?? [];
      const trail = `arn:aws:cloudtrail:${synth().homeRegion}:${account.id}:trail/${ws.single("aws_cloudtrail").name as string}`;
      const denied: Request[] = [
        { action: "cloudtrail:StopLogging", resource: trail },
        { action: "cloudtrail:DeleteTrail", resource: trail },
        ...[
          "DeleteConfigurationRecorder",
          "DeleteDeliveryChannel",
          "DeleteConfigRule",
          "DeleteRetentionConfiguration",
        ].map((a) => ({ action: `config:${a}`, resource: "*" })),
        { action: "config:StopConfigurationRecorder", resource: "*" },
        ...["DeleteDetector", "DeleteMembers", "DeletePublishingDestination"].map((a) => ({
          action: `guardduty:${a}`,
          resource: "*",
        })),
      ];
      for (const request of denied) expect(denies(boundary, request), `${ws.name} ${request.action}`).toBe(true);
      for (const action of ["ec2:RunInstances", "s3:PutObject", "lambda:CreateFunction", "cloudtrail:LookupEvents"]) {
        const request = { action, resource: "*" };
        expect(allows(boundary, request) && !denies(boundary, request), `${ws.name} ${action}`).toBe(true);
      }
    });
  });

  it("bound developer away from every non-read IAM action on the four roles and on the boundary itself", () => {
    eachAccount((account, ws) => {
      const developer = fourRoles(ws).get("developer");
      if (!developer) return;
      const boundary = policiesOf(ws, developer.name).boundary ?? [];
      const boundaryName = referencedName(developer.body.permissions_boundary, "aws_iam_policy") ?? "";
      const boundaryArn = `arn:aws:iam::${account.id}:policy/${ws.resource("aws_iam_policy", boundaryName).name as string}`;
      const writes = [
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
        "iam:TagRole",
      ];
      for (const role of FOUR_ROLES) {
        const arn = `arn:aws:iam::${account.id}:role/${role}`;
        for (const action of writes)
          expect(denies(boundary, { action, resource: arn }), `${action} ${role}`).toBe(true);
        for (const action of ["iam:GetRole", "iam:ListRolePolicies"]) {
          expect(denies(boundary, { action, resource: arn }), `${action} ${role}`).toBe(false);
        }
      }
      for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) {
        expect(denies(boundary, { action, resource: boundaryArn }), action).toBe(true);
      }
      expect(denies(boundary, { action: "iam:GetPolicyVersion", resource: boundaryArn })).toBe(false);
    });
  });

  it("leave the developer no way, through any of its policies, to change the account's baseline", () => {
    eachAccount((account, ws) => {
      const developer = fourRoles(ws).get("developer");
      if (!developer) return;
      const policies = { ...policiesOf(ws, developer.name), denyOnly: bucketPolicies(ws, account.id ?? "") };
      const roleArn = `arn:aws:iam::${account.id}:role/developer`;
      const permittedChanges = baselineChanges(synth(), account, ws)
        .map((request) => by(roleArn, request))
        .filter((request) => permitted(policies, request))
        .map((r) => `${r.action} ${r.resource}`);
      expect(permittedChanges, ws.name).toEqual([]);
    });
  });

  it("give operator ReadOnlyAccess plus start/stop/reboot, SSM sessions and support, and no more", () => {
    eachAccount((account, ws) => {
      const operator = fourRoles(ws).get("operator");
      if (!operator) return;
      expect(attachedPolicies(ws, operator.name)).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
      const policies = policiesOf(ws, operator.name);
      const instance = `arn:aws:ec2:${account.regions[0]}:${account.id}:instance/i-0123456789`;
      for (const action of ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"]) {
        expect(permitted(policies, { action, resource: instance }), action).toBe(true);
      }
      for (const action of [
        "ssm:StartSession",
        "ssm:TerminateSession",
        "support:CreateCase",
        "ec2:DescribeInstances",
      ]) {
        expect(permitted(policies, { action, resource: "*" }), action).toBe(true);
      }
      for (const action of ["ec2:TerminateInstances", "iam:CreateRole", "s3:DeleteObject", "cloudtrail:StopLogging"]) {
        expect(permitted(policies, { action, resource: "*" }), action).toBe(false);
      }
    });
  });

  it("give content only s3:GetObject, PutObject and DeleteObject on the objects of its listed buckets", () => {
    eachAccount((account, ws) => {
      const content = fourRoles(ws).get("content");
      if (!content) return;
      const buckets = synth().organization.inventory.accounts[account.key].access?.content?.buckets ?? [];
      const allowedResources = new Set(buckets.map((b) => `arn:aws:s3:::${b}/*`));
      const allowedActions = new Set(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
      expect(attachedPolicies(ws, content.name), ws.name).toEqual([]);
      expect(content.body.managed_policy_arns ?? [], ws.name).toEqual([]);
      expect(content.body.inline_policy ?? [], ws.name).toEqual([]);
      const statements = inlinePolicies(ws, content.name).flat();
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements.filter((s) => s.Effect === "Allow")) {
        expect(statement.NotAction, ws.name).toBeUndefined();
        expect(statement.NotResource, ws.name).toBeUndefined();
        for (const action of statement.Action ?? []) expect(allowedActions, `${ws.name} ${action}`).toContain(action);
        for (const resource of statement.Resource ?? []) {
          expect(allowedResources, `${ws.name} ${resource}`).toContain(resource);
        }
      }
      const policies = policiesOf(ws, content.name);
      for (const bucket of buckets) {
        for (const action of allowedActions) {
          expect(
            permitted(policies, { action, resource: `arn:aws:s3:::${bucket}/a/b.txt` }),
            `${action} ${bucket}`,
          ).toBe(true);
        }
        expect(permitted(policies, { action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket}` })).toBe(false);
        expect(permitted(policies, { action: "s3:PutBucketPolicy", resource: `arn:aws:s3:::${bucket}` })).toBe(false);
      }
      expect(permitted(policies, { action: "s3:GetObject", resource: "arn:aws:s3:::another-bucket/a" })).toBe(false);
    });
  });
});

describe("developers in core accounts (three-regions: archive and audit have `developer`)", () => {
  const synth = synthesizeOnce({ file: fixtureFile("three-regions") });

  function developerOf(key: string) {
    const account = synth().account(key);
    const ws = synth().of(key);
    const policies = {
      ...policiesOf(ws, fourRoles(ws).get("developer")?.name ?? ""),
      denyOnly: bucketPolicies(ws, account.id ?? ""),
    };
    return { account, ws, policies, roleArn: `arn:aws:iam::${account.id}:role/developer` };
  }

  it("is the case under test", () => {
    expect(fourRoles(synth().of("archive")).has("developer")).toBe(true);
    expect(fourRoles(synth().of("audit")).has("developer")).toBe(true);
  });

  // Bug: developerBoundary (constructs/access-roles.ts) protects the trail, Config, GuardDuty,
  // alerts and roles but not the log archive's KMS key: PowerUserAccess allows kms:* and the
  // key policy delegates to IAM, so a developer of the log-archive account can disable the
  // key or schedule its deletion, and every trail of the organization stops delivering.
  it("leaves the log-archive developer no way to disable or delete the CloudTrail key (bug: boundary omits the archive)", () => {
    const { account, ws, policies, roleArn } = developerOf("archive");
    const [[keyName, key]] = ws.resources("aws_kms_key");
    const keyArn = `arn:aws:kms:${ws.regionOf(key)}:${account.id}:key/${keyName}`;
    for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"]) {
      expect(permitted(policies, by(roleArn, { action, resource: keyArn })), action).toBe(false);
    }
  });

  // Bug: same boundary; it denies events:* on the baseline's rules only, so a developer of the
  // audit account can remove the bus policy that lets every account forward its alerts.
  it("leaves the audit developer no way to close the organization's alert inbox (bug: boundary omits the bus policy)", () => {
    const { account, policies, roleArn } = developerOf("audit");
    for (const region of account.regions) {
      const bus = `arn:aws:events:${region}:${account.id}:event-bus/default`;
      for (const action of ["events:RemovePermission", "events:PutPermission"]) {
        expect(permitted(policies, by(roleArn, { action, resource: bus })), `${action} ${region}`).toBe(false);
      }
    }
  });
});
