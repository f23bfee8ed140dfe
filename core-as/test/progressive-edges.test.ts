// What the progressive side bets return, from the wasm's own settlement: Three Card Poker's over
// all 22,100 three-card hands, Ultimate Texas Hold'em's from the five-card category counts (hole
// cards and flop) with each category's pay checked on a hand through the wasm. The return depends
// on the meter: R(meter) = (meter × top hands + fixed prizes) / hands. As games.md specifies the
// meter (every stake adds to it, a top hit re-seeds it at 10,000 minted), all stakes come back to
// players through the meter, so the long run returns 1 + fixed prizes + the seeds (docs/games.md,
// "Progressive meters").
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

describe("Three Card Poker Progressive", () => {
  it("returns (meter + 12,020) / 22,100 per chip over every three-card hand", () => {
    const totals = [10_000n, 20_000n].map((meter) => {
      let returned = 0n;
      let top = 0;
      let hands = 0;
      for (let a = 0; a < 52; a++)
        for (let b = a + 1; b < 52; b++)
          for (let c = b + 1; c < 52; c++) {
            // The dealer's cards do not enter the Progressive: any three others.
            const dealer = [0, 1, 2, 3, 4, 5].filter((x) => x !== a && x !== b && x !== c).slice(0, 3);
            const r = core.codec.games.threeCard([a, b, c, ...dealer], { ante: 1n, meter }).progressive;
            if (r === meter) top++;
            returned += r;
            hands++;
          }
      return { returned, top, hands };
    });
    expect(totals.map((t) => t.hands)).toEqual([22_100, 22_100]);
    expect(totals.map((t) => t.top)).toEqual([1, 1]); // A-K-Q of spades
    expect(totals.map((t) => t.returned)).toEqual([10_000n + 12_020n, 20_000n + 12_020n]);
    // At the seed the bet keeps 0.362% of each chip; from a meter of 10,080 on it returns more than a chip.
    expect(((22_100 - 22_020) / 22_100) * 100).toBeCloseTo(0.362, 3);
  }, 60_000);
});

describe("Ultimate Texas Hold'em Progressive", () => {
  it("pays each category of the hole cards and flop as the table says, which gives (4 × meter + 1,414,928) / 2,598,960", () => {
    // Hands (hole cards ‖ flop) of each category, with the river, turn and dealer cards after them.
    const rest = [47, 49, 50];
    const cases: [number[], bigint][] = [
      [[9, 10, 11, 12, 0], -1n], // royal: the meter
      [[1, 2, 3, 4, 5], 1000n],
      [[0, 13, 26, 39, 5], 300n],
      [[0, 13, 26, 1, 14], 50n],
      [[0, 2, 4, 6, 8], 40n],
      [[0, 14, 28, 42, 17], 30n],
      [[0, 13, 26, 5, 19], 9n],
      [[0, 13, 2, 5, 19], 0n],
    ];
    const meter = 12_345n;
    for (const [five, pays] of cases) {
      const cards = [...five, 30, ...rest]; // turn 30, river and dealer from `rest`
      const r = core.codec.games.uth(cards, { ante: 1n, meter }).progressive;
      expect(r, `${five}`).toBe(pays === -1n ? meter : pays);
    }
    // Five-card category counts (Wikipedia, "Poker probability"): royal 4, straight flush 36, quads
    // 624, full house 3,744, flush 5,108, straight 10,200, trips 54,912.
    const fixed = 36n * 1000n + 624n * 300n + 3744n * 50n + 5108n * 40n + 10_200n * 30n + 54_912n * 9n;
    expect(fixed).toBe(1_414_928n);
    expect(Number(4n * 10_000n + fixed) / 2_598_960).toBeCloseTo(0.5598, 4);
  });
});
