import { z } from "zod";

/**
 * The shape of accounts.yaml, version 1: the one description of the inventory's format.
 *
 * Types (`z.infer`), the editor's JSON Schema (accounts.schema.json) and the field table of
 * docs/inventory.md are all derived from these schemas. Rules that look across fields or
 * accounts (references, duplicates, overlaps) live in validate.ts, not here.
 */

/** Default naming templates of the contract. */
export const DEFAULT_ACCOUNT_NAME_TEMPLATE = "{env}-{team}{-system}";
/** Default email template of the contract. */
export const DEFAULT_EMAIL_TEMPLATE = "ml-aws-{team}{-system}{+env}@{domain}";

/** Patterns shared by several fields; messages are written from them. */
export const PATTERNS = {
  orgName: /^[a-z][a-z0-9-]{1,19}$/,
  accountKey: /^[a-z0-9][a-z0-9-]{1,62}$/,
  name: /^[a-z][a-z0-9-]{0,62}$/,
  accountId: /^\d{12}$/,
  region: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/,
  domain: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  iamName: /^[\w+=,.@-]{1,64}$/,
  principal: /^([\w+=,.@-]{1,64}|arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/:-]+)$/,
  bucket: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  slackWorkspace: /^[A-Z0-9]{1,255}$/,
  slackChannel: /^[A-Za-z0-9]{1,255}$/,
  cidr: /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/,
  tfcName: /^[A-Za-z0-9_-]{1,90}$/,
  githubRepository: /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/,
  gitBranch: /^[A-Za-z0-9._/-]{1,244}$/,
  unitPath: /^[A-Za-z][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*(\/[A-Za-z][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*)*$/,
  unitId: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
} as const;

/** Human wording of each pattern, used in error messages and docs. */
export const PATTERN_WORDS: Record<string, string> = {
  [PATTERNS.orgName.source]: "2 to 20 lowercase letters, digits or '-', starting with a letter",
  [PATTERNS.accountKey.source]: "2 to 63 lowercase letters, digits or '-', starting with a letter or digit",
  [PATTERNS.name.source]: "1 to 63 lowercase letters, digits or '-', starting with a letter",
  [PATTERNS.accountId.source]: 'a 12-digit string in quotes, e.g. "123456789012"',
  [PATTERNS.region.source]: "an AWS region code such as us-east-1",
  [PATTERNS.domain.source]: "a lowercase DNS domain such as example.com",
  [PATTERNS.iamName.source]: "an IAM name: 1 to 64 letters, digits or +=,.@_-",
  [PATTERNS.principal.source]:
    "a role name in the trusted identity account, or a full IAM ARN (arn:aws:iam::123456789012:role/name)",
  [PATTERNS.bucket.source]: "an S3 bucket name: 3 to 63 lowercase letters, digits, '.' or '-'",
  [PATTERNS.slackWorkspace.source]: "a Slack workspace ID such as T0ABCDEF1",
  [PATTERNS.slackChannel.source]: "a Slack channel ID such as C0ABCDEF1",
  [PATTERNS.cidr.source]: "an IPv4 CIDR block such as 10.0.0.0/16",
  [PATTERNS.tfcName.source]: "1 to 90 letters, digits, '_' or '-'",
  [PATTERNS.githubRepository.source]: "a GitHub repository as owner/name, e.g. acme/platform-accounts",
  [PATTERNS.gitBranch.source]: "a branch name such as main: letters, digits, '.', '_', '/' or '-'",
  [PATTERNS.unitPath.source]:
    "a unit's path from the root, names joined by '/' (Workloads/Prod); each name of letters, digits, '_' and single '-', starting with a letter",
  [PATTERNS.unitId.source]: "an organizational unit id such as ou-ab12-cd34ef56",
};

const pattern = (re: RegExp) => z.string().regex(re);

/**
 * A map whose keys must match `keyPattern`. Keys are checked beside the values, not before
 * them (as `z.record` with a key schema does), so that a bad key does not hide the errors
 * of its value.
 */
function keyedRecord<T extends z.ZodType>(keyPattern: RegExp, value: T) {
  return z
    .record(z.string(), value)
    .superRefine((record, ctx) => {
      for (const key of Object.keys(record)) {
        if (!keyPattern.test(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            input: key,
            params: { atKey: true, pattern: keyPattern.source },
          });
        }
      }
    })
    .meta({ propertyNames: { pattern: keyPattern.source } });
}

