// Blackjack (games.md §2): known answers for every bet, side bet and rule on given cards, through
// the wasm's own game code (Codec.games.blackjack replays a hand from its cards in draw order and
// the player's actions). Through real blocks: test/blackjack-chain.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { BlackjackAction as A, BlackjackBet as B, type BlackjackReplay, type BlackjackRules } from "../src/games/index.js";
import { cards, returnsOf } from "./support/blackjack.js";
import { codeOf } from "./support/errors.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const replay = (r: Omit<BlackjackReplay, "cards"> & { cards: string | number[] }) =>
  core.codec.games.blackjack({ ...r, cards: typeof r.cards === "string" ? cards(r.cards) : r.cards });
/** The returns of a hand played to the end, keyed "kind:target". */
const settle = (
  deal: string,
  actions: number[],
  opts: { stake?: bigint; options?: BlackjackRules | number; side?: BlackjackReplay["side"] } = {},
) => {
  const moves = replay({ stake: opts.stake ?? 10n, cards: deal, actions, options: opts.options, side: opts.side });
  for (const m of moves) expect(m.code).toBe(0);
  expect(moves.at(-1)!.finished).toBe(true);
  return returnsOf(moves);
};
const hand = (deal: string, actions: number[], opts: Parameters<typeof settle>[2] = {}) => settle(deal, actions, opts)["0:0"];
/** The code a replay stops with (0 when every move was accepted). */
const refusal = (deal: string, actions: number[], options: BlackjackRules | number = {}) =>
  replay({ stake: 10n, cards: deal, actions, options }).at(-1)!.code;

