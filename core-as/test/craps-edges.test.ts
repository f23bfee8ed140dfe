// Craps: the exact expected return of every bet, by Markov chain over the wasm's own settlement
// (support/markov.ts walks games_craps_next; the first roll with the bet placed goes through
// games_craps), compared with the published house edges and probabilities cited in docs/games.md.
// Floating point from exact transitions: agreement to 1e-9 is exact for these purposes.
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { type Bet, craps } from "../src/games/index.js";
import { expectedValues } from "./support/markov.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const FRESH: Uint8Array = new Uint8Array();
const DICE_FOR: Record<number, [number, number]> = { 4: [1, 3], 5: [1, 4], 6: [1, 5], 8: [2, 6], 9: [3, 6], 10: [4, 6] };
const POINTS = [4, 5, 6, 8, 9, 10] as const;

/** Σ reward(return) of `bets` placed on `table`, over the first roll and every roll after it until
 * no bet is left, in expectation. */
function expected(table: Uint8Array, bets: Bet[], reward: (r: bigint) => number = Number): { value: number; states: number } {
  let now = 0;
  const after: Uint8Array[] = [];
  for (let d1 = 1; d1 <= 6; d1++)
    for (let d2 = 1; d2 <= 6; d2++) {
      const r = core.codec.games.craps(table, [{ dice: [d1, d2], bets }]);
      const ret = r.rolls[0]!.bets.reduce((s, b) => s + b.return, 0n);
      if (ret > 0n) now += reward(ret);
      if (r.rolls[0]!.held > 0) after.push(r.table);
    }
  const chain = after.length > 0 ? expectedValues(after, (t) => core.codec.games.crapsNext(t), reward) : { values: [], states: 0 };
  return { value: (now + chain.values.reduce((s, v) => s + v, 0)) / 36, states: chain.states };
}

/** House edge in % of one bet of `amount`. */
const edge = (table: Uint8Array, bet: Bet) => (1 - expected(table, [bet]).value / Number(bet.amount)) * 100;
const probability = (table: Uint8Array, bet: Bet, ret: bigint) => expected(table, [bet], (r) => (r === ret ? 1 : 0)).value;

/** A table with point `n` on and nothing held (a Field bet rode the come-out roll). */
const pointTable = (n: number) => core.codec.games.craps(FRESH, [{ dice: DICE_FOR[n]!, bets: [craps.field(1n)] }]).table;

describe("line bets", () => {
  it("Pass 1.414% (7/495) and Don't Pass 1.364% (3/220, bar 12)", () => {
    expect(edge(FRESH, craps.pass(1n))).toBeCloseTo((7 / 495) * 100, 9);
    expect(edge(FRESH, craps.dontPass(1n))).toBeCloseTo((3 / 220) * 100, 9);
    expect(edge(FRESH, craps.pass(1n)).toFixed(3)).toBe("1.414");
    expect(edge(FRESH, craps.dontPass(1n)).toFixed(3)).toBe("1.364");
  });

  it("Come and Don't Come: the same edges, whatever the point on", () => {
    for (const n of [4, 6, 9]) {
      expect(edge(pointTable(n), craps.come(1n))).toBeCloseTo((7 / 495) * 100, 9);
      expect(edge(pointTable(n), craps.dontCome(1n))).toBeCloseTo((3 / 220) * 100, 9);
    }
  });

  it("free odds and lay odds have no edge when the win is whole; fractions are floored for the house", () => {
    for (const n of POINTS) {
      const withPass = core.codec.games.craps(FRESH, [{ dice: DICE_FOR[n]!, bets: [craps.pass(20n), craps.dontPass(20n)] }]).table;
      const base = expected(withPass, []).value;
      expect(expected(withPass, [craps.passOdds(60n)]).value - base).toBeCloseTo(60, 9);
      expect(expected(withPass, [craps.dontPassOdds(60n)]).value - base).toBeCloseTo(60, 9);
      // Come odds behind a Come bet on n.
      const withCome = core.codec.games.craps(pointTable(n === 4 ? 5 : 4), [{ dice: DICE_FOR[n]!, bets: [craps.come(20n)] }]).table;
      const comeBase = expected(withCome, []).value;
      expect(expected(withCome, [craps.comeOdds(n, 60n)]).value - comeBase).toBeCloseTo(60, 9);
    }
    // 1 chip of odds on 6 wins floor(6/5) = 1, not 1.2: return 2 × 5/11 < 1.
    const on6 = core.codec.games.craps(FRESH, [{ dice: [1, 5], bets: [craps.pass(1n)] }]).table;
    expect(expected(on6, [craps.passOdds(1n)]).value - expected(on6, []).value).toBeCloseTo(10 / 11, 9);
  });
});

