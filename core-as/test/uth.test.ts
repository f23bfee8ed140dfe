// Ultimate Texas Hold'em (games.md §7, decisions/012): the best-of-seven evaluator against a
// brute-force reference, every pay table by known answers on given cards (the wasm's own
// settlement), and through real blocks the deal, each decision and what it reveals, folds, the
// Progressive's meter (seeded, fed, a forced royal paid and re-seeded), every refusal, and chips
// conserved throughout.
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { card, gameSpec, PokerHand, UthBet, uth } from "../src/games/index.js";
import { forceCards } from "./support/cards.js";
import { newChain } from "./support/chain.js";
import { expectRefused, play, playUntil, round, started } from "./support/games.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const RANKS = "A23456789TJQK";
const SUITS = "cdhs";
/** "As Td 2c" → cards 0–51 (rank 0 ace … 12 king; suits clubs, diamonds, hearts, spades). */
const h = (s: string): number[] => s.split(" ").map((t) => card(RANKS.indexOf(t[0]!), SUITS.indexOf(t[1]!)));

/** A reference ranking of five cards with the wasm's score layout: category << 20 | five 4-bit tie-breaks. */
function referenceFive(cards: number[]): number {
  const values = cards.map((c) => ((c % 13) + 12) % 13).sort((a, b) => b - a); // 0 two … 12 ace
  const flush = cards.every((c) => Math.floor(c / 13) === Math.floor(cards[0]! / 13));
  const distinct = new Set(values).size === 5;
  const wheel = distinct && values.join() === "12,3,2,1,0";
  const straight = distinct && (values[0]! - values[4]! === 4 || wheel);
  const top = wheel ? 3 : values[0]!;
  const count = new Map<number, number>();
  for (const v of values) count.set(v, (count.get(v) ?? 0) + 1);
  const groups = [...count.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  const shape = groups.map((g) => g[1]).join("");
  const pack = (cat: number, ties: number[]) => ties.reduce((acc, t, i) => acc | (t << (4 * (4 - i))), cat << 20) >>> 0;
  const byGroup = groups.map((g) => g[0]);
  if (straight && flush) return pack(top === 12 ? 9 : 8, [top]);
  if (shape === "41") return pack(7, byGroup);
  if (shape === "32") return pack(6, byGroup);
  if (flush) return pack(5, values);
  if (straight) return pack(4, [top]);
  if (shape === "311") return pack(3, byGroup);
  if (shape === "221") return pack(2, byGroup);
  if (shape === "2111") return pack(1, byGroup);
  return pack(0, values);
}

function referenceBest(cards: number[]): number {
  let best = 0;
  for (let m = 0; m < 1 << cards.length; m++) {
    const five = cards.filter((_, i) => (m >> i) & 1);
    if (five.length === 5) best = Math.max(best, referenceFive(five));
  }
  return best;
}

describe("best five of seven", () => {
  it("matches a brute-force ranking of every five-card subset, on random hands of 5, 6 and 7 cards", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...Array(52).keys()], { minLength: 7, maxLength: 7 }), fc.constantFrom(5, 6, 7), (deck, n) => {
        const cards = deck.slice(0, n);
        expect(core.codec.games.holdemHand(cards).score).toBe(referenceBest(cards));
      }),
      { numRuns: 3000 },
    );
  });

  it("ranks the categories and the hands that random deals rarely make", () => {
    const cat = (s: string) => core.codec.games.holdemHand(h(s)).category;
    expect(cat("As Ks Qs Js Ts 2c 3d")).toBe(PokerHand.royalFlush);
    expect(cat("9h Kh Qh Jh Th Ah 2d")).toBe(PokerHand.royalFlush); // six hearts: the royal, not the K-high SF
    expect(cat("Ad 2d 3d 4d 5d 9c 9s")).toBe(PokerHand.straightFlush); // the steel wheel
    expect(cat("7c 7d 7h 7s 2c 2d 2h")).toBe(PokerHand.quads);
    expect(cat("7c 7d 7h 2s 2c 2d Ah")).toBe(PokerHand.fullHouse); // two sets of trips
    expect(cat("Ac 2d 3h 4s 5c Kd Kh")).toBe(PokerHand.straight);
    expect(cat("2c 4c 6c 8c Tc 2d 2h")).toBe(1 + 4); // flush beats trips
    expect(cat("5c 5d 8h 8s 2c 2d Ah")).toBe(PokerHand.twoPair);
    expect(cat("5c 5d 8h 9s Jc 2d Ah")).toBe(1);
    expect(cat("5c 7d 8h 9s Jc 2d Ah")).toBe(0);
    const score = (s: string) => core.codec.games.holdemHand(h(s)).score;
    // Ace low only in the wheel: 5-high < 6-high < ace-high straight.
    expect(score("Ac 2d 3h 4s 5c Kd Qh")).toBeLessThan(score("6c 2d 3h 4s 5c Kd Qh"));
    expect(score("6c 2d 3h 4s 5c Kd Qh")).toBeLessThan(score("Ac Kd Qh Js Tc 2d 3h"));
    // Three pairs: the best two and the best kicker (the third pair's card can be it).
    expect(score("5c 5d 8h 8s 2c 2d 3h")).toBe(score("5h 5s 8c 8d 3c 2h 2s"));
    expect(score("5c 5d 8h 8s Kc Kd 3h")).toBeGreaterThan(score("Kc Kd 8h 8s 4c 4d 3h")); // K K 8 8 5 vs K K 8 8 4
  });
});