describe("the hand", () => {
  // Draw order: player, dealer up card, player, then each move's cards; the dealer's second card
  // comes after the player's last decision.
  it("wins 1:1 on a higher total, pushes on equal, loses on lower", () => {
    expect(hand("Kh 9s Qd 9c", [A.stand])).toBe(20n); // 20 v 19
    expect(hand("Kh Ts Qd Kc", [A.stand])).toBe(10n); // 20 v 20
    expect(hand("Kh Ts 8d Kc", [A.stand])).toBe(0n); // 18 v 20
  });

  it("a bust loses even when the dealer busts too; a dealer bust pays every standing hand", () => {
    const moves = replay({ stake: 10n, cards: cards("Kh 6s 6d 9c 5c 8d"), actions: [A.hit] });
    expect(returnsOf(moves)).toEqual({ "0:0": 0n }); // player 25
    expect(moves.at(-1)!.draws).toBe(2); // no hand left standing, no Bust It: the dealer's second card only
    expect(moves.at(-1)!.info.slice(0, 2)).toEqual([11, 2]);
    expect(hand("Kh 6s 2d Tc 9d", [A.stand])).toBe(20n); // 12 stands, dealer 16 + 9 busts
  });

  it("pays a blackjack 3:2 floored at the deal (6:5 with the option), the dealer's second card drawn at once", () => {
    const moves = replay({ stake: 5n, cards: cards("Ah 9s Kd 7c") });
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ code: 0, draws: 4, finished: true });
    expect(moves[0]!.bets).toEqual([{ kind: B.hand, target: 0, stake: 5n, return: 12n, status: 0 }]); // 5 + 7.5 floored
    expect(settle("Ah 9s Kd 7c", [], { stake: 10n })["0:0"]).toBe(25n);
    expect(settle("Ah 9s Kd 7c", [], { stake: 5n, options: { sixToFive: true } })["0:0"]).toBe(11n); // 5 + 6
    expect(settle("Ah 9s Kd 7c", [], { stake: 10n, options: { sixToFive: true } })["0:0"]).toBe(22n);
    expect(settle("Ah 9s Kd 7c", [], { stake: 4n, options: { sixToFive: true } })["0:0"]).toBe(8n); // 4 + 4.8 floored
  });

  it("a player blackjack pushes against a dealer blackjack", () => {
    expect(hand("Ah As Kd Kc", [])).toBe(10n);
  });

  it("a dealer blackjack (no hole card) beats a double: both stakes lose", () => {
    const r = settle("6h As 5d Tc Kc", [A.double]); // 11 doubles to 21; dealer A + K
    expect(r).toEqual({ "0:0": 0n, "6:0": 0n });
    expect(settle("6h 9s 5d Tc 9c", [A.double])).toEqual({ "0:0": 20n, "6:0": 20n }); // 21 v 18
    expect(settle("6h 9s 5d 2c 9c", [A.double])).toEqual({ "0:0": 0n, "6:0": 0n }); // 13 v 18
  });

  it("a dealer blackjack beats every split hand", () => {
    // 8 8 v A: split; hand 0 gets 3 (11), doubles to 21; hand 1 gets K (18) stands; dealer A K.
    const r = settle("8h As 8d 3c Tc Kc Ks", [A.split, A.double, A.stand]);
    expect(r).toEqual({ "0:0": 0n, "6:0": 0n, "0:1": 0n });
  });

  it("a split ace and a ten make 21, not a blackjack: paid 1:1, and beaten by a dealer blackjack", () => {
    // A A v 9: split; hand 0 A K = 21 stands at once, hand 1 gets its second card (Q) in the same
    // move, also 21; the dealer draws T (19). Both win 1:1, the whole hand settles at the split.
    const moves = replay({ stake: 10n, cards: cards("Ah 9s Ad Kc Qc Td"), actions: [A.split] });
    expect(moves.at(-1)).toMatchObject({ code: 0, finished: true, draws: 3 });
    expect(moves.at(-1)!.bets).toEqual([
      { kind: B.hand, target: 0, stake: 10n, return: 20n, status: 2 },
      { kind: B.hand, target: 1, stake: 10n, return: 20n, status: 0 }, // staked and settled at this move
    ]);
    expect(settle("Ah As Ad Kc Qc Td", [A.split])).toEqual({ "0:0": 0n, "0:1": 0n });
  });

  it("split aces may be hit and resplit", () => {
    // A A v 6: split; hand 0 gets A (resplit); hand 0 gets 5 (soft 16), hits 4 (soft 20), stands;
    // hand 1 gets 9 (soft 20), stands; hand 2 gets K (21, stands); the dealer 6 T K busts.
    const r = settle("Ah 6s Ad Ac 5c 4d 9d Kd Ts Ks", [A.split, A.split, A.hit, A.stand, A.stand]);
    expect(r).toEqual({ "0:0": 20n, "0:1": 20n, "0:2": 20n });
  });

  it("resplits to four hands and refuses a fifth", () => {
    const deal = "8h 7s 8d 8c 8s 8h";
    const actions = [A.split, A.split, A.split, A.split];
    const moves = replay({ stake: 10n, cards: cards(`${deal} 2c`), actions });
    expect(moves.map((m) => m.code)).toEqual([0, 0, 0, 0, 404]);
    expect(moves[3]!.info.slice(2)).toEqual([0, 16, 2, 8, 1, 8, 1, 8, 1]); // active 0; four hands
  });

  it("the hand that reaches 21 stands by itself", () => {
    const moves = replay({ stake: 10n, cards: cards("5h 9s 6d Tc 8d"), actions: [A.hit, A.stand] });
    expect(moves.map((m) => m.code)).toEqual([0, 0, 403]); // 21 ended the hand; a further move is refused
    expect(returnsOf(moves)).toEqual({ "0:0": 20n });
  });

  it("the dealer hits soft 17 by default and stands on it with the S17 option", () => {
    // Player stands on 18; dealer A 6 (soft 17): H17 draws 4 → 21 (player loses); S17 stands (player wins).
    expect(settle("Th As 8d 6c 4c", [A.stand])).toEqual({ "0:0": 0n });
    expect(settle("Th As 8d 6c 4c", [A.stand], { options: { standSoft17: true } })).toEqual({ "0:0": 20n });
    // A hard 17 stands under both rules.
    expect(settle("Th Ts 8d 7c", [A.stand])).toEqual({ "0:0": 20n });
  });

  it("doubles on any two cards, after a split too: one card and the hand ends", () => {
    expect(settle("Th 9s 2d 9c 9d", [A.double])).toEqual({ "0:0": 20n, "6:0": 20n }); // 12 + 9 = 21 v 18
    // 5 5 v 6: split; hand 0 gets 6 (11), doubles: T (21); hand 1 gets 6 (11), doubles: 2 (13); dealer 6 T 7 = 23.
    const r = settle("5h 6s 5d 6c Tc 6d 2d Ts 7s", [A.split, A.double, A.double]);
    expect(r).toEqual({ "0:0": 20n, "6:0": 20n, "0:1": 20n, "6:1": 20n });
    // Doubling a soft hand: A 7 v 5 doubles, gets 2 (soft 20) v dealer 5 T 4 = 19.
    expect(settle("Ah 5s 7d 2c Tc 4c", [A.double])).toEqual({ "0:0": 20n, "6:0": 20n });
  });
});

