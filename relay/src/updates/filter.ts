// The `filter` of /updates (docs/relay-api.md): which events of each height a subscriber gets.
//   all | account:<64 lowercase hex> | session:<decimal u64> | session:<64 lowercase hex>:<decimal u64>
//   | game:<decimal u64>
// Session ids are each player's own: `session:<id>` matches every player's session with that id,
// `session:<account>:<id>` one player's.
import type { EventView } from "@nullspace/core";

export type UpdateFilter =
  | { kind: "all" }
  | { kind: "account"; account: string }
  | { kind: "session"; id: bigint; account?: string }
  | { kind: "game"; id: bigint };

export class FilterError extends Error {
  override readonly name = "FilterError";
}

const U64 = /^(0|[1-9][0-9]{0,19})$/;
const U64_MAX = (1n << 64n) - 1n;

/** Parses a filter; throws FilterError for anything else. */
export function parseFilter(s: string | undefined): UpdateFilter {
  if (s === undefined || s === "all") return { kind: "all" };
  const colon = s.indexOf(":");
  const kind = colon < 0 ? s : s.slice(0, colon);
  const arg = colon < 0 ? "" : s.slice(colon + 1);
  if (kind === "account" && /^[0-9a-f]{64}$/.test(arg)) return { kind, account: arg };
  const scoped = /^([0-9a-f]{64}):(.*)$/.exec(arg);
  if (kind === "session" && scoped && U64.test(scoped[2] as string) && BigInt(scoped[2] as string) <= U64_MAX)
    return { kind, account: scoped[1] as string, id: BigInt(scoped[2] as string) };
  if ((kind === "session" || kind === "game") && U64.test(arg) && BigInt(arg) <= U64_MAX) return { kind, id: BigInt(arg) };
  throw new FilterError(`unknown filter ${JSON.stringify(s.slice(0, 80))}`);
}

/** The canonical text of a filter: subscribers with equal keys get the same frame. */
export function filterKey(f: UpdateFilter): string {
  switch (f.kind) {
    case "all":
      return "all";
    case "account":
      return `account:${f.account}`;
    case "session":
      return f.account === undefined ? `session:${f.id}` : `session:${f.account}:${f.id}`;
    default:
      return `${f.kind}:${f.id}`;
  }
}

/** Whether an event belongs to filter `f`: its account's, or a game event of the session (a Shield or
 * Double applied to it included) or of the game. */
export function matches(f: UpdateFilter, ev: EventView): boolean {
  switch (f.kind) {
    case "all":
      return true;
    case "account":
      return ev.account === f.account;
    case "session":
      return (
        (ev.kind === "gameStarted" || ev.kind === "gameRound" || ev.kind === "modifierApplied") &&
        ev.sessionId === f.id &&
        (f.account === undefined || ev.account === f.account)
      );
    case "game":
      return (ev.kind === "gameStarted" || ev.kind === "gameRound") && BigInt(ev.game) === f.id;
  }
}

/**
 * The keys (filterKey) of every filter that selects `ev`: `matches(f, ev)` exactly when
 * `keysSelecting(ev)` holds `filterKey(f)`. A height's events are indexed by these once, so building
 * its frames costs one lookup per distinct filter instead of a scan of the events per filter.
 */
export function keysSelecting(ev: EventView): string[] {
  const keys = ["all", `account:${ev.account}`];
  if (ev.kind === "gameStarted" || ev.kind === "gameRound" || ev.kind === "modifierApplied")
    keys.push(`session:${ev.sessionId}`, `session:${ev.account}:${ev.sessionId}`);
  if (ev.kind === "gameStarted" || ev.kind === "gameRound") keys.push(`game:${BigInt(ev.game)}`);
  return keys;
}
