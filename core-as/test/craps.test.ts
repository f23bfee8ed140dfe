// Craps (games.md §3): known answers for every bet on given dice sequences through the wasm's own
// roll function (games_craps: the executor's check and settlement), every refusal, pushes and
// floors, and whole sittings through real blocks with forced dice. Exact expected returns are in
// craps-edges.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { type Bet, CrapsBet, type CrapsStep, craps, gameSpec } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { codeOf } from "./support/errors.js";
import { expectRefused, forceNextDraws, play, round } from "./support/games.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

type Dice = [number, number];
const FRESH: Uint8Array = new Uint8Array();
/** A roll of each total (the first pair is never a double except for 2 and 12). */
const T: Record<number, Dice> = {
  2: [1, 1],
  3: [1, 2],
  4: [1, 3],
  5: [1, 4],
  6: [1, 5],
  7: [3, 4],
  8: [2, 6],
  9: [3, 6],
  10: [4, 6],
  11: [5, 6],
  12: [6, 6],
};
const HARD: Record<number, Dice> = { 4: [2, 2], 6: [3, 3], 8: [4, 4], 10: [5, 5] };

const run = (steps: CrapsStep[], table = FRESH) => core.codec.games.craps(table, steps);
/** Step helper: dice, then bets placed before them. */
const s = (dice: Dice, ...bets: Bet[]): CrapsStep => ({ dice, bets });
/** Returns of each roll's bets of `kind`, roll by roll ("h" while held). */
const trail = (steps: CrapsStep[], kind: number, table = FRESH) =>
  run(steps, table).rolls.map((r) => r.bets.filter((b) => b.kind === kind).map((b) => (b.status === 1 ? "h" : b.return)));
/** The return of the single bet of `kind` once settled (after the given rolls). */
const settled = (steps: CrapsStep[], kind: number, table = FRESH): bigint | "h" => {
  const t = trail(steps, kind, table).flat();
  return t[t.length - 1]!;
};
/** A table with point n on and nothing held. */
const onPoint = (n: number) => run([s(T[n]!, craps.field(1n))]).table;

