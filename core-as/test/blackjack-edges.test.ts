// The side bets' exact returns under 8 decks (games.md §2), by enumerating every card identity of
// the cards they are on, each weighted by its count of ordered draws from the shoe, and settling it
// with the wasm's own rules (Codec.games.blackjack). 21+3 is checked hand by hand against an
// independent classifier; the totals against closed forms; docs/games.md quotes these edges.
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { BlackjackAction as A, BlackjackBet as B, type BlackjackSideBets } from "../src/games/index.js";
import { returnsOf } from "./support/blackjack.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const DECKS = 8n;
const rank = (c: number) => c % 13;
const suit = (c: number) => Math.floor(c / 13);
/** Ordered draws of these card identities from a fresh 8-deck shoe: 8 · (8 − repeats) · … */
function weight(cards: number[]): bigint {
  let w = 1n;
  cards.forEach((c, i) => {
    w *= DECKS - BigInt(cards.slice(0, i).filter((x) => x === c).length);
  });
  return w;
}
/** The side bet's return (1 chip) on the deal p, up, q, the dealer then showing a 9 (no blackjack). */
function sideReturn(bet: keyof BlackjackSideBets, p: number, up: number, q: number): bigint {
  const moves = core.codec.games.blackjack({ stake: 1n, side: { [bet]: 1n }, cards: [p, up, q, 8, 8, 8], actions: [A.stand] });
  return returnsOf(moves)[`${B[bet]}:0`]!;
}
const pct = (num: bigint, den: bigint) => Number((num * 10_000_000n) / den) / 100_000;

