import { z } from "zod";
import { InventorySchema, PATTERN_WORDS } from "./schema.js";

/** The editor's JSON Schema of accounts.yaml, derived from the zod schema (never edited by hand). */
export function inventoryJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(InventorySchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
}

/** The JSON Schema as committed: stable key order, two-space indent, final newline. */
export function inventoryJsonSchemaText(): string {
  return `${JSON.stringify(inventoryJsonSchema(), null, 2)}\n`;
}

interface JsonNode {
  type?: string;
  description?: string;
  default?: unknown;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  properties?: Record<string, JsonNode>;
  required?: string[];
  additionalProperties?: JsonNode | boolean;
  items?: JsonNode;
}

/** The field table of docs/inventory.md: one row per field, with its type, default and rule. */
export function inventoryFieldTable(): string {
  const rows: string[][] = [];
  const visit = (node: JsonNode, path: string, required: boolean) => {
    if (path !== "") rows.push(row(node, path, required));
    if (node.properties) {
      for (const [key, child] of Object.entries(node.properties)) {
        visit(child, path === "" ? key : `${path}.${key}`, node.required?.includes(key) ?? false);
      }
    }
    if (typeof node.additionalProperties === "object") visit(node.additionalProperties, `${path}.<name>`, true);
    if (node.items?.properties) visit(node.items, `${path}[]`, true);
  };
  visit(inventoryJsonSchema() as JsonNode, "", true);
  return markdownTable(["Field", "Type", "Required", "Default", "Rule"], rows);
}

/**
 * A Markdown table with each column padded to its widest cell, the way the formatter
 * (`biome check`) writes tables, so that the generated file passes it unchanged.
 */
function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((_, i) => Math.max(3, ...[header, ...rows].map((cells) => cells[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  const rule = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;
  return `${[line(header), rule, ...rows.map(line)].join("\n")}\n`;
}

/** The rule of a string in words: an email address, or the words of its pattern. */
function stringWords(node: JsonNode): string {
  if (node.format === "email") return "an email address";
  if (!node.pattern) return "";
  return PATTERN_WORDS[node.pattern] ?? `\`${node.pattern}\``;
}

function row(node: JsonNode, path: string, required: boolean): string[] {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const type = node.items ? `list of ${node.items.type ?? "value"}` : (node.type ?? "value");
  const rules = [
    node.enum ? `one of ${node.enum.join(", ")}` : "",
    node.const !== undefined ? `always ${node.const}` : "",
    stringWords(node),
    node.items && stringWords(node.items) ? `each ${stringWords(node.items)}` : "",
    node.minimum !== undefined ? `≥ ${node.minimum}` : "",
    node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : "",
    node.maximum !== undefined ? `≤ ${node.maximum}` : "",
    node.minItems ? `at least ${node.minItems}` : "",
  ].filter(Boolean);
  const fallback = node.default === undefined ? "" : JSON.stringify(node.default);
  return [
    `\`${path}\``,
    type,
    required && node.default === undefined ? "yes" : "no",
    cell(fallback),
    cell([node.description?.replace(/\.$/, "") ?? "", ...rules].filter(Boolean).join("; ")),
  ];
}
