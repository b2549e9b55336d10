import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { Construct, Node } from "constructs";
import {
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformElement,
  type TerraformResource,
  TerraformStack,
  TerraformVariable,
} from "../constructs/cdktf.js";
import { type Account, coreAccount, type Organization } from "../inventory/model.js";
import { ACCESS_VARIABLE, DIRECT_ACCESS } from "../terraform/commands.js";

/** Value of the `managed-by` tag on everything this project creates. */
export const MANAGED_BY = "fleetfile";

/** Folder of local state, beside the synth output's folder (`cdktf.out` → `terraform-state`): no synth deletes it. */
export const LOCAL_STATE_FOLDER = "terraform-state";

/**
 * Path of a workspace's local state, relative to its folder `<out>/stacks/<workspace>`,
 * where Terraform runs: `<out>/../terraform-state/<workspace>.tfstate`. Outside the synth
 * output, so that replacing the output never loses state; relative, so that two synths
 * into different folders configure the same backend and compare equal.
 */
export function localStatePath(workspace: string): string {
  return `../../../${LOCAL_STATE_FOLDER}/${workspace}.tfstate`;
}

/** Where the S3 backend keeps state (organization.state): its bucket and region. */
export interface StateLocation {
  readonly bucket: string;
  readonly region: string;
}

/** The S3 backend's bucket and region, with their defaults; undefined without organization.state. */
export function stateLocation(organization: Organization): StateLocation | undefined {
  const { state, name, homeRegion } = organization.inventory.organization;
  if (!state) return undefined;
  const management = coreAccount(organization, "management");
  return { bucket: state.bucket ?? `${name}-terraform-state-${management.id}`, region: state.region ?? homeRegion };
}

/** ARN of the role Terraform runs as in `account`: the organization's executionRoleName there. */
export function executionRoleArnOf(organization: Organization, account: Account): string {
  return `arn:aws:iam::${account.id}:role/${organization.inventory.organization.executionRoleName}`;
}

/** Name of the read-only role plans run as in every account: `<organization>-plan`. */
export function planRoleNameOf(organization: Organization): string {
  return `${organization.inventory.organization.name}-plan`;
}

/** ARN of the read-only plan role in `account`. */
export function planRoleArnOf(organization: Organization, account: Account): string {
  return `arn:aws:iam::${account.id}:role/${planRoleNameOf(organization)}`;
}

/** Names of the roles Terraform Cloud's runs federate into, in every account: one per run phase. */
export function terraformCloudRoleNamesOf(organization: Organization): { plan: string; apply: string } {
  const name = organization.inventory.organization.name;
  return { plan: `${name}-terraform-cloud-plan`, apply: `${name}-terraform-cloud-apply` };
}

/**
 * Roles that apply the baseline beside the execution role, by name: Terraform Cloud's
 * apply-phase role, with organization.terraformCloud; none without.
 */
export function applyRoleNamesOf(organization: Organization): string[] {
  return organization.inventory.organization.terraformCloud ? [terraformCloudRoleNamesOf(organization).apply] : [];
}

/** Key of a workspace's state object in the S3 backend's bucket. */
export function stateKey(workspace: string): string {
  return `${workspace}/terraform.tfstate`;
}

/** Construct IDs that name a construct's main resource and are left out of Terraform addresses. */
const PRIMARY_IDS = new Set(["Resource", "Default"]);

/** Props of {@link AccountStack}. */
export interface AccountStackProps {
  readonly organization: Organization;
  readonly account: Account;
}

/**
 * The Terraform workspace of one account: its providers, its backend, and (through the
 * baseline composed in subclasses' callers) its resources.
 *
 * The stack's ID is the workspace name, and every address inside derives from construct
 * IDs that are literals or stable keys, never from display names: renaming a team or an
 * account moves nothing in state.
 */
export class AccountStack extends TerraformStack {
  readonly account: Account;
  readonly organization: Organization;
  /** The home region's provider: the default one, used for global resources (IAM, Organizations). */
  readonly globalProvider: AwsProvider;
  /** One provider per governed region of the account, by region. */
  readonly regionalProviders: ReadonlyMap<string, AwsProvider>;
  private readonly addresses = new Set<string>();
  private readonly providerSettings: Pick<AwsProviderConfig, "assumeRole" | "defaultTags">;