describe("exact side bet returns, 8 decks", () => {
  it("Perfect Pairs: 7/415 same suit ×26, 8/415 same colour ×13, 16/415 mixed ×7: edge 17/415 = 4.10%", () => {
    let ret = 0n;
    for (let p = 0; p < 52; p++) for (let q = 0; q < 52; q++) ret += weight([p, q]) * sideReturn("perfectPairs", p, 0, q);
    const den = 416n * 415n;
    expect(ret * 415n).toBe(den * (26n * 7n + 13n * 8n + 7n * 16n));
    expect(pct(den - ret, den)).toBeCloseTo(4.0964, 3);
  });

  it("Royal Match: suited K-Q ×26, other suited ×3.5 (floored on small stakes): 6.46% at even stakes", () => {
    let ret = 0n;
    for (let p = 0; p < 52; p++)
      for (let q = 0; q < 52; q++) {
        const moves = core.codec.games.blackjack({ stake: 1n, side: { royalMatch: 2n }, cards: [p, 0, q, 8, 8, 8], actions: [A.stand] });
        ret += weight([p, q]) * returnsOf(moves)["3:0"]!;
      }
    const den = 416n * 415n * 2n;
    // Suited K-Q: a king or queen first (2/13), its partner of the same suit (8/415); other suited: 103/415 less that.
    const kq = 2n * 8n * 32n; // ordered (first ∈ 64 K/Q cards) × (8 partners) over 416 × 415
    const suited = 416n * 103n;
    expect(ret).toBe(2n * 26n * kq + 7n * (suited - kq));
    expect(pct(den - ret, den)).toBeCloseTo(6.4597, 3);
  });

  it("21+3: every ordered deal classified independently, edge 3.7039%", () => {
    const classify = (cs: number[]): bigint => {
      const rs = cs.map(rank).sort((a, b) => a - b);
      const flush = cs.every((c) => suit(c) === suit(cs[0]!));
      const trips = rs[0] === rs[2];
      const straight = (rs[1] === rs[0]! + 1 && rs[2] === rs[1]! + 1) || (rs[0] === 0 && rs[1] === 11 && rs[2] === 12);
      if (trips) return flush ? 101n : 31n;
      if (straight) return flush ? 41n : 11n;
      return flush ? 6n : 0n;
    };
    let ret = 0n;
    // The first card's suit is clubs, by symmetry (each deal stands for four): ×4.
    for (let p = 0; p < 13; p++)
      for (let up = 0; up < 52; up++)
        for (let q = 0; q < 52; q++) {
          const w = 4n * weight([p, up, q]);
          const r = sideReturn("twentyOnePlusThree", p, up, q);
          if (r !== classify([p, up, q])) throw new Error(`21+3 on ${p} ${up} ${q}: ${r}`);
          ret += w * r;
        }
    const den = 416n * 415n * 414n;
    expect(pct(den - ret, den)).toBeCloseTo(3.7039, 3);
  });

  it("Lucky Ladies: the Q♥ pair pays 1000 when the dealer's two cards (from the 414 left) are a blackjack: edge 24.05%", () => {
    let ret = 0n;
    for (let p = 0; p < 52; p++) for (let q = 0; q < 52; q++) ret += weight([p, q]) * sideReturn("luckyLadies", p, 0, q);
    // sideReturn's dealer has no blackjack: add (1001 − 126) for the Q♥ pair times P(dealer blackjack).
    const qh = 2 * 13 + 11;
    const pairWeight = weight([qh, qh]);
    const bjNum = 2n * 32n * 126n; // ace then ten-value, or ten-value then ace, of the 414 left (126 tens: two queens gone)
    const bjDen = 414n * 413n;
    const den = 416n * 415n * bjDen;
    const total = ret * bjDen + pairWeight * (1001n - 126n) * bjNum;
    expect(pct(den - total, den)).toBeCloseTo(24.046, 3);
  });

  it("Bust It, the dealer's cards from a full 8-deck shoe: every drawing sequence settled by the wasm, edge 3.370% (H17), 7.246% (S17)", () => {
    // The dealer's hand by recursion over its draws from the shoe's composition (ace = 1, ten-value
    // = 10; the player's cards left in the shoe: the published way to quote this bet). Each final
    // sequence is played through the wasm (player T-9 standing) and its Bust It return checked
    // against the recursion's own count of cards; the edge sums probability × that return.
    const PAYS = [1n, 2n, 9n, 50n]; // busting with 3, 4, 5, 6+ cards
    const edge = (standSoft17: boolean): { edge: number; sequences: number } => {
      const left = [0, 32, 32, 32, 32, 32, 32, 32, 32, 32, 128];
      let total = 0;
      let sequences = 0;
      const walk = (seq: number[], sum: number, soft: boolean, p: number, shoe: number) => {
        const best = soft && sum + 10 <= 21 ? sum + 10 : sum;
        const bust = sum > 21;
        if (bust || best > 17 || (best === 17 && (standSoft17 || !(soft && sum + 10 === 17)))) {
          sequences++;
          // Cards: a value v as the rank v − 1 (ace 0 … ten 9), suits cycled so no card repeats more than the shoe holds.
          const dealer = seq.map((v, i) => (i % 4) * 13 + (v - 1));
          const moves = core.codec.games.blackjack({
            stake: 1n,
            side: { bustIt: 10n },
            options: standSoft17 ? 1 : 0,
            cards: [35, dealer[0]!, 34, ...dealer.slice(1)],
            actions: [A.stand],
          });
          const want = bust ? 10n * (PAYS[Math.min(seq.length, 6) - 3]! + 1n) : 0n;
          expect(returnsOf(moves)[`${B.bustIt}:0`], seq.join(" ")).toBe(want);
          total += p * Number(want / 10n);
          return;
        }
        for (let v = 1; v <= 10; v++) {
          if (left[v] === 0) continue;
          const q = p * (left[v]! / shoe);
          left[v]!--;
          seq.push(v);
          walk(seq, sum + v, soft || v === 1, q, shoe - 1);
          seq.pop();
          left[v]!++;
        }
      };
      walk([], 0, false, 1, 416);
      return { edge: (1 - total) * 100, sequences };
    };
    const h17 = edge(false);
    expect(h17.edge).toBeCloseTo(3.37, 2);
    expect(edge(true).edge).toBeCloseTo(7.246, 2);
    expect(h17.sequences).toBeGreaterThan(1000);
  }, 120_000);
});
