// Account records: the nonce of a key and, once registered, the player's chips and history.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { FORMAT_VERSION, MAX_NAME_BYTES } from "../codec/limits";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE } from "../errors";

export class Account {
  nonce: u64 = 0;
  registered: bool = false;
  /** The name's bytes are nameBuf[0 .. nameLen): a fixed buffer, so decoding allocates nothing. */
  nameBuf: Uint8Array = new Uint8Array(MAX_NAME_BYTES);
  nameLen: u32 = 0;
  chips: u64 = 0;
  registeredAtMs: u64 = 0;
  sessionsPlayed: u64 = 0;
  lastFaucetMs: u64 = 0;
  playerIndex: u64 = 0;

  setName(p: usize, n: u32): void {
    memory.copy(this.nameBuf.dataStart, p, n);
    this.nameLen = n;
  }

  reset(): Account {
    this.nonce = 0;
    this.registered = false;
    this.nameLen = 0;
    this.chips = 0;
    this.registeredAtMs = 0;
    this.sessionsPlayed = 0;
    this.lastFaucetMs = 0;
    this.playerIndex = 0;
    return this;
  }

  nameString(): string {
    return String.UTF8.decodeUnsafe(this.nameBuf.dataStart, this.nameLen);
  }
}

export function encodeAccount(a: Account, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(a.nonce).bool(a.registered).varint(<u64>a.nameLen).raw(a.nameBuf.dataStart, a.nameLen);
  w.varint(a.chips);
  w.varint(a.registeredAtMs).varint(a.sessionsPlayed).varint(a.lastFaucetMs).varint(a.playerIndex);
}

/** Decodes into `a` (reused by the executor); returns null with r.err set on failure. */
export function decodeAccountInto(r: Reader, a: Account): Account | null {
  a.reset();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  a.nonce = r.varint();
  a.registered = r.bool();
  const n = r.varintMax(MAX_NAME_BYTES);
  const p = r.skip(n);
  if (r.ok) a.setName(p, n);
  a.chips = r.varint();
  a.registeredAtMs = r.varint();
  a.sessionsPlayed = r.varint();
  a.lastFaucetMs = r.varint();
  a.playerIndex = r.varint();
  if (r.ok && !a.registered && (a.chips != 0 || a.nameLen != 0)) r.fail(E_INVALID_VALUE);
  return r.finish() ? a : null;
}

export function decodeAccount(r: Reader): Account | null {
  return decodeAccountInto(r, new Account());
}

export function accountToJson(a: Account, j: Json): void {
  j.big("nonce", a.nonce).bool("registered", a.registered).str("name", a.nameString());
  j.big("chips", a.chips).big("registeredAtMs", a.registeredAtMs).big("sessionsPlayed", a.sessionsPlayed);
  j.big("lastFaucetMs", a.lastFaucetMs).big("playerIndex", a.playerIndex);
}
