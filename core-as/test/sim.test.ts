// The simulation command end to end: real transactions, blocks and events; the JSON it prints;
// an edge within a few standard errors of the exact one.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function sim(...args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, ["--import", "tsx", "sim/main.ts", ...args], { cwd: root, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
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
});
