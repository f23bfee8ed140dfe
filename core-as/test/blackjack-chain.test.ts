// Blackjack through real blocks (games.md §2): the deal, every decision as one GameMove, the
// dealer's cards drawn at the move that ends the last hand, every event equal to the replay of its
// cards and actions by the wasm's rules (Codec.games.blackjack), chips conserved, and every refusal
// changing nothing but the nonce. Outcomes are forced by searching σ (support/games.ts playUntil).
import { beforeEach, describe, expect, it } from "vitest";
import { LocalChain } from "../src/dev/local-chain.js";
import {
  BlackjackAction as A,
  BlackjackBet as B,
  type BlackjackSideBets,
  blackjack,
  blackjackOptions,
  blackjackTotal,
  decodeBlackjackTable,
  GameId,
} from "../src/games/index.js";
import type { EventView } from "../src/views.js";
import { newChain } from "./support/chain.js";
import { expectRefused, play, playUntil, type RoundEvent, round, started } from "./support/games.js";

const alice = LocalChain.signer(1);
const bob = LocalChain.signer(2);
let chain: LocalChain;

beforeEach(async () => {
  chain = await newChain();
  chain.submit(alice, { op: "register", name: "alice" });
  chain.submit(bob, { op: "register", name: "bob" });
  chain.seal();
});

const chips = () => chain.core.account(alice.publicKey)!.chips;
const conserved = () => {
  const s = chain.core.supply();
  const balances = [alice, bob].reduce((t, p) => t + chain.core.account(p.publicKey)!.chips, 0n);
  expect(balances + s.house + s.pools + s.treasury).toBe(s.minted - s.burned);
};
const last = (events: EventView[]) => round(events[events.length - 1]);
const table = (id: bigint) => decodeBlackjackTable(Buffer.from(chain.core.session(alice.publicKey, id)!.data, "hex"));
const rank = (c: number) => c % 13;
const watch = { players: [alice, bob], sessions: [1n, 2n] };

/** Starts a hand whose deal `wanted` accepts (player's cards, up card). */
function dealUntil(
  id: bigint,
  stake: bigint,
  wanted: (p: number[], up: number) => boolean,
  opts: Parameters<typeof blackjack.start>[2] = {},
): RoundEvent {
  return last(
    playUntil(chain, alice, [blackjack.start(id, stake, opts)], (ev) => {
      const d = last(ev).draws.map((x) => x.value);
      return wanted([d[0]!, d[2]!], d[1]!);
    }),
  );
}

/** Plays one decision in a block whose draws `wanted` accepts. */
const moveUntil = (ins: ReturnType<typeof blackjack.hit>, wanted: (r: RoundEvent) => boolean) =>
  last(playUntil(chain, alice, [ins], (ev) => ev.length === 1 && wanted(last(ev))));

