import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadInventoryText } from "../../inventory/load.js";
import { formatProblem } from "../../inventory/problems.js";

const FIXTURES = new URL("../fixtures/inventories/", import.meta.url);

/**
 * Loads `invalid/<name>.yaml` and returns its problems as `validate` prints them. Every
 * fixture here breaks the valid base (valid/base.yaml) in one place; its first line says how.
 */
function problems(name: string): string[] {
  const file = `invalid/${name}.yaml`;
  const result = loadInventoryText(file, readFileSync(new URL(file, FIXTURES), "utf8"));
  if (result.problems.some((p) => p.severity === "error")) expect(result.organization).toBeUndefined();
  return result.problems.map((problem) => formatProblem(file, problem));
}

describe("shape", () => {
  it("fails when a key is misspelled, and suggests the key that was meant", () => {
    expect(problems("unknown-key")).toEqual([
      'invalid/unknown-key.yaml:12:5  organization.identity.requireMFA  unknown key "requireMFA"; did you mean "requireMfa"? allowed keys: trustedAccount, requireMfa, externalAccounts',
    ]);
  });

  it("fails when a key is like no allowed key, and lists the allowed keys", () => {
    expect(problems("unknown-key-no-guess")).toEqual([
      'invalid/unknown-key-no-guess.yaml:37:5  accounts.prod-payments-api.owner  unknown key "owner"; allowed keys: id, type, env, team, system, name, email, notify, regions, vpc, access, groups, budget, unit, retired',
    ]);
  });

  it("fails when values have the wrong type", () => {
    expect(problems("wrong-types")).toEqual([
      'invalid/wrong-types.yaml:8:12  organization.regions  "ap-northeast-1" is a string; allowed: a list',
      'invalid/wrong-types.yaml:12:17  organization.identity.requireMfa  "yes" is a string; allowed: true or false',
      'invalid/wrong-types.yaml:24:13  teams.platform  "notify-security" is a string; allowed: a map of fields',
      'invalid/wrong-types.yaml:38:37  accounts.prod-payments-api.vpc.azs  "two" is a string; allowed: a whole number',
    ]);
  });

  it("fails when values break their pattern, and says the pattern in words", () => {
    expect(problems("patterns")).toEqual([
      `invalid/patterns.yaml:5:9  organization.name  "Acme" is not valid; allowed: 2 to 20 lowercase letters, digits or '-', starting with a letter`,
      'invalid/patterns.yaml:6:16  organization.emailDomain  "@example.com" is not valid; allowed: a lowercase DNS domain such as example.com',
      'invalid/patterns.yaml:7:15  organization.homeRegion  "tokyo" is not valid; allowed: an AWS region code such as us-east-1',
      'invalid/patterns.yaml:15:14  notifications.security.emails[0]  "secops" is not valid; allowed: an email address',
      'invalid/patterns.yaml:33:9  accounts.prod-payments-api.id  "66666" is not valid; allowed: a 12-digit string in quotes, e.g. "123456789012"',
      `invalid/patterns.yaml:36:13  accounts.prod-payments-api.system  "API" is not valid; allowed: 1 to 63 lowercase letters, digits or '-', starting with a letter`,
    ]);
  });

  it("fails when map keys break the pattern of team names and account keys", () => {
    expect(problems("bad-keys")).toEqual([
      `invalid/bad-keys.yaml:24:3  teams.Payments  key "Payments" is not valid; allowed: 1 to 63 lowercase letters, digits or '-', starting with a letter`,
      `invalid/bad-keys.yaml:38:3  accounts.dev_payments_api  key "dev_payments_api" is not valid; allowed: 2 to 63 lowercase letters, digits or '-', starting with a letter or digit`,
    ]);
  });

  it("fails when an account id is an unquoted number", () => {
    expect(problems("account-id-unquoted")).toEqual([
      'invalid/account-id-unquoted.yaml:33:9  accounts.prod-payments-api.id  666666666666 is a number (unquoted); allowed: a 12-digit string in quotes, e.g. "123456789012"',
    ]);
  });

  it("fails when required fields are missing, pointing at the map that lacks them", () => {
    expect(problems("missing-required")).toEqual([
      'invalid/missing-required.yaml:5:3  organization.identity  "identity" is missing; required: a map of fields',
      `invalid/missing-required.yaml:37:5  accounts.dev-payments-api.env  "env" is missing; required: 1 to 63 lowercase letters, digits or '-', starting with a letter`,
    ]);
  });

  it("fails when the version is not 1", () => {
    expect(problems("wrong-version")).toEqual([
      "invalid/wrong-version.yaml:2:10  version  2 is not allowed; allowed: 1",
    ]);
  });

  it("fails when a vpc cidr is no CIDR block at all", () => {
    expect(problems("cidr-not-a-block")).toEqual([
      'invalid/cidr-not-a-block.yaml:37:18  accounts.prod-payments-api.vpc.cidr  "10.10.0/16" is not valid; allowed: an IPv4 CIDR block such as 10.0.0.0/16',
    ]);
  });
});