// Player's two ‖ flop ‖ turn ‖ river ‖ dealer's two.
const deal = (player: string, board: string, dealer: string) => [...h(player), ...h(board), ...h(dealer)];
const settle = (
  cards: number[],
  bets: { ante?: bigint; play?: bigint; trips?: bigint; sixCard?: bigint; meter?: bigint } = {},
  fold = false,
) => core.codec.games.uth(cards, { ante: 10n, play: fold ? 0n : 40n, ...bets }, fold);

describe("known answers", () => {
  const board = "2c 7d 9h Js Kc"; // no pair, no three of a suit, no straight draw past 9-J-K

  it("a dealer without a pair pushes the Ante; the Blind and the Play still go by the showdown", () => {
    expect(settle(deal("Ah Ad", board, "3d 4h"))).toMatchObject({ ante: 10n, blind: 10n, play: 80n, qualifies: false, showdown: 2 });
    expect(settle(deal("3c 4c", board, "Qd 5h"))).toMatchObject({ ante: 10n, blind: 0n, play: 0n, qualifies: false, showdown: 0 });
  });

  it("a qualifying dealer: a win pays Ante and Play 1:1, a loss loses Ante, Blind and Play", () => {
    expect(settle(deal("Ah Ad", board, "Kd 4h"))).toMatchObject({ ante: 20n, blind: 10n, play: 80n, qualifies: true, showdown: 2 });
    expect(settle(deal("Kd 4h", board, "Ah Ad"))).toMatchObject({ ante: 0n, blind: 0n, play: 0n, qualifies: true, showdown: 0 });
  });

  it("the dealer qualifies on a pair the board makes", () => {
    expect(settle(deal("Ah Qd", "2c 2d 9h Js Kc", "3d 4h"))).toMatchObject({ ante: 20n, qualifies: true, dealer: 1 });
  });

  it("a tie pushes Ante, Blind and Play (the board plays)", () => {
    expect(settle(deal("2d 3h", "As Kd Qh Jc Tc", "4d 5h"), { play: 10n })).toMatchObject({
      ante: 10n,
      blind: 10n,
      play: 10n,
      showdown: 1,
    });
  });

  it("kickers decide equal pairs and two pairs", () => {
    // 9-9-A-K-J against 9-9-K-Q-J.
    expect(settle(deal("As 9d", board, "Qh 9c"), { play: 20n })).toMatchObject({ ante: 20n, blind: 10n, play: 40n, showdown: 2 });
    expect(settle(deal("Qh 9c", board, "As 9d"), { play: 20n })).toMatchObject({ ante: 0n, blind: 0n, play: 0n, showdown: 0 });
    // 8-8-5-5-K against 8-8-5-5-Q; a kicker below the board's plays neither: tie.
    expect(settle(deal("Kh 3c", "5c 5d 8h 8s 2c", "Qh 4c"))).toMatchObject({ showdown: 2 });
    expect(settle(deal("Kh 3c", "5c 5d 8h 8s Ac", "Qh 4c"))).toMatchObject({ showdown: 1, ante: 10n });
  });

  it("the wheel A-2-3-4-5 is a straight below 6-high and above trips", () => {
    const wheelBoard = "3c 4d 5h 9s Kc";
    expect(settle(deal("Ad 2h", wheelBoard, "6s 7s"))).toMatchObject({ player: 4, dealer: 4, showdown: 0 });
    expect(settle(deal("Ad 2h", wheelBoard, "2d 6h"))).toMatchObject({ showdown: 0 }); // 6-high straight
    expect(settle(deal("Ad 2h", wheelBoard, "Kd Kh"))).toMatchObject({ ante: 20n, blind: 20n, play: 80n, dealer: 3, showdown: 2 });
  });

  it("the Blind on a win pays royal 500, SF 50, quads 10, full house 3, flush 3:2, straight 1, and pushes a lesser win", () => {
    const blind = (player: string, b: string, ante = 10n) => settle(deal(player, b, "2d 3d"), { ante }).blind;
    expect(blind("As Ks", "Qs Js Ts 4c 7h")).toBe(5010n);
    expect(blind("9s Ks", "Qs Js Ts 4c 7h")).toBe(510n);
    expect(blind("9s 9h", "9c 9d Ts 4c 7h")).toBe(110n);
    expect(blind("9s 9h", "9c Td Ts 4c 7h")).toBe(40n);
    expect(blind("9h Kh", "Qh 6h Th 4c 7s")).toBe(25n);
    expect(blind("9h Kh", "Qh 6h Th 4c 7s", 5n)).toBe(12n); // 5 + 7.5 floored
    expect(blind("9h Kh", "Qh 6h Th 4c 7s", 1n)).toBe(2n); // 1 + 1.5 floored
    expect(blind("9h Ks", "Qh Jh Th 4c 7s")).toBe(20n);
    expect(blind("9h 9s", "9c Jh Th 4c 7s")).toBe(10n); // trips: push
    expect(blind("9h Ts", "9c Jh Th 4c 7s")).toBe(10n); // two pair: push
  });

  it("a fold loses Ante and Blind and has no Play; Trips and the 6-Card Bonus still pay", () => {
    const r = settle(deal("9s 9h", "9c 4d Ts 4c 7h", "Ad Ac"), { trips: 5n, sixCard: 2n }, true);
    expect(r).toMatchObject({ ante: 0n, blind: 0n, play: 0n, trips: 50n, sixCard: 42n, player: PokerHand.fullHouse });
  });

  it("Trips pays on the final hand: royal 50, SF 40, quads 30, full house 9, flush 7, straight 4, trips 3, less loses", () => {
    const trips = (player: string, b: string) => settle(deal(player, b, "2d 3d"), { trips: 2n }).trips;
    expect(trips("As Ks", "Qs Js 4c 7h Ts")).toBe(102n); // the river completes it
    expect(trips("9s Ks", "Qs Js Ts 4c 7h")).toBe(82n);
    expect(trips("9s 9h", "9c 9d Ts 4c 7h")).toBe(62n);
    expect(trips("9s 9h", "9c Td Ts 4c 7h")).toBe(20n);
    expect(trips("9h Kh", "Qh 6h Th 4c 7s")).toBe(16n);
    expect(trips("9h Ks", "Qh Jh Th 4c 7s")).toBe(10n);
    expect(trips("9h 9s", "9c Jh Th 4c 7s")).toBe(8n);
    expect(trips("9h Ts", "9c Jh Th 4c 7s")).toBe(0n);
    // Paid also when the dealer wins.
    expect(settle(deal("9h 9s", "9c Jh Th 4c 7s", "Jd Jc"), { trips: 2n })).toMatchObject({ trips: 8n, showdown: 0 });
  });

  it("the 6-Card Bonus is the best five of the hole cards, flop and turn: royal 1000 … trips 7; the river does not count", () => {
    const six = (player: string, b: string) => settle(deal(player, b, "2d 3d"), { sixCard: 1n }).sixCard;
    expect(six("As Ks", "Qs Js Ts 4c 7h")).toBe(1001n);
    expect(six("9s Ks", "Qs Js Ts 4c 7h")).toBe(201n);
    expect(six("9s 9h", "9c 4c 7h 9d Ts")).toBe(101n); // quads with the turn
    expect(six("9s 9h", "9c Td Ts 4c 7h")).toBe(21n);
    expect(six("9h Kh", "Qh 6h Th 4c 7s")).toBe(16n);
    expect(six("9h Ks", "Qh Jh Th 4c 7s")).toBe(11n);
    expect(six("9h 9s", "9c Jh Th 4c 7s")).toBe(8n);
    expect(six("9h Ts", "9c Jh Th 4c 7s")).toBe(0n); // two pair
    expect(six("9h Kh", "Qh 6h 4c 7s Th")).toBe(0n); // the flush needs the river
    // The dealer's cards play no part: Th 8d would make a straight.
    expect(settle(deal("9h Ks", "Qh Jh 4c 7s 2c", "Th 8d"), { sixCard: 1n }).sixCard).toBe(0n);
  });

  it("the Progressive pays for one on the hole cards and flop: royal the meter, SF 1000, quads 300, full house 50, flush 40, straight 30, trips 9", () => {
    const prog = (player: string, b: string) => settle(deal(player, b, "2d 3d"), { meter: 12_345n }).progressive;
    expect(prog("As Ks", "Qs Js Ts 4c 7h")).toBe(12_345n);
    expect(prog("9s Ks", "Qs Js Ts 4c 7h")).toBe(1000n);
    expect(prog("9s 9h", "9c 9d Ts 4c 7h")).toBe(300n);
    expect(prog("9s 9h", "9c Td Ts 4c 7h")).toBe(50n);
    expect(prog("9h Kh", "Qh 6h Th 4c 7s")).toBe(40n);
    expect(prog("9h Ks", "Qh Jh Th 4c 7s")).toBe(30n);
    expect(prog("9h 9s", "9c Jh 4h Tc 7s")).toBe(9n);
    expect(prog("9h Ts", "9c Jh Th 4c 7s")).toBe(0n); // two pair
    expect(prog("9h 9s", "4c Jh Th 9c 7s")).toBe(0n); // trips only with the turn
  });

  it("refuses malformed input", () => {
    expect(() => core.codec.games.uth(h("As As Qs Js Ts 4c 7h 2d 3d"), { ante: 1n })).toThrow(); // a card twice
    expect(() => core.codec.games.uth(h("As Ks Qs Js Ts 4c 7h 2d"), { ante: 1n })).toThrow(); // eight cards
    expect(() => core.codec.games.uth(deal("As Ks", "Qs Js Ts 4c 7h", "2d 3d"), { ante: 1n, play: 1n }, true)).toThrow(); // Play on a fold
  });
});

