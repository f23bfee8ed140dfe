// The payloads of the two game events (docs/formats.md, "Event"): gameStarted, when a session
// opens, and gameRound, for every move that draws, settles or closes. A round carries every card or
// die with the move and draw index it came from, each bet's stake and return, and the balance after,
// so a player can audit it from the event alone.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { Json } from "./json";
import { BetList, decodeBets, encodeBets, betsToJson } from "./bets";
import { E_TOO_MANY_ITEMS } from "../errors";

/** Upper bounds the decoder enforces (a round of any game stays far below them). */
export const MAX_ROUND_DRAWS: u32 = 255;
export const MAX_ROUND_BETS: u32 = 64;
export const MAX_ROUND_INFO: u32 = 16;

/** What happened to one bet in a round. */
export namespace BetStatus {
  /** Resolved: `return` is final (0 for a loss). */
  export const SETTLED: u8 = 0;
  /** Kept on the table for a later move (an En Prison bet); `return` is 0 for now. */
  export const HELD: u8 = 1;
  /** A bet held at an earlier move, resolved at this one; `return` is final. */
  export const RELEASED: u8 = 2;
}

export function encodeGameStarted(
  w: Writer, sessionId: u64, game: u8, mode: u8, options: u32, serial: u64, stake: u64, sideBets: BetList, chips: u64,
): void {
  w.varint(sessionId).u8(game).u8(mode).varint(<u64>options).varint(serial).varint(stake);
  encodeBets(sideBets, w);
  w.varint(chips);
}

const sideBets = new BetList();

export function gameStartedToJson(r: Reader, j: Json): void {
  j.big("sessionId", r.varint()).num("game", r.u8()).num("mode", r.u8()).num("options", r.varintMax(0xffff_ffff));
  j.big("serial", r.varint()).big("stake", r.varint());
  decodeBets(r, sideBets);
  betsToJson(sideBets, j);
  j.big("chips", r.varint());
}

export function gameRoundToJson(r: Reader, j: Json): void {
  j.big("sessionId", r.varint()).num("game", r.u8()).num("move", r.varintMax(0xffff_ffff)).num("phase", r.u8());
  const nd = r.varintMax(MAX_ROUND_DRAWS, E_TOO_MANY_ITEMS);
  j.arr("draws");
  for (let i: u32 = 0; i < nd && r.ok; i++) {
    j.itemObj().num("move", r.varintMax(0xffff_ffff)).num("index", r.varintMax(0xffff_ffff)).num("value", r.u8()).end();
  }
  j.endArray();
  const nb = r.varintMax(MAX_ROUND_BETS, E_TOO_MANY_ITEMS);
  j.arr("bets");
  for (let i: u32 = 0; i < nb && r.ok; i++) {
    j.itemObj().num("kind", r.u8()).num("target", r.varintMax(0xffff_ffff)).big("stake", r.varint()).big("return", r.varint());
    j.num("status", r.u8()).end();
  }
  j.endArray();
  const ni = r.varintMax(MAX_ROUND_INFO, E_TOO_MANY_ITEMS);
  j.arr("info");
  for (let i: u32 = 0; i < ni && r.ok; i++) j.itemNum(r.varint());
  j.endArray();
  j.big("staked", r.varint()).big("returned", r.varint()).big("chips", r.varint()).bool("finished", r.bool());
}
