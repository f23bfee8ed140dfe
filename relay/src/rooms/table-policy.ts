// What a table room's document may hold (docs/relay-api.md, "Rooms"): one root Y.Array `chat` of
// JSON entries, each at most `maxEntryChars` characters of JSON. Checked on the decoded update before
// it touches the document, so an update that would add another root type, a nested type, text,
// binary or an oversized entry is never applied. Why structural: a new root type can only appear
// through an item that names its parent explicitly (an item with a left or right origin inherits
// its origin's parent), so checking explicit parents and refusing nested types confines every
// item to `chat`.
import * as Y from "yjs";

export const TABLE_CHAT = "chat";

export interface TablePolicy {
  maxEntryChars: number;
}

/** Why `update` may not be applied to a table document, or undefined when it may. Throws on bytes that do not decode. */
export function tableUpdateRefusal(update: Uint8Array, policy: TablePolicy): string | undefined {
  const { structs } = Y.decodeUpdate(update);
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue; // GC and Skip: history other clients already dropped
    // A decoded (not yet integrated) item names its parent by root name or by the ID of a nested type.
    const parent = s.parent as unknown;
    if (parent !== null && parent !== TABLE_CHAT) return "only the root array 'chat' may be written";
    if (s.parentSub !== null) return "chat is an array, not a map";
    const c = s.content;
    if (c instanceof Y.ContentDeleted) continue;
    if (!(c instanceof Y.ContentAny)) return `chat entries are JSON values, not ${c.constructor.name}`;
    for (const entry of c.arr) {
      const json = JSON.stringify(entry);
      if (json === undefined || json.length > policy.maxEntryChars) return `a chat entry over ${policy.maxEntryChars} characters of JSON`;
    }
  }
  return undefined;
}
