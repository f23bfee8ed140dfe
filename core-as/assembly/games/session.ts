// Session records (state key 07 ‖ player ‖ session id) and the games record (key 08): the serial
// counter that makes every session's randomness stream distinct chain-wide, and the progressive
// meters. A session's public state holds only what has been revealed: cards and dice are drawn at
// the move that shows them, never stored ahead.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { FORMAT_VERSION } from "../codec/limits";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE } from "../errors";

/** Game-specific bytes a session may keep between moves (held bets, revealed cards). */
export const MAX_SESSION_DATA: u32 = 512;

/** The shared empty value of `data` (never written: it has no bytes), so a Session allocates nothing for it. */
const NO_DATA = new Uint8Array(0);

export class Session {
  game: u8 = 0;
  mode: u8 = 0;
  options: u32 = 0;
  /** Chain-wide session number: the `session id` of the randomness stream (docs/randomness.md). */
  serial: u64 = 0;
  /** Moves made so far; GameStart is move 0, the n-th GameMove is move n. */
  moves: u32 = 0;
  phase: u8 = 0;
  finished: bool = false;
  /** The main stake of a one-hand game (0 for table games, whose stakes are in each round). */
  stake: u64 = 0;
  data: Uint8Array = NO_DATA;
  /**
   * Tournament sessions only (mode 1; encoded only for them, so cash sessions keep their bytes):
   * the tournament, the modifiers a hand declared at its start, and the hand's stakes and returns
   * so far (Shield and Double settle on the whole hand).
   */
  tournamentId: u64 = 0;
  modifiers: u8 = 0;
  handStaked: u64 = 0;
  handReturned: u64 = 0;
}

export function encodeSession(s: Session, w: Writer): void {
  w.u8(FORMAT_VERSION).u8(s.game).u8(s.mode).varint(<u64>s.options).varint(s.serial).varint(<u64>s.moves);
  w.u8(s.phase).bool(s.finished).varint(s.stake).varBytes(s.data);
  if (s.mode == 1) w.varint(s.tournamentId).u8(s.modifiers).varint(s.handStaked).varint(s.handReturned);
}

export function decodeSession(r: Reader): Session | null {
  return decodeSessionInto(r, new Session());
}

/** Decodes into `s` (reused by the executor: a move decodes one session per transaction). */
export function decodeSessionInto(r: Reader, s: Session): Session | null {
  s.tournamentId = 0;
  s.modifiers = 0;
  s.handStaked = 0;
  s.handReturned = 0;
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  s.game = r.u8();
  s.mode = r.u8();
  s.options = r.varintMax(0xffff_ffff);
  s.serial = r.varint();
  s.moves = r.varintMax(0xffff_ffff);
  s.phase = r.u8();
  s.finished = r.bool();
  s.stake = r.varint();
  s.data = r.varBytes(MAX_SESSION_DATA);
  if (r.ok && s.mode > 1) r.fail(E_INVALID_VALUE);
  if (s.mode == 1) {
    s.tournamentId = r.varint();
    s.modifiers = r.u8();
    s.handStaked = r.varint();
    s.handReturned = r.varint();
    if (r.ok && s.modifiers > 3) r.fail(E_INVALID_VALUE);
  }
  return r.finish() ? s : null;
}

export function sessionToJson(s: Session, j: Json): void {
  j.num("game", s.game).num("mode", s.mode).num("options", s.options).big("serial", s.serial).num("moves", s.moves);
  j.num("phase", s.phase).bool("finished", s.finished).big("stake", s.stake).hexBytes("data", s.data);
  if (s.mode == 1) {
    j.big("tournamentId", s.tournamentId).num("modifiers", s.modifiers);
    j.big("handStaked", s.handStaked).big("handReturned", s.handReturned);
  }
}

/** The games record. It enters state with the first session, so a chain without games keeps its roots. */
export class GamesRecord {
  nextSerial: u64 = 0;
  /**
   * Progressive meters (games.md): Three Card Poker and Ultimate Texas Hold'em. 0 means not yet
   * seeded: the first progressive stake will mint METER_START into supply.pools (not built yet).
   */
  meterThreeCard: u64 = 0;
  meterUth: u64 = 0;
}

export function encodeGames(g: GamesRecord, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(g.nextSerial).varint(g.meterThreeCard).varint(g.meterUth);
}

export function decodeGames(r: Reader): GamesRecord | null {
  const g = new GamesRecord();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  g.nextSerial = r.varint();
  g.meterThreeCard = r.varint();
  g.meterUth = r.varint();
  return r.finish() ? g : null;
}
