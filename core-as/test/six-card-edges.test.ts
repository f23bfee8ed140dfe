// The 6-Card Bonus of Three Card Poker and of Ultimate Texas Hold'em: six cards from one deck (the
// player's three and the dealer's three; the hole cards, flop and turn), paid on the best five.
// Every one of the C(52, 6) = 20,358,520 hands is classified here (rank and suit counts), the
// wasm's settlement of both games agrees with that classification on random hands, and the exact
// house edge follows from the counts: 8.561%, as published (Wizard of Odds, "Three Card Poker",
// 6-Card Bonus pay table 1000-200-100-20-15-10-7).
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { wasmBytes } from "./support/wasm.js";

type Category = "royal" | "straightFlush" | "quads" | "fullHouse" | "flush" | "straight" | "trips" | "other";
/** games.md: royal 1000, straight flush 200, quads 100, full house 20, flush 15, straight 10, trips 7 (to 1). */
const PAYS: Record<Category, bigint> = {
  royal: 1000n,
  straightFlush: 200n,
  quads: 100n,
  fullHouse: 20n,
  flush: 15n,
  straight: 10n,
  trips: 7n,
  other: -1n,
};

// Ranks by value 0 = deuce … 12 = ace; a card c (wasm encoding: suit × 13 + rank, rank 0 = ace) has value (c % 13 + 12) % 13.
const STRAIGHTS = [...Array.from({ length: 9 }, (_, lo) => 0x1f << lo), (1 << 12) | 0xf];
const ROYAL = 0x1f << 8;
const isStraight = (mask: number) => STRAIGHTS.some((s) => (mask & s) === s);

class SixCards {
  readonly ranks = new Int8Array(13);
  readonly suitMasks = new Int32Array(4);
  readonly suitCounts = new Int8Array(4);
  add(c: number, k: 1 | -1): void {
    const v = ((c % 13) + 12) % 13;
    const s = Math.floor(c / 13);
    this.ranks[v]! += k;
    this.suitMasks[s] = k === 1 ? this.suitMasks[s]! | (1 << v) : this.suitMasks[s]! & ~(1 << v);
    this.suitCounts[s]! += k;
  }
  category(): Category {
    for (let s = 0; s < 4; s++)
      if (this.suitCounts[s]! >= 5) {
        if ((this.suitMasks[s]! & ROYAL) === ROYAL) return "royal";
        if (isStraight(this.suitMasks[s]!)) return "straightFlush";
      }
    let trips = 0;
    let pairs = 0;
    let mask = 0;
    for (let v = 0; v < 13; v++) {
      const n = this.ranks[v]!;
      if (n > 0) mask |= 1 << v;
      if (n === 4) return "quads";
      if (n === 3) trips++;
      else if (n === 2) pairs++;
    }
    if (trips >= 2 || (trips === 1 && pairs >= 1)) return "fullHouse";
    if (this.suitCounts.some((n) => n >= 5)) return "flush";
    if (isStraight(mask)) return "straight";
    return trips > 0 ? "trips" : "other";
  }
}

function categoryOf(cards: readonly number[]): Category {
  const h = new SixCards();
  for (const c of cards) h.add(c, 1);
  return h.category();
}

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

describe("6-Card Bonus", () => {
  it("is settled by both games as the best five of the six classify it", () => {
    // A deterministic shuffle (xorshift), plus hands built for each paying category.
    let x = 0x9e3779b9;
    const next = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
    const hands: number[][] = [
      [9, 10, 11, 12, 0, 20], // royal in clubs (10-J-Q-K-A)
      [1, 2, 3, 4, 5, 30], // straight flush 2-6
      [0, 13, 26, 39, 5, 7], // quad aces
      [0, 13, 26, 1, 14, 40], // aces full
      [0, 2, 4, 6, 8, 20], // flush
      [0, 14, 28, 42, 17, 30], // A-2-3-4-5 straight
      [0, 13, 26, 5, 19, 34], // trips
    ];
    for (let i = 0; i < 3000; i++) {
      const deck = Array.from({ length: 52 }, (_, k) => k);
      for (let k = 0; k < 9; k++) {
        const j = k + Math.floor(next() * (52 - k));
        [deck[k], deck[j]] = [deck[j]!, deck[k]!];
      }
      hands.push(deck.slice(0, 9));
    }
    const seen = new Set<Category>();
    for (const h of hands) {
      const six = h.slice(0, 6);
      const cat = categoryOf(six);
      seen.add(cat);
      const want = cat === "other" ? 0n : 10n * (PAYS[cat] + 1n);
      expect(core.codec.games.threeCard(six, { ante: 10n, sixCard: 10n }).sixCard, `${six}`).toBe(want);
      if (h.length === 9) expect(core.codec.games.uth(h, { ante: 10n, sixCard: 10n }).sixCard, `${h}`).toBe(want);
    }
    expect(seen.size).toBe(8);
  });

  it("has a house edge of 8.561% by enumeration of all 20,358,520 hands", () => {
    const counts: Record<Category, number> = {
      royal: 0,
      straightFlush: 0,
      quads: 0,
      fullHouse: 0,
      flush: 0,
      straight: 0,
      trips: 0,
      other: 0,
    };
    const h = new SixCards();
    for (let a = 0; a < 52; a++) {
      h.add(a, 1);
      for (let b = a + 1; b < 52; b++) {
        h.add(b, 1);
        for (let c = b + 1; c < 52; c++) {
          h.add(c, 1);
          for (let d = c + 1; d < 52; d++) {
            h.add(d, 1);
            for (let e = d + 1; e < 52; e++) {
              h.add(e, 1);
              for (let f = e + 1; f < 52; f++) {
                h.add(f, 1);
                counts[h.category()]++;
                h.add(f, -1);
              }
              h.add(e, -1);
            }
            h.add(d, -1);
          }
          h.add(c, -1);
        }
        h.add(b, -1);
      }
      h.add(a, -1);
    }
    // The published counts of the best five of six cards.
    expect(counts).toEqual({
      royal: 188,
      straightFlush: 1656,
      quads: 14664,
      fullHouse: 165984,
      flush: 205792,
      straight: 361620,
      trips: 732160,
      other: 18876456,
    });
    const hands = 20_358_520n;
    let returned = 0n;
    for (const [cat, n] of Object.entries(counts) as [Category, number][]) if (cat !== "other") returned += BigInt(n) * (PAYS[cat] + 1n);
    expect(returned).toBe(18_615_544n);
    const edgePct = (Number(hands - returned) / Number(hands)) * 100;
    expect(edgePct.toFixed(3)).toBe("8.561");
  }, 120_000);
});
