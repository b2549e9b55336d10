import { stringify } from "yaml";

/** Shape of a generated benchmark inventory. */
export interface BenchInventoryProps {
  /** Workload accounts, beside the five core ones. */
  readonly workloads: number;
  /** @default ["us-east-1", "eu-west-1"] */
  readonly regions?: readonly string[];
}

const TEAMS = ["payments", "data", "web", "ml", "platform"] as const;
const ENVS = ["prod", "stg", "dev"] as const;

/** Account id of workload number `i` (core accounts take 100000000001 to 100000000005). */
export function benchAccountId(i: number): string {
  return String(200000000000 + i);
}

/**
 * A valid inventory of the benchmark's shape: the core accounts and `workloads` workload
 * accounts over two governed regions; half with a VPC, a third with `access`, a fifth
 * with a budget.
 */
export function benchInventory(props: BenchInventoryProps): Record<string, unknown> {
  const regions = props.regions ?? ["us-east-1", "eu-west-1"];
  const core = (type: string, n: number) => ({
    id: String(100000000000 + n),
    type,
    env: "prod",
    team: "platform",
    system: type,
  });
  const accounts: Record<string, unknown> = {
    management: core("management", 1),
    "log-archive": core("log-archive", 2),
    audit: core("audit", 3),
    network: core("network", 4),
    identity: { id: "100000000005", env: "prod", team: "platform", system: "identity" },
  };
  for (let i = 0; i < props.workloads; i++) {
    const team = TEAMS[i % TEAMS.length];
    const env = ENVS[i % ENVS.length];
    accounts[`w${i}`] = {
      id: benchAccountId(i),
      env,
      team,
      system: `s${i}`,
      ...(i % 2 === 0 ? { vpc: { cidr: `10.${Math.floor(i / 256) % 256}.${i % 256}.0/24`, azs: 2 } } : {}),
      ...(i % 3 === 0
        ? { access: { administrator: [`${team}-owners`], developer: [`${team}-devs`], operator: ["sre-oncall"] } }
        : {}),
      ...(i % 5 === 0 ? { budget: { monthlyUsd: 1000 } } : {}),
    };
  }
  return {
    version: 1,
    organization: {
      name: "bench",
      emailDomain: "example.com",
      homeRegion: regions[0],
      regions,
      environments: [...ENVS],
      identity: { trustedAccount: "identity" },
    },
    notifications: {
      security: { emails: ["secops@example.com"], slack: { workspaceId: "T0ABCDEF1", channelId: "C0ABCDEF1" } },
      ...Object.fromEntries(TEAMS.map((t) => [t, { emails: [`${t}-oncall@example.com`] }])),
    },
    network: { hubAccount: "network", asn: 64512 },
    teams: Object.fromEntries(TEAMS.map((t) => [t, { notify: t }])),
    accounts,
  };
}

/** The inventory as accounts.yaml text. */
export function benchInventoryText(props: BenchInventoryProps): string {
  return stringify(benchInventory(props));
}