const Region = pattern(PATTERNS.region).meta({ description: "AWS region code." });
const ChannelName = pattern(PATTERNS.name).meta({ description: "Name of a channel under `notifications`." });
const Principal = pattern(PATTERNS.principal).meta({
  description: "Role name in the trusted identity account, or a full IAM ARN used as is.",
});
const Principals = z.array(Principal).min(1);

const NamingSchema = z
  .strictObject({
    account: z.string().min(1).default(DEFAULT_ACCOUNT_NAME_TEMPLATE).meta({
      description: "Template of account names: {env}, {team}, {system}, {-system}, {+env}, {domain}, {key}, {org}.",
    }),
    email: z.string().min(1).default(DEFAULT_EMAIL_TEMPLATE).meta({
      description: "Template of account root emails, same placeholders as `account`.",
    }),
  })
  .meta({ description: "Naming templates of account names and emails." });

const LogArchiveSchema = z
  .strictObject({
    retentionDays: z.int().min(1).max(36500).default(365).meta({
      description: "Object Lock default retention of the CloudTrail bucket, in days.",
    }),
    lockMode: z.enum(["COMPLIANCE", "GOVERNANCE"]).default("COMPLIANCE").meta({
      description: "Object Lock mode of the CloudTrail bucket.",
    }),
    expireLogsAfterDays: z.int().min(1).max(36500).optional().meta({
      description:
        "Days after which VPC flow logs and S3 access logs expire; defaults to retentionDays. The CloudTrail and Config buckets keep everything.",
    }),
  })
  .meta({ description: "Immutability of the CloudTrail log archive." });

const IdentitySchema = z
  .strictObject({
    trustedAccount: pattern(PATTERNS.accountKey).meta({
      description: "Key of the account whose principals assume the four roles.",
    }),
    requireMfa: z.boolean().default(true).meta({ description: "Require MFA to assume the four roles." }),
    externalAccounts: z.array(pattern(PATTERNS.accountId)).default([]).meta({
      description:
        "Ids of accounts outside the organization whose roles `access` may name by ARN; every other principal must belong to the organization.",
    }),
  })
  .meta({ description: "Where the people who assume the four roles come from." });

const IdentityCenterSchema = z
  .strictObject({
    sessionDuration: z
      .string()
      .regex(/^PT([1-9]|1[0-2])H$/)
      .default("PT1H")
      .meta({ description: "How long a sign-in lasts, PT1H to PT12H." }),
    region: Region.optional().meta({
      description:
        "Region of the organization's Identity Center instance, chosen when it was enabled; defaults to homeRegion.",
    }),
  })
  .meta({
    description:
      "Sign-in through IAM Identity Center: the four roles become permission sets of the organization's instance (in the management account), assigned to the groups each account's `groups` lists. Beside `access` during a switch (docs/access.md).",
  });

/** Security Hub standards an inventory may run, by the names AWS gives them. */
export const SECURITY_HUB_STANDARDS = [
  "aws-foundational-security-best-practices",
  "cis-aws-foundations-benchmark-v1.4.0",
  "cis-aws-foundations-benchmark-v3.0.0",
] as const;