describe("through real blocks", () => {
  const alice = LocalChain.signer(1);
  const bob = LocalChain.signer(2);
  let chain: LocalChain;
  beforeEach(async () => {
    chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, { op: "register", name: "bob" });
    play(chain, bob, { op: "register", name: "bob" });
  });
  const chips = () => chain.core.account(alice.publicKey)!.chips;
  const conserved = () => {
    const s = chain.core.supply();
    const balances = chips() + chain.core.account(bob.publicKey)!.chips;
    expect(balances + s.house + s.pools + s.treasury).toBe(s.minted - s.burned);
  };
  const sessionCards = (id: bigint) => {
    const data = chain.core.session(alice.publicKey, id)!.data as string;
    return [...Buffer.from(data, "hex")];
  };

  it("check, check, bet 1x: each move draws only what it reveals, the dealer's cards only at the last", () => {
    const before = chips();
    const open = playUntil(chain, alice, [uth.start(1n, 10n, { trips: 3n, sixCard: 2n })], () => true);
    expect(started(open[0])).toMatchObject({ stake: 10n, chips: before - 25n }); // Ante, Blind, Trips, 6-Card
    const d0 = round(open[1]);
    expect(d0.draws.map((d) => [d.move, d.index])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(d0.bets.map((b) => [b.kind, b.stake, b.status])).toEqual([
      [UthBet.ante, 10n, 1],
      [UthBet.blind, 10n, 1],
      [UthBet.trips, 3n, 1],
      [UthBet.sixCard, 2n, 1],
    ]);
    expect(d0.staked).toBe(25n);
    const hole = d0.draws.map((d) => d.value);
    expect(sessionCards(1n).slice(-2)).toEqual(hole);

    const flop = round(play(chain, alice, uth.check(1n))[0]);
    expect(flop).toMatchObject({ move: 1, phase: 1, finished: false, staked: 0n, returned: 0n });
    expect(flop.draws.map((d) => d.index)).toEqual([0, 1, 2]);
    const turnRiver = round(play(chain, alice, uth.check(1n))[0]);
    expect(turnRiver).toMatchObject({ move: 2, phase: 2, finished: false });
    expect(turnRiver.draws).toHaveLength(2);
    const board = [...flop.draws, ...turnRiver.draws].map((d) => d.value);
    expect(sessionCards(1n).slice(-7)).toEqual([...hole, ...board]); // the public state: shown cards only

    const last = round(play(chain, alice, uth.bet(1n, 1))[0]);
    expect(last).toMatchObject({ move: 3, staked: 10n, finished: true });
    const dealer = last.draws.map((d) => d.value);
    expect(dealer).toHaveLength(2);
    expect(new Set([...hole, ...board, ...dealer]).size).toBe(9);
    const want = core.codec.games.uth([...hole, ...board, ...dealer], { ante: 10n, play: 10n, trips: 3n, sixCard: 2n });
    expect(last.bets.map((b) => [b.kind, b.stake, b.return, b.status])).toEqual([
      [UthBet.ante, 10n, want.ante, 2],
      [UthBet.blind, 10n, want.blind, 2],
      [UthBet.play, 10n, want.play, 0],
      [UthBet.trips, 3n, want.trips, 2],
      [UthBet.sixCard, 2n, want.sixCard, 2],
    ]);
    expect(last.info).toEqual([want.player, want.dealer, want.qualifies ? 1 : 0, want.showdown]);
    expect(chips()).toBe(before - 35n + want.ante + want.blind + want.play + want.trips + want.sixCard);
    expect(chain.core.session(alice.publicKey, 1n)).toMatchObject({ finished: true, data: "" });
    conserved();
  });

  it("a 4x bet pre-flop deals the board and the dealer's cards in one move and settles", () => {
    playUntil(chain, alice, [uth.start(1n, 10n)], () => true);
    const r = round(play(chain, alice, uth.bet(1n, 4))[0]);
    expect(r).toMatchObject({ move: 1, staked: 40n, finished: true });
    expect(r.draws.map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(r.bets.find((b) => b.kind === UthBet.play)).toMatchObject({ stake: 40n });
    conserved();
  });

  it("a 3x bet pre-flop, and a 2x bet at the flop", () => {
    playUntil(chain, alice, [uth.start(1n, 10n), uth.start(2n, 10n)], () => true);
    expect(round(play(chain, alice, uth.bet(1n, 3))[0])).toMatchObject({ staked: 30n, finished: true });
    play(chain, alice, uth.check(2n));
    const r = round(play(chain, alice, uth.bet(2n, 2))[0]);
    expect(r).toMatchObject({ staked: 20n, finished: true });
    expect(r.draws).toHaveLength(4); // turn, river, dealer's two
    conserved();
  });

  it("a fold at the river loses Ante and Blind and settles Trips", () => {
    playUntil(chain, alice, [uth.start(1n, 10n, { trips: 4n }), uth.check(1n), uth.check(1n)], () => true);
    const r = round(play(chain, alice, uth.fold(1n))[0]);
    expect(r.bets.map((b) => [b.kind, b.return])).toEqual([
      [UthBet.ante, 0n],
      [UthBet.blind, 0n],
      [UthBet.trips, r.bets[2]!.return],
    ]);
    expect(r.staked).toBe(0n);
    expect(r.finished).toBe(true);
    conserved();
  });

  it("seeds the meter, adds every progressive stake, settles the Progressive at the flop, and pays and re-seeds it on a royal", () => {
    const minted = chain.core.supply().minted;
    playUntil(chain, alice, [uth.start(1n, 1n, { progressive: true })], () => true);
    expect(chain.core.games().meterUth).toBe(10_001n);
    expect(chain.core.supply()).toMatchObject({ pools: 10_001n, minted: minted + 10_000n });
    const flop = round(play(chain, alice, uth.check(1n))[0]);
    expect(flop.bets.map((b) => [b.kind, b.stake, b.status])).toEqual([[UthBet.progressive, 1n, 2]]);
    play(chain, alice, uth.start(2n, 1n, { progressive: true }));
    expect(chain.core.games().meterUth).toBe(10_002n);
    conserved();

    // A♠ K♠ in the hole, then Q♠ J♠ T♠ on the flop: σ searched move by move through the stream.
    const serial = chain.core.games().nextSerial;
    const royal = new Set(h("As Ks Qs Js Ts"));
    const hole = forceCards(chain, serial, 0, [], 2, (cs) => cs.every((c) => royal.has(c)));
    play(chain, alice, uth.start(3n, 1n, { progressive: true }));
    expect(chain.core.games().meterUth).toBe(10_003n);
    forceCards(chain, serial, 1, hole, 3, (cs) => cs.every((c) => royal.has(c)));
    const before = chips();
    const hit = round(play(chain, alice, uth.check(3n))[0]);
    expect(new Set([...hole, ...hit.draws.map((d) => d.value)])).toEqual(royal);
    expect(hit.bets).toEqual([{ kind: UthBet.progressive, target: 0, stake: 1n, return: 10_003n, status: 2 }]);
    expect(chips()).toBe(before + 10_003n);
    expect(chain.core.games().meterUth).toBe(10_000n);
    expect(chain.core.supply()).toMatchObject({ pools: 10_000n, minted: minted + 20_000n });
    conserved();
    // A 1x bet at the river then settles the hand: a royal on the board is at least a tie.
    play(chain, alice, uth.check(3n));
    expect(round(play(chain, alice, uth.bet(3n, 1))[0]).info[3]).toBeGreaterThanOrEqual(1);
    conserved();
  });

  it("the catalogue lists the game as playable with every bet kind the wasm settles", () => {
    const spec = gameSpec("ultimateHoldem");
    expect(spec).toMatchObject({ id: 7, available: true, table: false, maxBet: 10_000n });
    expect(spec.bets.map((b) => b.kind).sort()).toEqual(Object.values(UthBet).sort());
  });

  describe("refusals", () => {
    const watch = () => ({ players: [alice, bob], sessions: [1n, 2n] });

    it("actions out of phase: 2x or fold pre-flop, 4x or fold at the flop, check or 2x at the river", () => {
      playUntil(chain, alice, [uth.start(1n, 10n)], () => true);
      expectRefused(chain, alice, uth.bet(1n, 2), 404, watch());
      expectRefused(chain, alice, uth.bet(1n, 1), 404, watch());
      expectRefused(chain, alice, uth.fold(1n), 404, watch());
      play(chain, alice, uth.check(1n));
      expectRefused(chain, alice, uth.bet(1n, 4), 404, watch());
      expectRefused(chain, alice, uth.bet(1n, 3), 404, watch());
      expectRefused(chain, alice, uth.fold(1n), 404, watch());
      play(chain, alice, uth.check(1n));
      expectRefused(chain, alice, uth.check(1n), 404, watch());
      expectRefused(chain, alice, uth.bet(1n, 2), 404, watch());
      expectRefused(chain, alice, { ...uth.bet(1n, 1), bets: [{ kind: UthBet.trips, target: 0, amount: 1n }] }, 404, watch());
      expectRefused(chain, alice, { op: "gameMove", sessionId: 1n, action: 6 }, 405, watch());
      expect(round(play(chain, alice, uth.fold(1n))[0]).finished).toBe(true);
    });

    it("moves on a finished, unknown or another player's session", () => {
      playUntil(chain, alice, [uth.start(1n, 10n), uth.bet(1n, 4)], () => true);
      expectRefused(chain, alice, uth.check(1n), 403, watch());
      expectRefused(chain, alice, uth.check(2n), 402, watch());
      playUntil(chain, alice, [uth.start(2n, 10n)], () => true);
      expectRefused(chain, bob, uth.check(2n), 402, watch());
      expectRefused(chain, alice, uth.start(2n, 10n), 401, watch());
    });

    it("chips: the Blind is taken with the Ante; a Play the balance cannot cover is refused, a fold is not", () => {
      const balance = chips();
      expectRefused(chain, alice, uth.start(1n, balance / 2n + 1n), 310, watch()); // Ante fits, Ante + Blind does not
      playUntil(chain, alice, [uth.start(1n, balance / 4n)], () => true);
      expect(chips()).toBe(balance - 2n * (balance / 4n));
      expectRefused(chain, alice, uth.bet(1n, 4), 310, watch());
      expectRefused(chain, alice, uth.bet(1n, 3), 310, watch());
      play(chain, alice, uth.check(1n));
      play(chain, alice, uth.check(1n));
      expect(round(play(chain, alice, uth.bet(1n, 1))[0]).staked).toBe(balance / 4n); // 1x fits
    });

    it("bets: a progressive of more than 1 chip, the Blind or Play as side bets, a side bet twice, a target, limits", () => {
      const start = (sideBets: { kind: number; target: number; amount: bigint }[], ante = 5n) => ({ ...uth.start(1n, ante), sideBets });
      expectRefused(chain, alice, start([{ kind: UthBet.progressive, target: 0, amount: 2n }]), 409, watch());
      expectRefused(chain, alice, start([{ kind: UthBet.blind, target: 0, amount: 5n }]), 406, watch());
      expectRefused(chain, alice, start([{ kind: UthBet.play, target: 0, amount: 5n }]), 406, watch());
      expectRefused(chain, alice, start([{ kind: UthBet.trips, target: 1, amount: 5n }]), 407, watch());
      expectRefused(
        chain,
        alice,
        start([
          { kind: UthBet.trips, target: 0, amount: 1n },
          { kind: UthBet.trips, target: 0, amount: 2n },
        ]),
        417,
        watch(),
      );
      expectRefused(chain, alice, uth.start(1n, 10_001n), 409, watch());
      expectRefused(chain, alice, uth.start(1n, 0n), 408, watch());
      expectRefused(chain, alice, start([{ kind: UthBet.sixCard, target: 0, amount: 10_001n }]), 409, watch());
      expect(() => uth.bet(1n, 5 as 4)).toThrow(RangeError);
    });
  });
});
