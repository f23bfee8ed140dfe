// The play-or-fold rule the simulation plays for Three Card Poker (games.md, "Simulation command"):
// play Q-6-4 or better, fold otherwise. A pair, flush, straight (A-2-3 included), trips or
// straight flush always plays; a high-card hand plays when its ranks, highest first (ace high),
// are at least queen, six, four. Cards are 0–51: suit × 13 + rank, rank 0 = ace (docs/games.md).
import { highRank, suitOf } from "./jacks-strategy.js";

const THRESHOLD = [12, 6, 4];

/** Whether three cards make a pair, flush or straight (or better). */
function isAboveHighCard(cards: readonly number[]): boolean {
  const ranks = cards.map(highRank);
  if (new Set(ranks).size < 3) return true;
  if (cards.every((c) => suitOf(c) === suitOf(cards[0]!))) return true;
  const sorted = [...ranks].sort((a, b) => a - b);
  const isRun = sorted[2]! - sorted[0]! === 2;
  const isAceLow = sorted[0] === 2 && sorted[1] === 3 && sorted[2] === 14;
  return isRun || isAceLow;
}

/** Whether the strategy plays (true) or folds (false) the player's three cards. */
export function playsThreeCard(cards: readonly number[]): boolean {
  if (cards.length !== 3) throw new Error("three cards");
  if (isAboveHighCard(cards)) return true;
  const ranks = cards.map(highRank).sort((a, b) => b - a);
  for (let i = 0; i < 3; i++) if (ranks[i] !== THRESHOLD[i]) return ranks[i]! > THRESHOLD[i]!;
  return true; // exactly Q-6-4
}