describe("late surrender", () => {
  const LS = { lateSurrender: true };
  it("returns half the stake, floored, as the first decision", () => {
    const moves = replay({ stake: 5n, cards: cards("Th 9s 6d 8c"), actions: [A.surrender], options: LS });
    expect(returnsOf(moves)).toEqual({ "0:0": 2n });
    expect(moves.at(-1)!.draws).toBe(1); // the dealer's second card decides a dealer blackjack
  });

  it("returns nothing against a dealer blackjack", () => {
    expect(settle("Th As 6d Kc", [A.surrender], { options: LS })).toEqual({ "0:0": 0n });
  });

  it("is refused without the option, after a hit, and after a split", () => {
    expect(refusal("Th 9s 6d 8c", [A.surrender])).toBe(404);
    expect(refusal("Th 9s 2d 3c", [A.hit, A.surrender], LS)).toBe(404);
    expect(refusal("8h 9s 8d 3c", [A.split, A.surrender], LS)).toBe(404);
  });
});

describe("refused decisions", () => {
  it("double after a hit, split of unequal ranks (K-Q), unknown actions", () => {
    expect(refusal("2h 9s 3d 4c", [A.hit, A.double])).toBe(404);
    expect(refusal("Kh 9s Qd", [A.split])).toBe(404);
    expect(refusal("Kh 9s Kd Kc", [A.split])).toBe(0); // K-K splits
    expect(refusal("Kh 9s 2d", [5])).toBe(405);
    expect(refusal("Kh 9s 2d", [255])).toBe(405);
  });

  it("a move on a finished hand is SESSION_FINISHED", () => {
    expect(refusal("Kh 9s 8d 9c", [A.stand, A.hit])).toBe(403);
    expect(refusal("Ah 9s Kd 9c", [A.stand])).toBe(403); // a blackjack finished at the deal
  });

  it("options: S17, 6:5, surrender and the deck count 1/2/4/6/8 (bits 4–7); anything else is INVALID_OPTIONS", () => {
    for (const o of [0, 1, 2, 4, 7, 0x10, 0x20, 0x40, 0x60, 0x80, 0x17]) expect(refusal("Kh 9s 8d 9c", [A.stand], o)).toBe(0);
    for (const o of [8, 0x30, 0x50, 0x70, 0x90, 0xf0, 0x100]) expect(refusal("Kh 9s 8d 9c", [A.stand], o)).toBe(410);
  });

  it("a replay's cards must fit the shoe: two copies of a card are refused with one deck", () => {
    expect(refusal("Kh 9s Kh 9c", [A.stand], { decks: 2 })).toBe(0);
    expect(codeOf(() => refusal("Kh 9s Kh 9c", [A.stand], { decks: 1 }))).toBe(108);
    expect(codeOf(() => refusal("Kh 9s 8d", [A.stand]))).toBe(108); // too few cards
  });
});