  constructor(scope: Construct, props: AccountStackProps) {
    super(scope, props.account.workspace);
    this.account = props.account;
    this.organization = props.organization;
    const inventory = props.organization.inventory;
    const home = inventory.organization.homeRegion;
    new TerraformVariable(this, ACCESS_VARIABLE, {
      type: "string",
      default: "apply",
      description:
        "The role the providers assume: apply (the execution role), plan (the read-only plan role) " +
        "or direct (none: the credentials are already the account's, as Terraform Cloud's are).",
      validation: [
        {
          condition: `\${contains(["plan", "apply", "${DIRECT_ACCESS}"], var.${ACCESS_VARIABLE})}`,
          errorMessage: `${ACCESS_VARIABLE} must be plan, apply or ${DIRECT_ACCESS}.`,
        },
      ],
    });
    // An empty role_arn assumes nothing (AWS provider 5.68 and later).
    const roleArn =
      `\${var.${ACCESS_VARIABLE} == "plan" ? "${planRoleArnOf(props.organization, props.account)}" : ` +
      `var.${ACCESS_VARIABLE} == "apply" ? "${executionRoleArnOf(props.organization, props.account)}" : ""}`;
    const common = {
      assumeRole: [{ roleArn }],
      defaultTags: [{ tags: defaultTags(props.account) }],
    };
    this.providerSettings = common;
    this.globalProvider = new AwsProvider(this, "aws", { region: home, ...common });
    this.regionalProviders = new Map(
      props.account.regions.map((region) => [
        region,
        region === home
          ? this.globalProvider
          : new AwsProvider(this, `aws-${region}`, { region, alias: region, ...common }),
      ]),
    );

    const cloud = inventory.organization.terraformCloud;
    const state = stateLocation(props.organization);
    if (cloud) {
      new CloudBackend(this, {
        organization: cloud.organization,
        workspaces: new NamedCloudWorkspace(props.account.workspace, cloud.project),
      });
    } else if (state) {
      addS3Backend(this, state, props.account.workspace);
    } else {
      new LocalBackend(this, { path: localStatePath(props.account.workspace) });
    }
  }

  /** The provider of `region`: the account's own when it governs it, else one made for it (alias = region). */
  providerIn(region: string): AwsProvider {
    if (region === this.organization.inventory.organization.homeRegion) return this.globalProvider;
    const existing =
      this.regionalProviders.get(region) ?? (this.node.tryFindChild(`aws-${region}`) as AwsProvider | undefined);
    return existing ?? new AwsProvider(this, `aws-${region}`, { region, alias: region, ...this.providerSettings });
  }

  /** The region a resource of this stack lives in: its provider's, else the home region's. */
  regionOf(resource: TerraformResource): string {
    return (resource.provider instanceof AwsProvider ? resource.provider : this.globalProvider).regionInput as string;
  }

  /** The provider of a governed region of this account. */
  providerFor(region: string): AwsProvider {
    const provider = this.regionalProviders.get(region);
    if (!provider)
      throw new Error(
        `${this.account.key} does not govern ${region}; its regions are ${this.account.regions.join(", ")}`,
      );
    return provider;
  }

  /**
   * Readable, stable Terraform addresses: the construct path below the stack joined with
   * `_` (`aws_s3_bucket.log-archive_trail-bucket`), without the hash suffix cdktf adds,
   * so that plan comments read like the inventory.
   */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const below = node.scopes.slice(node.scopes.indexOf(this) + 1);
    const id = below
      .map((scope) => scope.node.id)
      .filter((part, i, all) => !(PRIMARY_IDS.has(part) && i === all.length - 1 && all.length > 1))
      .join("_");
    if (!TerraformElement.isTerraformElement(element)) return id;
    if (this.addresses.has(id)) throw new Error(`two elements of ${this.account.workspace} would share the name ${id}`);
    this.addresses.add(id);
    return id;
  }
}

/** Tags on every resource of an account, through the providers' default_tags. */
export function defaultTags(account: Account): Record<string, string> {
  return {
    "fleetfile:account": account.key,
    "fleetfile:team": account.team,
    "fleetfile:env": account.env,
    ...(account.system ? { "fleetfile:system": account.system } : {}),
    "managed-by": MANAGED_BY,
  };
}

/**
 * The S3 backend of `workspace` in `stack`: its own object in the state bucket, encrypted,
 * locked with Terraform's S3 lockfile (Terraform 1.10 and later; cdktf does not know the
 * setting yet, so it is added by override). The backend uses the credentials Terraform
 * starts with, before the providers assume each account's role: they must reach the bucket.
 */
export function addS3Backend(stack: TerraformStack, state: StateLocation, workspace: string): void {
  new S3Backend(stack, { bucket: state.bucket, key: stateKey(workspace), region: state.region, encrypt: true });
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