describe("account types", () => {
  it("fails when there is no audit account", () => {
    expect(problems("core-account-missing")).toEqual([
      "invalid/core-account-missing.yaml:27:3  accounts  no account has type: audit; required: exactly one audit account",
    ]);
  });

  it("fails when there is a second log-archive account", () => {
    expect(problems("core-account-twice")).toEqual([
      "invalid/core-account-twice.yaml:31:86  accounts.identity.type  a second log-archive account (the first is accounts.log-archive); allowed: exactly one",
    ]);
  });

  it("fails when there is a second network account", () => {
    expect(problems("network-account-twice")).toEqual([
      "invalid/network-account-twice.yaml:31:86  accounts.identity.type  a second network account (the first is accounts.network); allowed: at most one",
    ]);
  });

  it("fails when network.hubAccount is not the network account", () => {
    expect(problems("hub-not-network-account")).toEqual([
      'invalid/hub-not-network-account.yaml:20:15  network.hubAccount  "identity" is not the network account; allowed: "network" (type: network)',
    ]);
  });

  it("fails when a core account has no id", () => {
    expect(problems("core-account-without-id")).toEqual([
      'invalid/core-account-without-id.yaml:29:10  accounts.audit  audit account without an id; required: id, a quoted 12-digit string ("123456789012")',
    ]);
  });
});

describe("references", () => {
  it("fails when an account's team is not under teams", () => {
    expect(problems("team-undefined")).toEqual([
      'invalid/team-undefined.yaml:35:11  accounts.prod-payments-api.team  team "paymnts" is not defined under teams; allowed: platform, payments',
    ]);
  });

  it("fails when the baseline, a team or an account names a channel that does not exist", () => {
    expect(problems("channel-undefined")).toEqual([
      'invalid/channel-undefined.yaml:20:20  baseline.securityChannel  channel "secops" is not defined under notifications; allowed: security, payments',
      'invalid/channel-undefined.yaml:26:23  teams.platform.notify  channel "secrity" is not defined under notifications; allowed: security, payments',
      'invalid/channel-undefined.yaml:40:13  accounts.prod-payments-api.notify  channel "payment" is not defined under notifications; allowed: security, payments',
    ]);
  });

  it("fails when the trusted account does not exist", () => {
    expect(problems("trusted-account-missing")).toEqual([
      'invalid/trusted-account-missing.yaml:11:21  organization.identity.trustedAccount  account "idenity" does not exist; allowed: management, log-archive, audit, network, identity, prod-payments-api, dev-payments-api',
    ]);
  });

  it("fails when the trusted account is pending", () => {
    expect(problems("trusted-account-pending")).toEqual([
      'invalid/trusted-account-pending.yaml:11:21  organization.identity.trustedAccount  account "dev-payments-api" has no id yet; required: the trusted account needs an id',
    ]);
  });

  it("fails when the hub account does not exist, even when its name is a property of every object", () => {
    expect(problems("hub-account-missing")).toEqual([
      'invalid/hub-account-missing.yaml:20:15  network.hubAccount  account "constructor" does not exist; allowed: management, log-archive, audit, network, identity, prod-payments-api, dev-payments-api',
    ]);
  });
});

