// The simulation's fixed strategies against known hands: the Jacks or Better simple strategy (each
// line of its priority list, and the cases where a higher line must win over a lower one) and
// Three Card Poker's Q-6-4 rule; the made hands they recognise agree with the wasm's evaluation.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { holdJacksOrBetter, madeHand } from "../sim/jacks-strategy.js";
import { playsThreeCard } from "../sim/three-card-strategy.js";
import { Core } from "../src/core.js";
import { PokerHand } from "../src/games/index.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

/** "As Td 7h" → cards 0–51 (suit × 13 + rank; rank 0 ace, suits clubs, diamonds, hearts, spades). */
function hand(text: string): number[] {
  return text.split(" ").map((t) => "cdhs".indexOf(t[1]!) * 13 + "A23456789TJQK".indexOf(t[0]!));
}

/** The cards a mask keeps, in order. */
function held(cards: number[], mask: number): number[] {
  return cards.filter((_, i) => (mask & (1 << i)) !== 0);
}

// [case, dealt, cards held]
const HOLDS: [string, string, string][] = [
  ["royal flush: hold all", "Ts Js Qs Ks As", "Ts Js Qs Ks As"],
  ["straight flush: hold all", "5h 6h 7h 8h 9h", "5h 6h 7h 8h 9h"],
  ["four of a kind: hold all", "9c 9d 9h 9s 2c", "9c 9d 9h 9s 2c"],
  ["4 to a royal over a pat flush", "Ah Kh Qh Jh 3h", "Ah Kh Qh Jh"],
  ["4 to a royal over a pat straight", "Ts Js Qs Ks Ad", "Ts Js Qs Ks"],
  ["4 to a royal over a high pair", "Js Qs Ks As Jd", "Js Qs Ks As"],
  ["full house: hold all", "7c 7d 7h 2s 2c", "7c 7d 7h 2s 2c"],
  ["flush: hold all", "2d 5d 8d Jd Kd", "2d 5d 8d Jd Kd"],
  ["straight: hold all", "9c Td Jh Qs Kc", "9c Td Jh Qs Kc"],
  ["three of a kind: hold the three", "7c Kd 7h 2s 7s", "7c 7h 7s"],
  ["4 to a straight flush over a high pair", "8c 9c Tc Jc Jd", "8c 9c Tc Jc"],
  ["4 to an ace-low straight flush", "Ad 2d 3d 4d 9s", "Ad 2d 3d 4d"],
  ["4 to an inside straight flush", "5h 6h 8h 9h Kc", "5h 6h 8h 9h"],
  ["two pair: hold both pairs", "4c 4d Kh Ks 9c", "4c 4d Kh Ks"],
  ["high pair over 4 to a flush", "Qh Qs 2h 5h 9h", "Qh Qs"],
  ["high pair over 3 to a royal", "Jd Qd Kd Jc 3s", "Jd Jc"],
  ["3 to a royal over 4 to a flush", "Td Jd Qd 4d 2c", "Td Jd Qd"],
  ["3 to a royal over a low pair", "Th Jh Ah 4c 4d", "Th Jh Ah"],
  ["4 to a flush over a low pair", "2h 2s 7h 9h Kh", "2h 7h 9h Kh"],
  ["low pair over 4 to an outside straight", "5c 5d 6h 7s 8c", "5c 5d"],
  ["4 to an outside straight over one high card", "5c 6d 7h 8s Kc", "5c 6d 7h 8s"],
  ["10-J-Q-K is an outside straight draw", "Tc Jd Qh Ks 3c", "Tc Jd Qh Ks"],
  ["J-Q-K-A is inside: 2 unsuited high cards, the lowest", "Jc Qd Kh As 3c", "Jc Qd"],
  ["A-2-3-4 is inside: one high card", "Ac 2d 3h 4s 9c", "Ac"],
  ["2 suited high cards over 3 to a straight flush", "Js Qs 9s 2d 4c", "Js Qs"],
  ["2 suited high cards over a third, unsuited one", "Jh Kh Ac 3d 6s", "Jh Kh"],
  ["3 to a straight flush over one high card", "5h 6h 8h Ks 2d", "5h 6h 8h"],
  ["3 to a straight flush over 2 unsuited high cards", "4c 5c 7c Jd Qh", "4c 5c 7c"],
  ["2 unsuited high cards: the lowest two of three", "Jd Qs Kh 4c 7d", "Jd Qs"],
  ["suited 10 with a jack", "Tc Jc 2d 5h 7s", "Tc Jc"],
  ["suited 10 with a king", "Th 3c Kh 6d 8s", "Th Kh"],
  ["a suited ace and 10 is only one high card", "Td Ad 3c 6h 8s", "Ad"],
  ["one high card", "Kd 2c 5h 8s 9d", "Kd"],
  ["nothing: draw five", "2c 4d 7h 8s 9d", ""],
];

