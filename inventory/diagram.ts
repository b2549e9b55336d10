import { environmentAsns } from "./asn.js";
import { type Account, accessListings, type Organization, unitsOf } from "./model.js";

/** A Mermaid node id for `key`: letters, digits and `_`, never a Mermaid keyword. */
function id(kind: string, key: string): string {
  return `${kind}_${key.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** Text safe inside a quoted Mermaid label. */
function label(...lines: string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, "#quot;")).join("<br/>")}"`;
}

/** One account's node: key, id (or pending), team and environment, and what else sets it apart. */
function accountNode(account: Account, indent: string): string {
  const notes = [
    `${account.key} · ${account.id ?? "pending"}`,
    `team ${account.team} · ${account.env}${account.type === "workload" ? "" : ` · ${account.type}`}`,
    ...(account.retired ? ["retired"] : []),
  ];
  return `${indent}${id("a", account.key)}[${label(...notes)}]`;
}

/**
 * The organization as a Mermaid flowchart: the root, the units nested as they are, each
 * account in its unit with its team and environment, and a dotted arrow from the
 * identity account to every account whose `access` lists roles, named by those roles.
 */
export function organizationDiagram(organization: Organization): string {
  const org = organization.inventory.organization;
  const units = unitsOf(organization);
  const lines = ["flowchart TB", `  root[${label(`${org.name}: root`, "guardrails (SCPs) attached here")}]`];
  const inUnit = (path: string) => organization.accounts.filter((a) => a.unit === path);
  // The management account, and every account where nothing places one (no `units`), at the root.
  const atRoot = organization.accounts.filter((a) => (a.unit ?? null) === null);
  const nest = (parent: string | null, indent: string) => {
    for (const unit of units.filter((u) => u.parent === parent)) {
      const adds = [
        ...(unit.guardrails.denyAll ? ["deny all"] : []),
        ...(unit.guardrails.regions ? [`regions ${unit.guardrails.regions.join(", ")}`] : []),
      ];
      lines.push(
        `${indent}subgraph ${id("u", unit.path)}[${label(unit.name, ...(adds.length ? [`adds: ${adds.join("; ")}`] : []))}]`,
      );
      nest(unit.path, `${indent}  `);
      for (const account of inUnit(unit.path)) lines.push(accountNode(account, `${indent}  `));
      lines.push(`${indent}end`);
    }
  };
  nest(null, "  ");
  for (const account of atRoot) lines.push(accountNode(account, "  "));
  for (const unit of units.filter((u) => u.parent === null)) lines.push(`  root --- ${id("u", unit.path)}`);
  for (const account of atRoot) lines.push(`  root --- ${id("a", account.key)}`);
  const identity = org.identity.trustedAccount;
  for (const account of organization.accounts) {
    const roles = accessListings(account.access).map((l) => l.role);
    if (roles.length > 0)
      lines.push(`  ${id("a", identity)} -. ${label(roles.join(", "))} .-> ${id("a", account.key)}`);
  }
  return lines.join("\n");
}

/**
 * The network as a Mermaid flowchart: in the hub account, one gateway per environment in
 * every region that holds a VPC, with its ASN; every account's VPC, with its CIDR and
 * zones, joined to its environment's gateway of its region.
 */
export function networkDiagram(organization: Organization): string {
  const { inventory } = organization;
  const network = inventory.network;
  const lines = ["flowchart LR"];
  if (!network) return [...lines, `  none[${label("no network: no account sets vpc")}]`].join("\n");
  const hub = organization.byKey.get(network.hubAccount);
  const asns = environmentAsns(inventory.organization.environments, network.asn, network.asns);
  const vpcs = organization.accounts.filter((a) => a.vpc);
  const regions = [...new Set(vpcs.map((a) => a.vpc?.region as string))];
  lines.push(
    `  subgraph hub[${label(`network account ${hub?.id ?? "pending"} · workspace ${hub?.workspace ?? network.hubAccount}`)}]`,
  );
  for (const region of regions) {
    lines.push(`    subgraph ${id("r", region)}[${label(region)}]`);
    for (const [env, asn] of asns) {
      const empty = !vpcs.some((a) => a.env === env && a.vpc?.region === region);
      lines.push(
        `      ${id("g", `${region}_${env}`)}[${label(`${inventory.organization.name}-${env}`, `ASN ${asn}`, ...(empty ? ["(no VPC yet)"] : []))}]`,
      );
    }
    lines.push("    end");
  }
  lines.push("  end");
  for (const account of vpcs) {
    const vpc = account.vpc as NonNullable<Account["vpc"]>;
    lines.push(
      `  ${id("v", account.key)}[${label(account.key, `${vpc.cidr} · ${vpc.azs} AZ${vpc.azs === 1 ? "" : "s"}`)}] --- ${id("g", `${vpc.region}_${account.env}`)}`,
    );
  }
  return lines.join("\n");
}

/** Both diagrams of `organization`, as the Markdown `diagram` writes. */
export function diagramsMarkdown(organization: Organization, source: string): string {
  return [
    `# ${organization.inventory.organization.name}: the organization and its network`,
    "",
    `Generated from ${source} by \`npm run diagram\`.`,
    "",
    "## Organization",
    "",
    "```mermaid",
    organizationDiagram(organization),
    "```",
    "",
    "## Network",
    "",
    "```mermaid",
    networkDiagram(organization),
    "```",
    "",
  ].join("\n");
}

/** The marker before a generated diagram in docs/: `<!-- diagram: KIND of FILE, generated by npm run diagram -->`. */
export function diagramMarker(kind: "organization" | "network", source: string): string {
  return `<!-- diagram: ${kind} of ${source}, generated by npm run diagram -->`;
}

/**
 * `text` with the Mermaid block after each marker of `diagrams` replaced by that diagram:
 * how docs/ keep their diagrams generated. A marker that is missing is an error.
 */
export function replaceDiagrams(text: string, diagrams: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [marker, diagram] of diagrams) {
    const at = out.indexOf(marker);
    if (at < 0) throw new Error(`no "${marker}" to put the diagram after`);
    const start = out.indexOf("```mermaid\n", at);
    const end = out.indexOf("\n```", start + 11);
    if (start < 0 || end < 0 || start !== at + marker.length + 1)
      throw new Error(`"${marker}" is not followed by a mermaid block`);
    out = `${out.slice(0, start)}\`\`\`mermaid\n${diagram}${out.slice(end)}`;
  }
  return out;
}