describe("line bets", () => {
  it("Pass: 7/11 win, 2/3/12 lose on the come-out; then the point before 7", () => {
    for (const t of [7, 11]) expect(settled([s(T[t]!, craps.pass(10n))], CrapsBet.pass)).toBe(20n);
    for (const t of [2, 3, 12]) expect(settled([s(T[t]!, craps.pass(10n))], CrapsBet.pass)).toBe(0n);
    // A waiting bet is reported when placed and when settled, not in between.
    expect(trail([s(T[4]!, craps.pass(10n)), s(T[6]!), s(T[11]!), s(HARD[4]!)], CrapsBet.pass)).toEqual([["h"], [], [], [20n]]);
    expect(settled([s(T[8]!, craps.pass(10n)), s(T[7]!)], CrapsBet.pass)).toBe(0n);
    const r = run([s(T[4]!, craps.pass(10n)), s(T[4]!)]).rolls;
    expect(r.map((x) => [x.total, x.point, x.shooterHasPoint])).toEqual([
      [4, 4, true],
      [4, 0, true],
    ]);
    expect(r[1]!.bets[0]!.status).toBe(2); // held at roll 1, settled at roll 2
  });

  it("Don't Pass: 2/3 win, 12 pushes (bar 12), 7/11 lose; then 7 before the point", () => {
    for (const t of [2, 3]) expect(settled([s(T[t]!, craps.dontPass(10n))], CrapsBet.dontPass)).toBe(20n);
    expect(settled([s(T[12]!, craps.dontPass(10n))], CrapsBet.dontPass)).toBe(10n);
    for (const t of [7, 11]) expect(settled([s(T[t]!, craps.dontPass(10n))], CrapsBet.dontPass)).toBe(0n);
    expect(settled([s(T[9]!, craps.dontPass(10n)), s(T[12]!), s(T[7]!)], CrapsBet.dontPass)).toBe(20n);
    expect(settled([s(T[9]!, craps.dontPass(10n)), s(T[9]!)], CrapsBet.dontPass)).toBe(0n);
  });

  it("Come and Don't Come travel to their own number, independent of the point", () => {
    const p6 = onPoint(6);
    for (const t of [7, 11]) expect(settled([s(T[t]!, craps.come(10n))], CrapsBet.come, p6)).toBe(20n);
    for (const t of [2, 3, 12]) expect(settled([s(T[t]!, craps.come(10n))], CrapsBet.come, p6)).toBe(0n);
    const r = run([s(T[5]!, craps.come(10n)), s(T[6]!), s(T[5]!)], p6).rolls;
    expect(r[0]!.bets[0]).toMatchObject({ kind: CrapsBet.come, target: 5, return: 0n, status: 1 });
    expect(r[1]!.point).toBe(0); // the 6 made the point; the come bet on 5 stays
    expect(r[2]!.bets[0]).toMatchObject({ kind: CrapsBet.come, target: 5, return: 20n, status: 2 });
    expect(settled([s(T[5]!, craps.come(10n)), s(T[7]!)], CrapsBet.come, p6)).toBe(0n);
    expect(settled([s(T[12]!, craps.dontCome(10n))], CrapsBet.dontCome, p6)).toBe(10n);
    expect(settled([s(T[3]!, craps.dontCome(10n))], CrapsBet.dontCome, p6)).toBe(20n);
    expect(settled([s(T[11]!, craps.dontCome(10n))], CrapsBet.dontCome, p6)).toBe(0n);
    expect(settled([s(T[10]!, craps.dontCome(10n)), s(T[7]!)], CrapsBet.dontCome, p6)).toBe(20n);
    expect(settled([s(T[10]!, craps.dontCome(10n)), s(T[10]!)], CrapsBet.dontCome, p6)).toBe(0n);
  });

  it("odds pay 2:1, 3:2, 6:5 and lay odds 1:2, 2:3, 5:6, floored", () => {
    const odds = (n: number, amount: bigint, lay = false) =>
      settled(
        [
          s(T[n]!, lay ? craps.dontPass(10n) : craps.pass(10n)),
          s(T[lay ? 12 : 2]!, lay ? craps.dontPassOdds(amount) : craps.passOdds(amount)),
          s(T[lay ? 7 : n]!),
        ],
        lay ? CrapsBet.dontPassOdds : CrapsBet.passOdds,
      );
    expect(odds(4, 30n)).toBe(90n);
    expect(odds(10, 1n)).toBe(3n);
    expect(odds(5, 40n)).toBe(100n);
    expect(odds(9, 5n)).toBe(12n); // 3:2 on 5 returns 12 (games.md)
    expect(odds(6, 50n)).toBe(110n);
    expect(odds(8, 4n)).toBe(8n); // 4.8 floored
    expect(odds(4, 60n, true)).toBe(90n);
    expect(odds(4, 1n, true)).toBe(1n); // 0.5 floored
    expect(odds(5, 60n, true)).toBe(100n);
    expect(odds(9, 5n, true)).toBe(8n); // 3.33 floored
    expect(odds(6, 60n, true)).toBe(110n);
    expect(odds(8, 5n, true)).toBe(9n); // 4.17 floored
    // Odds lose with their line bet, and come odds ride their come bet.
    expect(settled([s(T[4]!, craps.pass(10n)), s(T[2]!, craps.passOdds(30n)), s(T[7]!)], CrapsBet.passOdds)).toBe(0n);
    const p4 = onPoint(4);
    expect(settled([s(T[6]!, craps.come(10n)), s(T[3]!, craps.comeOdds(6, 50n)), s(T[6]!)], CrapsBet.comeOdds, p4)).toBe(110n);
    expect(settled([s(T[6]!, craps.dontCome(10n)), s(T[3]!, craps.dontComeOdds(6, 60n)), s(T[7]!)], CrapsBet.dontComeOdds, p4)).toBe(110n);
    expect(settled([s(T[6]!, craps.dontCome(10n)), s(T[3]!, craps.dontComeOdds(6, 60n)), s(T[6]!)], CrapsBet.dontComeOdds, p4)).toBe(0n);
  });
});