describe("regions and environments", () => {
  it("fails when homeRegion is not governed, and so neither is a vpc that defaults to it", () => {
    expect(problems("home-region-not-governed")).toEqual([
      'invalid/home-region-not-governed.yaml:7:15  organization.homeRegion  "eu-west-1" is not in organization.regions; allowed: ap-northeast-1, us-east-1',
      'invalid/home-region-not-governed.yaml:37:10  accounts.prod-payments-api.vpc  vpc region "eu-west-1" (the default, homeRegion) is not a region of this account; allowed: ap-northeast-1, us-east-1',
    ]);
  });

  it("fails when an account lists a region that is not governed", () => {
    expect(problems("account-region-not-governed")).toEqual([
      'invalid/account-region-not-governed.yaml:37:31  accounts.prod-payments-api.regions[1]  "eu-west-1" is not a governed region; allowed: ap-northeast-1, us-east-1',
    ]);
  });

  it("fails when a vpc is in a region its account does not use, explicitly or by default", () => {
    expect(problems("vpc-region-not-account-region")).toEqual([
      'invalid/vpc-region-not-account-region.yaml:38:40  accounts.prod-payments-api.vpc.region  vpc region "us-east-1" is not a region of this account; allowed: ap-northeast-1',
      'invalid/vpc-region-not-account-region.yaml:44:10  accounts.dev-payments-api.vpc  vpc region "ap-northeast-1" (the default, homeRegion) is not a region of this account; allowed: us-east-1',
    ]);
  });

  it("fails when a vpc is in a region the hub account does not govern", () => {
    expect(problems("vpc-region-not-hub-region")).toEqual([
      'invalid/vpc-region-not-hub-region.yaml:43:40  accounts.prod-payments-api.vpc.region  vpc region "us-east-1" is not governed in the hub account network; allowed: ap-northeast-1',
    ]);
  });

  it("fails when a region or an environment is listed twice", () => {
    expect(problems("listed-twice")).toEqual([
      'invalid/listed-twice.yaml:8:40  organization.regions[2]  "us-east-1" is listed twice; allowed: each value once',
      'invalid/listed-twice.yaml:9:29  organization.environments[2]  "prod" is listed twice; allowed: each value once',
      'invalid/listed-twice.yaml:37:31  accounts.prod-payments-api.regions[1]  "ap-northeast-1" is listed twice; allowed: each value once',
    ]);
  });

  it("fails when an env is not one of organization.environments", () => {
    expect(problems("env-not-allowed")).toEqual([
      'invalid/env-not-allowed.yaml:39:10  accounts.dev-payments-api.env  "qa" is not an environment; allowed: prod, dev',
    ]);
  });
});