const SecurityServicesSchema = z
  .strictObject({
    guardduty: z.boolean().default(true).meta({
      description:
        "GuardDuty for the whole organization: the audit account administers it and enrolls every account, new ones included.",
    }),
    securityHub: z
      .strictObject({
        standards: z
          .array(z.enum(SECURITY_HUB_STANDARDS))
          .min(1)
          .default(["aws-foundational-security-best-practices"])
          .meta({ description: "Standards run in every account and governed region." }),
        disabledControls: z
          .array(pattern(/^[A-Za-z0-9]+\.\d+$/))
          .default([])
          .meta({ description: "Security Hub controls turned off (IAM.6), in every standard that has them." }),
      })
      .optional()
      .meta({
        description:
          "Security Hub for the whole organization by central configuration, findings aggregated in homeRegion.",
      }),
  })
  .meta({
    description:
      "Organization-wide security services, with the audit account as their delegated administrator. Without it, each account runs its own GuardDuty.",
  });

const TerraformCloudSchema = z
  .strictObject({
    organization: pattern(PATTERNS.tfcName).meta({ description: "Terraform Cloud organization." }),
    project: z.string().min(1).max(90).optional().meta({ description: "Terraform Cloud project of the workspaces." }),
  })
  .meta({ description: "Terraform Cloud settings: every workspace's state and runs live there." });

const StateSchema = z
  .strictObject({
    bucket: pattern(PATTERNS.bucket)
      .optional()
      .meta({ description: "S3 bucket of the state. Default: `<name>-terraform-state-<management account id>`." }),
    region: pattern(PATTERNS.region).optional().meta({ description: "Region of the bucket. Default: homeRegion." }),
  })
  .meta({
    description:
      "An S3 backend for every workspace, without Terraform Cloud: one state object per workspace in a bucket of the management account (versioned, encrypted), locked with Terraform's S3 lockfile. The bucket comes from the `<name>-state-bootstrap` workspace. Without this and without terraformCloud, state is local (terraform-state/ beside the synth output).",
  });

const GithubSchema = z
  .strictObject({
    repository: pattern(PATTERNS.githubRepository).meta({
      description: "The repository that holds accounts.yaml, as owner/name: its workflows plan and apply.",
    }),
    branch: pattern(PATTERNS.gitBranch)
      .default("main")
      .meta({ description: "The branch whose pushes apply; pull requests only plan." }),
  })
  .meta({
    description:
      "GitHub Actions as the pipeline: the management workspace creates GitHub's OIDC provider and two roles, `<name>-github-plan` (pull requests: may only assume each account's read-only `<name>-plan` role and read the state) and `<name>-github-apply` (pushes to `branch`: may assume executionRoleName and write the state).",
  });

const flag = (description: string) => z.boolean().default(true).meta({ description });

const GuardrailsSchema = z
  .strictObject({
    denyRootUser: flag("Deny every action by the root user of member accounts."),
    denyLeaveOrganization: flag("Deny organizations:LeaveOrganization."),
    protectBaseline: flag(
      "Deny stopping, deleting or reconfiguring CloudTrail, Config, GuardDuty, flow logs, the alerts and the baseline's roles and policies, except by the execution role; and disabling or deleting the CloudTrail key, by anyone.",
    ),
    restrictRegions: flag(
      "Deny regional actions outside `organization.regions`, and outside its own `regions` for an account that lists fewer; global services are exempt.",
    ),
    denyIamUsers: flag(
      "Deny creating IAM users, access keys and console passwords (long-lived credentials), except by the execution role; part of protectBaseline's policy, so only with it on.",
    ),
  })
  .meta({ description: "Service control policies attached at the organization root." });

const unitFlag = (description: string) => z.boolean().optional().meta({ description });

