// An event as an ABI frame instead of a JSON view: the same fields, decoded and checked exactly as
// eventToJson does (same limits, same error codes), written with fixed-width little-endian integers
// so a host reads them with a DataView. For hosts that follow many rounds (the simulation command,
// bots), where building and parsing JSON costs more than executing the block. Layout:
// docs/core-abi.md, `event_frame`.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { FORMAT_VERSION, KEY_LEN, MAX_NAME_BYTES, MAX_ADMIN_KEYS, MAX_BETS } from "./limits";
import { Ev } from "./event";
import { opName } from "./tx";
import { isTournamentEvent, tournamentEventToFrame } from "./tournament-event";
import { MAX_ROUND_DRAWS, MAX_ROUND_BETS, MAX_ROUND_INFO } from "./game-event";
import { E_UNKNOWN_TAG, E_UNKNOWN_VERSION, E_TOO_MANY_ITEMS } from "../errors";

/** Writes a short string as `u8 length ‖ bytes`. */
function shortString(w: Writer, s: string): void {
  const b = Uint8Array.wrap(String.UTF8.encode(s));
  w.u8(<u8>b.length).bytes(b);
}

function gameStartedFrame(r: Reader, w: Writer): void {
  w.u64le(r.varint()).u8(r.u8()).u8(r.u8()).u32le(r.varintMax(0xffff_ffff)).u64le(r.varint()).u64le(r.varint());
  const k = r.varintMax(<u64>MAX_BETS, E_TOO_MANY_ITEMS);
  w.u8(<u8>k);
  for (let i: u32 = 0; i < k && r.ok; i++) w.u8(r.u8()).u32le(r.varintMax(0xffff_ffff)).u64le(r.varint());
  w.u64le(r.varint());
}

function gameRoundFrame(r: Reader, w: Writer): void {
  w.u64le(r.varint()).u8(r.u8()).u32le(r.varintMax(0xffff_ffff)).u8(r.u8());
  const nd = r.varintMax(MAX_ROUND_DRAWS, E_TOO_MANY_ITEMS);
  w.u8(<u8>nd);
  for (let i: u32 = 0; i < nd && r.ok; i++) w.u32le(r.varintMax(0xffff_ffff)).u32le(r.varintMax(0xffff_ffff)).u8(r.u8());
  const nb = r.varintMax(MAX_ROUND_BETS, E_TOO_MANY_ITEMS);
  w.u8(<u8>nb);
  for (let i: u32 = 0; i < nb && r.ok; i++) {
    w.u8(r.u8()).u32le(r.varintMax(0xffff_ffff)).u64le(r.varint()).u64le(r.varint()).u8(r.u8());
  }
  const ni = r.varintMax(MAX_ROUND_INFO, E_TOO_MANY_ITEMS);
  w.u8(<u8>ni);
  for (let i: u32 = 0; i < ni && r.ok; i++) w.u64le(r.varint());
  w.u64le(r.varint()).u64le(r.varint()).u64le(r.varint()).bool(r.bool());
}

/** Decodes one event into its frame; false with r.err set on malformed bytes (nothing else is meaningful then). */
export function eventToFrame(r: Reader, w: Writer): bool {
  const version = r.u8();
  if (r.ok && version != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  const height = r.varint();
  const txIndex = r.varintMax(0xffffffff);
  const account = r.bytes(KEY_LEN);
  const nonce = r.varint();
  const kind = r.u8();
  if (!r.ok) return false;
  w.u8(kind).u64le(height).u32le(txIndex).bytes(account).u64le(nonce);
  if (kind == Ev.REGISTERED) {
    // Decoded as the JSON view decodes it, so a host sees the same string.
    shortString(w, String.UTF8.decode(r.varBytes(MAX_NAME_BYTES).buffer));
    w.u64le(r.varint()).u64le(r.varint());
  } else if (kind == Ev.FAUCET_CLAIMED) {
    w.u64le(r.varint()).u64le(r.varint());
  } else if (kind == Ev.ADMIN_KEYS_ROTATED) {
    const n = r.varintMax(MAX_ADMIN_KEYS, E_TOO_MANY_ITEMS);
    w.u8(<u8>n);
    for (let i: u32 = 0; i < n && r.ok; i++) w.bytes(r.bytes(KEY_LEN));
  } else if (kind == Ev.POLICY_SET) {
    w.u8(r.u8()).u64le(r.varint());
  } else if (kind == Ev.TX_ERROR) {
    const op = r.u8();
    shortString(w, opName(op));
    w.u8(op).u16le(<u16>r.varintMax(0xffff)).bool(r.bool());
  } else if (kind == Ev.GAME_STARTED) {
    gameStartedFrame(r, w);
  } else if (kind == Ev.GAME_ROUND) {
    gameRoundFrame(r, w);
  } else if (isTournamentEvent(kind)) {
    tournamentEventToFrame(kind, r, w);
  } else {
    r.fail(E_UNKNOWN_TAG);
  }
  return r.finish();
}