describe("names, emails and ids", () => {
  it("fails when two accounts get the same name and email from the templates", () => {
    expect(problems("duplicate-names")).toEqual([
      'invalid/duplicate-names.yaml:29:10  accounts.audit  name "prod-platform-management" is also the name of accounts.management; allowed: unique names; set `system`, or an explicit `name`',
      'invalid/duplicate-names.yaml:29:10  accounts.audit  email "ml-aws-platform-management+prod@example.com" is also the email of accounts.management; allowed: unique emails; set `system`, or an explicit `email`',
    ]);
  });

  it("fails when the contract's example is used as printed, and says to set `system`", () => {
    // Its core accounts share env prod and team platform and set no system.
    expect(problems("contract-example")).toEqual([
      'invalid/contract-example.yaml:53:16  accounts.log-archive  name "prod-platform" is also the name of accounts.management; allowed: unique names; set `system`, or an explicit `name`',
      'invalid/contract-example.yaml:53:16  accounts.log-archive  email "ml-aws-platform+prod@example.com" is also the email of accounts.management; allowed: unique emails; set `system`, or an explicit `email`',
      'invalid/contract-example.yaml:54:10  accounts.audit  name "prod-platform" is also the name of accounts.management; allowed: unique names; set `system`, or an explicit `name`',
      'invalid/contract-example.yaml:54:10  accounts.audit  email "ml-aws-platform+prod@example.com" is also the email of accounts.management; allowed: unique emails; set `system`, or an explicit `email`',
      'invalid/contract-example.yaml:55:12  accounts.network  name "prod-platform" is also the name of accounts.management; allowed: unique names; set `system`, or an explicit `name`',
      'invalid/contract-example.yaml:55:12  accounts.network  email "ml-aws-platform+prod@example.com" is also the email of accounts.management; allowed: unique emails; set `system`, or an explicit `email`',
    ]);
  });

  it("fails when an explicit email is another account's email in other letter case", () => {
    expect(problems("duplicate-explicit-email")).toEqual([
      'invalid/duplicate-explicit-email.yaml:37:12  accounts.prod-payments-api.email  email "ML-AWS-platform-identity+prod@example.com" is also the email of accounts.identity; allowed: unique emails; set `system`, or an explicit `email`',
      'invalid/duplicate-explicit-email.yaml:37:12  accounts.prod-payments-api.email  warning: explicit email "ML-AWS-platform-identity+prod@example.com" departs from the convention "ml-aws-payments-api+prod@example.com"; allowed for accounts that predate organization.naming.email',
    ]);
  });

  it("fails when two accounts share an id", () => {
    expect(problems("duplicate-ids")).toEqual([
      'invalid/duplicate-ids.yaml:33:9  accounts.prod-payments-api.id  id "555555555555" is also the id of accounts.identity; allowed: unique ids; each account has its own id',
    ]);
  });

  it("fails when a template uses unknown placeholders, without errors about the names it would render", () => {
    expect(problems("unknown-placeholders")).toEqual([
      "invalid/unknown-placeholders.yaml:11:14  organization.naming.account  unknown placeholder {enviroment}; allowed placeholders: {env}, {team}, {system}, {-system}, {+env}, {domain}, {key}, {org}",
      "invalid/unknown-placeholders.yaml:12:12  organization.naming.email  unknown placeholder {sys}; allowed placeholders: {env}, {team}, {system}, {-system}, {+env}, {domain}, {key}, {org}",
    ]);
  });

  it("warns about an explicit name or email, and does not fail for it", () => {
    const text = readFileSync(new URL("valid/base.yaml", FIXTURES), "utf8").replace(
      "    system: api\n    vpc",
      "    system: api\n    name: prod-payments-api\n    email: payments-legacy@example.com\n    vpc",
    );
    const result = loadInventoryText("base.yaml", text);
    expect(result.organization).toBeDefined();
    expect(result.problems.map((p) => formatProblem("base.yaml", p))).toEqual([
      'base.yaml:37:11  accounts.prod-payments-api.name  warning: explicit name "prod-payments-api" equals the convention; the field can go',
      'base.yaml:38:12  accounts.prod-payments-api.email  warning: explicit email "payments-legacy@example.com" departs from the convention "ml-aws-payments-api+prod@example.com"; allowed for accounts that predate organization.naming.email',
    ]);
  });

  it("warns about a channel with no emails and no slack, and does not fail for it", () => {
    const text = readFileSync(new URL("valid/base.yaml", FIXTURES), "utf8").replace(
      "  payments:\n    emails: [payments-oncall@example.com]\n",
      "  payments:\n    emails: [payments-oncall@example.com]\n  archive: {}\n",
    );
    const result = loadInventoryText("base.yaml", text);
    expect(result.organization).toBeDefined();
    expect(result.problems.map((p) => formatProblem("base.yaml", p))).toEqual([
      "base.yaml:18:12  notifications.archive  warning: channel has no emails and no slack; nobody hears what is sent to it",
    ]);
  });

  it("fails when the templates make a name or an email longer than AWS allows", () => {
    expect(problems("name-too-long")).toEqual([
      'invalid/name-too-long.yaml:33:5  accounts.prod-payments-api  name "prod-payments-api-gateway-for-the-payments-of-every-country" is 59 characters; allowed: at most 50',
      'invalid/name-too-long.yaml:33:5  accounts.prod-payments-api  email "ml-aws-payments-api-gateway-for-the-payments-of-every-country+prod@example.com" is not a valid root email; allowed: an address of at most 64 characters',
    ]);
  });

  it("fails with errors listed before warnings, whatever their place in the file", () => {
    expect(problems("errors-before-warnings")).toEqual([
      'invalid/errors-before-warnings.yaml:39:10  accounts.dev-payments-api.env  "qa" is not an environment; allowed: prod, dev',
      'invalid/errors-before-warnings.yaml:31:86  accounts.identity.name  warning: explicit name "Identity (legacy)" departs from the convention "prod-platform-identity"; allowed for accounts that predate organization.naming.account',
    ]);
  });
});

