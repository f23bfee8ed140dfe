// The simulation command end to end: real transactions, blocks and events; the JSON it prints;
// an edge within a few standard errors of the exact one.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function simLines(...args: string[]): Record<string, number | string>[] {
  const out = execFileSync(process.execPath, ["--import", "tsx", "sim/main.ts", ...args], { cwd: root, encoding: "utf8", stdio: "pipe" });
  return out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

function sim(...args: string[]): Record<string, number | string> {
  return simLines(...args).pop()!;
}

describe("npm run sim", () => {
  it("plays roulette rounds through blocks and reports the spec's JSON with an edge near 1/37", () => {
    const r = sim("--game", "roulette", "--bet", "red", "--rounds", "4000", "--seed", "3", "--stake", "2");
    expect(Object.keys(r)).toEqual(["game", "bet", "rules", "rounds", "wagered", "returned", "houseEdgePct", "stdErrPct"]);
    expect(r).toMatchObject({ game: "roulette", bet: "red", rules: "", rounds: 4000, wagered: 8000 });
    expect(Math.abs((r.houseEdgePct as number) - 2.7027)).toBeLessThan(4 * (r.stdErrPct as number));
    // Same seed, same result.
    expect(sim("--game", "roulette", "--bet", "red", "--rounds", "4000", "--seed", "3", "--stake", "2")).toEqual(r);
  }, 60_000);

  it("plays Casino War hands (always to war) and refuses unknown bets and rules", () => {
    const r = sim("--game", "war", "--bet", "ante", "--rounds", "2000", "--seed", "1", "--stake", "2");
    expect(r).toMatchObject({ game: "war", rounds: 2000, wagered: 4000 });
    expect(Math.abs((r.houseEdgePct as number) - 2.33)).toBeLessThan(4 * (r.stdErrPct as number));
    expect(() => sim("--game", "roulette", "--bet", "pass", "--rounds", "1")).toThrow();
    expect(() => sim("--game", "sicbo", "--bet", "small", "--rules", "american", "--rounds", "1")).toThrow();
  }, 60_000);

  it("plays blackjack hands with the spec's basic strategy under the given rules", () => {
    const r = sim("--game", "blackjack", "--bet", "main", "--rounds", "2000", "--seed", "2", "--stake", "2", "--rules", "s17,decks-6");
    expect(r).toMatchObject({ game: "blackjack", bet: "main", rules: "s17,decks-6", rounds: 2000, wagered: 4000 });
    expect(Math.abs((r.houseEdgePct as number) - 0.6)).toBeLessThan(4 * (r.stdErrPct as number));
    const side = sim("--game", "blackjack", "--bet", "perfect-pairs", "--rounds", "1000", "--seed", "2");
    expect(side).toMatchObject({ bet: "perfect-pairs", rounds: 1000, wagered: 1000 });
    expect(() => sim("--game", "blackjack", "--bet", "main", "--rules", "decks-3", "--rounds", "1")).toThrow();
  }, 120_000);

  it("plays Ultimate Texas Hold'em hands with its simple strategy: Trips near its exact 0.902%, the Ante per Ante", () => {
    const r = sim("--game", "uth", "--bet", "trips", "--rounds", "1500", "--seed", "2", "--stake", "2");
    expect(r).toMatchObject({ game: "uth", bet: "trips", rounds: 1500, wagered: 3000 });
    expect(Math.abs((r.houseEdgePct as number) - 0.9018)).toBeLessThan(4 * (r.stdErrPct as number));
    expect(sim("--game", "uth", "--bet", "ante", "--rounds", "600", "--seed", "2", "--stake", "3")).toMatchObject({
      rounds: 600,
      wagered: 1800,
    });
    expect(() => sim("--game", "uth", "--bet", "progressive", "--stake", "2", "--rounds", "1")).toThrow();
  }, 120_000);

  it("gives the same result unsigned, signed on worker threads, signed on this thread, and across fresh-chain segments", () => {
    const args = ["--game", "baccarat", "--bet", "banker", "--rounds", "3000", "--seed", "9", "--stake", "2"];
    const threads = sim(...args, "--signatures", "real", "--workers", "2");
    expect(sim(...args, "--signatures", "real", "--workers", "0")).toEqual(threads);
    expect(sim(...args)).toEqual(threads);
    // Moves too: blackjack's hits, stands, doubles and splits are transactions of their own.
    const hands = ["--game", "blackjack", "--bet", "main", "--rounds", "400", "--seed", "4"];
    expect(sim(...hands)).toEqual(sim(...hands, "--signatures", "real", "--workers", "0"));
    expect(() => sim(...hands, "--signatures", "maybe")).toThrow();
    // Segments are fresh chains with their own σ: another sample, every round still counted once.
    const segmented = sim(...args, "--segment", "1000");
    expect(segmented).toMatchObject({ rounds: 3000, wagered: 6000 });
    expect(segmented.returned).not.toBe(threads.returned);
    expect(Math.abs((segmented.houseEdgePct as number) - 1.458)).toBeLessThan(4 * (segmented.stdErrPct as number) + 0.1);
  }, 120_000);

  // Exact or published edges; each run's edge must lie within 4 standard errors of it.
  it.each([
    // Ante and Play per Ante, playing Q-6-4 or better: 3.37% (Wizard of Odds, "Three Card Poker").
    ["threecard", "ante", "5", 3.37, ""],
    // Pairplus at 40/30/6/3/1: 7.28%.
    ["threecard", "pairplus", "5", 7.28, ""],
    // Video Poker 9/6 with the simple strategy: return about 99.46%, so an edge near 0.54%.
    ["videopoker", "stake", "5", 0.54, ""],
    // 8/5 with the same holds: about 2.7% (optimal 97.30% return).
    ["videopoker", "stake", "5", 2.7, "8-5"],
  ])(
    "plays %s %s hands (stake %s) with the documented strategy: edge near %s percent %s",
    (game, bet, stake, edge, rules) => {
      const r = sim(
        "--game",
        game,
        "--bet",
        bet,
        "--rounds",
        "6000",
        "--seed",
        "2",
        "--stake",
        stake,
        ...(rules ? ["--rules", rules] : []),
      );
      expect(Object.keys(r)).toEqual(["game", "bet", "rules", "rounds", "wagered", "returned", "houseEdgePct", "stdErrPct"]);
      expect(r).toMatchObject({ game, bet, rules, rounds: 6000, wagered: 6000 * Number(stake) });
      expect(r.stdErrPct).toBeGreaterThan(0);
      expect(Math.abs((r.houseEdgePct as number) - edge)).toBeLessThan(4 * (r.stdErrPct as number));
    },
    120_000,
  );

  it("plays the 6-Card Bonus and the Progressive next to a 1-chip Ante, and refuses a Progressive stake other than 1", () => {
    const six = sim("--game", "threecard", "--bet", "six-card", "--rounds", "3000", "--seed", "3", "--stake", "4");
    expect(six).toMatchObject({ game: "threecard", bet: "six-card", rounds: 3000, wagered: 12000 });
    expect(six.returned).toBeGreaterThan(0);
    const progressive = sim("--game", "threecard", "--bet", "progressive", "--rounds", "3000", "--seed", "3");
    expect(progressive).toMatchObject({ bet: "progressive", rounds: 3000, wagered: 3000 });
    // Straights (6), trips (60), straight flushes (70) pay it; this seed also deals A-K-Q of spades
    // once, which pays the whole meter (10,000 plus the stakes fed to it).
    expect(progressive.returned).toBeGreaterThan(10_000);
    expect(() => sim("--game", "threecard", "--bet", "progressive", "--stake", "2", "--rounds", "1")).toThrow();
    expect(() => sim("--game", "videopoker", "--bet", "ante", "--rounds", "1")).toThrow();
    expect(() => sim("--game", "threecard", "--bet", "ante", "--rules", "8-5", "--rounds", "1")).toThrow();
  }, 120_000);

  it("follows several bets on the same rounds: a line each, in the order given, each near its own edge", () => {
    // Roulette: every bet pays to the single zero's 1/37; a Column and a Split share rounds with Red.
    const wheel = simLines("--game", "roulette", "--bet", "red,column,split", "--rounds", "6000", "--seed", "5", "--stake", "2");
    expect(wheel.map((r) => r.bet)).toEqual(["red", "column", "split"]);
    for (const r of wheel) {
      expect(r).toMatchObject({ game: "roulette", rounds: 6000, wagered: 12000 });
      expect(Math.abs((r.houseEdgePct as number) - 2.7027)).toBeLessThan(4 * (r.stdErrPct as number));
    }
    // Shared rounds, separate results: the three bets do not win together.
    expect(new Set(wheel.map((r) => r.returned)).size).toBe(3);
    // Craps: bets that resolve on different rolls, each placed again once it resolved. Hard 4 pays
    // 7 to 1 (11.1%), Come is a Pass bet made with a point on (7/495, 1.41%), the Field 1/36 (2.78%).
    const table = simLines("--game", "craps", "--bet", "hard-4,come,field", "--rounds", "3000", "--seed", "4");
    expect(table.map((r) => [r.bet, r.rounds, r.wagered])).toEqual([
      ["hard-4", 3000, 3000],
      ["come", 3000, 3000],
      ["field", 3000, 3000],
    ]);
    for (const [r, edge] of [
      [table[0]!, 100 / 9],
      [table[1]!, 700 / 495],
      [table[2]!, 100 / 36],
    ] as const)
      expect(Math.abs((r.houseEdgePct as number) - edge)).toBeLessThan(4 * (r.stdErrPct as number));
    // Blackjack side bets next to one 1-chip hand.
    const sides = simLines("--game", "blackjack", "--bet", "perfect-pairs,royal-match", "--rounds", "800", "--seed", "2");
    expect(sides.map((r) => [r.bet, r.rounds, r.wagered])).toEqual([
      ["perfect-pairs", 800, 800],
      ["royal-match", 800, 800],
    ]);
  }, 120_000);

  it("refuses bet lists it cannot follow together", () => {
    expect(() => simLines("--game", "war", "--bet", "ante,tie", "--rounds", "1")).toThrow(/several bets at once only/);
    expect(() => simLines("--game", "blackjack", "--bet", "main,21+3", "--rounds", "1")).toThrow(/several bets at once only/);
    expect(() => simLines("--game", "craps", "--bet", "hard-4,hard-4", "--rounds", "1")).toThrow(/named twice/);
    expect(() => simLines("--game", "roulette", "--bet", "red,black", "--target", "3", "--rounds", "1")).toThrow(/one bet only/);
    expect(() => simLines("--game", "craps", "--bet", "hard-4,nope", "--rounds", "1")).toThrow(/--bet for craps/);
    // Pass odds stand behind a Pass bet of their own: a followed Pass could not be told apart from it.
    expect(() => simLines("--game", "craps", "--bet", "pass-odds,pass", "--stake", "30", "--rounds", "1")).toThrow(
      /could not be told apart/,
    );
  }, 60_000);
});
