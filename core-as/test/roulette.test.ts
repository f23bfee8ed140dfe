// Roulette (games.md §4): known answers for every bet through the settle function, exact expected
// return of every bet on every target by enumerating the wheel (compared with the published house
// edges, docs/games.md), and En Prison / La Partage / American through real blocks with forced
// pockets.
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { type Bet, DOUBLE_ZERO, GameId, RouletteBet, RouletteOption, roulette } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { codeOf } from "./support/errors.js";
import { expectRefused, forceNextDraws, play, round } from "./support/games.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const RED = [1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36];
const { laPartage, enPrison, american } = RouletteOption;

function settle(pocket: number, bet: Bet & { held?: boolean }, options = 0) {
  return core.codec.games.settleTableBets(GameId.roulette, options, [pocket], [bet])[0]!;
}
const ret = (pocket: number, bet: Bet, options = 0) => settle(pocket, bet, options).return;

describe("known answers", () => {
  it("pays every inside bet at its odds when covered, nothing when not", () => {
    expect(ret(17, roulette.straight(17, 10n))).toBe(360n);
    expect(ret(18, roulette.straight(17, 10n))).toBe(0n);
    expect(ret(20, roulette.split(17, 20, 10n))).toBe(180n);
    expect(ret(17, roulette.split(17, 18, 10n))).toBe(180n);
    expect(ret(19, roulette.split(17, 20, 10n))).toBe(0n);
    expect(ret(18, roulette.street(6, 10n))).toBe(120n); // 16, 17, 18
    expect(ret(19, roulette.street(6, 10n))).toBe(0n);
    expect(ret(21, roulette.corner(17, 10n))).toBe(90n); // 17, 18, 20, 21
    expect(ret(19, roulette.corner(17, 10n))).toBe(0n);
    expect(ret(16, roulette.sixLine(6, 10n))).toBe(60n); // 16–21
    expect(ret(21, roulette.sixLine(6, 10n))).toBe(60n);
    expect(ret(22, roulette.sixLine(6, 10n))).toBe(0n);
    expect(ret(0, roulette.split(0, 2, 10n))).toBe(180n);
  });

  it("pays every outside bet at its odds, and zero is none of them", () => {
    expect(ret(24, roulette.dozen(2, 10n))).toBe(30n);
    expect(ret(25, roulette.dozen(2, 10n))).toBe(0n);
    expect(ret(35, roulette.column(2, 10n))).toBe(30n);
    expect(ret(36, roulette.column(2, 10n))).toBe(0n);
    expect(ret(34, roulette.column(1, 10n))).toBe(30n);
    for (let p = 1; p <= 36; p++) {
      const red = RED.includes(p);
      expect(ret(p, roulette.red(10n))).toBe(red ? 20n : 0n);
      expect(ret(p, roulette.black(10n))).toBe(red ? 0n : 20n);
      expect(ret(p, roulette.odd(10n))).toBe(p % 2 === 1 ? 20n : 0n);
      expect(ret(p, roulette.even(10n))).toBe(p % 2 === 0 ? 20n : 0n);
      expect(ret(p, roulette.low(10n))).toBe(p <= 18 ? 20n : 0n);
      expect(ret(p, roulette.high(10n))).toBe(p >= 19 ? 20n : 0n);
    }
    for (const bet of [roulette.red, roulette.black, roulette.odd, roulette.even, roulette.low, roulette.high]) {
      expect(ret(0, bet(10n))).toBe(0n);
      expect(ret(DOUBLE_ZERO, bet(10n), american)).toBe(0n);
    }
    expect(ret(0, roulette.dozen(1, 10n))).toBe(0n);
    expect(ret(0, roulette.column(3, 10n))).toBe(0n);
  });

  it("La Partage returns half an even-money bet on zero, floored, and only on even-money bets", () => {
    expect(ret(0, roulette.red(10n), laPartage)).toBe(5n);
    expect(ret(0, roulette.high(5n), laPartage)).toBe(2n); // 2.5 floored
    expect(ret(0, roulette.low(1n), laPartage)).toBe(0n);
    expect(ret(0, roulette.dozen(1, 10n), laPartage)).toBe(0n);
    expect(ret(DOUBLE_ZERO, roulette.even(10n), laPartage | american)).toBe(5n);
    expect(ret(3, roulette.red(10n), laPartage)).toBe(20n);
    expect(ret(2, roulette.red(10n), laPartage)).toBe(0n);
  });

  it("En Prison holds an even-money bet lost to zero; held, it returns its stake on a win, else nothing", () => {
    expect(settle(0, roulette.odd(10n), enPrison)).toEqual({ return: 0n, status: 1 });
    expect(settle(0, roulette.dozen(1, 10n), enPrison)).toEqual({ return: 0n, status: 0 });
    expect(settle(3, { ...roulette.odd(10n), held: true }, enPrison)).toEqual({ return: 10n, status: 0 });
    expect(settle(4, { ...roulette.odd(10n), held: true }, enPrison)).toEqual({ return: 0n, status: 0 });
    expect(settle(0, { ...roulette.odd(10n), held: true }, enPrison)).toEqual({ return: 0n, status: 0 });
  });

  it("American wheels have 00 (pocket 37) and its splits; single-zero wheels refuse it", () => {
    expect(ret(DOUBLE_ZERO, roulette.straight(DOUBLE_ZERO, 10n), american)).toBe(360n);
    expect(ret(DOUBLE_ZERO, roulette.split(0, DOUBLE_ZERO, 10n), american)).toBe(180n);
    expect(ret(DOUBLE_ZERO, roulette.split(2, DOUBLE_ZERO, 10n), american)).toBe(180n);
    expect(ret(0, roulette.straight(DOUBLE_ZERO, 10n), american)).toBe(0n);
    expect(codeOf(() => settle(DOUBLE_ZERO, roulette.red(1n)))).toBe(108);
    expect(codeOf(() => settle(0, roulette.split(0, DOUBLE_ZERO, 1n)))).toBe(407);
    expect(codeOf(() => settle(0, roulette.split(0, 5, 1n)))).toBe(407);
  });
});

