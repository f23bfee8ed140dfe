// How a blackjack hand settles against the dealer's final hand (games.md §2), and the session
// options. No hole card: a dealer blackjack is known only once the dealer's second card is drawn
// after the player acts, and it beats every player hand, doubles and splits included (their whole
// stakes lose); a player blackjack against it pushes. A late surrender returns half (floored),
// nothing against a dealer blackjack.
import { Cards } from "./blackjack-cards";
import { PlayerHand, HandFlag } from "./blackjack-table";

/** Session option bits; bits 4–7 hold the deck count (1, 2, 4, 6 or 8; 0 means the default 8). */
export namespace BlackjackOption {
  export const STAND_SOFT_17: u32 = 1;
  export const SIX_TO_FIVE: u32 = 2;
  export const LATE_SURRENDER: u32 = 4;
  export const DECKS_SHIFT: u32 = 4;
}

export const DEFAULT_DECKS: i32 = 8;

export function isValidBlackjackOptions(options: u32): bool {
  if (options > 0xff || (options & 8) != 0) return false;
  const d = options >> BlackjackOption.DECKS_SHIFT;
  return d == 0 || d == 1 || d == 2 || d == 4 || d == 6 || d == 8;
}

export function decksOf(options: u32): i32 {
  const d = <i32>(options >> BlackjackOption.DECKS_SHIFT);
  return d == 0 ? DEFAULT_DECKS : d;
}

/** What a winning blackjack returns: 3:2, or 6:5 with the option, floored. */
export function blackjackReturn(stake: u64, options: u32): u64 {
  return (options & BlackjackOption.SIX_TO_FIVE) != 0 ? stake + (stake * 6) / 5 : stake + (stake * 3) / 2;
}

/**
 * What one unit staked on a finished hand returns: the hand's stake, and again its double if it
 * doubled (each unit returns the same). A blackjack is never doubled and a surrender never is.
 */
export function handUnitReturn(hand: PlayerHand, dealer: Cards, unit: u64, options: u32): u64 {
  const dealerBlackjack = dealer.isTwoCard21();
  if (hand.is(HandFlag.SURRENDERED)) return dealerBlackjack ? 0 : unit / 2;
  if (hand.isBlackjack()) return dealerBlackjack ? unit : blackjackReturn(unit, options);
  if (dealerBlackjack || hand.isBust()) return 0;
  if (dealer.isBust()) return unit * 2;
  const p = hand.total();
  const d = dealer.total();
  return p > d ? unit * 2 : p == d ? unit : 0;
}
