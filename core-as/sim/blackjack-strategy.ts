// The basic strategy of games.md ("Simulation command") for the default rules, exactly as written
// there: "Double" means hit where doubling is not allowed (a hand of three or more cards), so a
// soft 18 of three cards against 2–6 hits. It never surrenders (the spec's strategy has no
// surrender line).
import { BlackjackAction, blackjackTotal } from "../src/games/index.js";

/** 2 … 10 for the card's points, 11 for an ace. */
function upValue(card: number): number {
  const r = card % 13;
  return r === 0 ? 11 : Math.min(r + 1, 10);
}

const between = (v: number, lo: number, hi: number) => v >= lo && v <= hi;

/** Whether the spec splits this pair (by the pair card's value, ace 11) against the up card. */
function splits(pair: number, up: number): boolean {
  switch (pair) {
    case 11:
      return true;
    case 2:
    case 3:
    case 7:
      return between(up, 2, 7);
    case 4:
      return between(up, 5, 6);
    case 6:
      return between(up, 2, 6);
    case 8:
      return between(up, 2, 9);
    case 9:
      return between(up, 2, 6) || between(up, 8, 9);
    default:
      return false; // 5,5 and tens
  }
}

export function basicStrategy(cards: readonly number[], upCard: number, handCount: number): number {
  const up = upValue(upCard);
  const canDouble = cards.length === 2;
  const double = canDouble ? BlackjackAction.double : BlackjackAction.hit;
  const { hit, stand } = BlackjackAction;
  if (canDouble && cards[0]! % 13 === cards[1]! % 13 && handCount < 4 && splits(upValue(cards[0]!), up)) return BlackjackAction.split;
  const { total, soft } = blackjackTotal(cards);
  if (soft) {
    if (total === 13) return up === 6 ? double : hit; // A2
    if (total === 14) return between(up, 5, 6) ? double : hit; // A3
    if (total === 15 || total === 16) return between(up, 4, 6) ? double : hit; // A4, A5
    if (total === 17) return between(up, 3, 6) ? double : hit; // A6
    if (total === 18) return between(up, 2, 6) ? double : between(up, 7, 8) ? stand : hit; // A7
    if (total === 19) return up === 6 ? double : stand; // A8
    if (total >= 20) return stand;
    return hit; // soft 12: A,A not split
  }
  if (total <= 8) return hit;
  if (total === 9) return between(up, 3, 6) ? double : hit;
  if (total === 10 || total === 11) return between(up, 2, 9) ? double : hit;
  if (total === 12) return between(up, 4, 6) ? stand : hit;
  if (total <= 16) return between(up, 2, 6) ? stand : hit;
  return stand;
}
