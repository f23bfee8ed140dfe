// Baccarat (games.md §1): known answers for every bet with given cards (dealing order P, B, P, B,
// then third cards), exact expected returns by enumerating 8-deck card sequences through the
// settle function (compared with the published edges and combination counts, docs/games.md), and a
// round through a real block whose σ was searched for a wanted coup.
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { type Bet, baccarat, card, GameId } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { candidateSigma, play, round } from "./support/games.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(wasmBytes());
});

const ALL = [
  baccarat.player,
  baccarat.banker,
  baccarat.tie,
  baccarat.playerPair,
  baccarat.bankerPair,
  baccarat.luckySix,
  baccarat.dragonPlayer,
  baccarat.dragonBanker,
  baccarat.pandaEight,
  baccarat.perfectPair,
];
const NAMES = [
  "player",
  "banker",
  "tie",
  "playerPair",
  "bankerPair",
  "luckySix",
  "dragonPlayer",
  "dragonBanker",
  "pandaEight",
  "perfectPair",
];

/** Returns of all ten bets (10 chips each) on these cards, by name, and the info numbers. */
function coup(cards: number[], amount = 10n) {
  const r = core.codec.games.settleTableRound(
    GameId.baccarat,
    0,
    cards,
    ALL.map((b) => b(amount)),
  );
  return { returns: Object.fromEntries(r.bets.map((b, i) => [NAMES[i], b.return])), info: r.info };
}
const c = card;

describe("known answers", () => {
  it("a Player natural 9 beats a Banker 7: Player and Dragon Player win 1:1", () => {
    const { returns, info } = coup([c(8), c(6), c(12), c(12)]);
    expect(info).toEqual([9, 7, 2, 2]);
    expect(returns).toEqual({ ...zero(), player: 20n, dragonPlayer: 20n });
  });

  it("a Banker two-card 6 wins 1:2 (floored), Lucky 6 pays 12, pairs and Perfect Pair on identical cards", () => {
    // P 2+3 = 5 draws a king (5); B 3+3 = 6 stands on a third card of 0.
    const cards = [c(1), c(2), c(2), c(2), c(12)];
    const { returns, info } = coup(cards);
    expect(info).toEqual([5, 6, 3, 2]);
    expect(returns).toEqual({ ...zero(), banker: 15n, bankerPair: 130n, luckySix: 130n, perfectPair: 260n });
    expect(core.codec.games.settleTableBets(GameId.baccarat, 0, cards, [baccarat.banker(5n)])[0]!.return).toBe(7n); // 5 + 2.5 floored
  });

  it("a Banker three-card 6 pays Lucky 6 at 23; pairs of different suits are pairs, not perfect pairs", () => {
    // P 10+10 = 0 draws 5; B A+A = 2 draws 4 → 6.
    const { returns, info } = coup([c(9), c(0), c(9, 1), c(0, 1), c(4), c(3)]);
    expect(info).toEqual([5, 6, 3, 3]);
    expect(returns).toEqual({ ...zero(), banker: 15n, playerPair: 130n, bankerPair: 130n, luckySix: 240n });
  });

  it("a Player three-card 8 wins Panda 8 at 25; a win by 1 loses the Dragon Bonus", () => {
    // P 2+2 = 4 draws 4 → 8; B 10+7 = 7 stands on a Player third card of 4.
    const { returns, info } = coup([c(1), c(9), c(1, 2), c(6), c(3)]);
    expect(info).toEqual([8, 7, 3, 2]);
    expect(returns).toEqual({ ...zero(), player: 20n, pandaEight: 260n, playerPair: 130n });
  });

  it("a non-natural win by 9 pays the Dragon Bonus 30; both hands perfect pairs pay 250", () => {
    const { returns, info } = coup([c(9), c(9), c(9), c(9), c(8), c(9)]);
    expect(info).toEqual([9, 0, 3, 3]);
    expect(returns).toEqual({ ...zero(), player: 20n, dragonPlayer: 310n, playerPair: 130n, bankerPair: 130n, perfectPair: 2510n });
  });

  it("Dragon Bonus margins: by 4 pays 1:1, by 3 loses", () => {
    // P 7 stands; B 3 draws (Player stood): a king keeps 3 (win by 4), an ace makes 4 (win by 3).
    expect(coup([c(6), c(2), c(12), c(12), c(12)]).returns.dragonPlayer).toBe(20n);
    expect(coup([c(6), c(2), c(12), c(12), c(0)]).returns.dragonPlayer).toBe(0n);
    // B 7 stands against P 3 + 10 (draws 10 → 3): a Banker win by 4.
    expect(coup([c(2), c(6), c(12), c(12), c(12)]).returns.dragonBanker).toBe(20n);
  });

  it("a natural tie pushes Player, Banker and both Dragon Bonuses and pays Tie 9:1; a non-natural tie loses the Dragons", () => {
    expect(coup([c(7), c(7, 1), c(12), c(11)]).returns).toEqual({
      ...zero(),
      player: 10n,
      banker: 10n,
      tie: 100n,
      dragonPlayer: 10n,
      dragonBanker: 10n,
    });
    // P 2+4 = 6 stands, B 3+3 = 6 stands (a Banker pair, of two suits).
    expect(coup([c(1), c(2), c(3), c(2, 3)]).returns).toEqual({ ...zero(), player: 10n, banker: 10n, tie: 100n, bankerPair: 130n });
  });

  it("follows the Banker's third-card table", () => {
    // B 3 draws unless the Player's third card is an 8; B 6 draws only on a 6 or 7.
    expect(coup([c(0), c(2), c(12), c(12), c(7), c(0)]).info).toEqual([9, 3, 3, 2]);
    expect(coup([c(0), c(2), c(12), c(12), c(6), c(0)]).info).toEqual([8, 4, 3, 3]);
    expect(coup([c(0), c(5), c(12), c(12), c(5), c(0)]).info).toEqual([7, 7, 3, 3]);
    expect(coup([c(0), c(5), c(12), c(12), c(4), c(0)]).info).toEqual([6, 6, 3, 2]);
  });
});

