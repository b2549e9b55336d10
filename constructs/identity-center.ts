import { DataAwsIdentitystoreGroup } from "@cdktf/provider-aws/lib/data-aws-identitystore-group";
import { DataAwsSsoadminInstances } from "@cdktf/provider-aws/lib/data-aws-ssoadmin-instances";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SsoadminAccountAssignment } from "@cdktf/provider-aws/lib/ssoadmin-account-assignment";
import { SsoadminManagedPolicyAttachment } from "@cdktf/provider-aws/lib/ssoadmin-managed-policy-attachment";
import { SsoadminPermissionSet } from "@cdktf/provider-aws/lib/ssoadmin-permission-set";
import { SsoadminPermissionSetInlinePolicy } from "@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy";
import { SsoadminPermissionsBoundaryAttachment } from "@cdktf/provider-aws/lib/ssoadmin-permissions-boundary-attachment";
import { Construct } from "constructs";
import { CONTENT_ACTIONS, OPERATOR_ACTIONS, type RoleName, workloadIamStatements } from "./access-roles.js";
import { Fn, TerraformIterator } from "./cdktf.js";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** One group given one role in one account. */
export interface Assignment {
  readonly accountKey: string;
  readonly accountId: string;
  readonly role: RoleName;
  /** Display name of the identity-store group. */
  readonly group: string;
}

/** Props of {@link IdentityCenter}. */
export interface IdentityCenterProps {
  readonly assignments: readonly Assignment[];
  /** How long a sign-in lasts (ISO 8601). @default "PT1H" */
  readonly sessionDuration?: string;
  /** Buckets whose objects `content` may get, put and delete, by account id. */
  readonly contentBuckets: Readonly<Record<string, readonly string[]>>;
  /** Name of the developer boundary policy, which each account with a developer holds (customer managed). */
  readonly developerBoundaryName: string;
  readonly provider?: AwsProvider;
}

/** Key of an assignment in the `for_each` map: account, role and group, so that one added group adds one assignment. */
export function assignmentKey(a: Pick<Assignment, "accountKey" | "role" | "group">): string {
  return `${a.accountKey}/${a.role}/${a.group}`;
}

/** The inline policy of a permission set, or none. */
export function permissionSetStatements(
  role: RoleName,
  contentBuckets: Readonly<Record<string, readonly string[]>>,
  developerBoundaryName: string,
): PolicyStatement[] {
  switch (role) {
    case "developer":
      return workloadIamStatements("*", `arn:aws:iam::*:policy/${developerBoundaryName}`);
    case "operator":
      return [{ Effect: "Allow", Action: [...OPERATOR_ACTIONS], Resource: "*" }];
    case "content":
      // One permission set serves every account: each account's buckets only from inside it.
      return Object.entries(contentBuckets).map(([accountId, buckets]) => ({
        Effect: "Allow",
        Action: [...CONTENT_ACTIONS],
        Resource: buckets.map((bucket) => `arn:aws:s3:::${bucket}/*`),
        Condition: { StringEquals: { "aws:PrincipalAccount": accountId } },
      }));
    default:
      return [];
  }
}

/** The AWS managed policy of each permission set. */
const MANAGED: Partial<Record<RoleName, string>> = {
  administrator: "AdministratorAccess",
  developer: "PowerUserAccess",
  operator: "ReadOnlyAccess",
};

/**
 * The four roles through IAM Identity Center: one permission set per role in use, with
 * the same meaning as the IAM roles of `AccessRoles` (administrator; developer with the
 * boundary; operator; content on its buckets), and one account assignment per account,
 * role and group, keyed by the three so that a change touches only its own. Groups are
 * looked up in the identity store by display name when Terraform plans.
 */
export class IdentityCenter extends Construct {
  constructor(scope: Construct, id: string, props: IdentityCenterProps) {
    super(scope, id);
    const { provider } = props;
    const instances = new DataAwsSsoadminInstances(this, "instances", { provider });
    const instanceArn = Fn.element(instances.arns, 0);
    const identityStoreId = Fn.element(instances.identityStoreIds, 0);

    const roles = [...new Set(props.assignments.map((a) => a.role))].sort();
    const arns = new Map<RoleName, string>();
    for (const role of roles) {
      const set = new SsoadminPermissionSet(this, role, {
        provider,
        instanceArn,
        name: role,
        description: `fleetfile: the ${role} role`,
        sessionDuration: props.sessionDuration ?? "PT1H",
      });
      arns.set(role, set.arn);
      const managed = MANAGED[role];
      if (managed) {
        new SsoadminManagedPolicyAttachment(this, `${role}-${managed}`, {
          provider,
          instanceArn,
          permissionSetArn: set.arn,
          managedPolicyArn: `arn:aws:iam::aws:policy/${managed}`,
        });
      }
      const statements = permissionSetStatements(role, props.contentBuckets, props.developerBoundaryName);
      if (statements.length > 0) {
        new SsoadminPermissionSetInlinePolicy(this, `${role}-inline`, {
          provider,
          instanceArn,
          permissionSetArn: set.arn,
          inlinePolicy: policyDocument(statements),
        });
      }
      if (role === "developer") {
        new SsoadminPermissionsBoundaryAttachment(this, "developer-boundary", {
          provider,
          instanceArn,
          permissionSetArn: set.arn,
          permissionsBoundary: { customerManagedPolicyReference: { name: props.developerBoundaryName } },
        });
      }
    }

    const groupNames = [...new Set(props.assignments.map((a) => a.group))].sort();
    if (groupNames.length === 0) return;
    const groupsEach = TerraformIterator.fromMap(Object.fromEntries(groupNames.map((g) => [g, g])));
    const groups = new DataAwsIdentitystoreGroup(this, "groups", {
      provider,
      forEach: groupsEach,
      identityStoreId,
      alternateIdentifier: {
        uniqueAttribute: { attributePath: "DisplayName", attributeValue: groupsEach.value },
      },
    });
    groups.overrideLogicalId("groups");
    const each = TerraformIterator.fromMap(
      Object.fromEntries(
        props.assignments.map((a) => [
          assignmentKey(a),
          { account: a.accountId, permission_set: arns.get(a.role) as string, group: a.group },
        ]),
      ),
    );
    const assignments = new SsoadminAccountAssignment(this, "assignments", {
      provider,
      forEach: each,
      instanceArn,
      permissionSetArn: each.getString("permission_set"),
      principalType: "GROUP",
      principalId: `\${data.aws_identitystore_group.groups[each.value.group].group_id}`,
      targetType: "AWS_ACCOUNT",
      targetId: each.getString("account"),
    });
    assignments.overrideLogicalId("assignments");
  }
}
