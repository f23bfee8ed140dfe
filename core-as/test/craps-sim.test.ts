// The simulation command for craps: real transactions and blocks, one bet followed roll by roll
// until it resolves, the edge within a few standard errors of the exact one.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function sim(...args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, ["--import", "tsx", "sim/main.ts", ...args], { cwd: root, encoding: "utf8", stdio: "pipe" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

describe("npm run sim -- --game craps", () => {
  it("follows Don't Come bets (placed only with a point on) to their end; the edge is near 3/220", () => {
    const r = sim("--game", "craps", "--bet", "dont-come", "--rounds", "3000", "--seed", "4");
    expect(r).toMatchObject({ game: "craps", bet: "dont-come", rounds: 3000, wagered: 3000 });
    expect(Math.abs((r.houseEdgePct as number) - (3 / 220) * 100)).toBeLessThan(4 * (r.stdErrPct as number));
  }, 60_000);

  it("follows a bonus bet over shooters (Muggsy's Corner, 1/18) and refuses a bet craps does not have", () => {
    const r = sim("--game", "craps", "--bet", "muggsy", "--rounds", "3000", "--seed", "5");
    expect(r).toMatchObject({ game: "craps", rounds: 3000 });
    expect(Math.abs((r.houseEdgePct as number) - 100 / 18)).toBeLessThan(4 * (r.stdErrPct as number));
    expect(() => sim("--game", "craps", "--bet", "red", "--rounds", "1")).toThrow();
  }, 60_000);

  it("follows odds behind their flat bets (not counted): true odds, so 0% within 4 standard errors", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "sim/main.ts",
        "--game",
        "craps",
        "--bet",
        "pass-odds,dont-pass-odds,come-odds,dont-come-odds",
        "--stake",
        "30",
        "--rounds",
        "2000",
        "--seed",
        "6",
      ],
      { cwd: root, encoding: "utf8", stdio: "pipe" },
    );
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, number | string>);
    expect(lines.map((r) => [r.bet, r.rounds, r.wagered])).toEqual([
      ["pass-odds", 2000, 60000],
      ["dont-pass-odds", 2000, 60000],
      ["come-odds", 2000, 60000],
      ["dont-come-odds", 2000, 60000],
    ]);
    for (const r of lines) {
      expect(r.stdErrPct).toBeGreaterThan(0);
      expect(Math.abs(r.houseEdgePct as number)).toBeLessThan(4 * (r.stdErrPct as number));
    }
    // Alone too: odds behind Pass, placed once the point is on.
    expect(sim("--game", "craps", "--bet", "pass-odds", "--stake", "30", "--rounds", "500", "--seed", "2")).toMatchObject({
      bet: "pass-odds",
      rounds: 500,
      wagered: 15000,
    });
  }, 60_000);
});
