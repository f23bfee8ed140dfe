// Blackjack hand arithmetic (games.md §2): card points (ace 1 or 11, ten-value 10), totals, soft
// hands, blackjacks and the dealer's drawing rule. No state, no randomness.
import { rankOf } from "./shoe";

/**
 * A hand never holds more than 21 cards: every card counts at least 1, and a hand is dealt to only
 * while its hard total is at most 20 (it stands at 21 and busts past it). The dealer stops at 17.
 */
export const MAX_HAND_CARDS: i32 = 22;

/** Ace 1, two … nine their face, ten, jack, queen, king 10. */
@inline export function pointsOf(card: u32): u32 {
  const r = rankOf(card);
  return r >= 9 ? 10 : r + 1;
}

/** The cards of one hand (a player's or the dealer's), with its hard total kept as cards arrive. */
export class Cards {
  cards: StaticArray<u8> = new StaticArray<u8>(MAX_HAND_CARDS);
  count: i32 = 0;
  /** Total with every ace counted 1. */
  hard: u32 = 0;
  hasAce: bool = false;

  clear(): Cards {
    this.count = 0;
    this.hard = 0;
    this.hasAce = false;
    return this;
  }

  add(card: u32): void {
    unchecked((this.cards[this.count++] = <u8>card));
    this.hard += pointsOf(card);
    if (rankOf(card) == 0) this.hasAce = true;
  }

  @inline card(i: i32): u32 {
    return <u32>unchecked(this.cards[i]);
  }

  /** The best total: one ace counted 11 when that does not pass 21. */
  total(): u32 {
    return this.hasAce && this.hard <= 11 ? this.hard + 10 : this.hard;
  }

  /** Whether an ace is counted 11 in the total. */
  isSoft(): bool {
    return this.hasAce && this.hard <= 11;
  }

  isBust(): bool {
    return this.hard > 21;
  }

  /** Two cards totalling 21 (a player's split hand is never a blackjack: the caller checks). */
  isTwoCard21(): bool {
    return this.count == 2 && this.total() == 21;
  }
}

/** Whether the dealer draws: below 17, and on a soft 17 unless the table stands on soft 17. */
export function dealerDraws(dealer: Cards, standSoft17: bool): bool {
  const t = dealer.total();
  if (t < 17) return true;
  return t == 17 && dealer.isSoft() && !standSoft17;
}
