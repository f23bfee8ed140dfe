// Payloads of the tournament events (docs/formats.md, "Events"): joined, started, ended (with
// every paid place), a Shield or Double applied to a round, a freeroll limit set. Each has its
// JSON view and its ABI frame (fixed-width little-endian), decoded with the same limits.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { Json } from "./json";
import { KEY_LEN } from "./limits";
import { E_TOO_MANY_ITEMS } from "../errors";
import { Ev } from "./event";

/** At most this many paid places (15% of the 1,000 entrants a tournament takes). */
export const MAX_PAID_PLACES: u32 = 150;

export function isTournamentEvent(kind: u8): bool {
  return kind >= Ev.TOURNAMENT_JOINED && kind <= Ev.FREEROLL_LIMIT_SET;
}

export function tournamentEventToJson(kind: u8, r: Reader, j: Json): void {
  if (kind == Ev.TOURNAMENT_JOINED) {
    j.big("tournamentId", r.varint()).num("entrant", r.varintMax(0xffff_ffff)).big("stack", r.varint());
    j.num("shields", r.u8()).num("doubles", r.u8());
  } else if (kind == Ev.TOURNAMENT_STARTED) {
    j.big("tournamentId", r.varint()).num("entrants", r.varintMax(0xffff_ffff));
  } else if (kind == Ev.TOURNAMENT_ENDED) {
    j.big("tournamentId", r.varint()).num("entrants", r.varintMax(0xffff_ffff)).big("prizePool", r.varint());
    j.big("paid", r.varint());
    const n = r.varintMax(MAX_PAID_PLACES, E_TOO_MANY_ITEMS);
    j.arr("places");
    for (let i: u32 = 0; i < n && r.ok; i++) {
      j.itemObj().num("rank", r.varintMax(0xffff_ffff)).hexBytes("player", r.bytes(KEY_LEN)).big("stack", r.varint());
      j.num("weightBps", r.varintMax(0xffff_ffff)).big("prize", r.varint()).end();
    }
    j.endArray();
  } else if (kind == Ev.MODIFIER_APPLIED) {
    j.big("sessionId", r.varint()).big("tournamentId", r.varint()).num("modifiers", r.u8());
    j.big("staked", r.varint()).big("returned", r.varint()).big("extra", r.varint()).big("stack", r.varint());
  } else if (kind == Ev.FREEROLL_LIMIT_SET) {
    j.hexBytes("player", r.bytes(KEY_LEN)).num("limit", r.u8());
  }
}

export function tournamentEventToFrame(kind: u8, r: Reader, w: Writer): void {
  if (kind == Ev.TOURNAMENT_JOINED) {
    w.u64le(r.varint()).u32le(r.varintMax(0xffff_ffff)).u64le(r.varint()).u8(r.u8()).u8(r.u8());
  } else if (kind == Ev.TOURNAMENT_STARTED) {
    w.u64le(r.varint()).u32le(r.varintMax(0xffff_ffff));
  } else if (kind == Ev.TOURNAMENT_ENDED) {
    w.u64le(r.varint()).u32le(r.varintMax(0xffff_ffff)).u64le(r.varint()).u64le(r.varint());
    const n = r.varintMax(MAX_PAID_PLACES, E_TOO_MANY_ITEMS);
    w.u32le(n);
    for (let i: u32 = 0; i < n && r.ok; i++) {
      w.u32le(r.varintMax(0xffff_ffff)).bytes(r.bytes(KEY_LEN)).u64le(r.varint()).u32le(r.varintMax(0xffff_ffff)).u64le(r.varint());
    }
  } else if (kind == Ev.MODIFIER_APPLIED) {
    w.u64le(r.varint()).u64le(r.varint()).u8(r.u8());
    w.u64le(r.varint()).u64le(r.varint()).u64le(r.varint()).u64le(r.varint());
  } else if (kind == Ev.FREEROLL_LIMIT_SET) {
    w.bytes(r.bytes(KEY_LEN)).u8(r.u8());
  }
}
