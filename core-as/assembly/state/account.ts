// Account records: the nonce of a key and, once registered, the player's chips and history.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { FORMAT_VERSION, MAX_NAME_BYTES } from "../codec/limits";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE } from "../errors";

export class Account {
  nonce: u64 = 0;
  registered: bool = false;
  name: Uint8Array = new Uint8Array(0);
  chips: u64 = 0;
  registeredAtMs: u64 = 0;
  sessionsPlayed: u64 = 0;
  lastFaucetMs: u64 = 0;
  playerIndex: u64 = 0;
}

export function encodeAccount(a: Account, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(a.nonce).bool(a.registered).varBytes(a.name).varint(a.chips);
  w.varint(a.registeredAtMs).varint(a.sessionsPlayed).varint(a.lastFaucetMs).varint(a.playerIndex);
}

export function decodeAccount(r: Reader): Account | null {
  const a = new Account();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  a.nonce = r.varint();
  a.registered = r.bool();
  a.name = r.varBytes(MAX_NAME_BYTES);
  a.chips = r.varint();
  a.registeredAtMs = r.varint();
  a.sessionsPlayed = r.varint();
  a.lastFaucetMs = r.varint();
  a.playerIndex = r.varint();
  if (r.ok && !a.registered && (a.chips != 0 || a.name.length != 0)) r.fail(E_INVALID_VALUE);
  return r.finish() ? a : null;
}

export function accountToJson(a: Account, j: Json): void {
  j.big("nonce", a.nonce).bool("registered", a.registered).str("name", String.UTF8.decode(a.name.buffer));
  j.big("chips", a.chips).big("registeredAtMs", a.registeredAtMs).big("sessionsPlayed", a.sessionsPlayed);
  j.big("lastFaucetMs", a.lastFaucetMs).big("playerIndex", a.playerIndex);
}