describe("Jacks or Better simple strategy", () => {
  it.each(HOLDS)("%s", (_name, dealt, keep) => {
    const cards = hand(dealt);
    expect(held(cards, holdJacksOrBetter(cards))).toEqual(keep ? hand(keep) : []);
  });

  it("recognises made hands exactly as the wasm's evaluation pays them", () => {
    const pays: Record<string, number> = {
      royal: PokerHand.royalFlush,
      straightFlush: PokerHand.straightFlush,
      quads: PokerHand.quads,
      fullHouse: PokerHand.fullHouse,
      flush: PokerHand.flush,
      straight: PokerHand.straight,
      trips: PokerHand.trips,
      twoPair: PokerHand.twoPair,
      highPair: PokerHand.jacksOrBetter,
      lowPair: PokerHand.nothing,
      nothing: PokerHand.nothing,
    };
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 51 }), { minLength: 5, maxLength: 5 }), (cards) => {
        expect(pays[madeHand(cards)]).toBe(core.codec.games.pokerHand(cards).category);
      }),
      { numRuns: 3000, seed: 11 },
    );
    for (const [, dealt] of HOLDS) expect(pays[madeHand(hand(dealt))]).toBe(core.codec.games.pokerHand(hand(dealt)).category);
  });

  it("never breaks a paying hand for a lesser one: a hold keeps a paying hand unless it chases a royal or straight flush", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 51 }), { minLength: 5, maxLength: 5 }), (cards) => {
        const mask = holdJacksOrBetter(cards);
        const made = madeHand(cards);
        if (made === "nothing" || made === "lowPair") return;
        const kept = held(cards, mask);
        const chasing = kept.length === 4 && kept.every((c) => Math.floor(c / 13) === Math.floor(kept[0]! / 13));
        // Trips, two pair and pairs keep their matched cards; pat hands are held whole.
        if (!chasing) expect(kept.length).toBeGreaterThanOrEqual(2);
        if (["royal", "straightFlush", "quads", "fullHouse"].includes(made)) expect(mask).toBe(31);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it("refuses anything but five cards", () => {
    expect(() => holdJacksOrBetter(hand("As Ks Qs Js"))).toThrow();
  });
});

// [hand, plays]
const THREE_CARD: [string, boolean][] = [
  ["Qs 6d 4c", true],
  ["Qs 6d 3c", false],
  ["Qs 5d 4c", false],
  ["Qs 7d 2c", true],
  ["Js Td 8c", false],
  ["Ks 3d 2c", true],
  ["As 3d 2c", true], // A-2-3: the lowest straight
  ["2c 2d 7h", true], // a pair
  ["2h 5h 7h", true], // a flush
  ["9c Td Jh", true], // a straight below Q high
  ["Jc 9d 7h", false],
];

describe("Three Card Poker: play Q-6-4 or better", () => {
  it.each(THREE_CARD)("%s plays: %s", (cards, plays) => {
    expect(playsThreeCard(hand(cards))).toBe(plays);
  });

  it("plays every hand the wasm ranks above high card", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 51 }), { minLength: 6, maxLength: 6 }), (cards) => {
        const { player } = core.codec.games.threeCard(cards, { ante: 1n });
        if (player > 0) expect(playsThreeCard(cards.slice(0, 3))).toBe(true);
      }),
      { numRuns: 3000, seed: 13 },
    );
  });
});
