import { isMap, isScalar, parseDocument } from "yaml";

/** What {@link recordAccountIds} did. */
export interface RecordedIds {
  /** The inventory with the new ids, comments and formatting otherwise as they were. */
  readonly text: string;
  /** Keys of the accounts that got an id. */
  readonly recorded: readonly string[];
  /** Accounts whose id in the inventory differs from AWS's: left as they are, and reported. */
  readonly conflicts: readonly { readonly key: string; readonly inventory: string; readonly aws: string }[];
}

/**
 * Writes the ids AWS gave (`ids`, by account key) into the inventory `text`: an account
 * without an id gets `id: "<id>"` as its first field, quoted so that it stays a string.
 * The text is spliced, not re-printed, so nothing else changes: comments, order, flow or
 * block style, spacing. An account that has the same id is left alone; one whose id
 * differs is reported, never overwritten; keys the inventory does not have are ignored.
 */
export function recordAccountIds(text: string, ids: Readonly<Record<string, string>>): RecordedIds {
  const doc = parseDocument(text);
  const accounts = doc.get("accounts");
  const recorded: string[] = [];
  const conflicts: { key: string; inventory: string; aws: string }[] = [];
  const inserts: { at: number; text: string }[] = [];
  if (!isMap(accounts)) return { text, recorded, conflicts };
  for (const [key, id] of Object.entries(ids)) {
    const account = accounts.get(key, true);
    if (!isMap(account)) continue;
    const existing = account.get("id", true);
    if (isScalar(existing) && existing.value !== null && existing.value !== undefined) {
      if (String(existing.value) !== id) conflicts.push({ key, inventory: String(existing.value), aws: id });
      continue;
    }
    const first = account.items[0]?.key;
    const at = isScalar(first) && first.range ? first.range[0] : undefined;
    if (at === undefined) continue;
    // Before the first field, in the style of the map: `id: "...", ` in a flow map, its own line in a block map.
    const column = at - text.lastIndexOf("\n", at - 1) - 1;
    inserts.push({ at, text: account.flow ? `id: "${id}", ` : `id: "${id}"\n${" ".repeat(column)}` });
    recorded.push(key);
  }
  let result = text;
  for (const insert of inserts.sort((a, b) => b.at - a.at)) {
    result = result.slice(0, insert.at) + insert.text + result.slice(insert.at);
  }
  return { text: result, recorded, conflicts };
}
