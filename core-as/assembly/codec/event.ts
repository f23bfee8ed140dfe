// Events: version ‖ height ‖ txIndex ‖ account ‖ nonce ‖ kind ‖ payload. The header says which
// transaction (by account and nonce, as the client knows it) caused the event.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { Json } from "./json";
import { FORMAT_VERSION, KEY_LEN, MAX_NAME_BYTES, MAX_ADMIN_KEYS } from "./limits";
import { E_UNKNOWN_TAG, E_UNKNOWN_VERSION, E_TOO_MANY_ITEMS } from "../errors";
import { opName } from "./tx";
import { gameStartedToJson, gameRoundToJson } from "./game-event";
import { isTournamentEvent, tournamentEventToJson } from "./tournament-event";

export namespace Ev {
  export const REGISTERED: u8 = 0x01;
  export const FAUCET_CLAIMED: u8 = 0x02;
  export const ADMIN_KEYS_ROTATED: u8 = 0x03;
  export const POLICY_SET: u8 = 0x04;
  export const TX_ERROR: u8 = 0x05;
  export const GAME_STARTED: u8 = 0x06;
  export const GAME_ROUND: u8 = 0x07;
  export const TOURNAMENT_JOINED: u8 = 0x08;
  export const TOURNAMENT_STARTED: u8 = 0x09;
  export const TOURNAMENT_ENDED: u8 = 0x0a;
  export const MODIFIER_APPLIED: u8 = 0x0b;
  export const FREEROLL_LIMIT_SET: u8 = 0x0c;
}

export function writeEventHeader(w: Writer, height: u64, txIndex: u32, account: Uint8Array, nonce: u64, kind: u8): void {
  w.u8(FORMAT_VERSION).varint(height).varint(<u64>txIndex).bytes(account).varint(nonce).u8(kind);
}

export function eventKindName(k: u8): string {
  if (k == Ev.REGISTERED) return "registered";
  if (k == Ev.FAUCET_CLAIMED) return "faucetClaimed";
  if (k == Ev.ADMIN_KEYS_ROTATED) return "adminKeysRotated";
  if (k == Ev.POLICY_SET) return "policySet";
  if (k == Ev.TX_ERROR) return "txError";
  if (k == Ev.GAME_STARTED) return "gameStarted";
  if (k == Ev.GAME_ROUND) return "gameRound";
  if (k == Ev.TOURNAMENT_JOINED) return "tournamentJoined";
  if (k == Ev.TOURNAMENT_STARTED) return "tournamentStarted";
  if (k == Ev.TOURNAMENT_ENDED) return "tournamentEnded";
  if (k == Ev.MODIFIER_APPLIED) return "modifierApplied";
  if (k == Ev.FREEROLL_LIMIT_SET) return "freerollLimitSet";
  return "unknown";
}

/** Decodes one event into its JSON view; returns null with r.err set on malformed bytes. */
export function eventToJson(r: Reader): string | null {
  const j = new Json().begin();
  const version = r.u8();
  if (r.ok && version != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  j.big("height", r.varint());
  j.num("txIndex", r.varintMax(0xffffffff));
  j.hexBytes("account", r.bytes(KEY_LEN));
  j.big("nonce", r.varint());
  const kind = r.u8();
  if (!r.ok) return null;
  j.str("kind", eventKindName(kind));
  if (kind == Ev.REGISTERED) {
    const name = r.varBytes(MAX_NAME_BYTES);
    j.str("name", String.UTF8.decode(name.buffer));
    j.big("chips", r.varint()).big("playerIndex", r.varint());
  } else if (kind == Ev.FAUCET_CLAIMED) {
    j.big("amount", r.varint()).big("chips", r.varint());
  } else if (kind == Ev.ADMIN_KEYS_ROTATED) {
    const n = r.varintMax(MAX_ADMIN_KEYS, E_TOO_MANY_ITEMS);
    j.arr("keys");
    for (let i: u32 = 0; i < n && r.ok; i++) j.itemHex(r.bytes(KEY_LEN));
    j.endArray();
  } else if (kind == Ev.POLICY_SET) {
    j.num("field", r.u8()).big("value", r.varint());
  } else if (kind == Ev.TX_ERROR) {
    const op = r.u8();
    j.str("op", opName(op)).num("opCode", op).num("code", r.varintMax(0xffff)).bool("nonceConsumed", r.bool());
  } else if (kind == Ev.GAME_STARTED) {
    gameStartedToJson(r, j);
  } else if (kind == Ev.GAME_ROUND) {
    gameRoundToJson(r, j);
  } else if (isTournamentEvent(kind)) {
    tournamentEventToJson(kind, r, j);
  } else {
    r.fail(E_UNKNOWN_TAG);
  }
  if (!r.finish()) return null;
  return j.end().toString();
}
