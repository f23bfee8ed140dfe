// Three Card Poker (games.md §6) and the progressive meter: every pay table by known answers on
// given cards (the wasm's settlement), and through real blocks the deal, play and fold, the meter
// (seeded at 10,000 from supply into the pools, fed by every progressive stake, paid on A-K-Q of
// spades and re-seeded), with chips conserved throughout.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { card, threeCard } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { candidateSigma, expectRefused, play, playUntil, round, started } from "./support/games.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const c = card;
// Suits: 0 clubs, 1 diamonds, 2 hearts, 3 spades. Ranks: 0 ace … 12 king.
const settle = (player: number[], dealer: number[], fold = false, side: { pairplus?: bigint; sixCard?: bigint; meter?: bigint } = {}) =>
  core.codec.games.threeCard([...player, ...dealer], { ante: 10n, ...side }, fold);

describe("known answers", () => {
  const junk = [c(8, 0), c(4, 1), c(1, 2)]; // 9-5-2 offsuit
  const jackHigh = [c(10, 0), c(6, 1), c(2, 2)];
  const queenHigh = [c(11, 0), c(7, 3), c(2, 3)];

  it("a dealer without queen-high pays the Ante 1:1 and pushes the Play", () => {
    expect(settle(junk, jackHigh)).toMatchObject({ ante: 20n, play: 10n, qualifies: false });
  });

  it("a qualifying dealer: the higher hand wins both 1:1, a tie pushes, a lower hand loses both", () => {
    const pair = [c(1, 0), c(1, 1), c(5, 2)];
    expect(settle(pair, queenHigh)).toMatchObject({ ante: 20n, play: 20n, qualifies: true });
    expect(settle(junk, queenHigh)).toMatchObject({ ante: 0n, play: 0n });
    const same = [c(11, 1), c(7, 2), c(2, 2)];
    expect(settle(same, queenHigh)).toMatchObject({ ante: 10n, play: 10n });
  });

  it("straights: A-2-3 is the lowest, Q-K-A the highest", () => {
    const wheel = [c(0, 0), c(1, 1), c(2, 2)];
    const twoToFour = [c(1, 0), c(2, 1), c(3, 3)];
    expect(settle(wheel, twoToFour).ante).toBe(0n + 10n); // loses, Ante bonus 1 for the straight
    const top = [c(11, 0), c(12, 1), c(0, 2)];
    const kingHigh = [c(10, 1), c(11, 2), c(12, 3)];
    expect(settle(top, kingHigh)).toMatchObject({ ante: 30n, play: 20n });
  });

  it("the Ante bonus is paid whenever the player plays: straight flush 5, trips 4, straight 1", () => {
    const sf = [c(4, 2), c(5, 2), c(6, 2)];
    expect(settle(sf, queenHigh)).toMatchObject({ ante: 70n, play: 20n });
    const trips = [c(3, 0), c(3, 1), c(3, 2)];
    expect(settle(trips, [c(7, 0), c(7, 1), c(7, 3)])).toMatchObject({ ante: 40n, play: 0n });
    expect(settle(sf, queenHigh, true)).toMatchObject({ ante: 0n, play: 0n }); // folded: no bonus
  });

  it("Pairplus pays 40/30/6/3/1 on the player's cards, even on a fold", () => {
    const cases: [number[], bigint][] = [
      [[c(4, 2), c(5, 2), c(6, 2)], 41n],
      [[c(3, 0), c(3, 1), c(3, 2)], 31n],
      [[c(4, 0), c(5, 2), c(6, 2)], 7n],
      [[c(4, 2), c(9, 2), c(6, 2)], 4n],
      [[c(4, 2), c(4, 1), c(6, 2)], 2n],
      [junk, 0n],
    ];
    for (const [cards, multiple] of cases) expect(settle(cards, queenHigh, true, { pairplus: 5n }).pairplus).toBe(5n * multiple);
  });

  it("the 6-Card Bonus pays the best five of six: royal 1000 … trips 7, less loses", () => {
    const six = (player: number[], dealer: number[]) => settle(player, dealer, false, { sixCard: 2n }).sixCard;
    expect(six([c(0, 3), c(12, 3), c(11, 3)], [c(10, 3), c(9, 3), c(1, 0)])).toBe(2002n); // royal
    expect(six([c(8, 1), c(7, 1), c(6, 1)], [c(5, 1), c(4, 1), c(12, 0)])).toBe(402n); // straight flush
    expect(six([c(6, 0), c(6, 1), c(6, 2)], [c(6, 3), c(4, 1), c(12, 0)])).toBe(202n); // quads
    expect(six([c(6, 0), c(6, 1), c(6, 2)], [c(4, 3), c(4, 1), c(12, 0)])).toBe(42n); // full house
    expect(six([c(1, 2), c(5, 2), c(7, 2)], [c(9, 2), c(11, 2), c(12, 0)])).toBe(32n); // flush
    expect(six([c(1, 0), c(2, 2), c(3, 2)], [c(4, 1), c(5, 2), c(12, 0)])).toBe(22n); // straight
    expect(six([c(6, 0), c(6, 1), c(6, 2)], [c(1, 3), c(4, 1), c(12, 0)])).toBe(16n); // trips
    expect(six([c(6, 0), c(6, 1), c(2, 2)], [c(2, 3), c(4, 1), c(12, 0)])).toBe(0n); // two pair
  });

  it("the Progressive pays for one: A-K-Q of spades the meter, another mini-royal 500, SF 70, trips 60, straight 6", () => {
    const prog = (cards: number[]) => settle(cards, queenHigh, true, { meter: 12_345n }).progressive;
    expect(prog([c(0, 3), c(12, 3), c(11, 3)])).toBe(12_345n);
    expect(prog([c(0, 2), c(12, 2), c(11, 2)])).toBe(500n);
    expect(prog([c(4, 3), c(5, 3), c(6, 3)])).toBe(70n);
    expect(prog([c(3, 0), c(3, 1), c(3, 2)])).toBe(60n);
    expect(prog([c(0, 0), c(12, 3), c(11, 3)])).toBe(6n);
    expect(prog([c(4, 2), c(4, 1), c(6, 2)])).toBe(0n);
  });
});