describe("vpcs", () => {
  it("fails when vpc blocks overlap, nested or equal", () => {
    expect(problems("overlapping-cidrs")).toEqual([
      "invalid/overlapping-cidrs.yaml:37:93  accounts.identity.vpc.cidr  10.10.128.0/17 overlaps 10.10.0.0/16 of accounts.prod-payments-api; allowed: a block that overlaps no other account's vpc",
      "invalid/overlapping-cidrs.yaml:48:18  accounts.dev-payments-api.vpc.cidr  10.20.0.0/16 overlaps 10.20.0.0/16 of accounts.network; allowed: a block that overlaps no other account's vpc",
    ]);
  });

  it("fails when a vpc cidr is no usable network: host bits, octet, prefix, size, room for its azs", () => {
    expect(problems("cidr-not-a-network")).toEqual([
      'invalid/cidr-not-a-network.yaml:36:18  accounts.network.vpc.cidr  "10.0.0.1/16" has host bits set (the network address is 10.0.0.0/16); allowed: an IPv4 network such as 10.0.0.0/16',
      'invalid/cidr-not-a-network.yaml:37:93  accounts.identity.vpc.cidr  "10.1.300.0/24" has an octet above 255; allowed: an IPv4 network such as 10.0.0.0/16',
      'invalid/cidr-not-a-network.yaml:43:18  accounts.prod-payments-api.vpc.cidr  "10.10.0.0/33" has a prefix above 32; allowed: an IPv4 network such as 10.0.0.0/16',
      "invalid/cidr-not-a-network.yaml:49:37  accounts.stg-payments-api.vpc.azs  3 subnets do not fit in 10.30.0.0/28; allowed: a larger cidr or fewer azs",
      'invalid/cidr-not-a-network.yaml:54:18  accounts.dev-payments-api.vpc.cidr  "/8" is not a VPC size; allowed: /16 to /28',
    ]);
  });

  it("fails when an account has a vpc and there is no network section", () => {
    expect(problems("vpc-without-network")).toEqual([
      "invalid/vpc-without-network.yaml:34:10  accounts.prod-payments-api.vpc  a vpc, but no `network` section; required: a `network` section that names network.hubAccount",
    ]);
  });
});

