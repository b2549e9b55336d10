import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { checkDiscovery, type Discovery, discoveryPathOf, loadDiscoveryBeside } from "./discovery.js";
import { type Organization, resolveOrganization } from "./model.js";
import { error, type FieldPath, type Problem, sortProblems, warning } from "./problems.js";
import type { Inventory } from "./schema.js";
import { checkShape } from "./shape.js";
import { checkMeaning } from "./validate.js";

/** Most aliases a file may expand; far above real use, far below a billion laughs. */
export const MAX_ALIAS_COUNT = 100;

/** What loading an inventory gives: the organization when there is no error, and every problem, positioned. */
export interface LoadResult {
  /** File name as problems should show it. */
  readonly file: string;
  readonly organization?: Organization;
  /** Errors first, then warnings, each in file order. */
  readonly problems: readonly Problem[];
}

/** Reads and checks an inventory file. */
export function loadInventoryFile(path: string): LoadResult {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.includes(0) || !isUtf8(bytes)) {
      return {
        file: path,
        problems: [error([], "the file is not text (binary, or not UTF-8)", "required: a YAML text file in UTF-8")],
      };
    }
    text = bytes.toString("utf8");
  } catch (cause) {
    return {
      file: path,
      problems: [
        error(
          [],
          `cannot read the file (${(cause as NodeJS.ErrnoException).code})`,
          "required: a readable accounts.yaml",
        ),
      ],
    };
  }
  return loadInventoryText(path, text, loadDiscoveryBeside(path));
}

/** A discovery file as read: what it holds, or the problems that stop it being used. */
export interface DiscoveryLoad {
  readonly discovery?: Discovery;
  readonly problems: readonly Problem[];
}

/**
 * Parses and checks inventory text: YAML first, then shape, then meaning, then what
 * `discover` found (`discovered`, when given), which the organization then carries.
 */
export function loadInventoryText(file: string, text: string, discovered?: DiscoveryLoad): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const position = (offset: number) => lineCounter.linePos(offset);
  const finish = (problems: Problem[], inventory?: Inventory): LoadResult => {
    const placed = problems.map((p) =>
      p.line === undefined ? { ...p, ...position(locate(doc, p.path, p.atKey)) } : p,
    );
    const sorted = sortProblems(placed);
    const failed = sorted.some((p) => p.severity === "error");
    if (failed || !inventory) return { file, problems: sorted };
    const organization = resolveOrganization(inventory);
    const discovery = discovered?.discovery;
    return { file, problems: sorted, organization: discovery ? { ...organization, discovery } : organization };
  };

  // A parser that ran out of stack has nested too deep to say anything else usefully.
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow) return finish([tooDeep(pathAt(doc, overflow.pos[0]), position(overflow.pos[0]))]);
  // A tab in the indentation confuses the parser about everything after it: say that one thing.
  const tabs = doc.errors.filter((e) => e.code === "TAB_AS_INDENT");
  const yamlProblems = [
    ...(tabs.length > 0 ? tabs : doc.errors).map((e) => {
      const offset = e.code === "BAD_INDENT" ? firstNonSpace(text, e.pos[0]) : e.pos[0];
      const first = e.code === "DUPLICATE_KEY" ? firstOccurrence(doc, e.pos[0]) : undefined;
      const message = first === undefined ? yamlMessage(e.message) : duplicateMessage(position(first));
      return { ...error(pathAt(doc, offset), message, yamlAdvice(e.code)), ...position(offset) };
    }),
    ...doc.warnings.map((w) => ({
      ...warning(pathAt(doc, w.pos[0]), yamlMessage(w.message), "see the YAML 1.2 spec"),
      ...position(w.pos[0]),
    })),
  ];
  if (doc.errors.length > 0) return finish(yamlProblems);
  const deep = deepestBeyond(doc, MAX_DEPTH);
  if (deep) return finish([tooDeep(deep.path, position(deep.offset))]);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    return finish([
      ...yamlProblems,
      error(
        [],
        `aliases expand too far (${(cause as Error).message})`,
        `allowed: at most ${MAX_ALIAS_COUNT} alias expansions`,
      ),
    ]);
  }
  const shape = checkShape(value);
  if (!shape.inventory) return finish([...yamlProblems, ...shape.problems, ...meaningBeside(value, shape.problems)]);
  const discovery = discovered?.discovery;
  const beside = discovery
    ? checkDiscovery(resolveOrganization(shape.inventory), discovery, basename(discoveryPathOf(file)))
    : [];
  return finish(
    [...yamlProblems, ...checkMeaning(shape.inventory), ...(discovered?.problems ?? []), ...beside],
    shape.inventory,
  );
}