describe("through real blocks", () => {
  const alice = LocalChain.signer(1);
  let chain: LocalChain;
  beforeEach(async () => {
    chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" });
  });
  const conserved = () => {
    const s = chain.core.supply();
    expect(chain.core.account(alice.publicKey)!.chips + s.house + s.pools + s.treasury).toBe(s.minted - s.burned);
  };

  it("deals the player's cards at the start and the dealer's at the play; Pairplus settles at the deal", () => {
    const open = playUntil(chain, alice, [threeCard.start(1n, 10n, { pairplus: 5n, sixCard: 2n })], () => true);
    expect(started(open[0])).toMatchObject({ stake: 10n, chips: 983n });
    const deal = round(open[1]);
    expect(deal.draws.map((d) => [d.move, d.index])).toEqual([0, 1, 2].map((i) => [0, i]));
    const player = deal.draws.map((d) => d.value);
    const r = round(play(chain, alice, threeCard.play(1n))[0]);
    expect(r.draws.map((d) => [d.move, d.index])).toEqual([0, 1, 2].map((i) => [1, i]));
    const dealer = r.draws.map((d) => d.value);
    for (const d of dealer) expect(player).not.toContain(d);
    const want = core.codec.games.threeCard([...player, ...dealer], { ante: 10n, pairplus: 5n, sixCard: 2n });
    expect(deal.bets.find((b) => b.kind === 1)!.return).toBe(want.pairplus);
    expect(r.bets.map((b) => [b.kind, b.return])).toEqual([
      [0, want.ante],
      [4, want.play],
      [2, want.sixCard],
    ]);
    expect(r).toMatchObject({ staked: 10n, finished: true });
    conserved();
  });

  it("a fold loses the Ante and settles the 6-Card Bonus on the dealer's cards", () => {
    playUntil(chain, alice, [threeCard.start(1n, 10n, { sixCard: 3n })], () => true);
    const r = round(play(chain, alice, threeCard.fold(1n))[0]);
    expect(r.bets[0]).toMatchObject({ kind: 0, return: 0n, status: 2 });
    expect(r.bets.map((b) => b.kind)).toEqual([0, 2]);
    expect(r.staked).toBe(0n);
    conserved();
  });

  it("seeds the meter at 10,000 into the pools, adds every progressive stake, and pays and re-seeds it on A-K-Q of spades", () => {
    const minted = chain.core.supply().minted;
    play(chain, alice, threeCard.start(1n, 1n, { progressive: true }));
    expect(chain.core.games().meterThreeCard).toBe(10_001n);
    expect(chain.core.supply()).toMatchObject({ pools: 10_001n, minted: minted + 10_000n });
    play(chain, alice, threeCard.start(2n, 1n, { progressive: true }));
    expect(chain.core.games().meterThreeCard).toBe(10_002n);
    conserved();

    // Search σ so that the next session's deal is A♠ K♠ Q♠ (the stream's own words, replayed here).
    const serial = chain.core.games().nextSerial;
    const want = new Set([c(0, 3), c(12, 3), c(11, 3)]);
    let sigma: Uint8Array | undefined;
    for (let i = 0; !sigma; i++) {
      const s = candidateSigma(i);
      if (dealOf(chain, s, serial).every((x) => want.has(x))) sigma = s;
    }
    const next = chain.height + 1n;
    const previous = chain.beacon;
    chain.beacon = (h) => (h === next ? sigma! : previous(h));
    const before = chain.core.account(alice.publicKey)!.chips;
    const events = play(chain, alice, threeCard.start(3n, 1n, { progressive: true }));
    const deal = round(events[1]);
    expect(new Set(deal.draws.map((d) => d.value))).toEqual(want);
    expect(deal.bets.find((b) => b.kind === 3)).toMatchObject({ stake: 1n, return: 10_003n });
    expect(chain.core.games().meterThreeCard).toBe(10_000n);
    expect(chain.core.supply()).toMatchObject({ pools: 10_000n, minted: minted + 20_000n });
    expect(chain.core.account(alice.publicKey)!.chips).toBe(before - 2n + 10_003n); // Ante held, Progressive paid
    conserved();
  });

  it("refuses a progressive of more than 1 chip, a side bet twice, and a Play the balance cannot cover", () => {
    const watch = { players: [alice], sessions: [1n, 2n] };
    expectRefused(chain, alice, { ...threeCard.start(2n, 5n), sideBets: [{ kind: 3, target: 0, amount: 2n }] }, 409, watch);
    expectRefused(
      chain,
      alice,
      {
        ...threeCard.start(2n, 5n),
        sideBets: [
          { kind: 1, target: 0, amount: 2n },
          { kind: 1, target: 0, amount: 3n },
        ],
      },
      417,
      watch,
    );
    expectRefused(chain, alice, { ...threeCard.start(2n, 5n), sideBets: [{ kind: 4, target: 0, amount: 2n }] }, 406, watch);
    playUntil(chain, alice, [threeCard.start(1n, 600n)], () => true);
    expectRefused(chain, alice, threeCard.play(1n), 310, watch);
    expect(round(play(chain, alice, threeCard.fold(1n))[0]).finished).toBe(true);
  });
});

/** The three cards a one-deck deal draws at move 0 of `serial` under σ: the stream's words with
 * rejection sampling and the shoe's swap-with-last, as docs/randomness.md specifies. */
function dealOf(chain: LocalChain, sigma: Uint8Array, serial: bigint): number[] {
  const words = chain.core.codec.randomDraws(sigma, serial, 0, 16, 0);
  let w = 0;
  const below = (n: number) => {
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = words[w++]!;
      if (x < limit) return x % n;
    }
  };
  const shoe = Array.from({ length: 52 }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < 3; k++) {
    const last = 51 - k;
    const j = below(last + 1);
    const card = shoe[j]!;
    shoe[j] = shoe[last]!;
    shoe[last] = card;
    out.push(card);
  }
  return out;
}