describe("one-roll and number bets", () => {
  it("Field: 3, 4, 9, 10, 11 pay 1:1, 2 pays 2:1, 12 pays 3:1, 5–8 lose", () => {
    const want: Record<number, bigint> = { 2: 30n, 3: 20n, 4: 20n, 5: 0n, 6: 0n, 7: 0n, 8: 0n, 9: 20n, 10: 20n, 11: 20n, 12: 40n };
    for (let t = 2; t <= 12; t++) expect(settled([s(T[t]!, craps.field(10n))], CrapsBet.field)).toBe(want[t]);
  });

  it("Hardways: hard 4/10 7:1, hard 6/8 9:1, working on the come-out; lose to the easy way or a 7", () => {
    expect(settled([s(HARD[4]!, craps.hard(4, 10n))], CrapsBet.hard)).toBe(80n);
    expect(settled([s(HARD[10]!, craps.hard(10, 10n))], CrapsBet.hard)).toBe(80n);
    expect(settled([s(HARD[6]!, craps.hard(6, 10n))], CrapsBet.hard)).toBe(100n);
    expect(settled([s(T[9]!, craps.hard(8, 10n)), s(T[5]!), s(HARD[8]!)], CrapsBet.hard)).toBe(100n);
    expect(settled([s(T[4]!, craps.hard(4, 10n))], CrapsBet.hard)).toBe(0n);
    expect(settled([s([2, 4], craps.hard(6, 10n))], CrapsBet.hard)).toBe(0n);
    expect(settled([s(T[7]!, craps.hard(8, 10n))], CrapsBet.hard)).toBe(0n);
    expect(settled([s(T[5]!, craps.hard(8, 10n))], CrapsBet.hard)).toBe("h");
  });

  it("YES: true odds less 1% of the win, floored; loses to 7", () => {
    expect(settled([s(T[4]!, craps.yes(4, 100n))], CrapsBet.yes)).toBe(298n); // 200 − 2
    expect(settled([s(T[6]!, craps.yes(6, 100n))], CrapsBet.yes)).toBe(218n); // 120 − 1.2 = 118.8
    expect(settled([s(T[2]!, craps.yes(2, 100n))], CrapsBet.yes)).toBe(694n); // 600 − 6
    expect(settled([s(T[11]!, craps.yes(11, 100n))], CrapsBet.yes)).toBe(397n); // 300 − 3
    expect(settled([s(T[6]!, craps.yes(6, 1n))], CrapsBet.yes)).toBe(2n); // 1.188 → 1
    expect(settled([s(T[5]!, craps.yes(5, 1n))], CrapsBet.yes)).toBe(2n); // 1.485 → 1
    expect(settled([s(T[8]!, craps.yes(9, 100n)), s(T[7]!)], CrapsBet.yes)).toBe(0n);
  });

  it("NO: 7 before the number, true odds less 1%, floored", () => {
    expect(settled([s(T[7]!, craps.no(4, 100n))], CrapsBet.no)).toBe(149n); // 50 − 0.5 = 49.5
    expect(settled([s(T[7]!, craps.no(6, 100n))], CrapsBet.no)).toBe(182n); // 83.33 − 0.83 = 82.5
    expect(settled([s(T[7]!, craps.no(2, 600n))], CrapsBet.no)).toBe(699n); // 100 − 1
    expect(settled([s(T[7]!, craps.no(4, 1n))], CrapsBet.no)).toBe(1n); // 0.495 → 0
    expect(settled([s(T[3]!, craps.no(12, 100n)), s(T[12]!)], CrapsBet.no)).toBe(0n);
  });

  it("NEXT: 35/17/11/8/6/5 by ways, less 1%, one roll", () => {
    expect(settled([s(T[2]!, craps.next(2, 100n))], CrapsBet.next)).toBe(3565n);
    expect(settled([s(T[3]!, craps.next(3, 100n))], CrapsBet.next)).toBe(1783n);
    expect(settled([s(T[4]!, craps.next(4, 100n))], CrapsBet.next)).toBe(1189n);
    expect(settled([s(T[5]!, craps.next(5, 100n))], CrapsBet.next)).toBe(892n);
    expect(settled([s(T[8]!, craps.next(8, 100n))], CrapsBet.next)).toBe(694n);
    expect(settled([s(T[7]!, craps.next(7, 100n))], CrapsBet.next)).toBe(595n);
    expect(settled([s(T[12]!, craps.next(12, 1n))], CrapsBet.next)).toBe(35n); // 34.65 → 34
    expect(settled([s(T[6]!, craps.next(7, 100n))], CrapsBet.next)).toBe(0n);
  });
});

