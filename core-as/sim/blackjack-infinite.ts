// The blackjack main bet's expected return under the spec's rules and basic strategy
// (blackjack-strategy.ts, called as the simulator calls it) for an INFINITE shoe: every card 1/13
// a rank, independent of the cards already dealt. The game deals from 8 decks, so this is a
// reference for `npm run sim -- --game blackjack --bet main`, not its exact value (removal effects
// move an 8-deck edge by a few hundredths of a percent). Rules (games.md): dealer hits soft 17; no
// hole card, the dealer's second card comes after the player acts and a dealer blackjack takes
// every bet on the table, doubles and splits included (a player blackjack pushes it); blackjack
// pays 3:2; double any two cards, after splits too; split identical ranks up to 4 hands, aces
// included, hit split aces; a split ace and a ten are 21, not blackjack; a hand reaching 21 stands.
//   npx tsx sim/blackjack-infinite.ts   → {"edgePct": …, "dealerBlackjackLossPct": …}
import { BlackjackAction, blackjackTotal } from "../src/games/index.js";
import { basicStrategy } from "./blackjack-strategy.js";

/** Card values 2 … 11 (ace) and their probabilities in an infinite shoe. */
const VALUES = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
const P = (v: number) => (v === 10 ? 4 / 13 : 1 / 13);
/** A card index with this value (suit 0; tens as the ten itself): what the game's helpers read. */
const cardOf = (v: number) => (v === 11 ? 0 : v - 1);

/** The dealer's final total (17 … 21, or 22 for a bust) from its up card, given no blackjack. */
export function dealerOutcomes(up: number): Map<number, number> {
  const out = new Map<number, number>();
  const draw = (cards: number[], p: number) => {
    const { total, soft } = blackjackTotal(cards.map(cardOf));
    if (total > 21) return void out.set(22, (out.get(22) ?? 0) + p);
    if (total > 17 || (total === 17 && !soft)) return void out.set(total, (out.get(total) ?? 0) + p);
    for (const v of VALUES) draw([...cards, v], p * P(v));
  };
  // The second card, conditioned on not completing a blackjack.
  const blackjackCard = up === 11 ? 10 : up === 10 ? 11 : 0;
  const rest = 1 - (blackjackCard ? P(blackjackCard) : 0);
  for (const v of VALUES) if (v !== blackjackCard) draw([up, v], P(v) / rest);
  return out;
}

interface Play {
  /** Expected net in units of the initial stake, given the dealer has no blackjack. */
  ev: number;
  /** Expected units staked (doubles and splits included): what a dealer blackjack takes. */
  staked: number;
}

export function mainBetReturn(): { edgePct: number; dealerBlackjackLossPct: number } {
  let total = 0;
  let lostToBlackjack = 0;
  for (const up of VALUES) {
    const dealer = dealerOutcomes(up);
    const standEv = (t: number) => {
      let ev = 0;
      for (const [d, p] of dealer) ev += p * (d === 22 || d < t ? 1 : d > t ? -1 : 0);
      return ev;
    };
    const upCard = cardOf(up);
    // One hand from its cards, `hands` hands on the table (only a pair's split depends on it).
    const play = (values: number[], hands: number): Play => {
      const { total: t } = blackjackTotal(values.map(cardOf));
      if (t > 21) return { ev: -1, staked: 1 };
      if (t === 21) return { ev: standEv(21), staked: 1 };
      const action = basicStrategy(values.map(cardOf), upCard, hands);
      if (action === BlackjackAction.stand) return { ev: standEv(t), staked: 1 };
      if (action === BlackjackAction.double) {
        let ev = 0;
        for (const v of VALUES) {
          const { total: d } = blackjackTotal([...values, v].map(cardOf));
          ev += P(v) * 2 * (d > 21 ? -1 : standEv(d));
        }
        return { ev, staked: 2 };
      }
      if (action === BlackjackAction.split) throw new Error("splits are played by splitHands");
      let ev = 0;
      let staked = 0;
      for (const v of VALUES) {
        const r = play([...values, v], hands);
        ev += P(v) * r.ev;
        staked += P(v) * r.staked;
      }
      return { ev, staked };
    };
    // `pending` one-card hands of `pair` still to play, `hands` on the table: each gets its second
    // card when its turn comes; a second `pair` card may split again while fewer than 4 hands exist.
    const memo = new Map<string, Play>();
    const splitHands = (pair: number, pending: number, hands: number): Play => {
      if (pending === 0) return { ev: 0, staked: 0 };
      const key = `${pair}:${pending}:${hands}`;
      const known = memo.get(key);
      if (known) return known;
      let ev = 0;
      let staked = 0;
      for (const v of VALUES) {
        const cards = [pair, v];
        let r: Play;
        if (v === pair && basicStrategy(cards.map(cardOf), upCard, hands) === BlackjackAction.split) {
          r = splitHands(pair, pending + 1, hands + 1);
        } else {
          const one = play(cards, hands);
          const others = splitHands(pair, pending - 1, hands);
          r = { ev: one.ev + others.ev, staked: one.staked + others.staked };
        }
        ev += P(v) * r.ev;
        staked += P(v) * r.staked;
      }
      const out = { ev, staked };
      memo.set(key, out);
      return out;
    };
    const blackjackCard = up === 11 ? 10 : up === 10 ? 11 : 0;
    const pBlackjack = blackjackCard ? P(blackjackCard) : 0;
    for (const a of VALUES) {
      for (const b of VALUES) {
        const p = P(up) * P(a) * P(b);
        const natural = (a === 11 && b === 10) || (a === 10 && b === 11);
        if (natural) {
          total += p * (1 - pBlackjack) * 1.5; // a dealer blackjack pushes it
          continue;
        }
        const cards = [a, b];
        const r = a === b && basicStrategy(cards.map(cardOf), upCard, 1) === BlackjackAction.split ? splitHands(a, 2, 2) : play(cards, 1);
        total += p * ((1 - pBlackjack) * r.ev - pBlackjack * r.staked);
        lostToBlackjack += p * pBlackjack * r.staked;
      }
    }
  }
  return { edgePct: -total * 100, dealerBlackjackLossPct: lostToBlackjack * 100 };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(mainBetReturn())}\n`);
