// The bets the simulation command knows, by the names of the spec's tables (games.md), with the
// fixed targets it plays (overridable with --target) and the session options of --rules.
import type { Bet } from "../src/games/index.js";
import { BlackjackOption, baccarat, GameId, RouletteOption, roulette, SicBoOption, sicBo, VideoPokerOption } from "../src/games/index.js";

export interface TableBetSpec {
  game: number;
  make: (stake: bigint, target?: number) => Bet;
}

const t = (target: number | undefined, fallback: number) => target ?? fallback;

export const TABLE_BETS: Record<string, Record<string, TableBetSpec>> = {
  roulette: {
    straight: { game: GameId.roulette, make: (s, x) => roulette.straight(t(x, 17), s) },
    split: { game: GameId.roulette, make: (s, x) => ({ ...roulette.split(17, 20, s), ...(x === undefined ? {} : { target: x }) }) },
    street: { game: GameId.roulette, make: (s, x) => roulette.street(t(x, 6), s) },
    corner: { game: GameId.roulette, make: (s, x) => roulette.corner(t(x, 17), s) },
    "six-line": { game: GameId.roulette, make: (s, x) => roulette.sixLine(t(x, 6), s) },
    dozen: { game: GameId.roulette, make: (s, x) => roulette.dozen(t(x, 2) as 1 | 2 | 3, s) },
    column: { game: GameId.roulette, make: (s, x) => roulette.column(t(x, 2) as 1 | 2 | 3, s) },
    red: { game: GameId.roulette, make: (s) => roulette.red(s) },
    black: { game: GameId.roulette, make: (s) => roulette.black(s) },
    odd: { game: GameId.roulette, make: (s) => roulette.odd(s) },
    even: { game: GameId.roulette, make: (s) => roulette.even(s) },
    low: { game: GameId.roulette, make: (s) => roulette.low(s) },
    high: { game: GameId.roulette, make: (s) => roulette.high(s) },
  },
  sicbo: {
    small: { game: GameId.sicBo, make: (s) => sicBo.small(s) },
    big: { game: GameId.sicBo, make: (s) => sicBo.big(s) },
    odd: { game: GameId.sicBo, make: (s) => sicBo.odd(s) },
    even: { game: GameId.sicBo, make: (s) => sicBo.even(s) },
    "specific-triple": { game: GameId.sicBo, make: (s, x) => sicBo.specificTriple(t(x, 4), s) },
    "any-triple": { game: GameId.sicBo, make: (s) => sicBo.anyTriple(s) },
    "specific-double": { game: GameId.sicBo, make: (s, x) => sicBo.specificDouble(t(x, 4), s) },
    total: { game: GameId.sicBo, make: (s, x) => sicBo.total(t(x, 10), s) },
    single: { game: GameId.sicBo, make: (s, x) => sicBo.single(t(x, 4), s) },
    domino: { game: GameId.sicBo, make: (s, x) => ({ ...sicBo.domino(2, 5, s), ...(x === undefined ? {} : { target: x }) }) },
    "easy-hop": { game: GameId.sicBo, make: (s, x) => ({ ...sicBo.easyHopThree(1, 3, 6, s), ...(x === undefined ? {} : { target: x }) }) },
    "hard-hop": { game: GameId.sicBo, make: (s, x) => ({ ...sicBo.hardHop(5, 2, s), ...(x === undefined ? {} : { target: x }) }) },
    "four-number-hop": {
      game: GameId.sicBo,
      make: (s, x) => ({ ...sicBo.easyHopFour([1, 3, 4, 6], s), ...(x === undefined ? {} : { target: x }) }),
    },
  },
  baccarat: {
    player: { game: GameId.baccarat, make: (s) => baccarat.player(s) },
    banker: { game: GameId.baccarat, make: (s) => baccarat.banker(s) },
    tie: { game: GameId.baccarat, make: (s) => baccarat.tie(s) },
    "player-pair": { game: GameId.baccarat, make: (s) => baccarat.playerPair(s) },
    "banker-pair": { game: GameId.baccarat, make: (s) => baccarat.bankerPair(s) },
    "lucky-6": { game: GameId.baccarat, make: (s) => baccarat.luckySix(s) },
    "dragon-player": { game: GameId.baccarat, make: (s) => baccarat.dragonPlayer(s) },
    "dragon-banker": { game: GameId.baccarat, make: (s) => baccarat.dragonBanker(s) },
    "panda-8": { game: GameId.baccarat, make: (s) => baccarat.pandaEight(s) },
    "perfect-pair": { game: GameId.baccarat, make: (s) => baccarat.perfectPair(s) },
  },
};

/** Bets one run may follow together: a move's batch holds at most 20 bets (games.md). */
export const MAX_BETS_TOGETHER = 20;

/** Craps: bets followed roll by roll until they resolve (sim/craps.ts). */
export { CRAPS_BETS } from "./craps.js";

/** Hand games and their bets: the main stake, or a side bet played next to a 1-chip main stake. */
export const HAND_BETS: Record<string, string[]> = {
  war: ["ante", "tie"],
  hilo: ["stake"],
  blackjack: ["main", "21+3", "perfect-pairs", "royal-match", "lucky-ladies", "bust-it"],
  // The Ante (with its Blind and Play), or a side bet next to a 1-chip Ante (sim/uth.ts).
  uth: ["ante", "trips", "six-card", "progressive"],
};

const RULES: Record<string, Record<string, number>> = {
  roulette: { "la-partage": RouletteOption.laPartage, "en-prison": RouletteOption.enPrison, american: RouletteOption.american },
  sicbo: { "atlantic-city": SicBoOption.atlanticCity },
  // Blackjack: bits, and the deck count as a field (bits 4–7).
  blackjack: {
    s17: BlackjackOption.standSoft17,
    "6:5": BlackjackOption.sixToFive,
    surrender: BlackjackOption.lateSurrender,
    "decks-1": 0x10,
    "decks-2": 0x20,
    "decks-4": 0x40,
    "decks-6": 0x60,
  },
  videopoker: { "8-5": VideoPokerOption.eightFive },
};

/** Option bits of a comma-separated --rules list; throws on a rule the game does not have. */
export function optionsOf(game: string, rules: string): number {
  if (!rules) return 0;
  return rules.split(",").reduce((bits, name) => {
    const bit = RULES[game]?.[name];
    if (bit === undefined)
      throw new Error(`unknown rule "${name}" for ${game} (known: ${Object.keys(RULES[game] ?? {}).join(", ") || "none"})`);
    return bits | bit;
  }, 0);
}
