// Sic Bo (games.md §5): known answers for every bet, exact expected return of every bet on every
// target by enumerating the 216 rolls (Macau and Atlantic City), compared with the published house
// edges (Wizard of Odds, "Sic Bo": docs/games.md), and a forced roll through a real block.
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { type Bet, GameId, SicBoBet, SicBoOption, sicBo } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { codeOf } from "./support/errors.js";
import { forceNextDraws, play, round } from "./support/games.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const AC = SicBoOption.atlanticCity;
const ret = (dice: number[], bet: Bet, options = 0) => core.codec.games.settleTableBets(GameId.sicBo, options, dice, [bet])[0]!.return;

describe("known answers", () => {
  it("small, big, odd, even pay 1:1 and lose on any triple", () => {
    expect(ret([1, 2, 3], sicBo.small(10n))).toBe(20n);
    expect(ret([4, 3, 3], sicBo.small(10n))).toBe(20n); // 10
    expect(ret([5, 3, 3], sicBo.small(10n))).toBe(0n); // 11
    expect(ret([5, 3, 3], sicBo.big(10n))).toBe(20n);
    expect(ret([6, 6, 5], sicBo.big(10n))).toBe(20n); // 17
    expect(ret([1, 2, 4], sicBo.odd(10n))).toBe(20n);
    expect(ret([1, 2, 4], sicBo.even(10n))).toBe(0n);
    expect(ret([2, 2, 4], sicBo.even(10n))).toBe(20n);
    for (const bet of [sicBo.small, sicBo.big, sicBo.odd, sicBo.even]) {
      for (let f = 1; f <= 6; f++) expect(ret([f, f, f], bet(10n))).toBe(0n);
    }
  });

  it("triples and doubles pay by the table chosen", () => {
    expect(ret([4, 4, 4], sicBo.specificTriple(4, 10n))).toBe(1510n);
    expect(ret([4, 4, 4], sicBo.specificTriple(4, 10n), AC)).toBe(1810n);
    expect(ret([4, 4, 5], sicBo.specificTriple(4, 10n))).toBe(0n);
    expect(ret([3, 3, 3], sicBo.anyTriple(10n))).toBe(250n);
    expect(ret([3, 3, 3], sicBo.anyTriple(10n), AC)).toBe(310n);
    expect(ret([3, 3, 2], sicBo.anyTriple(10n))).toBe(0n);
    expect(ret([2, 5, 2], sicBo.specificDouble(2, 10n))).toBe(90n);
    expect(ret([2, 2, 2], sicBo.specificDouble(2, 10n), AC)).toBe(110n);
    expect(ret([2, 5, 6], sicBo.specificDouble(2, 10n))).toBe(0n);
  });

  it("totals pay 50/18/14/12/8/6/6 (Macau) and 60/30/17/12/8/6/6 (Atlantic City)", () => {
    const macau = [50n, 18n, 14n, 12n, 8n, 6n, 6n];
    const atlantic = [60n, 30n, 17n, 12n, 8n, 6n, 6n];
    const rollOf: Record<number, number[]> = {
      4: [1, 1, 2],
      5: [1, 2, 2],
      6: [1, 2, 3],
      7: [1, 2, 4],
      8: [1, 3, 4],
      9: [2, 3, 4],
      10: [1, 4, 5],
      11: [2, 4, 5],
      12: [3, 4, 5],
      13: [2, 5, 6],
      14: [3, 5, 6],
      15: [4, 5, 6],
      16: [4, 6, 6],
      17: [5, 6, 6],
    };
    for (let t = 4; t <= 17; t++) {
      const i = Math.min(t - 4, 17 - t);
      expect(ret(rollOf[t]!, sicBo.total(t, 1n))).toBe(macau[i]! + 1n);
      expect(ret(rollOf[t]!, sicBo.total(t, 1n), AC)).toBe(atlantic[i]! + 1n);
      expect(ret(rollOf[t === 17 ? 4 : t + 1]!, sicBo.total(t, 1n))).toBe(0n);
    }
  });

  it("single number pays 1, 2 or 3 for one, two or three dice", () => {
    expect(ret([1, 2, 3], sicBo.single(5, 10n))).toBe(0n);
    expect(ret([5, 2, 3], sicBo.single(5, 10n))).toBe(20n);
    expect(ret([5, 2, 5], sicBo.single(5, 10n))).toBe(30n);
    expect(ret([5, 5, 5], sicBo.single(5, 10n))).toBe(40n);
  });

  it("domino 5, three-number easy hop 30, hard hop 50, four-number easy hop 7", () => {
    expect(ret([2, 6, 2], sicBo.domino(6, 2, 10n))).toBe(60n);
    expect(ret([2, 5, 3], sicBo.domino(2, 6, 10n))).toBe(0n);
    expect(ret([6, 1, 3], sicBo.easyHopThree(1, 3, 6, 10n))).toBe(310n);
    expect(ret([6, 1, 1], sicBo.easyHopThree(1, 3, 6, 10n))).toBe(0n); // not three distinct dice
    expect(ret([6, 1, 2], sicBo.easyHopThree(1, 3, 6, 10n))).toBe(0n);
    expect(ret([3, 5, 3], sicBo.hardHop(3, 5, 10n))).toBe(510n);
    expect(ret([5, 5, 3], sicBo.hardHop(3, 5, 10n))).toBe(0n); // double and single swapped
    expect(ret([3, 3, 3], sicBo.hardHop(3, 5, 10n))).toBe(0n);
    expect(ret([6, 1, 4], sicBo.easyHopFour([1, 3, 4, 6], 10n))).toBe(80n);
    expect(ret([6, 1, 2], sicBo.easyHopFour([1, 3, 4, 6], 10n))).toBe(0n);
    expect(ret([6, 1, 1], sicBo.easyHopFour([1, 3, 4, 6], 10n))).toBe(0n);
  });

  it("refuses targets that are not on the layout", () => {
    expect(codeOf(() => ret([1, 2, 3], { kind: SicBoBet.domino, target: 52, amount: 1n }))).toBe(407); // not ascending
    expect(codeOf(() => ret([1, 2, 3], { kind: SicBoBet.easyHopThree, target: 117, amount: 1n }))).toBe(407);
    expect(codeOf(() => ret([1, 2, 3], { kind: SicBoBet.easyHopFour, target: 1237, amount: 1n }))).toBe(407);
    expect(codeOf(() => ret([1, 2, 3], { kind: SicBoBet.single, target: 0, amount: 1n }))).toBe(407);
    expect(codeOf(() => ret([0, 2, 3], sicBo.small(1n)))).toBe(108);
  });
});