const UnitGuardrailsSchema = z
  .strictObject({
    denyAll: z.boolean().optional().meta({
      description:
        "Deny every action to every principal but the execution role: where retired accounts wait, their resources and state kept.",
    }),
    regions: z.array(Region).min(1).optional().meta({
      description:
        "Regions the unit's accounts may work in: some of `organization.regions` (and of the parent unit's, which a nested unit may narrow, never widen).",
    }),
    denyRootUser: unitFlag("Turn on `guardrails.denyRootUser` for this unit where the root has it off."),
    denyLeaveOrganization: unitFlag("Turn on `guardrails.denyLeaveOrganization` for this unit."),
    protectBaseline: unitFlag("Turn on `guardrails.protectBaseline` for this unit."),
    denyIamUsers: unitFlag("Turn on `guardrails.denyIamUsers` for this unit (with protectBaseline)."),
  })
  .meta({
    description:
      "Guardrails a unit adds to the root's, in an SCP attached to the unit and inherited by the units under it. A unit adds, never lifts: `false` where the root's is on is an error.",
  });

const UnitSchema = z
  .strictObject({
    id: pattern(PATTERNS.unitId).optional().meta({
      description: "Id of a unit that already exists: imported and managed from then on, never created again.",
    }),
    name: z.string().min(1).max(128).optional().meta({
      description: "Name of the unit in AWS when it differs from the last name of its path (an existing unit's).",
    }),
    guardrails: UnitGuardrailsSchema.optional(),
  })
  .meta({ description: "An organizational unit; its parent is the path without its last name." });

const PlacementSchema = z
  .strictObject({
    byEnvironment: z.record(pattern(PATTERNS.name), pattern(PATTERNS.unitPath)).optional().meta({
      description: "The unit of each environment's accounts that name none themselves.",
    }),
  })
  .meta({ description: "Where accounts live when they do not say (`unit`); the root otherwise." });

const OrganizationSchema = z
  .strictObject({
    name: pattern(PATTERNS.orgName).meta({ description: "Short name that prefixes every global name." }),
    emailDomain: pattern(PATTERNS.domain).meta({ description: "Domain of account root emails ({domain})." }),
    homeRegion: Region.meta({ description: "Region of IAM, global Config recording and SCPs." }),
    regions: z.array(Region).min(1).meta({ description: "Governed regions; must contain homeRegion." }),
    environments: z
      .array(pattern(PATTERNS.name))
      .min(1)
      .meta({ description: "The only values an account's `env` may take." }),
    naming: NamingSchema.prefault({}),
    executionRoleName: pattern(PATTERNS.iamName)
      .default("OrganizationAccountAccessRole")
      .meta({ description: "Role Terraform assumes in each account." }),
    logArchive: LogArchiveSchema.prefault({}),
    identity: IdentitySchema,
    identityCenter: IdentityCenterSchema.optional(),
    securityServices: SecurityServicesSchema.optional(),
    terraformCloud: TerraformCloudSchema.optional(),
    state: StateSchema.optional(),
    github: GithubSchema.optional(),
    guardrails: GuardrailsSchema.prefault({}),
    units: keyedRecord(PATTERNS.unitPath, UnitSchema).optional().meta({
      description:
        "The organizational units under the root, by path (`Workloads`, `Workloads/Prod`): a unit's parent must be listed too. Without `units`, fleetfile leaves accounts where they are.",
    }),
    placement: PlacementSchema.optional(),
    retiredUnit: pattern(PATTERNS.unitPath).default("Suspended").meta({
      description:
        "The unit retired accounts move to: a top-level unit with the deny-all guardrail, made when an account is retired.",
    }),
  })
  .meta({ description: "The organization as a whole." });

const ChannelSchema = z
  .strictObject({
    emails: z.array(z.email()).default([]).meta({ description: "Addresses subscribed to the channel's SNS topic." }),
    slack: z
      .strictObject({
        workspaceId: pattern(PATTERNS.slackWorkspace),
        channelId: pattern(PATTERNS.slackChannel),
      })
      .optional()
      .meta({ description: "Slack channel that AWS Chatbot posts to." }),
  })
  .meta({ description: "A notification channel: emails and an optional Slack channel." });