/** Every bet the layout allows: each kind on each valid target. */
function everyBet(isAmerican: boolean, amount: bigint): Bet[] {
  const bets: Bet[] = [];
  const top = isAmerican ? DOUBLE_ZERO : 36;
  for (let p = 0; p <= top; p++) bets.push(roulette.straight(p, amount));
  for (let a = 0; a <= top; a++)
    for (let b = a + 1; b <= top; b++) {
      const bet = roulette.split(a, b, amount);
      try {
        core.codec.games.settleTableBets(GameId.roulette, isAmerican ? american : 0, [0], [bet]);
        bets.push(bet);
      } catch {
        // not adjacent on the layout
      }
    }
  for (let r = 1; r <= 12; r++) bets.push(roulette.street(r, amount));
  for (let n = 1; n <= 32; n++) if (n % 3 !== 0) bets.push(roulette.corner(n, amount));
  for (let r = 1; r <= 11; r++) bets.push(roulette.sixLine(r, amount));
  for (const d of [1, 2, 3] as const) bets.push(roulette.dozen(d, amount), roulette.column(d, amount));
  bets.push(
    roulette.red(amount),
    roulette.black(amount),
    roulette.odd(amount),
    roulette.even(amount),
    roulette.low(amount),
    roulette.high(amount),
  );
  return bets;
}

/** Σ over the wheel of each bet's return (with one more spin for a held bet), as a fraction of the total stake. */
function expectedReturns(options: number): { bet: Bet; num: bigint; den: bigint }[] {
  const isAmerican = (options & american) !== 0;
  const n = isAmerican ? 38 : 37;
  const bets = everyBet(isAmerican, 2n);
  const sums = bets.map(() => 0n);
  const heldWins = bets.map((b) => {
    let wins = 0n;
    for (let p = 0; p < n; p++) wins += core.codec.games.settleTableBets(GameId.roulette, options, [p], [{ ...b, held: true }])[0]!.return;
    return wins;
  });
  for (let p = 0; p < n; p++) {
    const out = core.codec.games.settleTableBets(GameId.roulette, options, [p], bets);
    // A held bet's value is its average return over the next spin: scale everything by n.
    out.forEach((o, i) => {
      sums[i]! += o.status === 1 ? heldWins[i]! : o.return * BigInt(n);
    });
  }
  return bets.map((bet, i) => ({ bet, num: sums[i]!, den: 2n * BigInt(n * n) }));
}

const pct = (num: bigint, den: bigint) => (Number(((den - num) * 1_000_000n) / den) / 10_000).toFixed(2);