describe("a hand through real blocks", () => {
  it("deals the player's two cards and the dealer's up card at the start; the session holds nothing else", () => {
    const ev = playUntil(chain, alice, [blackjack.start(1n, 10n, { perfectPairs: 2n, bustIt: 3n })], (e) => !last(e).finished);
    expect(started(ev[0])).toMatchObject({ game: GameId.blackjack, stake: 10n, chips: 985n });
    const r = round(ev[1]);
    expect(r.draws.map((d) => [d.move, d.index])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
    ]);
    const [p1, up, p2] = r.draws.map((d) => d.value);
    expect(table(1n)).toEqual({
      up,
      hands: [{ cards: [p1, p2], doubled: false, done: false, surrendered: false, split: false }],
      active: 0,
      bustIt: 3n,
      luckyLadies: 0n,
    });
    expect(r.bets.map((b) => [b.kind, b.status])).toEqual([
      [B.perfectPairs, 0],
      [B.hand, 1],
      [B.bustIt, 1],
    ]);
    expect(r.info).toEqual([rank(up!) === 0 ? 11 : Math.min(rank(up!) + 1, 10), 1, 0, blackjackTotal([p1!, p2!]).total, 2]);
    conserved();
  });

  it("every event equals the replay of its cards and actions; chips move by exactly stakes and returns", () => {
    const side: BlackjackSideBets = { twentyOnePlusThree: 1n, perfectPairs: 1n, royalMatch: 1n, luckyLadies: 1n, bustIt: 1n };
    const options = blackjackOptions({ lateSurrender: true, decks: 6 });
    let balance = chips();
    const seen = new Set<number>();
    for (let id = 1n; id <= 40n; id++) {
      const events: RoundEvent[] = [];
      const actions: number[] = [];
      const ev = play(chain, alice, blackjack.start(id, 4n, { ...side, options }));
      events.push(round(ev[1]));
      while (!events.at(-1)!.finished) {
        const t = table(id);
        const h = t.hands[t.active]!;
        const total = blackjackTotal(h.cards).total;
        // A varied player: split pairs, double 9–11, surrender 16 on the first decision, hit below 17.
        const action =
          h.cards.length === 2 && rank(h.cards[0]!) === rank(h.cards[1]!) && t.hands.length < 4
            ? A.split
            : h.cards.length === 2 && total >= 9 && total <= 11
              ? A.double
              : total === 16 && t.hands.length === 1 && h.cards.length === 2
                ? A.surrender
                : total < 17
                  ? A.hit
                  : A.stand;
        actions.push(action);
        events.push(round(play(chain, alice, { ...blackjack.hit(id), action })[0]));
      }
      for (const a of actions) seen.add(a);
      const cards = events.flatMap((e) => e.draws.map((d) => d.value));
      const want = chain.core.codec.games.blackjack({ stake: 4n, side, options, cards, actions });
      expect(want.map((m) => m.code)).toEqual(events.map(() => 0));
      events.forEach((e, i) => {
        expect(e.move).toBe(i);
        expect(e.draws.map((d) => [d.move, d.index])).toEqual(e.draws.map((_, k) => [i, k]));
        expect({ bets: e.bets, info: e.info, finished: e.finished, draws: e.draws.length }).toEqual({
          bets: want[i]!.bets,
          info: want[i]!.info,
          finished: want[i]!.finished,
          draws: want[i]!.draws,
        });
        expect(e.chips).toBe(balance - e.staked + e.returned);
        balance = e.chips;
      });
    }
    expect(chips()).toBe(balance);
    expect([...seen].sort()).toEqual([A.hit, A.stand, A.double, A.split, A.surrender]); // every decision was replayed
    conserved();
  });

  it("a dealer blackjack drawn after a double takes both stakes", () => {
    const deal = dealUntil(1n, 10n, (p, up) => blackjackTotal(p).total === 11 && rank(up) === 0);
    expect(deal.finished).toBe(false);
    const r = moveUntil(blackjack.double(1n), (e) => e.draws.length === 2 && [9, 10, 11, 12].includes(rank(e.draws[1]!.value)));
    expect(r).toMatchObject({ staked: 10n, returned: 0n, finished: true });
    expect(r.bets).toEqual([
      { kind: B.hand, target: 0, stake: 10n, return: 0n, status: 2 },
      { kind: B.double, target: 0, stake: 10n, return: 0n, status: 0 },
    ]);
    expect(r.info.slice(0, 2)).toEqual([21, 2]);
    expect(chips()).toBe(980n);
    conserved();
  });

  it("a split takes a second stake and holds it; the new hand's second card comes when play reaches it", () => {
    dealUntil(1n, 10n, (p, up) => rank(p[0]!) === 7 && rank(p[1]!) === 7 && rank(up) === 5); // 8 8 v 6
    const r = moveUntil(blackjack.split(1n), (e) => blackjackTotal([7, e.draws[0]!.value]).total < 21);
    expect(r).toMatchObject({ staked: 10n, returned: 0n, finished: false });
    expect(r.draws).toHaveLength(1);
    expect(r.bets).toEqual([{ kind: B.hand, target: 1, stake: 10n, return: 0n, status: 1 }]);
    expect(table(1n).hands.map((h) => h.cards.length)).toEqual([2, 1]);
    expect(chips()).toBe(980n);
    const s = moveUntil(blackjack.stand(1n), (e) => !e.finished);
    expect(s).toMatchObject({ staked: 0n, bets: [] });
    expect(s.draws).toHaveLength(1); // hand 1's second card, dealt as play reaches it
    const second = table(1n).hands[1]!.cards;
    expect([rank(second[0]!), second[1]]).toEqual([7, s.draws[0]!.value]);
    expect(table(1n).active).toBe(1);
    conserved();
  });
});