/** AWS Health event categories an inventory may ask for. */
export const HEALTH_CATEGORIES = ["scheduledChange", "accountNotification", "issue", "investigation"] as const;

const HealthNoticesSchema = z
  .strictObject({
    categories: z
      .array(z.enum(HEALTH_CATEGORIES))
      .default(["scheduledChange", "accountNotification"])
      .meta({ description: "AWS Health event categories sent to the account's channel; empty: none." }),
    services: z
      .array(pattern(/^[A-Z0-9_]{2,40}$/))
      .default([])
      .meta({ description: "AWS Health service codes sent (RDS, ACM, EC2); empty: every service." }),
    organizationView: z.boolean().default(true).meta({
      description:
        "Also send every account's notices to the security channel, through the audit account: the organization's view, on any support plan.",
    }),
  })
  .meta({
    description:
      "AWS Health events (RDS maintenance, certificate expiry, instance retirement, ...) sent to each account's channel, in every governed region.",
  });

const BaselineSchema = z
  .strictObject({
    configRules: z
      .array(pattern(/^[A-Z0-9_]{3,128}$/))
      .default(["INCOMING_SSH_DISABLED", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"])
      .meta({ description: "AWS Config managed rule identifiers deployed in every governed region." }),
    securityChannel: ChannelName.default("security").meta({
      description: "Channel that also receives every account's GuardDuty findings.",
    }),
    findingMinSeverity: z.number().min(1).max(8.9).default(4).meta({
      description: "GuardDuty findings at or above this severity are sent (1 to 8.9).",
    }),
    healthNotices: HealthNoticesSchema.prefault({}),
  })
  .meta({ description: "The security baseline of every account." });

const NetworkSchema = z
  .strictObject({
    hubAccount: pattern(PATTERNS.accountKey).meta({
      description: "Key of the account that owns the Transit Gateways.",
    }),
    asn: z.int().min(64512).max(4294967294).default(64512).meta({
      description:
        "Amazon side ASN of the Transit Gateways: the base from which each environment's ASN is derived by its name.",
    }),
    asns: z.record(pattern(PATTERNS.name), z.int().min(64512).max(4294967294)).optional().meta({
      description:
        "ASN of each environment's gateways, pinned for its life (private: 64512 to 65534 or 4200000000 to 4294967294); an environment left out gets `asn` plus a number derived from its name.",
    }),
  })
  .meta({ description: "The Transit Gateway hub; required when any account has `vpc`." });

const TeamSchema = z
  .strictObject({
    notify: ChannelName.optional().meta({ description: "Channel of the team's accounts." }),
  })
  .meta({ description: "A team; every account's `team` must be one of these." });

const VpcSchema = z
  .strictObject({
    cidr: pattern(PATTERNS.cidr).meta({ description: "IPv4 CIDR of the VPC; must not overlap another account's." }),
    azs: z.int().min(1).max(6).default(2).meta({ description: "Number of availability zones (private subnets)." }),
    region: Region.optional().meta({ description: "Region of the VPC; defaults to homeRegion." }),
  })
  .meta({ description: "The account's VPC, attached to the hub's Transit Gateway." });

const AccessSchema = z
  .strictObject({
    administrator: Principals.optional().meta({ description: "Who may assume `administrator` (full access)." }),
    developer: Principals.optional().meta({ description: "Who may assume `developer` (power user, bounded)." }),
    operator: Principals.optional().meta({ description: "Who may assume `operator` (read-only plus operations)." }),
    content: z
      .strictObject({
        principals: Principals,
        buckets: z.array(pattern(PATTERNS.bucket)).min(1),
        requireMfa: z.boolean().optional().meta({
          description:
            "Require MFA to assume `content`; defaults to identity.requireMfa. A deployment pipeline has no MFA: set false, and membership of the organization stays required.",
        }),
      })
      .optional()
      .meta({ description: "Who may assume `content`, and the buckets whose objects it may get, put and delete." }),
  })
  .meta({ description: "The four-role model: who holds which role in this account." });

const GroupNames = z
  .array(z.string().min(1).max(128))
  .min(1)
  .meta({ description: "Display names of identity-store groups (from your identity provider)." });

const GroupsSchema = z
  .strictObject({
    administrator: GroupNames.optional().meta({ description: "Groups assigned `administrator` (full access)." }),
    developer: GroupNames.optional().meta({ description: "Groups assigned `developer` (power user, bounded)." }),
    operator: GroupNames.optional().meta({ description: "Groups assigned `operator` (read-only plus operations)." }),
    content: z
      .strictObject({ groups: GroupNames, buckets: z.array(pattern(PATTERNS.bucket)).min(1) })
      .optional()
      .meta({ description: "Groups assigned `content`, and the buckets whose objects it may get, put and delete." }),
  })
  .meta({
    description:
      "The four roles through IAM Identity Center (`organization.identityCenter`): which groups get which permission set in this account.",
  });

/** Account types of the contract. */
export const ACCOUNT_TYPES = ["management", "log-archive", "audit", "network", "workload"] as const;

const AccountSchema = z
  .strictObject({
    id: pattern(PATTERNS.accountId)
      .optional()
      .meta({ description: "12-digit account id, quoted; without it a workload account is pending." }),
    type: z.enum(ACCOUNT_TYPES).default("workload"),
    env: pattern(PATTERNS.name).meta({ description: "One of `organization.environments`." }),
    team: pattern(PATTERNS.name).meta({ description: "One of `teams`." }),
    system: pattern(PATTERNS.name).optional().meta({ description: "What the account runs ({-system})." }),
    name: z.string().min(1).max(50).optional().meta({ description: "Explicit account name (warning)." }),
    email: z.email().optional().meta({ description: "Explicit root email (warning)." }),
    notify: ChannelName.optional().meta({ description: "Channel of this account; defaults to its team's." }),
    regions: z.array(Region).min(1).optional().meta({ description: "Subset of `organization.regions`." }),
    vpc: VpcSchema.optional(),
    access: AccessSchema.optional(),
    groups: GroupsSchema.optional(),
    budget: z
      .strictObject({ monthlyUsd: z.number().positive().meta({ description: "Monthly budget in USD." }) })
      .optional()
      .meta({ description: "Monthly cost budget; alerts go to the account's channel." }),
    unit: pattern(PATTERNS.unitPath).optional().meta({
      description: "Path of the unit the account lives in; defaults to its environment's (`placement`), else the root.",
    }),
    retired: z.boolean().default(false).meta({
      description:
        "Retire the account: it moves to `organization.retiredUnit` (deny-all) and keeps its workspace and state. Closing it stays a deliberate step (docs/access.md).",
    }),
  })
  .meta({ description: "An AWS account; its key is its stable identity." });

/** The whole inventory, version 1. */
export const InventorySchema = z
  .strictObject({
    version: z.literal(1).meta({ description: "Format version of the file." }),
    organization: OrganizationSchema,
    notifications: keyedRecord(PATTERNS.name, ChannelSchema).meta({ description: "Named channels." }),
    baseline: BaselineSchema.prefault({}),
    network: NetworkSchema.optional(),
    teams: keyedRecord(PATTERNS.name, TeamSchema).meta({ description: "Teams, by name." }),
    accounts: keyedRecord(PATTERNS.accountKey, AccountSchema).meta({ description: "Accounts, by stable key." }),
  })
  .meta({ title: "fleetfile inventory (accounts.yaml), version 1" });

/** A parsed inventory with every default filled in. */
export type Inventory = z.infer<typeof InventorySchema>;
/** One account of the inventory as written (defaults filled in). */
export type AccountSpec = Inventory["accounts"][string];
/** A notification channel. */
export type Channel = Inventory["notifications"][string];
/** The account type. */
export type AccountType = (typeof ACCOUNT_TYPES)[number];