function everyBet(): { name: string; bet: Bet }[] {
  const out: { name: string; bet: Bet }[] = [];
  const push = (name: string, bet: Bet) => out.push({ name, bet });
  for (const k of ["small", "big", "odd", "even", "anyTriple"] as const) push(k, sicBo[k](1n));
  for (let f = 1; f <= 6; f++) {
    push("specificTriple", sicBo.specificTriple(f, 1n));
    push("specificDouble", sicBo.specificDouble(f, 1n));
    push("single", sicBo.single(f, 1n));
  }
  for (let t = 4; t <= 17; t++) push(`total${Math.min(t, 21 - t)}`, sicBo.total(t, 1n));
  for (let a = 1; a <= 6; a++)
    for (let b = 1; b <= 6; b++) {
      if (a < b) push("domino", sicBo.domino(a, b, 1n));
      if (a !== b) push("hardHop", sicBo.hardHop(a, b, 1n));
      for (let c = b + 1; c <= 6; c++) {
        if (a < b) push("easyHopThree", sicBo.easyHopThree(a, b, c, 1n));
        for (let d = c + 1; d <= 6; d++) if (a < b) push("easyHopFour", sicBo.easyHopFour([a, b, c, d], 1n));
      }
    }
  return out;
}

// Published house edges, % (Wizard of Odds, "Sic Bo", tables by payout): Macau, Atlantic City.
const PUBLISHED: Record<string, [string, string]> = {
  small: ["2.78", "2.78"],
  big: ["2.78", "2.78"],
  odd: ["2.78", "2.78"],
  even: ["2.78", "2.78"],
  specificTriple: ["30.09", "16.20"],
  anyTriple: ["30.56", "13.89"],
  specificDouble: ["33.33", "18.52"],
  total4: ["29.17", "15.28"],
  total5: ["47.22", "13.89"],
  total6: ["30.56", "16.67"],
  total7: ["9.72", "9.72"],
  total8: ["12.50", "12.50"],
  total9: ["18.98", "18.98"],
  total10: ["12.50", "12.50"],
  single: ["7.87", "7.87"],
  domino: ["16.67", "16.67"],
  easyHopThree: ["13.89", "13.89"],
  hardHop: ["29.17", "29.17"],
  easyHopFour: ["11.11", "11.11"],
};

describe("exact expected return of every bet over the 216 rolls against the published house edge", () => {
  for (const [table, options] of [
    ["Macau", 0],
    ["Atlantic City", AC],
  ] as const) {
    it(table, () => {
      const bets = everyBet();
      expect(bets).toHaveLength(5 + 18 + 14 + 15 + 30 + 20 + 15);
      const sums = bets.map(() => 0n);
      for (let a = 1; a <= 6; a++)
        for (let b = 1; b <= 6; b++)
          for (let c = 1; c <= 6; c++) {
            const out = core.codec.games.settleTableBets(
              GameId.sicBo,
              options,
              [a, b, c],
              bets.map((x) => x.bet),
            );
            out.forEach((o, i) => {
              sums[i]! += o.return;
            });
          }
      bets.forEach(({ name }, i) => {
        // The edge is exactly (216 − Σ returns) / 216, rounded to 0.01% as the published tables are.
        const edge = (Math.round(((216 - Number(sums[i]!)) / 216) * 10_000) / 100).toFixed(2);
        expect([name, edge]).toEqual([name, PUBLISHED[name]![options === 0 ? 0 : 1]]);
      });
    });
  }
});

describe("through a real block with a forced roll", () => {
  it("a triple loses small and big and pays the triple bets and the single", async () => {
    const alice = LocalChain.signer(1);
    const chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, sicBo.start(1n));
    const serial = chain.core.session(alice.publicKey, 1n)!.serial;
    forceNextDraws(chain, serial, 1, 3, 6, (d) => d[0] === 1 && d[1] === 1 && d[2] === 1); // 2-2-2
    const bets = [
      sicBo.small(10n),
      sicBo.big(10n),
      sicBo.anyTriple(2n),
      sicBo.specificTriple(2, 1n),
      sicBo.single(2, 5n),
      sicBo.total(6, 1n),
    ];
    const r = round(play(chain, alice, sicBo.roll(1n, bets))[0]);
    expect(r.draws.map((d) => d.value)).toEqual([2, 2, 2]);
    expect(r.info).toEqual([6]);
    expect(r.bets.map((b) => b.return)).toEqual([0n, 0n, 50n, 151n, 20n, 15n]);
    expect(r.chips).toBe(1000n - 29n + 236n);
  });
});