describe("one-roll and number bets", () => {
  it("Field (2 pays 2:1, 12 pays 3:1) 2.778% (1/36)", () => {
    expect(edge(FRESH, craps.field(1n))).toBeCloseTo(100 / 36, 9);
    expect(edge(pointTable(8), craps.field(1n)).toFixed(3)).toBe("2.778");
  });

  it("Hard 4/10 11.11% (1/9), Hard 6/8 9.09% (1/11), working on the come-out", () => {
    for (const n of [4, 10] as const) expect(edge(FRESH, craps.hard(n, 1n))).toBeCloseTo(100 / 9, 9);
    for (const n of [6, 8] as const) expect(edge(FRESH, craps.hard(n, 1n))).toBeCloseTo(100 / 11, 9);
  });

  // With 6,000 chips every commission is whole, so the edge is the commission's alone: YES on a
  // number with w ways 0.06/(w+6), NO 0.01·w/(w+6), NEXT 1 − (w/36)(1 + 0.99·pays).
  it("YES and NO: true odds less 1% of the win", () => {
    for (let n = 2; n <= 12; n++) {
      if (n === 7) continue;
      const w = n <= 7 ? n - 1 : 13 - n;
      expect(edge(FRESH, craps.yes(n, 6000n))).toBeCloseTo((0.06 / (w + 6)) * 100, 9);
      expect(edge(FRESH, craps.no(n, 6000n))).toBeCloseTo(((0.01 * w) / (w + 6)) * 100, 9);
    }
    // At 1 chip the floor takes more: YES 6 wins floor(1.188) = 1, NO 4 wins floor(0.495) = 0.
    expect(edge(FRESH, craps.yes(6, 1n))).toBeCloseTo((1 - (5 / 11) * 2) * 100, 9);
    expect(edge(FRESH, craps.no(4, 1n))).toBeCloseTo((1 - 6 / 9) * 100, 9);
  });

  it("NEXT: 35/17/11/8/6/5 by ways, less 1%", () => {
    const pays = [0, 35, 17, 11, 8, 6, 5];
    for (let t = 2; t <= 12; t++) {
      const w = t <= 7 ? t - 1 : 13 - t;
      expect(edge(FRESH, craps.next(t, 6000n))).toBeCloseTo((1 - (w / 36) * (1 + 0.99 * pays[w]!)) * 100, 9);
    }
    expect(edge(FRESH, craps.next(7, 6000n)).toFixed(3)).toBe("0.833");
  });
});

