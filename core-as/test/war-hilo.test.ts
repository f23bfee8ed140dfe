// Casino War and Hi-Lo (games.md §8, §10): the one-hand session pattern (stake at GameStart, an
// opening deal, actions, settlement), with outcomes forced through real blocks by choosing σ.
import { beforeEach, describe, expect, it } from "vitest";
import { LocalChain } from "../src/dev/local-chain.js";
import { casinoWar, GameId, hiLo } from "../src/games/index.js";
import type { EventView } from "../src/views.js";
import { newChain } from "./support/chain.js";
import { expectRefused, play, playUntil, round, started } from "./support/games.js";

const alice = LocalChain.signer(1);
let chain: LocalChain;

beforeEach(async () => {
  chain = await newChain();
  play(chain, alice, { op: "register", name: "alice" });
});

const warRank = (card: number) => (card % 13 === 0 ? 14 : (card % 13) + 1);
const hiLoRank = (card: number) => (card % 13) + 1;
const lastRound = (events: EventView[]) => round(events[events.length - 1]);
const chips = () => chain.core.account(alice.publicKey)!.chips;

describe("Casino War", () => {
  const firstDeal = (want: (p: number, d: number) => boolean) => (events: EventView[]) => {
    const r = lastRound(events);
    return want(warRank(r.draws[0]!.value), warRank(r.draws[1]!.value));
  };

  it("a higher first card wins the ante 1:1 and loses the Tie bet", () => {
    const events = playUntil(
      chain,
      alice,
      [casinoWar.start(1n, 10n, 2n)],
      firstDeal((p, d) => p > d),
    );
    expect(started(events[0])).toMatchObject({ stake: 10n, chips: 988n, bets: [{ kind: 1, target: 0, amount: 2n }] });
    const r = lastRound(events);
    expect(r.move).toBe(0);
    expect(r.draws.map((d) => [d.move, d.index])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(r.bets).toEqual([
      { kind: 1, target: 0, stake: 2n, return: 0n, status: 0 },
      { kind: 0, target: 0, stake: 10n, return: 20n, status: 0 },
    ]);
    expect(r).toMatchObject({ staked: 12n, returned: 20n, chips: 1008n, finished: true });
    expect(chain.core.account(alice.publicKey)!.sessionsPlayed).toBe(1n);
    expectRefused(chain, alice, casinoWar.war(1n), 403, { players: [alice], sessions: [1n] });
  });

  it("a lower first card loses the ante", () => {
    const r = lastRound(
      playUntil(
        chain,
        alice,
        [casinoWar.start(1n, 10n)],
        firstDeal((p, d) => p < d),
      ),
    );
    expect(r.bets).toEqual([{ kind: 0, target: 0, stake: 10n, return: 0n, status: 0 }]);
    expect(chips()).toBe(990n);
  });

  it("a tie pays the Tie bet 10:1 and holds the ante; surrender returns half, floored", () => {
    const r = lastRound(
      playUntil(
        chain,
        alice,
        [casinoWar.start(1n, 11n, 3n)],
        firstDeal((p, d) => p === d),
      ),
    );
    expect(r.bets).toEqual([
      { kind: 1, target: 0, stake: 3n, return: 33n, status: 0 },
      { kind: 0, target: 0, stake: 11n, return: 0n, status: 1 },
    ]);
    expect(r).toMatchObject({ phase: 1, finished: false, chips: 1000n - 14n + 33n });
    expectRefused(chain, alice, { op: "gameMove", sessionId: 1n, action: 7 }, 405, { players: [alice], sessions: [1n] });
    expectRefused(chain, alice, { ...casinoWar.war(1n), bets: [{ kind: 0, target: 0, amount: 1n }] }, 404, {
      players: [alice],
      sessions: [1n],
    });
    const s = round(play(chain, alice, casinoWar.surrender(1n))[0]);
    expect(s.bets).toEqual([{ kind: 0, target: 0, stake: 11n, return: 5n, status: 2 }]);
    expect(s).toMatchObject({ move: 1, draws: [], staked: 0n, returned: 5n, finished: true });
  });

  const toWar = () =>
    playUntil(
      chain,
      alice,
      [casinoWar.start(1n, 10n)],
      firstDeal((p, d) => p === d),
    );
  const warCards = (want: (p: number, d: number) => boolean) => (events: EventView[]) => {
    const r = lastRound(events);
    return want(warRank(r.draws[3]!.value), warRank(r.draws[4]!.value));
  };

  it("war burns three and deals one each from the rest of the shoe: win pays the raise, the ante pushes", () => {
    toWar();
    const r = lastRound(
      playUntil(
        chain,
        alice,
        [casinoWar.war(1n)],
        warCards((p, d) => p > d),
      ),
    );
    expect(r.draws.map((d) => [d.move, d.index])).toEqual([0, 1, 2, 3, 4].map((i) => [1, i]));
    expect(r.bets).toEqual([
      { kind: 0, target: 0, stake: 10n, return: 10n, status: 2 },
      { kind: 2, target: 0, stake: 10n, return: 20n, status: 0 },
    ]);
    expect(r).toMatchObject({ staked: 10n, returned: 30n, finished: true, chips: 1010n });
  });

  it("a second tie adds a bonus equal to the ante; a lower war card loses both", async () => {
    toWar();
    expect(
      lastRound(
        playUntil(
          chain,
          alice,
          [casinoWar.war(1n)],
          warCards((p, d) => p === d),
        ),
      ).returned,
    ).toBe(40n);
    expect(chips()).toBe(1020n);
    playUntil(
      chain,
      alice,
      [casinoWar.start(2n, 10n)],
      firstDeal((p, d) => p === d),
    );
    const r = lastRound(
      playUntil(
        chain,
        alice,
        [casinoWar.war(2n)],
        warCards((p, d) => p < d),
      ),
    );
    expect(r.bets.map((b) => b.return)).toEqual([0n, 0n]);
    expect(chips()).toBe(1000n);
  });

  it("refuses a raise the balance cannot cover (surrender stays possible) and stakes out of limits", () => {
    playUntil(
      chain,
      alice,
      [casinoWar.start(1n, 600n)],
      firstDeal((p, d) => p === d),
    );
    expectRefused(chain, alice, casinoWar.war(1n), 310, { players: [alice], sessions: [1n] });
    expectRefused(chain, alice, casinoWar.start(2n, 0n), 408, { players: [alice], sessions: [2n] });
    expectRefused(chain, alice, casinoWar.start(2n, 10_001n), 409, { players: [alice], sessions: [2n] });
    expectRefused(chain, alice, { ...casinoWar.start(2n, 5n), sideBets: [{ kind: 2, target: 0, amount: 1n }] }, 406, {
      players: [alice],
      sessions: [2n],
    });
    expectRefused(chain, alice, casinoWar.start(2n, 500n, 1n), 310, { players: [alice], sessions: [2n] });
    expect(round(play(chain, alice, casinoWar.surrender(1n))[0]).returned).toBe(300n);
  });
});

describe("Hi-Lo", () => {
  const opening = (want: (rank: number) => boolean) => (events: EventView[]) => want(hiLoRank(lastRound(events).draws[0]!.value));
  const next = (want: (rank: number) => boolean) => (events: EventView[]) => want(hiLoRank(lastRound(events).draws[0]!.value));

  it("shows a card, holds the stake at 1x, and cashing out at once returns the stake", () => {
    const r = lastRound(playUntil(chain, alice, [hiLo.start(1n, 10n)], () => true));
    expect(r).toMatchObject({ move: 0, info: [10_000], staked: 10n, returned: 0n, finished: false, chips: 990n });
    expect(r.bets).toEqual([{ kind: 0, target: 0, stake: 10n, return: 0n, status: 1 }]);
    expect(round(play(chain, alice, hiLo.cashOut(1n))[0])).toMatchObject({ info: [10_000], returned: 10n, finished: true, chips: 1000n });
  });

  it("a correct Higher on a 7 multiplies by floor(116400 / 6) bps; cash-out floors stake × multiplier", () => {
    playUntil(
      chain,
      alice,
      [hiLo.start(1n, 3n)],
      opening((r) => r === 7),
    );
    const g = lastRound(
      playUntil(
        chain,
        alice,
        [hiLo.higher(1n)],
        next((r) => r > 7),
      ),
    );
    expect(g).toMatchObject({ move: 1, info: [19_400], bets: [], finished: false });
    expect(g.draws).toHaveLength(1);
    // 3 × 1.94 = 5.82 → 5.
    expect(round(play(chain, alice, hiLo.cashOut(1n))[0])).toMatchObject({ returned: 5n, finished: true });
  });

  it("an equal rank pushes (the new card shows, the multiplier stays); a wrong guess loses the stake", () => {
    playUntil(
      chain,
      alice,
      [hiLo.start(1n, 10n)],
      opening((r) => r === 5),
    );
    const push = lastRound(
      playUntil(
        chain,
        alice,
        [hiLo.lower(1n)],
        next((r) => r === 5),
      ),
    );
    expect(push).toMatchObject({ info: [10_000], finished: false, returned: 0n });
    const lost = lastRound(
      playUntil(
        chain,
        alice,
        [hiLo.lower(1n)],
        next((r) => r > 5),
      ),
    );
    expect(lost).toMatchObject({ info: [0], finished: true, returned: 0n, chips: 990n });
    expect(lost.bets).toEqual([{ kind: 0, target: 0, stake: 10n, return: 0n, status: 2 }]);
  });

  it("Same on an ace pays 11.64x and multipliers compound", () => {
    playUntil(
      chain,
      alice,
      [hiLo.start(1n, 100n)],
      opening((r) => r === 1),
    );
    expect(
      lastRound(
        playUntil(
          chain,
          alice,
          [hiLo.same(1n)],
          next((r) => r === 1),
        ),
      ).info,
    ).toEqual([116_400]);
    // Now on an ace again: Higher wins on 12 ranks, floor(116400 / 12) = 9700 bps.
    expect(
      lastRound(
        playUntil(
          chain,
          alice,
          [hiLo.higher(1n)],
          next((r) => r > 1),
        ),
      ).info,
    ).toEqual([Math.floor((116_400 * 9_700) / 10_000)]);
    expect(round(play(chain, alice, hiLo.cashOut(1n))[0]).returned).toBe(BigInt(Math.floor((100 * 112_908) / 10_000)));
  });

  it("offers no Higher on a king, no Lower on an ace, Same only on an ace or a king; stakes up to 1,000", () => {
    playUntil(
      chain,
      alice,
      [hiLo.start(1n, 10n)],
      opening((r) => r === 13),
    );
    const watch = { players: [alice], sessions: [1n, 2n] };
    expectRefused(chain, alice, hiLo.higher(1n), 404, watch);
    playUntil(
      chain,
      alice,
      [hiLo.start(2n, 10n)],
      opening((r) => r === 1),
    );
    expectRefused(chain, alice, hiLo.lower(2n), 404, watch);
    expectRefused(chain, alice, hiLo.start(3n, 1_001n), 409, watch);
    expectRefused(chain, alice, { ...hiLo.start(3n, 10n), sideBets: [{ kind: 0, target: 0, amount: 1n }] }, 406, watch);
    expectRefused(chain, alice, { op: "gameMove", sessionId: 1n, action: 4 }, 405, watch);
    playUntil(
      chain,
      alice,
      [hiLo.start(4n, 10n)],
      opening((r) => r === 7),
    );
    expectRefused(chain, alice, hiLo.same(4n), 404, { players: [alice], sessions: [4n] });
    expect(chain.core.session(alice.publicKey, 1n)!.game).toBe(GameId.hiLo);
  });
});