describe("exact expected return of every bet (enumeration) against the published house edge", () => {
  it("covers the whole layout: 60 splits on a single-zero wheel, 62 on an American one", () => {
    expect(everyBet(false, 1n).filter((b) => b.kind === RouletteBet.split)).toHaveLength(60);
    expect(everyBet(true, 1n).filter((b) => b.kind === RouletteBet.split)).toHaveLength(62);
    expect(everyBet(false, 1n)).toHaveLength(37 + 60 + 12 + 22 + 11 + 6 + 6);
  });

  it("single zero: every bet 36/37 (edge 2.70%)", () => {
    for (const { num, den } of expectedReturns(0)) {
      expect(num * 37n).toBe(den * 36n);
      expect(pct(num, den)).toBe("2.70");
    }
  });

  it("American: every bet 36/38 (edge 5.26%)", () => {
    for (const { num, den } of expectedReturns(american)) {
      expect(num * 38n).toBe(den * 36n);
      expect(pct(num, den)).toBe("5.26");
    }
  });

  it("La Partage: even-money bets 73/74 (edge 1.35%), the others unchanged at 2.70%", () => {
    for (const { bet, num, den } of expectedReturns(laPartage)) {
      const evenMoney = bet.kind >= RouletteBet.red;
      expect(num * (evenMoney ? 74n : 37n)).toBe(den * (evenMoney ? 73n : 36n));
      expect(pct(num, den)).toBe(evenMoney ? "1.35" : "2.70");
    }
  });

  it("En Prison (held one spin; a second zero loses): even-money bets 1350/1369 (edge 1.39%)", () => {
    for (const { bet, num, den } of expectedReturns(enPrison)) {
      const evenMoney = bet.kind >= RouletteBet.red;
      expect(num * (evenMoney ? 1369n : 37n)).toBe(den * (evenMoney ? 1350n : 36n));
      expect(pct(num, den)).toBe(evenMoney ? "1.39" : "2.70");
    }
  });
});

describe("through real blocks with forced pockets", () => {
  const alice = LocalChain.signer(1);
  const reds = (d: number[]) => RED.includes(d[0]!);

  it("En Prison: a bet lost to zero is held, blocks leaving, and returns its stake when it then wins", async () => {
    const chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, roulette.start(1n, enPrison));
    const serial = chain.core.session(alice.publicKey, 1n)!.serial;
    forceNextDraws(chain, serial, 1, 1, 37, (d) => d[0] === 0);
    const first = round(play(chain, alice, roulette.spin(1n, [roulette.red(10n), roulette.straight(0, 1n), roulette.dozen(1, 4n)]))[0]);
    expect(first.draws).toEqual([{ move: 1, index: 0, value: 0 }]);
    expect(first.bets.map((b) => [b.return, b.status])).toEqual([
      [0n, 1],
      [36n, 0],
      [0n, 0],
    ]);
    expect(first.chips).toBe(1000n - 15n + 36n);
    expect(chain.core.session(alice.publicKey, 1n)!.data).not.toBe("");
    expectRefused(chain, alice, roulette.close(1n), 413, { players: [alice], sessions: [1n] });

    forceNextDraws(chain, serial, 2, 1, 37, reds);
    const second = round(play(chain, alice, roulette.spin(1n, []))[0]);
    expect(second.bets).toEqual([{ kind: RouletteBet.red, target: 0, stake: 10n, return: 10n, status: 2 }]);
    expect(second.staked).toBe(0n);
    expect(second.chips).toBe(first.chips + 10n);
    expect(chain.core.session(alice.publicKey, 1n)!.data).toBe("");
    expect(round(play(chain, alice, roulette.close(1n))[0]).finished).toBe(true);
  });

  it("En Prison: a held bet that loses the next spin (or meets a second zero) is lost", async () => {
    const chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, roulette.start(1n, enPrison));
    const serial = chain.core.session(alice.publicKey, 1n)!.serial;
    forceNextDraws(chain, serial, 1, 1, 37, (d) => d[0] === 0);
    play(chain, alice, roulette.spin(1n, [roulette.even(10n)]));
    forceNextDraws(chain, serial, 2, 1, 37, (d) => d[0] === 0);
    const r = round(play(chain, alice, roulette.spin(1n, [roulette.odd(5n)]))[0]);
    expect(r.bets.map((b) => [b.kind, b.return, b.status])).toEqual([
      [RouletteBet.even, 0n, 2],
      [RouletteBet.odd, 0n, 1],
    ]);
  });

  it("La Partage floors half of an odd stake; American draws 00", async () => {
    const chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, roulette.start(1n, laPartage), roulette.start(2n, american));
    const lp = chain.core.session(alice.publicKey, 1n)!.serial;
    forceNextDraws(chain, lp, 1, 1, 37, (d) => d[0] === 0);
    expect(round(play(chain, alice, roulette.spin(1n, [roulette.black(5n)]))[0]).returned).toBe(2n);
    const us = chain.core.session(alice.publicKey, 2n)!.serial;
    forceNextDraws(chain, us, 1, 1, 38, (d) => d[0] === DOUBLE_ZERO);
    const r = round(play(chain, alice, roulette.spin(2n, [roulette.straight(DOUBLE_ZERO, 2n), roulette.red(3n)]))[0]);
    expect(r.draws[0]!.value).toBe(DOUBLE_ZERO);
    expect(r.bets.map((b) => b.return)).toEqual([72n, 0n]);
  });
});
