// Three-card poker hands (games.md §6): straight flush > trips > straight > flush > pair > high
// card; A-2-3 is the lowest straight, Q-K-A the highest. A score orders hands: category << 16 |
// tie-break (card values, ace 14, most significant first).
import { rankOf, suitOf } from "./shoe";

export namespace Three {
  export const HIGH_CARD: u32 = 0;
  export const PAIR: u32 = 1;
  export const FLUSH: u32 = 2;
  export const STRAIGHT: u32 = 3;
  export const TRIPS: u32 = 4;
  export const STRAIGHT_FLUSH: u32 = 5;
}

@inline function valueOf(card: u32): u32 {
  const r = rankOf(card);
  return r == 0 ? 14 : r + 1;
}

/** The score of three cards: compare scores to compare hands. */
export function threeCardScore(a: u32, b: u32, c: u32): u32 {
  let x = valueOf(a);
  let y = valueOf(b);
  let z = valueOf(c);
  // Sort descending: x ≥ y ≥ z.
  if (x < y) { const t = x; x = y; y = t; }
  if (y < z) { const t = y; y = z; z = t; }
  if (x < y) { const t = x; x = y; y = t; }
  const flush = suitOf(a) == suitOf(b) && suitOf(b) == suitOf(c);
  const wheel = x == 14 && y == 3 && z == 2; // A-2-3: the ace plays low
  const straight = (x == y + 1 && y == z + 1) || wheel;
  const top = wheel ? 3 : x;
  if (straight && flush) return (Three.STRAIGHT_FLUSH << 16) | top;
  if (x == z) return (Three.TRIPS << 16) | x;
  if (straight) return (Three.STRAIGHT << 16) | top;
  if (flush) return (Three.FLUSH << 16) | (x << 8) | (y << 4) | z;
  if (x == y) return (Three.PAIR << 16) | (x << 4) | z;
  if (y == z) return (Three.PAIR << 16) | (y << 4) | x;
  return (x << 8) | (y << 4) | z;
}

@inline export function categoryOfScore(score: u32): u32 {
  return score >> 16;
}

/** Whether the dealer qualifies: queen-high or better. */
export function dealerQualifies(score: u32): bool {
  return categoryOfScore(score) > Three.HIGH_CARD || (score >> 8) >= 12;
}
