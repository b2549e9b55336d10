/**
 * What is done once by hand in the management account before the first apply, in the
 * order docs/baseline.md lists it (a test holds the two together), and what the sandbox
 * does about each: seeds it in moto as a user would do it by hand, or cannot model it.
 */
export interface Prerequisite {
  /** Stable name; the moto seed API takes the seeded ones by it (harness/moto_server.py). */
  readonly id: string;
  /** The step as docs/baseline.md names it, in bold. */
  readonly title: string;
  /**
   * `seeded`: the sandbox does it before applying, and patched moto refuses the apply
   * without it as AWS does. `not modelled`: moto cannot show its absence; docs/testing.md
   * says how the gap is covered.
   */
  readonly sandbox: "seeded" | "not modelled";
}

/** Every prerequisite of docs/baseline.md, in its order. */
export const PREREQUISITES: readonly Prerequisite[] = [
  { id: "scp-policy-type", title: "Service control policies enabled on the root", sandbox: "seeded" },
  {
    id: "identity-principals",
    title: "The roles, users and groups that `access` and `groups` name",
    sandbox: "seeded",
  },
  { id: "trusted-access", title: "Trusted access in AWS Organizations", sandbox: "seeded" },
  { id: "execution-role", title: "The execution role in the management account", sandbox: "seeded" },
  { id: "chatbot-slack", title: "Chatbot's Slack authorisation", sandbox: "not modelled" },
  { id: "email-confirmations", title: "Email confirmations", sandbox: "not modelled" },
  { id: "existing-services", title: "Accounts that already run Config or GuardDuty", sandbox: "not modelled" },
];

/** The ids of the prerequisites the sandbox seeds. */
export function seededPrerequisites(): string[] {
  return PREREQUISITES.filter((p) => p.sandbox === "seeded").map((p) => p.id);
}

/**
 * The services that need trusted access in AWS Organizations before the first apply (the
 * `trusted-access` prerequisite): AWS Config, for its delegated administrator and the
 * organization aggregator. RAM's the management workspace turns on itself.
 */
export const TRUSTED_SERVICES: readonly string[] = ["config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"];
