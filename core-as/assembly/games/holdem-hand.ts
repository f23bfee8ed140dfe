// Hold'em hands: the best five of five to seven cards as one score, for comparing hands (the
// player's against the dealer's in Ultimate Texas Hold'em). A score is category << 20 | five
// 4-bit tie-break values, most significant first, so comparing scores compares hands (equal
// scores tie). Values are 0 (two) … 12 (ace); a straight's tie-break is its top card (3 for the
// wheel A-2-3-4-5, where the ace plays low). Categories use poker-hand.ts's numbers, with a pair
// of any rank in place of "jacks or better" (1). The evaluation works on rank counts and per-suit
// rank masks, with no allocation and no enumeration of the 21 five-card subsets.
import { rankOf, suitOf } from "./shoe";
import { Hand } from "./poker-hand";

/** A pair of any rank (poker-hand.ts's slot 1, which Video Poker calls jacks or better). */
export const PAIR: u8 = Hand.JACKS_OR_BETTER;
export const HIGH_CARD: u8 = Hand.NOTHING;

const counts = new StaticArray<u32>(13);
const suitMasks = new StaticArray<u32>(4);
const ACE: u32 = 12;

/** 0 (two) … 12 (ace) of a card 0–51. */
@inline export function valueOf(card: u32): u32 {
  const r = rankOf(card);
  return r == 0 ? ACE : r - 1;
}

/** The top value of the highest straight within a 13-bit value mask, or −1 (the wheel's top is 3). */
function straightTop(mask: u32): i32 {
  // Shift in the ace as a low card below the two: bit 0 ace-low, bit 1 two, …, bit 13 ace-high.
  const m = (mask << 1) | ((mask >> ACE) & 1);
  const runs = m & (m >> 1) & (m >> 2) & (m >> 3) & (m >> 4); // bit i: bits i … i+4 all set
  if (runs == 0) return -1;
  return <i32>(31 - clz(runs)) + 4 - 1; // the run's top bit, back on the 0 (two) … 12 (ace) scale
}

/** The `n` highest values of `mask`, packed 4 bits each after `acc` (most significant first). */
function topValues(mask: u32, n: i32, acc: u32): u32 {
  let m = mask;
  for (let k = 0; k < n; k++) {
    const v = 31 - clz(m);
    acc = (acc << 4) | v;
    m &= ~(1 << v);
  }
  return acc;
}

@inline function score(category: u8, ties: u32, filled: i32): u32 {
  return (<u32>category << 20) | (ties << (4 * (5 - filled)));
}

/** The score of the best five of the first `n` (5–7) cards of `cards`. */
export function holdemScore(cards: StaticArray<u32>, n: i32): u32 {
  for (let v = 0; v < 13; v++) unchecked((counts[v] = 0));
  for (let s = 0; s < 4; s++) unchecked((suitMasks[s] = 0));
  let all: u32 = 0;
  for (let i = 0; i < n; i++) {
    const c = unchecked(cards[i]);
    const v = valueOf(c);
    unchecked((counts[v] = counts[v] + 1));
    const s = suitOf(c);
    unchecked((suitMasks[s] = suitMasks[s] | (1 << v)));
    all |= 1 << v;
  }
  // At most one suit can hold five of seven cards.
  let flushMask: u32 = 0;
  for (let s = 0; s < 4; s++) if (popcnt(unchecked(suitMasks[s])) >= 5) flushMask = unchecked(suitMasks[s]);
  if (flushMask != 0) {
    const top = straightTop(flushMask);
    if (top >= 0) return score(top == <i32>ACE ? Hand.ROYAL_FLUSH : Hand.STRAIGHT_FLUSH, <u32>top, 1);
  }
  // Ranks by multiplicity, highest value first.
  let quad: i32 = -1;
  let trip1: i32 = -1;
  let trip2: i32 = -1;
  let pair1: i32 = -1;
  let pair2: i32 = -1;
  for (let v = 12; v >= 0; v--) {
    const k = unchecked(counts[v]);
    if (k == 4) quad = v;
    else if (k == 3) {
      if (trip1 < 0) trip1 = v;
      else if (trip2 < 0) trip2 = v;
    } else if (k == 2) {
      if (pair1 < 0) pair1 = v;
      else if (pair2 < 0) pair2 = v;
    }
  }
  if (quad >= 0) return score(Hand.QUADS, topValues(all & ~(1 << quad), 1, <u32>quad), 2);
  if (trip1 >= 0 && (trip2 >= 0 || pair1 >= 0)) {
    // A second set of trips plays as the pair when it beats the best pair.
    const pair = trip2 > pair1 ? trip2 : pair1;
    return score(Hand.FULL_HOUSE, (<u32>trip1 << 4) | <u32>pair, 2);
  }
  if (flushMask != 0) return score(Hand.FLUSH, topValues(flushMask, 5, 0), 5);
  const top = straightTop(all);
  if (top >= 0) return score(Hand.STRAIGHT, <u32>top, 1);
  if (trip1 >= 0) return score(Hand.TRIPS, topValues(all & ~(1 << trip1), 2, <u32>trip1), 3);
  if (pair2 >= 0) {
    const two = (<u32>pair1 << 4) | <u32>pair2;
    return score(Hand.TWO_PAIR, topValues(all & ~(1 << pair1) & ~(1 << pair2), 1, two), 3);
  }
  if (pair1 >= 0) return score(PAIR, topValues(all & ~(1 << pair1), 3, <u32>pair1), 4);
  return score(HIGH_CARD, topValues(all, 5, 0), 5);
}

/** The category of a score (poker-hand.ts numbers; 1 is any pair). */
@inline export function categoryOfScore(s: u32): u8 {
  return <u8>(s >> 20);
}
