// The infinite-shoe reference for the blackjack main bet (sim/blackjack-infinite.ts) against an
// independent Monte Carlo of the same rules and strategy: a different computation (random cards,
// hands played out one by one, splits and resplits as the table does them) must land within
// four standard errors of the recursion, and the dealer's outcome distribution within five.
import { describe, expect, it } from "vitest";
import { dealerOutcomes, mainBetReturn } from "../sim/blackjack-infinite.js";
import { basicStrategy } from "../sim/blackjack-strategy.js";
import { BlackjackAction, blackjackTotal } from "../src/games/index.js";

/** A small seeded generator (xorshift32): the test is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
/** A card index: rank uniform over 13, suit 0 (only ranks matter to the rules and the strategy). */
const drawer = (r: () => number) => () => Math.floor(r() * 13);
const value = (card: number) => (card % 13 === 0 ? 11 : Math.min((card % 13) + 1, 10));

/** The dealer's final total (22: bust) from its first two cards, hitting soft 17. */
function dealerFinal(cards: number[], draw: () => number): number {
  for (;;) {
    const { total, soft } = blackjackTotal(cards);
    if (total > 21) return 22;
    if (total > 17 || (total === 17 && !soft)) return total;
    cards.push(draw());
  }
}

describe("blackjack main bet, infinite shoe", () => {
  it("the dealer's outcomes match a Monte Carlo of H17 draws (no blackjack), each within 5 standard errors", () => {
    const draw = drawer(rng(7));
    for (const upValue of [2, 6, 7, 10, 11]) {
      const exact = dealerOutcomes(upValue);
      expect([...exact.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const up = upValue === 11 ? 0 : upValue - 1;
      const counts = new Map<number, number>();
      let n = 0;
      while (n < 100_000) {
        const second = draw();
        if (value(up) + value(second) === 21) continue; // conditioned on no dealer blackjack
        const final = dealerFinal([up, second], draw);
        counts.set(final, (counts.get(final) ?? 0) + 1);
        n++;
      }
      for (const [total, p] of exact) {
        const se = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs((counts.get(total) ?? 0) / n - p), `up ${upValue}, total ${total}`).toBeLessThan(5 * se + 1e-9);
      }
    }
  });

  it("the recursion's edge matches a Monte Carlo of whole rounds within 4 standard errors", () => {
    const draw = drawer(rng(11));
    const HANDS = 1_000_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < HANDS; i++) {
      const up = draw();
      const first = [draw(), draw()];
      let net: number;
      const dealerBlackjack = () => value(up) + value(draw()) === 21; // the second card, drawn after play
      if (blackjackTotal(first).total === 21) {
        net = dealerBlackjack() ? 0 : 1.5;
      } else {
        // Play every hand in table order; a split adds a one-card hand after the current one.
        const hands: { cards: number[]; stake: number }[] = [{ cards: first, stake: 1 }];
        for (let h = 0; h < hands.length; h++) {
          const hand = hands[h]!;
          if (hand.cards.length === 1) hand.cards.push(draw());
          for (;;) {
            const { total } = blackjackTotal(hand.cards);
            if (total >= 21) break;
            const a = basicStrategy(hand.cards, up, hands.length);
            if (a === BlackjackAction.stand) break;
            if (a === BlackjackAction.split) {
              const moved = hand.cards.pop()!;
              hands.splice(h + 1, 0, { cards: [moved], stake: 1 });
              hand.cards.push(draw());
              continue;
            }
            if (a === BlackjackAction.double) {
              hand.stake = 2;
              hand.cards.push(draw());
              break;
            }
            hand.cards.push(draw());
          }
        }
        const staked = hands.reduce((s, x) => s + x.stake, 0);
        // The dealer's second card comes now; a blackjack takes everything staked.
        const second = draw();
        if (value(up) + value(second) === 21) net = -staked;
        else {
          const dealer = dealerFinal([up, second], draw);
          net = 0;
          for (const x of hands) {
            const t = blackjackTotal(x.cards).total;
            net += x.stake * (t > 21 ? -1 : dealer === 22 || dealer < t ? 1 : dealer > t ? -1 : 0);
          }
        }
      }
      sum += net;
      sumSq += net * net;
    }
    const mean = sum / HANDS;
    const se = Math.sqrt((sumSq / HANDS - mean * mean) / HANDS);
    const { edgePct } = mainBetReturn();
    expect(Math.abs(-mean * 100 - edgePct)).toBeLessThan(4 * se * 100);
    expect(edgePct).toBeGreaterThan(0); // the house's, under these rules
  });
});
