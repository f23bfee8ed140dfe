// Blackjack test helpers: cards written as "Qh 9s Ad", and a replay's final returns by bet.
import type { BlackjackMoveResult } from "../../src/games/index.js";

const RANKS = "A23456789TJQK";
const SUITS = "cdhs";

/** "Qh 9s" → card numbers (suit × 13 + rank; suits clubs, diamonds, hearts, spades). */
export function cards(s: string): number[] {
  return s
    .trim()
    .split(/\s+/)
    .map((t) => {
      const r = RANKS.indexOf(t[0]!);
      const u = SUITS.indexOf(t[1]!);
      if (r < 0 || u < 0 || t.length !== 2) throw new Error(`bad card ${t}`);
      return u * 13 + r;
    });
}

/** Returns of every bet settled over a replay, keyed "kind:target" (a key seen twice is an error). */
export function returnsOf(moves: BlackjackMoveResult[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const m of moves)
    for (const b of m.bets) {
      if (b.status === 1) continue;
      const k = `${b.kind}:${b.target}`;
      if (k in out) throw new Error(`bet ${k} settled twice`);
      out[k] = b.return;
    }
  return out;
}
