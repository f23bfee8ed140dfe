// Video Poker, Jacks or Better (games.md §9): the hand evaluation for every category under both
// pay tables, and the deal / hold / draw through real blocks: held cards stay, replacements come
// from the unseen 47 at the draw move, and the return is the stake times the pay of the final hand.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { card, PokerHand, VideoPokerOption, videoPoker } from "../src/games/index.js";
import type { EventView } from "../src/views.js";
import { newChain } from "./support/chain.js";
import { codeOf } from "./support/errors.js";
import { expectRefused, play, playUntil, round, started } from "./support/games.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const c = card;
// Ranks: 0 ace, 1 two … 9 ten, 10 jack, 11 queen, 12 king. Suits 0–3.
const HANDS: [string, number[], number, bigint, bigint][] = [
  ["royal flush", [c(0, 2), c(12, 2), c(11, 2), c(10, 2), c(9, 2)], PokerHand.royalFlush, 800n, 800n],
  ["straight flush", [c(8, 1), c(12, 1), c(11, 1), c(10, 1), c(9, 1)], PokerHand.straightFlush, 50n, 50n],
  ["ace-low straight flush", [c(0, 3), c(1, 3), c(2, 3), c(3, 3), c(4, 3)], PokerHand.straightFlush, 50n, 50n],
  ["four of a kind", [c(6, 0), c(6, 1), c(6, 2), c(6, 3), c(1, 0)], PokerHand.quads, 25n, 25n],
  ["full house", [c(6, 0), c(6, 1), c(6, 2), c(1, 3), c(1, 0)], PokerHand.fullHouse, 9n, 8n],
  ["flush", [c(0, 1), c(3, 1), c(6, 1), c(9, 1), c(11, 1)], PokerHand.flush, 6n, 5n],
  ["ace-high straight", [c(0, 0), c(12, 1), c(11, 2), c(10, 3), c(9, 0)], PokerHand.straight, 4n, 4n],
  ["ace-low straight", [c(0, 0), c(1, 1), c(2, 2), c(3, 3), c(4, 0)], PokerHand.straight, 4n, 4n],
  ["three of a kind", [c(4, 0), c(4, 1), c(4, 2), c(9, 3), c(1, 0)], PokerHand.trips, 3n, 3n],
  ["two pair", [c(4, 0), c(4, 1), c(2, 2), c(2, 3), c(1, 0)], PokerHand.twoPair, 2n, 2n],
  ["pair of jacks", [c(10, 0), c(10, 1), c(2, 2), c(5, 3), c(1, 0)], PokerHand.jacksOrBetter, 1n, 1n],
  ["pair of aces", [c(0, 0), c(0, 1), c(2, 2), c(5, 3), c(8, 0)], PokerHand.jacksOrBetter, 1n, 1n],
  ["pair of tens", [c(9, 0), c(9, 1), c(2, 2), c(5, 3), c(1, 0)], PokerHand.nothing, 0n, 0n],
  ["king-ace-two wrap (no straight)", [c(11, 0), c(12, 1), c(0, 2), c(1, 3), c(2, 0)], PokerHand.nothing, 0n, 0n],
  ["four to a flush", [c(0, 1), c(3, 1), c(6, 1), c(9, 1), c(11, 2)], PokerHand.nothing, 0n, 0n],
];

describe("hand evaluation and pay tables (9/6, 8/5)", () => {
  it.each(HANDS)("%s", (_name, cards, category, pays96, pays85) => {
    expect(core.codec.games.pokerHand(cards)).toEqual({ category, pays: pays96 });
    expect(core.codec.games.pokerHand(cards, VideoPokerOption.eightFive)).toEqual({ category, pays: pays85 });
  });

  it("refuses a card twice (one deck) or out of range", () => {
    expect(codeOf(() => core.codec.games.pokerHand([1, 1, 2, 3, 4]))).toBe(108);
    expect(codeOf(() => core.codec.games.pokerHand([1, 52, 2, 3, 4]))).toBe(108);
  });
});

describe("through real blocks", () => {
  const alice = LocalChain.signer(1);
  let chain: LocalChain;
  beforeEach(async () => {
    chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" });
  });
  const last = (events: EventView[]) => round(events[events.length - 1]);
  const dealt = (events: EventView[]) => last(events).draws.map((d) => d.value);

  it("deals five, keeps the held cards, replaces the rest from the unseen 47, and pays the final hand", () => {
    const open = playUntil(chain, alice, [videoPoker.start(1n, 10n)], () => true);
    expect(started(open[0])).toMatchObject({ stake: 10n, chips: 990n });
    const hand = dealt(open);
    expect(last(open).draws.map((d) => [d.move, d.index])).toEqual([0, 1, 2, 3, 4].map((i) => [0, i]));
    expect(last(open).bets).toEqual([{ kind: 0, target: 0, stake: 10n, return: 0n, status: 1 }]);
    expect(new Set(hand).size).toBe(5);

    const hold = [true, false, true, false, false];
    const r = round(play(chain, alice, videoPoker.draw(1n, hold))[0]);
    expect(r.draws.map((d) => [d.move, d.index])).toEqual([0, 1, 2].map((i) => [1, i]));
    const fresh = r.draws.map((d) => d.value);
    for (const f of fresh) expect(hand).not.toContain(f);
    expect(new Set(fresh).size).toBe(3);
    const final = [hand[0]!, fresh[0]!, hand[2]!, fresh[1]!, fresh[2]!];
    const { category, pays } = core.codec.games.pokerHand(final);
    expect(r.info).toEqual([category]);
    expect(r.bets).toEqual([{ kind: 0, target: 0, stake: 10n, return: 10n * pays, status: 2 }]);
    expect(r).toMatchObject({ finished: true, chips: 990n + 10n * pays });
    expectRefused(chain, alice, videoPoker.draw(1n, hold), 403, { players: [alice], sessions: [1n] });
  });

  it("holding all five draws nothing and pays the dealt hand (8/5 table)", () => {
    const open = playUntil(
      chain,
      alice,
      [videoPoker.start(1n, 7n, VideoPokerOption.eightFive)],
      (e) => core.codec.games.pokerHand(dealt(e)).category >= PokerHand.jacksOrBetter,
    );
    const { pays } = core.codec.games.pokerHand(dealt(open), VideoPokerOption.eightFive);
    const r = round(play(chain, alice, videoPoker.draw(1n, [true, true, true, true, true]))[0]);
    expect(r.draws).toEqual([]);
    expect(r.returned).toBe(7n * pays);
    expect(pays).toBeGreaterThan(0n);
  });

  it("refuses stakes over 1,000, unknown options, hold masks past five cards and bets on the draw", () => {
    const watch = { players: [alice], sessions: [1n, 2n] };
    expectRefused(chain, alice, videoPoker.start(2n, 1_001n), 409, watch);
    expectRefused(chain, alice, videoPoker.start(2n, 5n, 2), 410, watch);
    playUntil(chain, alice, [videoPoker.start(1n, 5n)], () => true);
    expectRefused(chain, alice, { op: "gameMove", sessionId: 1n, action: 32 }, 405, watch);
    expectRefused(chain, alice, { ...videoPoker.draw(1n, []), bets: [{ kind: 0, target: 0, amount: 1n }] }, 404, watch);
  });
});