describe("refusals change nothing but the nonce", () => {
  it("a start: unknown side bet, target, limits, options, duplicates, balance", () => {
    const start = (o: Partial<ReturnType<typeof blackjack.start>>) => ({ ...blackjack.start(1n, 10n), ...o });
    expectRefused(chain, alice, start({ sideBets: [{ kind: B.double, target: 0, amount: 1n }] }), 406, watch);
    expectRefused(chain, alice, start({ sideBets: [{ kind: B.hand, target: 0, amount: 1n }] }), 406, watch);
    expectRefused(chain, alice, start({ sideBets: [{ kind: B.bustIt, target: 1, amount: 1n }] }), 407, watch);
    expectRefused(chain, alice, start({ stake: 0n }), 408, watch);
    expectRefused(chain, alice, start({ stake: 10_001n }), 409, watch);
    expectRefused(chain, alice, start({ sideBets: [{ kind: B.royalMatch, target: 0, amount: 10_001n }] }), 409, watch);
    expectRefused(chain, alice, start({ options: 0x30 }), 410, watch);
    expectRefused(chain, alice, start({ options: 8 }), 410, watch);
    const twice = { kind: B.luckyLadies, target: 0, amount: 1n };
    expectRefused(chain, alice, start({ sideBets: [twice, twice] }), 417, watch);
    expectRefused(chain, alice, start({ stake: 999n, sideBets: [{ kind: B.bustIt, target: 0, amount: 2n }] }), 310, watch);
  });

  it("double after a hit, split of unequal ranks, surrender without the option or after a hit", () => {
    dealUntil(1n, 10n, (p) => blackjackTotal(p).total <= 8 && rank(p[0]!) !== rank(p[1]!));
    expectRefused(chain, alice, blackjack.split(1n), 404, watch);
    expectRefused(chain, alice, blackjack.surrender(1n), 404, watch);
    play(chain, alice, blackjack.hit(1n)); // ≤ 8 + 11: still open
    expectRefused(chain, alice, blackjack.double(1n), 404, watch);
    dealUntil(2n, 10n, (p) => blackjackTotal(p).total <= 8, { options: { lateSurrender: true } });
    play(chain, alice, blackjack.hit(2n));
    expectRefused(chain, alice, blackjack.surrender(2n), 404, watch);
  });

  it("bets on a move, unknown actions, finished and foreign sessions", () => {
    dealUntil(1n, 10n, (p) => blackjackTotal(p).total < 21);
    expectRefused(chain, alice, { ...blackjack.hit(1n), bets: [{ kind: B.double, target: 0, amount: 10n }] }, 404, watch);
    expectRefused(chain, alice, { ...blackjack.hit(1n), action: 5 }, 405, watch);
    expectRefused(chain, bob, blackjack.stand(1n), 402, watch);
    expect(round(play(chain, alice, blackjack.stand(1n))[0]).finished).toBe(true);
    expectRefused(chain, alice, blackjack.hit(1n), 403, watch);
    expectRefused(chain, alice, blackjack.start(1n, 10n), 401, watch);
  });

  it("a double or split the balance cannot cover (INSUFFICIENT_CHIPS); standing stays possible", () => {
    dealUntil(1n, 600n, (p) => rank(p[0]!) === rank(p[1]!) && rank(p[0]!) !== 0);
    expectRefused(chain, alice, blackjack.double(1n), 310, watch);
    expectRefused(chain, alice, blackjack.split(1n), 310, watch);
    expect(round(play(chain, alice, blackjack.stand(1n))[0]).finished).toBe(true);
    conserved();
  });

  it("a fifth hand", () => {
    dealUntil(1n, 1n, (p) => rank(p[0]!) === 7 && rank(p[1]!) === 7);
    // Each split draws another eight onto hand 0, until there are four hands.
    for (let n = 2; n <= 4; n++) {
      const r = moveUntil(blackjack.split(1n), (e) => rank(e.draws[0]!.value) === 7);
      expect(r.info.slice(2, 5)).toEqual([0, 16, 2]);
      expect(table(1n).hands).toHaveLength(n);
    }
    expectRefused(chain, alice, blackjack.split(1n), 404, watch);
    expect(round(play(chain, alice, blackjack.double(1n))[0]).finished).toBe(false); // the next hand is up
  });
});