describe("bonus bets against published figures", () => {
  it('Fire (24/249/999): P(4 points) 0.008798178440 (Ethier, via Catlin), house edge 20.76% ("about 21%", Grochowski)', () => {
    const fire = craps.fire(1n);
    expect(probability(FRESH, fire, 25n)).toBeCloseTo(0.00879817844, 11);
    expect(edge(FRESH, fire)).toBeGreaterThan(20.5);
    expect(edge(FRESH, fire)).toBeLessThan(21.5);
    expect(edge(FRESH, fire).toFixed(2)).toBe("20.76");
  });

  it("All Small / All Tall (30) 18.30%, P 0.026354; Make 'Em All (150) 20.61%, P 0.005258 (Wizard of Odds)", () => {
    expect(probability(FRESH, craps.allSmall(1n), 31n).toFixed(6)).toBe("0.026354");
    expect(probability(FRESH, craps.allTall(1n), 31n).toFixed(6)).toBe("0.026354");
    expect(edge(FRESH, craps.allSmall(1n)).toFixed(2)).toBe("18.30");
    expect(edge(FRESH, craps.allTall(1n)).toFixed(2)).toBe("18.30");
    const all = expected(FRESH, [craps.makeEmAll(1n)]);
    expect(((1 - all.value) * 100).toFixed(2)).toBe("20.61");
    expect(probability(FRESH, craps.makeEmAll(1n), 151n).toFixed(6)).toBe("0.005258");
  });

  it("Muggsy's Corner 5.56% (1/18; Point-7 / 7-Point-7, Casino City Times)", () => {
    expect(edge(FRESH, craps.muggsy(1n))).toBeCloseTo(100 / 18, 9);
  });

  it("Different Doubles 27.92% with P(3/4/5/6 doubles) = 56/21/6/1 of 924 (Wizard of Odds)", () => {
    const dd = craps.differentDoubles(1n);
    expect(probability(FRESH, dd, 5n)).toBeCloseTo(56 / 924, 12);
    expect(probability(FRESH, dd, 9n)).toBeCloseTo(21 / 924, 12);
    expect(probability(FRESH, dd, 16n)).toBeCloseTo(6 / 924, 12);
    expect(probability(FRESH, dd, 101n)).toBeCloseTo(1 / 924, 12);
    expect(edge(FRESH, dd).toFixed(2)).toBe("27.92");
  });

  it("Ride the Line: P(3…11+ pass-line wins) as Wizard of Odds publishes; edge under the spec's table", () => {
    const published = [0.075965228, 0.042126172, 0.023360877, 0.012954668, 0.007183952, 0.003983828, 0.002209214, 0.001225109, 0.001525136];
    const pays = [1, 2, 3, 5, 10, 15, 25, 40, 100];
    const ride = craps.rideTheLine(1n);
    for (const [i, p] of pays.entries()) expect(probability(FRESH, ride, BigInt(p + 1))).toBeCloseTo(published[i]!, 9);
    const fromPublished = 1 - pays.reduce((s, p, i) => s + (p + 1) * published[i]!, 0);
    expect(edge(FRESH, ride)).toBeCloseTo(fromPublished * 100, 5);
    expect(edge(FRESH, ride).toFixed(2)).toBe("14.60");
  });

  it("Replay 24.81% (Wizard of Odds: 0.24806441599095)", () => {
    const r = expected(FRESH, [craps.replay(1n)]);
    expect(1 - r.value).toBeCloseTo(0.24806441599095, 10);
  });

  // No published figure found. As the spec words it (any roll of a point number counts, any 7
  // ends it) its pay table returns 140.5%: the player has a 40.5% edge (docs/games.md flags it).
  it("Hot Roller: the wasm's chain agrees with an independent count over the 4096 way-sets (a player edge of 40.50%)", () => {
    // Independent model: each roll is a 7 (6 of 36), one of the 12 ways of a point (hard 4: 1,
    // easy 4: 2; 1-4: 2, 2-3: 2; hard 6: 1, easy 6: 4; … as combinations of two dice), or nothing.
    const ways = [1, 2, 2, 2, 1, 4, 1, 4, 2, 2, 1, 2];
    const pays = [0, 0, 5, 10, 20, 50, 200];
    const complete = (m: number) => [0, 1, 2, 3, 4, 5].filter((i) => ((m >> (2 * i)) & 3) === 3).length;
    const memo = new Float64Array(4096).fill(-1);
    const value = (m: number): number => {
      if (complete(m) === 6) return pays[6]! + 1;
      if (memo[m]! >= 0) return memo[m]!;
      let fresh = 0; // combinations that add a way not seen yet
      let sum = (6 / 36) * (pays[complete(m)]! === 0 ? 0 : pays[complete(m)]! + 1);
      ways.forEach((c, b) => {
        if (!(m & (1 << b))) {
          fresh += c;
          sum += (c / 36) * value(m | (1 << b));
        }
      });
      const v = sum / (1 - (36 - 6 - fresh) / 36); // the rolls that change nothing repeat the state
      memo[m] = v;
      return v;
    };
    const r = expected(FRESH, [craps.hotRoller(1n)]);
    expect(r.value).toBeCloseTo(value(0), 10);
    expect(((1 - r.value) * 100).toFixed(2)).toBe(HOT_ROLLER_EDGE);
  });
});

/** The computed edge of Hot Roller at the spec's 5/10/20/50/200, stated in docs/games.md. */
const HOT_ROLLER_EDGE = "-40.50";
