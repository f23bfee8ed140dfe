// Blackjack's side bets (games.md §2) as pure functions of the cards they are on. Returns include
// the stake ("to 1" pays), fractions floored. 21+3, Perfect Pairs and Royal Match depend only on
// the deal; Lucky Ladies on the player's two cards and, for its top pay, on a dealer blackjack;
// Bust It on the dealer's final hand.
import { rankOf, suitOf } from "./shoe";
import { pointsOf } from "./blackjack-cards";

/** Bet kinds: the hand (target: hand index 0–3), the side bets (target 0), a double (target: hand index). */
export namespace BlackjackBet {
  export const HAND: u8 = 0;
  export const TWENTY_ONE_PLUS_THREE: u8 = 1;
  export const PERFECT_PAIRS: u8 = 2;
  export const ROYAL_MATCH: u8 = 3;
  export const LUCKY_LADIES: u8 = 4;
  export const BUST_IT: u8 = 5;
  export const DOUBLE: u8 = 6;
}

const HEARTS: u32 = 2;
const QUEEN: u32 = 11;
const KING: u32 = 12;
export const QUEEN_OF_HEARTS: u32 = HEARTS * 13 + QUEEN;

/** Clubs and spades are black, diamonds and hearts red. */
@inline function isRed(card: u32): bool {
  const s = suitOf(card);
  return s == 1 || s == 2;
}

@inline function win(stake: u64, pays: u64): u64 {
  return stake * (pays + 1);
}

/** 21+3 on the player's two cards and the dealer's up card: suited trips 100, straight flush 40,
 * trips 30, straight 10, flush 5. A straight is three consecutive ranks, the ace low (A-2-3) or
 * high (Q-K-A), never both (K-A-2 is none). */
export function twentyOnePlusThreeReturn(a: u32, b: u32, up: u32, stake: u64): u64 {
  const ra = rankOf(a);
  const rb = rankOf(b);
  const rc = rankOf(up);
  const flush = suitOf(a) == suitOf(b) && suitOf(b) == suitOf(up);
  if (ra == rb && rb == rc) return win(stake, flush ? 100 : 30);
  const ranks = (1 << ra) | (1 << rb) | (1 << rc);
  let straight = ranks == ((1 << 0) | (1 << QUEEN) | (1 << KING));
  for (let low: u32 = 0; low <= 10; low++) if (ranks == 7 << low) straight = true;
  if (straight) return win(stake, flush ? 40 : 10);
  return flush ? win(stake, 5) : 0;
}

/** Perfect Pairs on the player's two cards (same rank): same suit 25, same colour 12, mixed 6. */
export function perfectPairsReturn(a: u32, b: u32, stake: u64): u64 {
  if (rankOf(a) != rankOf(b)) return 0;
  if (suitOf(a) == suitOf(b)) return win(stake, 25);
  return win(stake, isRed(a) == isRed(b) ? 12 : 6);
}

/** Royal Match on the player's two cards: suited K-Q 25:1, other suited 5:2 (floored). */
export function royalMatchReturn(a: u32, b: u32, stake: u64): u64 {
  if (suitOf(a) != suitOf(b)) return 0;
  const ranks = (1 << rankOf(a)) | (1 << rankOf(b));
  if (ranks == ((1 << QUEEN) | (1 << KING))) return win(stake, 25);
  return stake + (stake * 5) / 2;
}

/** Whether Lucky Ladies' outcome waits for the dealer's hand: only the queen-of-hearts pair does. */
export function isQueenOfHeartsPair(a: u32, b: u32): bool {
  return a == QUEEN_OF_HEARTS && b == QUEEN_OF_HEARTS;
}

/** Lucky Ladies on the player's two cards totalling 20: Q♥ pair with a dealer blackjack 1000, Q♥
 * pair 125, matched 20 (same rank and suit) 19, suited 20 9, any 20 4. */
export function luckyLadiesReturn(a: u32, b: u32, dealerBlackjack: bool, stake: u64): u64 {
  const hard = pointsOf(a) + pointsOf(b);
  const isTwenty = hard == 20 || (hard == 10 && (rankOf(a) == 0 || rankOf(b) == 0)); // A-9 is 20
  if (!isTwenty) return 0;
  if (isQueenOfHeartsPair(a, b)) return win(stake, dealerBlackjack ? 1000 : 125);
  if (a == b) return win(stake, 19);
  return win(stake, suitOf(a) == suitOf(b) ? 9 : 4);
}

/** Bust It on the dealer's final hand: a bust with 3 cards 1, 4 cards 2, 5 cards 9, 6 or more 50. */
export function bustItReturn(dealerCards: i32, dealerBust: bool, stake: u64): u64 {
  if (!dealerBust) return 0;
  if (dealerCards <= 3) return win(stake, 1); // a bust takes at least three cards
  if (dealerCards == 4) return win(stake, 2);
  return win(stake, dealerCards == 5 ? 9 : 50);
}

/** The most a side bet can return (the house cover check). */
export function sideBetTopReturn(kind: u8, stake: u64): u64 {
  if (kind == BlackjackBet.TWENTY_ONE_PLUS_THREE) return win(stake, 100);
  if (kind == BlackjackBet.LUCKY_LADIES) return win(stake, 1000);
  if (kind == BlackjackBet.BUST_IT) return win(stake, 50);
  return win(stake, 25); // Perfect Pairs, Royal Match
}
