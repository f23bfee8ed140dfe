// Names of the relay's Yjs rooms (docs/relay-api.md, "WebSocket /rooms"): a game table, which anyone
// may join, and one player's account document, which only the key's owner may open.
import { fromHex } from "@nullspace/core";

export type RoomName =
  | { kind: "table"; name: string; gameId: bigint; tableId: string }
  | { kind: "account"; name: string; publicKey: Uint8Array };

export class RoomNameError extends Error {
  override readonly name = "RoomNameError";
}

const U64 = /^(0|[1-9][0-9]{0,19})$/;
const TABLE_ID = /^[a-z0-9-]{1,32}$/;
const KEY = /^[0-9a-f]{64}$/;

/** `table:<gameId decimal u64>:<tableId [a-z0-9-]{1,32}>` or `account:<64 lowercase hex>`; anything else throws RoomNameError. */
export function parseRoomName(s: string): RoomName {
  const parts = s.split(":");
  if (parts[0] === "table" && parts.length === 3) {
    const [, game, table] = parts as [string, string, string];
    if (U64.test(game) && BigInt(game) < 1n << 64n && TABLE_ID.test(table))
      return { kind: "table", name: s, gameId: BigInt(game), tableId: table };
  } else if (parts[0] === "account" && parts.length === 2 && KEY.test(parts[1] as string)) {
    return { kind: "account", name: s, publicKey: fromHex(parts[1] as string) };
  }
  throw new RoomNameError(`${JSON.stringify(s.slice(0, 100))} is not table:<gameId>:<tableId> or account:<64 hex>`);
}
