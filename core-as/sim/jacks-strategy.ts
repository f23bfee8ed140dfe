// The hold strategy the simulation plays for Video Poker (Jacks or Better): the well-known simple
// strategy for 9/6 — a short priority list instead of the exact expected-value choice, worth
// about 99.46% against the optimal 99.54% (Wizard of Odds, "Jacks or Better", simple strategy;
// the list below is that hierarchy, written from its published order). The first line that
// matches the dealt hand decides what is held:
//   1. royal flush, straight flush, four of a kind (hold all)
//   2. 4 to a royal flush
//   3. three of a kind, straight, flush, full house
//   4. 4 to a straight flush
//   5. two pair
//   6. high pair (jacks or better)
//   7. 3 to a royal flush
//   8. 4 to a flush
//   9. low pair
//  10. 4 to an outside straight (four in a row, 2-3-4-5 … 10-J-Q-K)
//  11. 2 suited high cards (the pair with the lowest top card if there are two)
//  12. 3 to a straight flush
//  13. 2 unsuited high cards (the lowest two if there are more)
//  14. a suited 10 with a jack, queen or king
//  15. one high card
//  16. nothing (draw five)
// The same list is played under the 8/5 table (a little below that table's optimal 97.30%).
// Cards are 0–51: suit × 13 + rank, rank 0 = ace … 12 = king (docs/games.md).

/** Rank 2…14, ace high. */
export const highRank = (card: number): number => (card % 13 === 0 ? 14 : (card % 13) + 1);
export const suitOf = (card: number): number => Math.floor(card / 13);

const HIGH = 11; // jacks or better
const ROYAL_LOW = 10;

/** Hold mask (bit i keeps card i) of a list of positions. */
const maskOf = (positions: readonly number[]): number => positions.reduce((m, i) => m | (1 << i), 0);

/** Whether distinct ranks fit in one five-rank straight window, the ace counting high or low. */
function fitsStraight(ranks: readonly number[]): boolean {
  if (new Set(ranks).size !== ranks.length) return false;
  const span = (rs: readonly number[]) => Math.max(...rs) - Math.min(...rs);
  return span(ranks) <= 4 || span(ranks.map((r) => (r === 14 ? 1 : r))) <= 4;
}

/** Every k-element subset of positions 0…4 (in increasing order). */
function subsets(k: number): number[][] {
  const out: number[][] = [];
  const walk = (from: number, chosen: number[]) => {
    if (chosen.length === k) return void out.push(chosen);
    for (let i = from; i < 5; i++) walk(i + 1, [...chosen, i]);
  };
  walk(0, []);
  return out;
}
const SUBSETS = [0, 1, 2, 3, 4, 5].map(subsets);

/** The made hand of five cards, in the strategy's terms. */
export type Made =
  | "royal"
  | "straightFlush"
  | "quads"
  | "fullHouse"
  | "flush"
  | "straight"
  | "trips"
  | "twoPair"
  | "highPair"
  | "lowPair"
  | "nothing";

export function madeHand(cards: readonly number[]): Made {
  const ranks = cards.map(highRank);
  const flush = cards.every((c) => suitOf(c) === suitOf(cards[0]!));
  const straight = fitsStraight(ranks);
  if (flush && straight) return Math.min(...ranks) === ROYAL_LOW ? "royal" : "straightFlush";
  const counts = [...countRanks(ranks).values()].sort((a, b) => b - a);
  if (counts[0] === 4) return "quads";
  if (counts[0] === 3 && counts[1] === 2) return "fullHouse";
  if (flush) return "flush";
  if (straight) return "straight";
  if (counts[0] === 3) return "trips";
  if (counts[0] === 2 && counts[1] === 2) return "twoPair";
  if (counts[0] === 2) return pairRank(ranks)! >= HIGH ? "highPair" : "lowPair";
  return "nothing";
}

function countRanks(ranks: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of ranks) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

/** The rank that appears exactly twice (the only one, when called). */
const pairRank = (ranks: readonly number[]): number | undefined => [...countRanks(ranks)].find(([, n]) => n === 2)?.[0];

/** Positions of the cards whose rank appears at least `n` times. */
const ofMultiples = (ranks: readonly number[], n: number): number[] => {
  const counts = countRanks(ranks);
  return ranks.flatMap((r, i) => (counts.get(r)! >= n ? [i] : []));
};

/** The first k-subset of positions satisfying `ok`, or undefined. */
const findSubset = (k: number, ok: (positions: number[]) => boolean): number[] | undefined => SUBSETS[k]!.find(ok);

/** The hold mask the simple strategy plays on five dealt cards. */
export function holdJacksOrBetter(cards: readonly number[]): number {
  if (cards.length !== 5) throw new Error("five cards");
  const ranks = cards.map(highRank);
  const suits = cards.map(suitOf);
  const suited = (ps: number[]) => ps.every((p) => suits[p] === suits[ps[0]!]);
  const royalCards = (ps: number[]) => suited(ps) && ps.every((p) => ranks[p]! >= ROYAL_LOW) && fitsStraight(ps.map((p) => ranks[p]!));
  const straightFlushDraw = (ps: number[]) => suited(ps) && fitsStraight(ps.map((p) => ranks[p]!));
  const high = [0, 1, 2, 3, 4].filter((p) => ranks[p]! >= HIGH);
  const all = 31;
  const made = madeHand(cards);

  if (made === "royal" || made === "straightFlush" || made === "quads") return all;
  const royal4 = findSubset(4, royalCards);
  if (royal4) return maskOf(royal4);
  if (made === "fullHouse" || made === "flush" || made === "straight") return all;
  if (made === "trips") return maskOf(ofMultiples(ranks, 3));
  const straightFlush4 = findSubset(4, straightFlushDraw);
  if (straightFlush4) return maskOf(straightFlush4);
  if (made === "twoPair" || made === "highPair") return maskOf(ofMultiples(ranks, 2));
  const royal3 = findSubset(3, royalCards);
  if (royal3) return maskOf(royal3);
  const flush4 = findSubset(4, suited);
  if (flush4) return maskOf(flush4);
  if (made === "lowPair") return maskOf(ofMultiples(ranks, 2));
  const outside4 = findSubset(4, (ps) => {
    const rs = ps.map((p) => ranks[p]!);
    return new Set(rs).size === 4 && Math.max(...rs) - Math.min(...rs) === 3 && Math.max(...rs) <= 13;
  });
  if (outside4) return maskOf(outside4);
  const suitedHigh = SUBSETS[2]!
    .filter((ps) => suited(ps) && ps.every((p) => ranks[p]! >= HIGH))
    .sort((a, b) => Math.max(...a.map((p) => ranks[p]!)) - Math.max(...b.map((p) => ranks[p]!)))[0];
  if (suitedHigh) return maskOf(suitedHigh);
  const straightFlush3 = findSubset(3, straightFlushDraw);
  if (straightFlush3) return maskOf(straightFlush3);
  if (high.length >= 2) return maskOf([...high].sort((a, b) => ranks[a]! - ranks[b]!).slice(0, 2));
  const suitedTen = findSubset(
    2,
    (ps) => suited(ps) && ps.some((p) => ranks[p] === 10) && ps.some((p) => ranks[p]! >= HIGH && ranks[p]! <= 13),
  );
  if (suitedTen) return maskOf(suitedTen);
  if (high.length === 1) return maskOf(high);
  return 0;
}