function zero(): Record<string, bigint> {
  return Object.fromEntries(NAMES.map((n) => [n, 0n]));
}

// Card of each baccarat value for the value enumeration (suits do not matter to these bets).
const OF_VALUE = [c(9), c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8)];
const COPIES = [128n, 32n, 32n, 32n, 32n, 32n, 32n, 32n, 32n, 32n];
const ORDERED_SIX = 416n * 415n * 414n * 413n * 412n * 411n;
const VALUE_BETS = [
  baccarat.player,
  baccarat.banker,
  baccarat.tie,
  baccarat.luckySix,
  baccarat.dragonPlayer,
  baccarat.dragonBanker,
  baccarat.pandaEight,
];

/**
 * Walks every sequence of card values the tableau can use, asking the settle function itself how
 * many cards a coup takes (info: card counts), and weighs each leaf by its ordered 6-card count.
 */
function enumerateValues(): { sums: bigint[]; tie: bigint; lucky2: bigint; lucky3: bigint } {
  const sums = VALUE_BETS.map(() => 0n);
  const acc = { tie: 0n, lucky2: 0n, lucky3: 0n };
  const bets = VALUE_BETS.map((b) => b(2n));
  const left = [...COPIES];
  const walk = (values: number[], ways: bigint, cardsLeft: bigint) => {
    const cards = [...values.map((v) => OF_VALUE[v]!), c(12), c(12), c(12), c(12), c(12), c(12)].slice(0, 6);
    const r = core.codec.games.settleTableRound(GameId.baccarat, 0, cards, bets);
    const used = r.info[2]! + r.info[3]!;
    if (used <= values.length) {
      let w = ways;
      for (let n = cardsLeft; n > 416n - 6n; n--) w *= n;
      r.bets.forEach((b, i) => {
        sums[i]! += b.return * w;
      });
      if (r.info[0] === r.info[1]) acc.tie += w;
      if (r.bets[3]!.return === 26n) acc.lucky2 += w;
      if (r.bets[3]!.return === 48n) acc.lucky3 += w;
      return;
    }
    for (let v = 0; v < 10; v++) {
      if (left[v] === 0n) continue;
      const k = left[v]!;
      left[v] = k - 1n;
      walk([...values, v], ways * k, cardsLeft - 1n);
      left[v] = k;
    }
  };
  walk([], 1n, 416n);
  return { sums, ...acc };
}

const pct = (returned: bigint, staked: bigint) => (Number(staked - returned) / Number(staked)) * 100;

