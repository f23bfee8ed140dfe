// Five-card poker hands: the category of a hand, for Video Poker (and later the poker games'
// bonus pay tables). Cards are 0–51 (suit × 13 + rank, rank 0 ace … 12 king).
import { rankOf, suitOf } from "./shoe";

export namespace Hand {
  export const NOTHING: u8 = 0;
  export const JACKS_OR_BETTER: u8 = 1;
  export const TWO_PAIR: u8 = 2;
  export const TRIPS: u8 = 3;
  export const STRAIGHT: u8 = 4;
  export const FLUSH: u8 = 5;
  export const FULL_HOUSE: u8 = 6;
  export const QUADS: u8 = 7;
  export const STRAIGHT_FLUSH: u8 = 8;
  export const ROYAL_FLUSH: u8 = 9;
}

const counts = new StaticArray<u8>(13);

/** The category of the five cards at `cards` (a pair below jacks counts as nothing). */
export function categoryOf(cards: StaticArray<u32>): u8 {
  for (let r = 0; r < 13; r++) unchecked((counts[r] = 0));
  let suits: u32 = 0;
  let rankBits: u32 = 0;
  for (let i = 0; i < 5; i++) {
    const c = unchecked(cards[i]);
    const r = rankOf(c);
    unchecked((counts[r] = counts[r] + 1));
    suits |= 1 << suitOf(c);
    rankBits |= 1 << r;
  }
  const flush = popcnt(suits) == 1;
  let straight = false;
  let royal = false;
  if (popcnt(rankBits) == 5) {
    // Ranks as bits, ace low (bit 0); ace high is the set 10-J-Q-K-A.
    const low = ctz(rankBits);
    straight = rankBits >> low == 0x1f;
    royal = rankBits == ((1 << 0) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12));
    straight = straight || royal;
  }
  if (straight && flush) return royal ? Hand.ROYAL_FLUSH : Hand.STRAIGHT_FLUSH;
  let pairs = 0;
  let trips = false;
  let highPair = false;
  for (let r = 0; r < 13; r++) {
    const n = unchecked(counts[r]);
    if (n == 4) return Hand.QUADS;
    if (n == 3) trips = true;
    if (n == 2) {
      pairs++;
      if (r == 0 || r >= 10) highPair = true; // aces, jacks, queens, kings
    }
  }
  if (trips && pairs == 1) return Hand.FULL_HOUSE;
  if (flush) return Hand.FLUSH;
  if (straight) return Hand.STRAIGHT;
  if (trips) return Hand.TRIPS;
  if (pairs == 2) return Hand.TWO_PAIR;
  return highPair ? Hand.JACKS_OR_BETTER : Hand.NOTHING;
}
