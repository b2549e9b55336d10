import { OrganizationsOrganizationalUnit } from "@cdktf/provider-aws/lib/organizations-organizational-unit";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { exceptRoles, type GuardrailFlags, guardrailStatements, regionStatements } from "./guardrails.js";
import { importExisting } from "./imports.js";
import { type PolicyStatement, policyDocument } from "./policy.js";

/** The guardrails a unit adds to those above it. */
export interface UnitGuardrails {
  /** Deny everything to everyone but the writers: where retired accounts wait. @default false */
  readonly denyAll?: boolean;
  /** Regions the unit's accounts may work in. @default - those above it */
  readonly regions?: readonly string[];
  /** Root guardrails turned on for this unit. @default - none */
  readonly flags?: Partial<Omit<GuardrailFlags, "restrictRegions">>;
}

/** One unit to create. */
export interface UnitSpec {
  /** Path from the root, names joined by `/`: the unit's stable identity. */
  readonly path: string;
  readonly name: string;
  /** Path of the parent unit; `null` for a unit directly under the root. */
  readonly parent: string | null;
  /**
   * Id of a unit that exists already: imported into state, then managed like the others.
   * @default - created
   */
  readonly id?: string;
  readonly guardrails: UnitGuardrails;
}

/** Props of {@link OrganizationalUnits}. */
export interface OrganizationalUnitsProps {
  /** Units, parents before children. */
  readonly units: readonly UnitSpec[];
  readonly rootId: string;
  /** Prefix of the units' policy names and of the baseline's resource names. */
  readonly namePrefix: string;
  /** Roles exempt from every unit guardrail: the execution role and the other apply roles. */
  readonly writerRoleNames: readonly string[];
  /** Account holding the CloudTrail key, for the baseline guardrail a unit may turn on. */
  readonly logArchiveAccountId: string;
  /** Account receiving every account's alerts, likewise. */
  readonly auditAccountId: string;
  readonly provider?: AwsProvider;
}

/** The construct ID of a unit: its path with `--` for `/`, which no unit name holds. */
export function unitId(path: string): string {
  return path.split("/").join("--");
}

/** The statements of the SCP a unit adds; empty when it adds none. */
export function unitStatements(
  guardrails: UnitGuardrails,
  props: Pick<OrganizationalUnitsProps, "namePrefix" | "writerRoleNames" | "logArchiveAccountId" | "auditAccountId">,
): PolicyStatement[] {
  const [executionRoleName, ...applyRoleNames] = props.writerRoleNames;
  const flags = guardrails.flags ?? {};
  const turnedOn = guardrailStatements({
    flags: {
      denyRootUser: flags.denyRootUser ?? false,
      denyLeaveOrganization: flags.denyLeaveOrganization ?? false,
      protectBaseline: flags.protectBaseline ?? false,
      restrictRegions: false,
      denyIamUsers: flags.denyIamUsers ?? false,
    },
    namePrefix: props.namePrefix,
    executionRoleName,
    applyRoleNames,
    regions: [],
    logArchiveAccountId: props.logArchiveAccountId,
    auditAccountId: props.auditAccountId,
  });
  return [
    ...(guardrails.denyAll
      ? [
          {
            Sid: "DenyAll",
            Effect: "Deny" as const,
            Action: "*",
            Resource: "*",
            Condition: exceptRoles(props.writerRoleNames),
          },
        ]
      : []),
    ...(guardrails.regions ? regionStatements(guardrails.regions, props.writerRoleNames) : []),
    ...Object.values(turnedOn).flat(),
  ];
}

/**
 * The organizational units under the root, each under its parent by reference, and the
 * guardrails each adds in an SCP attached to it (inherited by the units under it; the
 * root's stay at the root, so a unit can add to them but never lift them).
 */
export class OrganizationalUnits extends Construct {
  /** Each unit's id (a token), by path. */
  readonly ids: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: OrganizationalUnitsProps) {
    super(scope, id);
    const { provider } = props;
    const ids = new Map<string, string>();
    for (const unit of props.units) {
      const parentId = unit.parent === null ? props.rootId : ids.get(unit.parent);
      if (!parentId) throw new Error(`unit ${unit.path}: its parent ${unit.parent} comes later or not at all`);
      const created = new OrganizationsOrganizationalUnit(this, unitId(unit.path), {
        provider,
        name: unit.name,
        parentId,
        tags: { "fleetfile:unit": unit.path },
      });
      if (unit.id) importExisting(created, unit.id);
      ids.set(unit.path, created.id);
      const statements = unitStatements(unit.guardrails, props);
      if (statements.length === 0) continue;
      const policy = new OrganizationsPolicy(this, `${unitId(unit.path)}-guardrails`, {
        provider,
        name: `${props.namePrefix}-unit-${unitId(unit.path)}`,
        description: `Guardrails unit ${unit.path} adds to those above it`,
        type: "SERVICE_CONTROL_POLICY",
        content: policyDocument(statements),
      });
      new OrganizationsPolicyAttachment(this, `${unitId(unit.path)}-guardrails-attachment`, {
        provider,
        policyId: policy.id,
        targetId: created.id,
      });
    }
    this.ids = ids;
  }
}