describe("exact expected return by 8-deck enumeration", () => {
  it("main bets, Lucky 6, Dragon Bonus and Panda 8 match the published edges and combination counts", () => {
    const { sums, tie, lucky2, lucky3 } = enumerateValues();
    const staked = 2n * ORDERED_SIX; // 2 chips per bet so the Banker's 1:2 is exact
    const edge = (i: number) => pct(sums[i]!, staked);
    // Combination counts published by Wizard of Odds (Lucky 6; baccarat tie).
    expect(tie).toBe(475_627_426_473_216n);
    expect(lucky2).toBe(186_173_936_904_192n);
    expect(lucky3).toBe(83_058_367_551_488n);
    expect(edge(0).toFixed(4)).toBe("1.2351"); // Player
    expect(edge(1).toFixed(4)).toBe("1.4581"); // Banker, 1:2 on a winning 6
    expect(edge(2).toFixed(2)).toBe("4.84"); // Tie 9:1
    expect(edge(3).toFixed(2)).toBe("11.70"); // Lucky 6, 12/23
    expect(edge(4).toFixed(2)).toBe("2.65"); // Dragon Bonus Player
    expect(edge(5).toFixed(2)).toBe("9.37"); // Dragon Bonus Banker
    expect(edge(6).toFixed(2)).toBe("10.19"); // Panda 8 at 25:1
  });

  it("pairs and Perfect Pair over every card identity of the first four cards match the closed forms", () => {
    // P1 fixed to one identity by symmetry (× 52); the cards after the fourth do not matter to these bets.
    const bets = [baccarat.playerPair(1n), baccarat.bankerPair(1n), baccarat.perfectPair(1n)];
    const sums = [0n, 0n, 0n];
    let total = 0n;
    for (let b1 = 0; b1 < 52; b1++)
      for (let p2 = 0; p2 < 52; p2++)
        for (let b2 = 0; b2 < 52; b2++) {
          const seen = [0, b1, p2, b2];
          let ways = 1n;
          seen.forEach((id, i) => {
            ways *= BigInt(8 - seen.slice(0, i).filter((x) => x === id).length);
          });
          total += ways;
          const r = core.codec.games.settleTableBets(GameId.baccarat, 0, [0, b1, p2, b2, c(12), c(12)], bets);
          r.forEach((x, i) => {
            sums[i]! += x.return * ways;
          });
        }
    expect(total).toBe((416n * 415n * 414n * 413n) / 52n);
    // A pair: the third card's rank equals the first's, 31 of the other 415 cards → 13 × 31/415.
    expect(sums[0]! * 415n).toBe(total * 13n * 31n);
    expect(sums[1]! * 415n).toBe(total * 13n * 31n);
    // Perfect Pair: both hands (same identity for all four, or two identities) and exactly one hand.
    const d = 415n * 414n * 413n;
    const both = 7n * 6n * 5n + 408n * 7n * 7n;
    const one = 2n * 7n * 414n * 413n - 2n * both;
    expect(sums[2]! * d).toBe(total * (26n * one + 251n * both));
    expect(pct(sums[0]!, total).toFixed(2)).toBe("2.89");
  });
});

describe("through a real block", () => {
  it("settles a searched-for Banker win on 6 with the cards the event shows", async () => {
    const alice = LocalChain.signer(1);
    const chain = await newChain();
    play(chain, alice, { op: "register", name: "alice" }, baccarat.start(1n));
    const serial = chain.core.session(alice.publicKey, 1n)!.serial;
    let sigma: Uint8Array | undefined;
    for (let i = 0; !sigma; i++) {
      const s = candidateSigma(i);
      const { info } = chain.core.codec.games.dealTableRound(GameId.baccarat, 0, s, serial, 1);
      if (info[1] === 6 && info[0]! < 6) sigma = s;
    }
    const next = chain.height + 1n;
    chain.beacon = (h) => (h === next ? sigma! : new Uint8Array(48));
    const bets: Bet[] = [baccarat.banker(10n), baccarat.luckySix(1n), baccarat.player(5n)];
    const r = round(play(chain, alice, baccarat.deal(1n, bets))[0]);
    expect(r.info[1]).toBe(6);
    expect(r.draws.map((d) => [d.move, d.index])).toEqual(r.draws.map((_, i) => [1, i]));
    const want = chain.core.codec.games.settleTableRound(
      GameId.baccarat,
      0,
      r.draws.map((d) => d.value),
      bets,
    );
    expect(r.info).toEqual(want.info);
    expect(r.bets.map((b) => b.return)).toEqual(want.bets.map((b) => b.return));
    expect(r.bets[0]!.return).toBe(15n);
    expect(r.returned).toBe(15n + want.bets[1]!.return);
  });
});