// Shooter sequences: each point set with the first pair, made with the second.
const make = (n: number): CrapsStep[] => [s(T[n]!), s(n === 4 || n === 10 ? HARD[n]! : T[n]!)];
const sevenOut = (n = 6): CrapsStep[] => [s(T[n]!), s(T[7]!)];
const withBet = (bet: Bet, steps: CrapsStep[]): CrapsStep[] => [{ ...steps[0]!, bets: [bet] }, ...steps.slice(1)];

describe("bonus bets", () => {
  it("Fire: 4/5/6 distinct points made before the seven-out pay 24/249/999; repeats and come-out 7s do not count", () => {
    const fire = (points: number[]) => settled(withBet(craps.fire(1n), [...points.flatMap(make), s(T[7]!), ...sevenOut()]), CrapsBet.fire);
    expect(fire([4, 5, 6])).toBe(0n);
    expect(fire([4, 5, 6, 6, 5, 4])).toBe(0n);
    expect(fire([4, 5, 6, 8])).toBe(25n);
    expect(fire([4, 5, 6, 8, 9])).toBe(250n);
    const six = trail(withBet(craps.fire(1n), [4, 5, 6, 8, 9, 10].flatMap(make)), CrapsBet.fire).flat();
    expect(six[six.length - 1]).toBe(1000n); // paid when the sixth point is made
  });

  it("All Small / All Tall / Make 'Em All before any 7 (a come-out 7 included) pay 30/30/150", () => {
    const small = [2, 3, 4, 5, 6].map((t) => s(T[t]!));
    const tall = [8, 9, 10, 11, 12].map((t) => s(T[t]!));
    expect(settled(withBet(craps.allSmall(2n), small), CrapsBet.allSmall)).toBe(62n);
    expect(settled(withBet(craps.allTall(2n), tall), CrapsBet.allTall)).toBe(62n);
    expect(settled(withBet(craps.makeEmAll(1n), [...small, ...tall]), CrapsBet.makeEmAll)).toBe(151n);
    expect(settled(withBet(craps.allSmall(2n), [s(T[2]!), s(T[3]!), s(T[7]!)]), CrapsBet.allSmall)).toBe(0n); // come-out 7
    expect(settled(withBet(craps.allTall(2n), [...tall.slice(0, 4), s(T[7]!)]), CrapsBet.allTall)).toBe(0n);
  });

  it("Muggsy's Corner: a come-out 7 pays 2, a 7 right after a point pays 3, anything else loses", () => {
    expect(settled([s(T[7]!, craps.muggsy(10n))], CrapsBet.muggsy)).toBe(30n);
    expect(settled([s(T[5]!, craps.muggsy(10n)), s(T[7]!)], CrapsBet.muggsy)).toBe(40n);
    expect(settled([s(T[5]!, craps.muggsy(10n)), s(T[6]!)], CrapsBet.muggsy)).toBe(0n);
    expect(settled([s(T[11]!, craps.muggsy(10n))], CrapsBet.muggsy)).toBe(0n);
    expect(settled([s(T[2]!, craps.muggsy(10n))], CrapsBet.muggsy)).toBe(0n);
  });

  it("Different Doubles: 3/4/5 distinct doubles before a 7 pay 4/8/15; all six pay 100 at once", () => {
    const dd = (faces: number[]) =>
      settled(
        withBet(craps.differentDoubles(1n), [...faces.map((f) => s([f, f])), s([faces[0]!, faces[0]!]), s(T[7]!)]),
        CrapsBet.differentDoubles,
      );
    expect(dd([1, 1, 2])).toBe(0n);
    expect(dd([1, 2, 3])).toBe(5n);
    expect(dd([6, 2, 3, 4])).toBe(9n);
    expect(dd([6, 2, 3, 4, 5])).toBe(16n);
    const all = trail(
      withBet(
        craps.differentDoubles(1n),
        [1, 2, 3, 4, 5, 6].map((f) => s([f, f])),
      ),
      CrapsBet.differentDoubles,
    ).flat();
    expect(all[all.length - 1]).toBe(101n);
  });

  it("Ride the Line: pass-line wins (naturals and points made) before the seven-out", () => {
    const ride = (steps: CrapsStep[]) => settled(withBet(craps.rideTheLine(1n), [...steps, ...sevenOut()]), CrapsBet.rideTheLine);
    expect(ride([s(T[7]!), s(T[11]!)])).toBe(0n);
    expect(ride([s(T[7]!), s(T[11]!), ...make(4)])).toBe(2n);
    expect(ride([s(T[7]!), s(T[11]!), s(T[2]!), ...make(4), ...make(5), ...make(6)])).toBe(4n); // 5 wins pay 3
    expect(ride([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(() => s(T[7]!)))).toBe(41n);
    const top = trail(
      withBet(
        craps.rideTheLine(1n),
        Array.from({ length: 11 }, () => s(T[11]!)),
      ),
      CrapsBet.rideTheLine,
    ).flat();
    expect(top[top.length - 1]).toBe(101n);
  });

  it("Replay: the same point made 3 or 4+ times pays by the best point; 4 or 10 four times pays 1000 at once", () => {
    const replay = (points: number[]) => settled(withBet(craps.replay(1n), [...points.flatMap(make), ...sevenOut()]), CrapsBet.replay);
    expect(replay([6, 6])).toBe(0n);
    expect(replay([6, 6, 6])).toBe(71n);
    expect(replay([6, 6, 6, 6, 6])).toBe(101n);
    expect(replay([5, 6, 5, 6, 5, 6])).toBe(96n);
    expect(replay([9, 9, 9, 9])).toBe(501n);
    expect(replay([10, 10, 10])).toBe(121n);
    const top = trail(withBet(craps.replay(1n), [4, 4, 4, 4].flatMap(make)), CrapsBet.replay).flat();
    expect(top[top.length - 1]).toBe(1001n);
  });

  it("Hot Roller: points made both ways before any 7 pay 5/10/20/50 for 2/3/4/5, 200 at once for all six", () => {
    // Ways: hard and easy for 4, 6, 8, 10; 1-4 and 2-3 for 5; 3-6 and 4-5 for 9.
    const hot = (rolls: Dice[]) => settled(withBet(craps.hotRoller(1n), [...rolls.map((d) => s(d)), s(T[7]!)]), CrapsBet.hotRoller);
    expect(
      hot([
        [2, 2],
        [1, 3],
      ]),
    ).toBe(0n);
    expect(
      hot([
        [2, 2],
        [1, 3],
        [3, 3],
        [2, 4],
      ]),
    ).toBe(6n);
    expect(
      hot([
        [2, 2],
        [1, 3],
        [1, 4],
        [4, 1],
      ]),
    ).toBe(0n); // 5 only one way
    expect(
      hot([
        [2, 2],
        [3, 1],
        [1, 4],
        [3, 2],
        [3, 6],
        [5, 4],
      ]),
    ).toBe(11n);
    const six: Dice[] = [
      [2, 2],
      [1, 3],
      [1, 4],
      [2, 3],
      [3, 3],
      [1, 5],
      [4, 4],
      [2, 6],
      [3, 6],
      [4, 5],
      [5, 5],
      [4, 6],
    ];
    const all = trail(
      withBet(
        craps.hotRoller(1n),
        six.map((d) => s(d)),
      ),
      CrapsBet.hotRoller,
    ).flat();
    expect(all[all.length - 1]).toBe(201n);
  });

  it("each bonus bet counts from its own first roll: rolls before it do not help it", () => {
    const r = run([s(T[2]!, craps.allSmall(1n)), s(T[3]!, craps.allSmall(1n)), s(T[4]!), s(T[5]!), s(T[6]!)]).rolls;
    expect(r[4]!.bets.map((b) => [b.return, b.status])).toEqual([[31n, 2]]);
  });
});

describe("catalogue", () => {
  it("lists every craps bet kind the wasm knows, and the game as available", () => {
    const spec = gameSpec("craps");
    expect(spec).toMatchObject({ id: 3, available: true, table: true, maxBet: 10_000n });
    expect(spec.bets.map((b) => b.kind)).toEqual(Object.values(CrapsBet));
    expect(Object.values(CrapsBet)).toEqual(Array.from({ length: 22 }, (_, i) => i));
  });
});

describe("refusals (the executor's checks, through games_craps)", () => {
  const code = (steps: CrapsStep[], table = FRESH) => codeOf(() => run(steps, table));

  it("Pass and Don't Pass only on a come-out roll; Come and Don't Come only with a point on", () => {
    const p5 = onPoint(5);
    expect(code([s(T[4]!, craps.pass(1n))], p5)).toBe(404);
    expect(code([s(T[4]!, craps.dontPass(1n))], p5)).toBe(404);
    expect(code([s(T[4]!, craps.come(1n))])).toBe(404);
    expect(code([s(T[4]!, craps.dontCome(1n))])).toBe(404);
  });

  it("odds need a line or come bet with its number, and stay within 3x/4x/5x (lay 6x), added later included", () => {
    expect(code([s(T[4]!, craps.passOdds(1n))])).toBe(404); // come-out
    expect(code([s(T[4]!, craps.passOdds(1n))], onPoint(4))).toBe(404); // no pass bet
    expect(code([s(T[4]!, craps.dontPassOdds(1n))], onPoint(4))).toBe(404);
    expect(code([s(T[6]!, craps.pass(10n)), s(T[3]!, craps.comeOdds(6, 1n))])).toBe(404); // no come bet on 6
    const p4 = run([s(T[4]!, craps.pass(10n), craps.dontPass(10n))]).table;
    expect(code([s(T[3]!, craps.passOdds(31n))], p4)).toBe(409);
    expect(code([s(T[3]!, craps.passOdds(20n), craps.passOdds(11n))], p4)).toBe(409);
    expect(code([s(T[3]!, craps.passOdds(20n)), s(T[3]!, craps.passOdds(11n))], p4)).toBe(409);
    expect(code([s(T[3]!, craps.dontPassOdds(61n))], p4)).toBe(409);
    expect(run([s(T[3]!, craps.passOdds(20n)), s(T[3]!, craps.passOdds(10n), craps.dontPassOdds(60n))], p4).rolls).toHaveLength(2);
    const p5 = run([s(T[5]!, craps.pass(10n))]).table;
    expect(code([s(T[3]!, craps.passOdds(41n))], p5)).toBe(409);
    const p8 = run([s(T[8]!, craps.pass(10n))]).table;
    expect(code([s(T[3]!, craps.passOdds(51n))], p8)).toBe(409);
    expect(run([s(T[3]!, craps.passOdds(50n))], p8).rolls[0]!.bets[0]!.status).toBe(1);
  });

  it("bonus bets only before the shooter's first point; open again after the seven-out", () => {
    const afterPoint = run([s(T[6]!, craps.field(1n))]).table;
    const afterMade = run([s(T[6]!, craps.field(1n)), s(T[6]!, craps.field(1n))]).table;
    const afterComeOut7 = run([s(T[7]!, craps.field(1n))]).table;
    const newShooter = run([s(T[6]!, craps.field(1n)), s(T[7]!, craps.field(1n))]).table;
    for (const bet of [
      craps.fire,
      craps.allSmall,
      craps.allTall,
      craps.makeEmAll,
      craps.muggsy,
      craps.differentDoubles,
      craps.rideTheLine,
      craps.replay,
      craps.hotRoller,
    ]) {
      expect(code([s(T[3]!, bet(1n))], afterPoint)).toBe(404);
      expect(code([s(T[3]!, bet(1n))], afterMade)).toBe(404);
      expect(run([s(T[3]!, bet(1n))], afterComeOut7).rolls[0]!.bets[0]!.stake).toBe(1n);
      expect(run([s(T[3]!, bet(1n))], newShooter).rolls[0]!.bets[0]!.stake).toBe(1n);
    }
  });

  it("unknown kinds, targets off the layout, limits, an empty table, a full table", () => {
    expect(code([s(T[3]!, { kind: 22, target: 0, amount: 1n })])).toBe(406);
    expect(code([s(T[3]!, craps.hard(5 as 4, 1n))])).toBe(407);
    expect(code([s(T[3]!, craps.yes(7, 1n))])).toBe(407);
    expect(code([s(T[3]!, craps.no(1, 1n))])).toBe(407);
    expect(code([s(T[3]!, craps.next(13, 1n))])).toBe(407);
    expect(code([s(T[3]!, { kind: CrapsBet.pass, target: 4, amount: 1n })])).toBe(407);
    expect(code([s(T[3]!, { kind: CrapsBet.come, target: 4, amount: 1n })], onPoint(4))).toBe(407);
    expect(code([s(T[3]!, craps.comeOdds(7 as 4, 1n))])).toBe(407);
    expect(code([s(T[3]!, craps.field(0n))])).toBe(408);
    expect(code([s(T[3]!, craps.field(10_001n))])).toBe(409);
    expect(code([s(T[3]!)])).toBe(411);
    const twenty = Array.from({ length: 20 }, () => craps.hard(8, 1n));
    const full = run([s(T[3]!, ...twenty), s(T[3]!, ...twenty)]).table;
    expect(code([s(T[3]!, craps.hard(8, 1n))], full)).toBe(430);
    expect(run([s(T[3]!, craps.field(1n))], full).rolls[0]!.bets).toHaveLength(1); // one-roll bets still fit
    expect(codeOf(() => core.codec.games.crapsNext(FRESH))).toBe(411);
  });
});

describe("through real blocks with forced dice", () => {
  const alice = LocalChain.signer(1);
  const bob = LocalChain.signer(2);
  /** Forces the next block's dice for the session's `move`. */
  const force = (chain: LocalChain, serial: bigint, move: number, dice: Dice) =>
    forceNextDraws(chain, serial, move, 2, 6, (d) => d[0]! + 1 === dice[0] && d[1]! + 1 === dice[1]);

  it("a sitting: come-out point, bets held in the session, refusals that change nothing, the point made, close", async () => {
    const chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, craps.start(1n));
    const serial = chain.core.session(alice.publicKey, 1n)!.serial;
    expectRefused(chain, alice, { ...craps.start(2n), stake: 5n }, 412, { players: [alice], sessions: [2n] });

    // Hot Roller as specified favours the player: closed to chips, whatever else the batch holds.
    expectRefused(chain, alice, craps.roll(1n, [craps.field(1n), craps.hotRoller(1n)]), 431, { players: [alice], sessions: [1n] });
    force(chain, serial, 1, [1, 3]);
    const first = round(play(chain, alice, craps.roll(1n, [craps.pass(10n), craps.field(5n), craps.fire(1n)]))[0]);
    expect(first.draws).toEqual([
      { move: 1, index: 0, value: 1 },
      { move: 1, index: 1, value: 3 },
    ]);
    expect(first.bets.map((b) => [b.kind, b.return, b.status])).toEqual([
      [CrapsBet.pass, 0n, 1],
      [CrapsBet.field, 10n, 0],
      [CrapsBet.fire, 0n, 1],
    ]);
    expect(first.info).toEqual([4, 4]);
    expect([first.staked, first.returned, first.chips]).toEqual([16n, 10n, 1000n - 16n + 10n]);
    expect(chain.core.session(alice.publicKey, 1n)!.data).not.toBe("");
    // The dice are the stream's: games_deal recomputes them from σ.
    expect(chain.core.codec.games.dealTableRound(3, 0, chain.beacon(chain.height), serial, 1).draws).toEqual([1, 3]);

    const watch = { players: [alice], sessions: [1n] };
    expectRefused(chain, alice, craps.close(1n), 413, watch);
    expectRefused(chain, alice, craps.roll(1n, [craps.pass(10n)]), 404, watch);
    expectRefused(chain, alice, craps.roll(1n, [craps.passOdds(31n)]), 409, watch);
    expectRefused(chain, alice, craps.roll(1n, [craps.fire(1n)]), 404, watch);
    expectRefused(chain, alice, craps.roll(1n, [craps.field(995n)]), 310, watch);
    expectRefused(chain, alice, { ...craps.roll(1n, []), action: 2 }, 405, watch);
    expectRefused(chain, alice, { ...craps.close(1n), bets: [craps.field(1n)] }, 412, watch);

    force(chain, serial, 2, [2, 2]);
    const second = round(play(chain, alice, craps.roll(1n, [craps.passOdds(30n), craps.hard(4, 2n)]))[0]);
    expect(second.bets.map((b) => [b.kind, b.return, b.status])).toEqual([
      [CrapsBet.pass, 20n, 2],
      [CrapsBet.passOdds, 90n, 0],
      [CrapsBet.hard, 16n, 0],
    ]);
    expect(second.info).toEqual([4, 0]);
    expect(second.chips).toBe(first.chips - 32n + 126n);
    expectRefused(chain, alice, craps.close(1n), 413, watch); // the Fire bet is still on

    force(chain, serial, 3, [6, 1]);
    const third = round(play(chain, alice, craps.roll(1n, []))[0]);
    expect(third.bets).toEqual([]); // the Fire bet waits: a come-out 7 is no seven-out
    expect(chain.core.session(alice.publicKey, 1n)!.data).not.toBe("");
    force(chain, serial, 4, [3, 3]);
    play(chain, alice, craps.roll(1n, []));
    force(chain, serial, 5, [4, 3]);
    const out = round(play(chain, alice, craps.roll(1n, []))[0]);
    expect(out.bets.map((b) => [b.kind, b.return, b.status])).toEqual([[CrapsBet.fire, 0n, 2]]);
    expect(out.info).toEqual([7, 0]);
    expect(chain.core.session(alice.publicKey, 1n)!.data).toBe(""); // a new shooter, nothing held

    const closed = round(play(chain, alice, craps.close(1n))[0]);
    expect(closed.finished).toBe(true);
    expect(chain.core.account(alice.publicKey)!.sessionsPlayed).toBe(1n);
    expectRefused(chain, alice, craps.roll(1n, [craps.field(1n)]), 403, watch);
    expectRefused(chain, alice, craps.roll(9n, [craps.field(1n)]), 402, { players: [alice], sessions: [9n] });
  });

  it("another player's session is not found; an empty roll with nothing on the table is NO_BETS", async () => {
    const chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, craps.start(1n));
    play(chain, bob, { op: "register", name: "bob" });
    expectRefused(chain, bob, craps.roll(1n, [craps.field(1n)]), 402, { players: [alice, bob], sessions: [1n] });
    expectRefused(chain, alice, craps.roll(1n, []), 411, { players: [alice], sessions: [1n] });
  });
});
