import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  diagramMarker,
  diagramsMarkdown,
  networkDiagram,
  organizationDiagram,
  replaceDiagrams,
} from "../inventory/diagram.js";
import { loadInventoryFile } from "../inventory/load.js";
import type { Organization } from "../inventory/model.js";
import { formatProblem } from "../inventory/problems.js";
import { type CommandSpec, type ParseArgsOptionsConfig, parseCommand, UsageError } from "./args.js";

const SPEC = {
  name: "diagram",
  usage: `usage: fleetfile diagram [--inventory FILE] [--out FILE] | --docs
  Writes Mermaid diagrams of the inventory as Markdown: the organization (units, and each
  account with its team and environment) and the network (the gateways of each
  environment and region, the VPCs attached to them with their CIDRs).
  --inventory FILE  the inventory to draw (default: accounts.yaml)
  --out FILE        the Markdown file to write (default: standard output)
  --docs            redraw the diagrams of docs/ from the inventories they show`,
  options: {
    inventory: { type: "string", default: "accounts.yaml" },
    out: { type: "string" },
    docs: { type: "boolean" },
  },
} satisfies CommandSpec<ParseArgsOptionsConfig>;

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The diagrams docs/ show: which page, which diagram, of which inventory (relative to the project). */
export const DOC_DIAGRAMS = [
  { doc: "docs/access.md", kind: "organization", source: "accounts.yaml" },
  { doc: "docs/network.md", kind: "network", source: "accounts.yaml" },
  { doc: "docs/inventory.md", kind: "organization", source: "__tests__/fixtures/synth/units.yaml" },
] as const;

/** Each page of docs/ with its diagrams drawn afresh, by path relative to the project. */
export function redrawnDocs(root = ROOT): Map<string, string> {
  const pages = new Map<string, string>();
  for (const { doc, kind, source } of DOC_DIAGRAMS) {
    const organization = resolved(join(root, source));
    const diagram = kind === "organization" ? organizationDiagram(organization) : networkDiagram(organization);
    const text = pages.get(doc) ?? readFileSync(join(root, doc), "utf8");
    pages.set(doc, replaceDiagrams(text, new Map([[diagramMarker(kind, source), diagram]])));
  }
  return pages;
}

/** The organization of `file`, or an error with its problems. */
function resolved(file: string): Organization {
  const result = loadInventoryFile(file);
  if (result.organization) return result.organization;
  const errors = result.problems.filter((p) => p.severity === "error").map((p) => formatProblem(file, p));
  throw new Error(`${file} does not validate; nothing drawn:\n${errors.join("\n")}`);
}

/** `diagram --inventory FILE [--out FILE]`, or `diagram --docs`. */
export function diagramCommand(args: readonly string[]): number {
  const options = parseCommand(SPEC, args);
  if (!options) return 0;
  if (options.docs) {
    if (options.out) throw new UsageError("diagram: --docs writes docs/ itself; leave out --out", SPEC.usage);
    for (const [doc, text] of redrawnDocs()) writeFileSync(join(ROOT, doc), text);
    console.log(`redrew ${DOC_DIAGRAMS.length} diagrams in docs/`);
    return 0;
  }
  const markdown = diagramsMarkdown(resolved(options.inventory), options.inventory);
  if (options.out) writeFileSync(options.out, markdown);
  else process.stdout.write(markdown);
  return 0;
}