describe("side bets", () => {
  /** The return of one side bet of 10 on a hand that stands at once. */
  const side = (deal: string, bet: keyof NonNullable<BlackjackReplay["side"]>, options: BlackjackRules = {}) => {
    const moves = replay({ stake: 1n, cards: `${deal} 9c 9d 9h`, side: { [bet]: 10n }, options, actions: [A.stand] });
    return returnsOf(moves)[`${B[bet]}:0`];
  };

  it("21+3 on the player's two cards and the up card: suited trips 100, straight flush 40, trips 30, straight 10, flush 5", () => {
    expect(side("7h 7h 7h", "twentyOnePlusThree")).toBe(1010n);
    expect(side("7h 8h 9h", "twentyOnePlusThree")).toBe(410n);
    expect(side("Ah 2h 3h", "twentyOnePlusThree")).toBe(410n); // A-2-3
    expect(side("7h 7s 7d", "twentyOnePlusThree")).toBe(310n);
    expect(side("Qh Ks Ad", "twentyOnePlusThree")).toBe(110n); // Q-K-A
    expect(side("2h As 3d", "twentyOnePlusThree")).toBe(110n); // order does not matter
    expect(side("Kh As 2d", "twentyOnePlusThree")).toBe(0n); // K-A-2 does not wrap
    expect(side("2h 9h Kh", "twentyOnePlusThree")).toBe(60n);
    expect(side("2h 9h Kd", "twentyOnePlusThree")).toBe(0n);
  });

  it("21+3 settles at the deal", () => {
    const moves = replay({ stake: 1n, cards: cards("7h 8h 9h"), side: { twentyOnePlusThree: 3n } });
    expect(moves[0]!.bets[0]).toEqual({ kind: B.twentyOnePlusThree, target: 0, stake: 3n, return: 123n, status: 0 });
    expect(moves[0]!.bets[1]).toMatchObject({ kind: B.hand, status: 1 });
  });

  it("Perfect Pairs: same suit 25, same colour 12, mixed 6", () => {
    expect(side("8h 2c 8h", "perfectPairs")).toBe(260n);
    expect(side("8h 2c 8d", "perfectPairs")).toBe(130n); // hearts and diamonds: both red
    expect(side("8c 2c 8s", "perfectPairs")).toBe(130n); // clubs and spades: both black
    expect(side("8h 2c 8s", "perfectPairs")).toBe(70n);
    expect(side("Kh 2c Qh", "perfectPairs")).toBe(0n);
  });

  it("Royal Match: suited K-Q 25, other suited 5:2 floored", () => {
    expect(side("Kh 2c Qh", "royalMatch")).toBe(260n);
    expect(side("Qs 2c Ks", "royalMatch")).toBe(260n);
    expect(side("Kh 2c 3h", "royalMatch")).toBe(35n); // 10 + 25
    expect(side("Kh 2c Qd", "royalMatch")).toBe(0n);
    const odd = replay({ stake: 1n, cards: cards("Kh 2c 3h 9c 9d"), side: { royalMatch: 3n }, actions: [A.stand] });
    expect(returnsOf(odd)["3:0"]).toBe(10n); // 3 + 7.5 floored
  });

  it("Lucky Ladies on a player's 20: matched 19, suited 9, any 4 (A-9 too); settled at the deal", () => {
    expect(side("Ks 2c Ks", "luckyLadies")).toBe(200n);
    expect(side("Ks 2c Qs", "luckyLadies")).toBe(100n);
    expect(side("Ks 2c Qd", "luckyLadies")).toBe(50n);
    expect(side("As 2c 9d", "luckyLadies")).toBe(50n);
    expect(side("Qh 2c Qd", "luckyLadies")).toBe(50n); // one queen of hearts is no Q♥ pair
    expect(side("Ks 2c 9d", "luckyLadies")).toBe(0n);
    const moves = replay({ stake: 1n, cards: cards("Ks 2c Qs"), side: { luckyLadies: 10n } });
    expect(moves[0]!.bets[0]).toEqual({ kind: B.luckyLadies, target: 0, stake: 10n, return: 100n, status: 0 });
  });

  it("Lucky Ladies on a Q♥ pair: 125, or 1000 with a dealer blackjack, settled once the dealer's second card shows", () => {
    const deal = replay({ stake: 1n, cards: cards("Qh As Qh Kc"), side: { luckyLadies: 10n }, actions: [A.stand] });
    expect(deal[0]!.bets).toEqual([
      { kind: B.hand, target: 0, stake: 1n, return: 0n, status: 1 },
      { kind: B.luckyLadies, target: 0, stake: 10n, return: 0n, status: 1 },
    ]);
    expect(deal[1]!.bets).toEqual([
      { kind: B.hand, target: 0, stake: 1n, return: 0n, status: 2 }, // the dealer's blackjack
      { kind: B.luckyLadies, target: 0, stake: 10n, return: 10_010n, status: 2 },
    ]);
    expect(side("Qh 9s Qh", "luckyLadies")).toBe(1260n); // dealer 9 9: no blackjack
    // Split the Q♥ pair: the bet still waits for, and pays on, the dealer's blackjack.
    const split = replay({ stake: 1n, cards: cards("Qh Ts Qh 9c 8c Ac"), side: { luckyLadies: 1n }, actions: [A.split, A.stand, A.stand] });
    expect(returnsOf(split)).toEqual({ "0:0": 0n, "0:1": 0n, "4:0": 1001n });
  });

  it("Bust It: the dealer busting with 3 cards pays 1, 4 cards 2, 5 cards 9, 6 or more 50", () => {
    const bust = (dealer: string) => {
      const d = cards(dealer);
      const moves = core.codec.games.blackjack({
        stake: 1n,
        cards: [...cards("Th"), d[0]!, ...cards("9h"), ...d.slice(1)],
        side: { bustIt: 10n },
        actions: [A.stand],
      });
      return returnsOf(moves)["5:0"];
    };
    expect(bust("6s Ts 9s")).toBe(20n);
    expect(bust("2s 3s Ts 9s")).toBe(30n);
    expect(bust("2s 3s 2d 5s Ts")).toBe(100n);
    expect(bust("2s 2d 2c 2h 4s Ks")).toBe(510n);
    expect(bust("As 6s 5s Ks")).toBe(30n); // hits soft 17 (H17): A 6 5 K = 22
    expect(bust("Ts 7s")).toBe(0n); // 17 stands
    expect(bust("As Ks")).toBe(0n); // a dealer blackjack
  });

  it("with Bust It staked the dealer plays out even when every hand busted", () => {
    const moves = replay({ stake: 1n, cards: cards("Th 6s 6d Kc Ts 8s"), side: { bustIt: 2n }, actions: [A.hit] });
    expect(moves.at(-1)!.draws).toBe(3); // the player's K, then the dealer's T and 8
    expect(returnsOf(moves)).toEqual({ "0:0": 0n, "5:0": 4n });
  });
});

describe("info", () => {
  it("dealer total, dealer cards, active hand, then total and cards of each hand", () => {
    const moves = replay({ stake: 1n, cards: cards("8h As 8d 3c Tc 9s"), actions: [A.split, A.stand, A.stand] });
    expect(moves[0]!.info).toEqual([11, 1, 0, 16, 2]);
    expect(moves[1]!.info).toEqual([11, 1, 0, 11, 2, 8, 1]);
    expect(moves[2]!.info).toEqual([11, 1, 1, 11, 2, 18, 2]);
    expect(moves[3]!.info).toEqual([20, 2, 2, 11, 2, 18, 2]);
  });
});