/**
 * The rules across fields, checked on the rest of an inventory whose shape errors all lie
 * inside accounts: those accounts are set aside, and only problems that cannot involve
 * them are kept (no account counts, no references by key, nothing about their names).
 * A typo in one account then does not hide a missing team in another.
 */
export function meaningBeside(value: unknown, shapeProblems: readonly Problem[]): Problem[] {
  const broken = new Set<string>();
  for (const problem of shapeProblems) {
    const [section, key] = problem.path;
    if (section !== "accounts" || typeof key !== "string" || problem.path.length < 3) return [];
    broken.add(key);
  }
  const raw = value as { accounts?: Record<string, unknown> };
  const accounts = Object.fromEntries(Object.entries(raw.accounts ?? {}).filter(([key]) => !broken.has(key)));
  const rest = checkShape({ ...raw, accounts });
  if (!rest.inventory) return [];
  const mentions = (p: Problem) => [...broken].some((key) => p.found.includes(key) || p.allowed.includes(key));
  return checkMeaning(rest.inventory).filter(
    (p) => p.severity === "error" && p.path.length > 1 && p.path[0] === "accounts" && !mentions(p),
  );
}

/** Deepest nesting an inventory may have; the format needs 6, and recursion further on must stay far from the stack's end. */
export const MAX_DEPTH = 32;

function tooDeep(path: FieldPath, at: { line: number; col: number }): Problem {
  return {
    ...error(
      path.slice(0, MAX_DEPTH),
      `nested more than ${MAX_DEPTH} levels deep`,
      `allowed: at most ${MAX_DEPTH} levels`,
    ),
    ...at,
  };
}

/** The first node deeper than `limit` maps and lists, found without recursion; undefined when there is none. */
function deepestBeyond(doc: Document, limit: number): { path: FieldPath; offset: number } | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: (string | number)[] };
    if (!isMap(node) && !isSeq(node)) continue;
    if (path.length >= limit) return { path, offset: rangeStart(node) ?? 0 };
    node.items.forEach((item, i) => {
      if (isPair(item))
        stack.push({ node: item.value, path: [...path, isScalar(item.key) ? String(item.key.value) : i] });
      else stack.push({ node: item, path: [...path, i] });
    });
  }
  return undefined;
}

/** Offset of the first character that is not a space on the line of `offset` (a misindented key, not column 1). */
function firstNonSpace(text: string, offset: number): number {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  let at = Math.max(offset, lineStart);
  if (at === lineStart) while (text[at] === " ") at++;
  return at;
}

/** Offset of the first key equal to the duplicate key at `offset`, in the same map. */
function firstOccurrence(doc: Document, offset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      const duplicate = map.items.find((p) => rangeStart(p.key) === offset);
      if (!duplicate) return undefined;
      const value = isScalar(duplicate.key) ? duplicate.key.value : undefined;
      found = rangeStart(map.items.find((p) => isScalar(p.key) && p.key.value === value)?.key);
      return visit.BREAK;
    },
  });
  return found;
}

function duplicateMessage(first: { line: number; col: number }): string {
  return `key appears twice (first at line ${first.line}, column ${first.col})`;
}

function yamlMessage(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
}

function yamlAdvice(code: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "allowed: each key once per map";
    case "TAB_AS_INDENT":
      return "allowed: spaces for indentation, never tabs";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
      return "allowed: YAML with consistent space indentation";
    default:
      return "allowed: valid YAML 1.2";
  }
}

/** Offset of the node at `path` (its key with `atKey`), or of the deepest ancestor that exists. */
export function locate(doc: Document, path: FieldPath, atKey = false): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [i, part] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === part);
      if (!pair) return offset;
      if (last && atKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof part === "number" && node.items[part] !== undefined) {
      node = node.items[part];
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? (node as Node).range?.[0] : undefined;
}

function rangeEnd(node: unknown): number | undefined {
  return isNode(node) ? (node as Node).range?.[1] : undefined;
}

/** Path of the deepest node that contains `offset`, for problems the YAML parser reports by position. */
export function pathAt(doc: Document, offset: number): FieldPath {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    const items: unknown[] = isMap(node) || isSeq(node) ? node.items : [];
    const index = items.findIndex((item) => {
      const [start, end] = isPair(item)
        ? [rangeStart(item.key), rangeEnd(item.value)]
        : [rangeStart(item), rangeEnd(item)];
      return start !== undefined && offset >= start && offset <= (end ?? Number.MAX_SAFE_INTEGER);
    });
    if (index < 0) return path;
    const item = items[index];
    if (isPair(item)) {
      path.push(isScalar(item.key) ? String(item.key.value) : index);
      node = item.value;
    } else {
      path.push(index);
      node = item;
    }
  }
}