describe("every error at once", () => {
  it("fails with all four of four independent shape errors", () => {
    expect(problems("many-shape-errors")).toEqual([
      'invalid/many-shape-errors.yaml:10:3  organization.enviroments  unknown key "enviroments"; did you mean "environments"? allowed keys: name, emailDomain, homeRegion, regions, environments, naming, executionRoleName, logArchive, identity, identityCenter, securityServices, terraformCloud, state, github, guardrails, units, placement, retiredUnit',
      'invalid/many-shape-errors.yaml:34:9  accounts.prod-payments-api.id  666666666666 is a number (unquoted); allowed: a 12-digit string in quotes, e.g. "123456789012"',
      "invalid/many-shape-errors.yaml:38:37  accounts.prod-payments-api.vpc.azs  7; allowed: at most 6",
      `invalid/many-shape-errors.yaml:40:5  accounts.dev-payments-api.env  "env" is missing; required: 1 to 63 lowercase letters, digits or '-', starting with a letter`,
    ]);
  });

  it("fails with a shape error in one account and a cross-field error in another, both at once", () => {
    expect(problems("shape-and-meaning-errors")).toEqual([
      'invalid/shape-and-meaning-errors.yaml:38:5  accounts.prod-payments-api.regoins  unknown key "regoins"; did you mean "regions"? allowed keys: id, type, env, team, system, name, email, notify, regions, vpc, access, groups, budget, unit, retired',
      'invalid/shape-and-meaning-errors.yaml:43:11  accounts.dev-payments-api.team  team "paymnts" is not defined under teams; allowed: platform, payments',
    ]);
  });

  it("fails with all four of four independent errors across accounts", () => {
    expect(problems("many-meaning-errors")).toEqual([
      "invalid/many-meaning-errors.yaml:36:18  accounts.network.vpc.cidr  10.10.0.0/24 overlaps 10.10.0.0/16 of accounts.prod-payments-api; allowed: a block that overlaps no other account's vpc",
      'invalid/many-meaning-errors.yaml:39:9  accounts.prod-payments-api.id  id "111111111111" is also the id of accounts.management; allowed: unique ids; each account has its own id',
      'invalid/many-meaning-errors.yaml:41:11  accounts.prod-payments-api.team  team "paymnts" is not defined under teams; allowed: platform, payments',
      'invalid/many-meaning-errors.yaml:45:10  accounts.dev-payments-api.env  "qa" is not an environment; allowed: prod, dev',
    ]);
  });
});

describe("gateway ASNs", () => {
  it("fails when network.asns pins an environment that does not exist or an ASN that is not private", () => {
    expect(problems("asns-wrong")).toEqual([
      'invalid/asns-wrong.yaml:23:5  network.asns.qa  "qa" is not an environment; allowed: prod, dev',
      "invalid/asns-wrong.yaml:24:10  network.asns.dev  70000 is not a private ASN; allowed: 64512 to 65534 or 4200000000 to 4294967294",
    ]);
  });

  it("fails when two environments would share an ASN, pinned or derived, and suggests a free one", () => {
    expect(problems("asns-shared")).toEqual([
      "invalid/asns-shared.yaml:21:16  network.asns.dev  environments prod and dev would share the gateway ASN 64596; allowed: a different ASN for each; pin one in network.asns (for example dev: 64512)",
    ]);
  });

  it("fails when network.asn is not private while an environment's ASN is derived from it", () => {
    expect(problems("asn-not-private")).toEqual([
      "invalid/asn-not-private.yaml:21:8  network.asn  65535 is not a private ASN; allowed: 64512 to 65534 or 4200000000 to 4294967294, or pin every environment's ASN in network.asns",
    ]);
  });
});

describe("principals of access", () => {
  it("fails when a principal is a whole account (:root) or a role of an account outside the organization not listed as external", () => {
    expect(problems("principals-outside")).toEqual([
      'invalid/principals-outside.yaml:40:23  accounts.prod-payments-api.access.administrator[0]  "arn:aws:iam::555555555555:root" lets every principal of account 555555555555 in; allowed: the ARN of a role or user',
      'invalid/principals-outside.yaml:41:18  accounts.prod-payments-api.access.operator[0]  "arn:aws:iam::999999999999:role/vendor-support" belongs to account 999999999999, which is not in the organization; allowed: principals of the organization\'s accounts, or list the account in organization.identity.externalAccounts',
    ]);
  });

  it("fails when state is set beside terraformCloud, which keeps the state itself", () => {
    expect(problems("state-and-cloud")).toEqual([
      "invalid/state-and-cloud.yaml:13:5  organization.state  state is set beside terraformCloud; allowed: one of them (Terraform Cloud keeps the state itself)",
    ]);
  });

  it("fails when github is set beside terraformCloud, whose runs use their own credentials", () => {
    expect(problems("github-and-cloud")).toEqual([
      "invalid/github-and-cloud.yaml:13:5  organization.github  github is set beside terraformCloud; allowed: one of them (with Terraform Cloud, its runs plan and apply with its own credentials)",
    ]);
  });
});
