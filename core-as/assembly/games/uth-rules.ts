// Ultimate Texas Hold'em's pay tables (games.md §7) as pure functions of the cards: what each bet
// returns (stake included; 0 for a loss). The game module (uth.ts) and the settle export (abi)
// both call these, so known-answer tests check the executor's own arithmetic.
import { Hand, categoryOf } from "./poker-hand";
import { holdemScore, categoryOfScore, PAIR } from "./holdem-hand";

/** Player against dealer at the showdown. */
export namespace Showdown {
  export const LOSS: u8 = 0;
  export const TIE: u8 = 1;
  export const WIN: u8 = 2;
}

// "To 1" by category (poker-hand.ts: 0 high card, 1 pair, 2 two pair, 3 trips, 4 straight, 5 flush,
// 6 full house, 7 quads, 8 straight flush, 9 royal).
const TRIPS_PAYS: StaticArray<u64> = [0, 0, 0, 3, 4, 7, 9, 30, 40, 50];
// The Progressive returns "for one" on the hole cards and the flop; the royal is the meter.
const PROGRESSIVE_PAYS: StaticArray<u64> = [0, 0, 0, 9, 30, 40, 50, 300, 1000, 0];

/** The Blind's return on a player win: royal 500, SF 50, quads 10, full house 3, flush 3:2 (floored), straight 1, less pushes. */
export function blindWinReturn(category: u8, blind: u64): u64 {
  if (category == Hand.ROYAL_FLUSH) return blind * 501;
  if (category == Hand.STRAIGHT_FLUSH) return blind * 51;
  if (category == Hand.QUADS) return blind * 11;
  if (category == Hand.FULL_HOUSE) return blind * 4;
  if (category == Hand.FLUSH) return blind + (blind * 3) / 2;
  if (category == Hand.STRAIGHT) return blind * 2;
  return blind;
}

export function showdownOf(player: u32, dealer: u32): u8 {
  return player > dealer ? Showdown.WIN : player == dealer ? Showdown.TIE : Showdown.LOSS;
}

/** The dealer qualifies with a pair or better. */
@inline export function dealerQualifies(dealer: u32): bool {
  return categoryOfScore(dealer) >= PAIR;
}

/** The Ante: pushes when the dealer does not qualify; else 1:1, tie pushes. Lost on a fold. */
export function anteReturn(player: u32, dealer: u32, ante: u64, folded: bool): u64 {
  if (folded) return 0;
  if (!dealerQualifies(dealer)) return ante;
  const r = showdownOf(player, dealer);
  return r == Showdown.WIN ? ante * 2 : r == Showdown.TIE ? ante : 0;
}

/** The Blind (equal to the Ante): the bonus table on a win, push on a tie, lost on a loss or fold. */
export function blindReturn(player: u32, dealer: u32, blind: u64, folded: bool): u64 {
  if (folded) return 0;
  const r = showdownOf(player, dealer);
  return r == Showdown.WIN ? blindWinReturn(categoryOfScore(player), blind) : r == Showdown.TIE ? blind : 0;
}

/** The Play: 1:1, tie pushes, whether or not the dealer qualifies. */
export function playReturn(player: u32, dealer: u32, play: u64): u64 {
  const r = showdownOf(player, dealer);
  return r == Showdown.WIN ? play * 2 : r == Showdown.TIE ? play : 0;
}

/** Trips on the player's final hand, paid whether the player plays or folds. */
export function tripsReturn(player: u32, amount: u64): u64 {
  const p = TRIPS_PAYS[categoryOfScore(player)];
  return p == 0 ? 0 : amount * (p + 1);
}

/** The Progressive's return for one chip on the five cards at `five` (the hole cards and the flop). */
export function progressiveReturn(five: StaticArray<u32>, meter: u64): u64 {
  const c = categoryOf(five);
  return c == Hand.ROYAL_FLUSH ? meter : PROGRESSIVE_PAYS[c];
}

/** Whether the five cards are a royal flush: the Progressive's top hit. */
export function isTopHit(five: StaticArray<u32>): bool {
  return categoryOf(five) == Hand.ROYAL_FLUSH;
}

/** The score of seven cards: two hole cards and the five board cards at `seven`. */
export function sevenScore(seven: StaticArray<u32>): u32 {
  return holdemScore(seven, 7);
}
