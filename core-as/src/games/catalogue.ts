// The game catalogue clients render tables from: ids, names, bets with their payouts and targets,
// limits and session options. The numbers are the wire format's (assembly/games/); a test plays
// every bet kind through the wasm, so the two cannot drift apart unnoticed.

import { crapsSpec } from "./craps-catalogue.js";

export const GameId = {
  baccarat: 1,
  blackjack: 2,
  craps: 3,
  roulette: 4,
  sicBo: 5,
  threeCard: 6,
  ultimateHoldem: 7,
  casinoWar: 8,
  videoPoker: 9,
  hiLo: 10,
} as const;
export type GameName = keyof typeof GameId;

export const WarBet = { ante: 0, tie: 1, raise: 2 } as const;
export const WarAction = { war: 0, surrender: 1 } as const;
export const HiLoAction = { higher: 0, lower: 1, same: 2, cashOut: 3 } as const;
export const VideoPokerOption = { eightFive: 1 } as const;
export const ThreeCardBet = { ante: 0, pairplus: 1, sixCard: 2, progressive: 3, play: 4 } as const;
export const ThreeCardAction = { play: 0, fold: 1 } as const;
/** Blackjack bet kinds: the hand (target: hand index 0–3, a split adds one), side bets (target 0), a double (target: hand index). */
export const BlackjackBet = {
  hand: 0,
  twentyOnePlusThree: 1,
  perfectPairs: 2,
  royalMatch: 3,
  luckyLadies: 4,
  bustIt: 5,
  double: 6,
} as const;
export const BlackjackAction = { hit: 0, stand: 1, double: 2, split: 3, surrender: 4 } as const;
/** Option bits; the deck count (1, 2, 4, 6, 8; 0 = 8) is `decks << 4` (blackjackOptions builds both). */
export const BlackjackOption = { standSoft17: 1, sixToFive: 2, lateSurrender: 4 } as const;
export const UthBet = { ante: 0, blind: 1, trips: 2, sixCard: 3, progressive: 4, play: 5 } as const;
/** A bet's action is its multiple of the Ante (4 or 3 pre-flop, 2 at the flop, 1 at the river). */
export const UthAction = { check: 0, bet1x: 1, bet2x: 2, bet3x: 3, bet4x: 4, fold: 5 } as const;
export const PROGRESSIVE_BET = 1n;
export const METER_START = 10_000n;
/** Hand categories (Codec.games.pokerHand, Video Poker round info). */
export const PokerHand = {
  nothing: 0,
  jacksOrBetter: 1,
  twoPair: 2,
  trips: 3,
  straight: 4,
  flush: 5,
  fullHouse: 6,
  quads: 7,
  straightFlush: 8,
  royalFlush: 9,
} as const;

/** Actions of a table game's GameMove. */
export const TableAction = { play: 0, close: 1 } as const;

export const MIN_BET = 1n;
export const MAX_BET = 10_000n;
export const MAX_BET_SMALL = 1_000n;
/** Bets in one batch. */
export const MAX_BETS = 20;

export interface BetSpec {
  kind: number;
  name: string;
  /** What a win pays "to 1" (a range where it depends on the target or the options). */
  pays: string;
  /** How the target is written, or "none" (target 0). */
  target: string;
  /** A bet of the spec the state machine does not take for chips (BET_CLOSED): clients show it as closed. */
  closed?: boolean;
}

export interface OptionSpec {
  bit: number;
  name: string;
  description: string;
}

export interface GameSpec {
  id: number;
  name: GameName;
  title: string;
  /** Whether the state machine plays this game yet. */
  available: boolean;
  /** Table games take batches of bets per round; the others a stake at GameStart. */
  table: boolean;
  minBet: bigint;
  maxBet: bigint;
  bets: BetSpec[];
  options: OptionSpec[];
}

export const RouletteBet = {
  straight: 0,
  split: 1,
  street: 2,
  corner: 3,
  sixLine: 4,
  dozen: 5,
  column: 6,
  red: 7,
  black: 8,
  odd: 9,
  even: 10,
  low: 11,
  high: 12,
} as const;

export const RouletteOption = { laPartage: 1, enPrison: 2, american: 4 } as const;
/** The pocket number of 00 (American wheel). */
export const DOUBLE_ZERO = 37;

export const SicBoBet = {
  small: 0,
  big: 1,
  odd: 2,
  even: 3,
  specificTriple: 4,
  anyTriple: 5,
  specificDouble: 6,
  total: 7,
  single: 8,
  domino: 9,
  easyHopThree: 10,
  hardHop: 11,
  easyHopFour: 12,
} as const;

export const SicBoOption = { atlanticCity: 1 } as const;

export const BaccaratBet = {
  player: 0,
  banker: 1,
  tie: 2,
  playerPair: 3,
  bankerPair: 4,
  luckySix: 5,
  dragonPlayer: 6,
  dragonBanker: 7,
  pandaEight: 8,
  perfectPair: 9,
} as const;

const roulette: GameSpec = {
  id: GameId.roulette,
  name: "roulette",
  title: "Roulette",
  available: true,
  table: true,
  minBet: MIN_BET,
  maxBet: MAX_BET,
  bets: [
    { kind: RouletteBet.straight, name: "straight", pays: "35", target: "pocket 0–36 (37 = 00, American)" },
    { kind: RouletteBet.split, name: "split", pays: "17", target: "a | b << 8, two adjacent pockets, a < b" },
    { kind: RouletteBet.street, name: "street", pays: "11", target: "row 1–12" },
    { kind: RouletteBet.corner, name: "corner", pays: "8", target: "lowest number n (n mod 3 ≠ 0, n ≤ 32)" },
    { kind: RouletteBet.sixLine, name: "six line", pays: "5", target: "first row 1–11" },
    { kind: RouletteBet.dozen, name: "dozen", pays: "2", target: "1–3" },
    { kind: RouletteBet.column, name: "column", pays: "2", target: "1–3" },
    { kind: RouletteBet.red, name: "red", pays: "1", target: "none" },
    { kind: RouletteBet.black, name: "black", pays: "1", target: "none" },
    { kind: RouletteBet.odd, name: "odd", pays: "1", target: "none" },
    { kind: RouletteBet.even, name: "even", pays: "1", target: "none" },
    { kind: RouletteBet.low, name: "1–18", pays: "1", target: "none" },
    { kind: RouletteBet.high, name: "19–36", pays: "1", target: "none" },
  ],
  options: [
    { bit: RouletteOption.laPartage, name: "La Partage", description: "even-money bets lose half on zero" },
    {
      bit: RouletteOption.enPrison,
      name: "En Prison",
      description: "an even-money bet lost to zero is held one spin and returns its stake if it then wins",
    },
    { bit: RouletteOption.american, name: "American", description: "0 and 00" },
  ],
};

const sicBo: GameSpec = {
  id: GameId.sicBo,
  name: "sicBo",
  title: "Sic Bo",
  available: true,
  table: true,
  minBet: MIN_BET,
  maxBet: MAX_BET,
  bets: [
    { kind: SicBoBet.small, name: "small", pays: "1", target: "none" },
    { kind: SicBoBet.big, name: "big", pays: "1", target: "none" },
    { kind: SicBoBet.odd, name: "odd", pays: "1", target: "none" },
    { kind: SicBoBet.even, name: "even", pays: "1", target: "none" },
    { kind: SicBoBet.specificTriple, name: "specific triple", pays: "150 (180)", target: "face 1–6" },
    { kind: SicBoBet.anyTriple, name: "any triple", pays: "24 (30)", target: "none" },
    { kind: SicBoBet.specificDouble, name: "specific double", pays: "8 (10)", target: "face 1–6" },
    { kind: SicBoBet.total, name: "total", pays: "6–50 (6–60)", target: "total 4–17" },
    { kind: SicBoBet.single, name: "single number", pays: "1/2/3", target: "face 1–6" },
    { kind: SicBoBet.domino, name: "domino", pays: "5", target: "two faces as digits, ascending (e.g. 25)" },
    { kind: SicBoBet.easyHopThree, name: "three-number easy hop", pays: "30", target: "three faces, ascending (e.g. 136)" },
    { kind: SicBoBet.hardHop, name: "hard hop", pays: "50", target: "double then single face (e.g. 52)" },
    { kind: SicBoBet.easyHopFour, name: "four-number easy hop", pays: "7", target: "four faces, ascending (e.g. 1346)" },
  ],
  options: [{ bit: SicBoOption.atlanticCity, name: "Atlantic City", description: "the Atlantic City pay table (in brackets)" }],
};

const baccarat: GameSpec = {
  id: GameId.baccarat,
  name: "baccarat",
  title: "Baccarat",
  available: true,
  table: true,
  minBet: MIN_BET,
  maxBet: MAX_BET,
  bets: [
    { kind: BaccaratBet.player, name: "Player", pays: "1; pushes on a tie", target: "none" },
    { kind: BaccaratBet.banker, name: "Banker", pays: "1, 1:2 on a winning 6; pushes on a tie", target: "none" },
    { kind: BaccaratBet.tie, name: "Tie", pays: "9", target: "none" },
    { kind: BaccaratBet.playerPair, name: "Player Pair", pays: "12", target: "none" },
    { kind: BaccaratBet.bankerPair, name: "Banker Pair", pays: "12", target: "none" },
    { kind: BaccaratBet.luckySix, name: "Lucky 6", pays: "12 with two cards, 23 with three", target: "none" },
    {
      kind: BaccaratBet.dragonPlayer,
      name: "Dragon Bonus Player",
      pays: "natural win 1, natural tie push; win by 9/8/7/6/5/4: 30/10/6/4/2/1",
      target: "none",
    },
    {
      kind: BaccaratBet.dragonBanker,
      name: "Dragon Bonus Banker",
      pays: "natural win 1, natural tie push; win by 9/8/7/6/5/4: 30/10/6/4/2/1",
      target: "none",
    },
    { kind: BaccaratBet.pandaEight, name: "Panda 8", pays: "25", target: "none" },
    { kind: BaccaratBet.perfectPair, name: "Perfect Pair", pays: "25 one hand, 250 both", target: "none" },
  ],
  options: [],
};

const casinoWar: GameSpec = {
  id: GameId.casinoWar,
  name: "casinoWar",
  title: "Casino War",
  available: true,
  table: false,
  minBet: MIN_BET,
  maxBet: MAX_BET,
  bets: [
    {
      kind: WarBet.ante,
      name: "Ante",
      pays: "1; on a tie: war (raise = ante: raise 1, ante push, a second tie +ante) or surrender (half back)",
      target: "none",
    },
    { kind: WarBet.tie, name: "Tie (side bet, first deal)", pays: "10", target: "none" },
    { kind: WarBet.raise, name: "Raise (war)", pays: "1", target: "none" },
  ],
  options: [],
};

const hiLo: GameSpec = {
  id: GameId.hiLo,
  name: "hiLo",
  title: "Hi-Lo",
  available: true,
  table: false,
  minBet: MIN_BET,
  maxBet: MAX_BET_SMALL,
  bets: [
    {
      kind: 0,
      name: "Stake",
      pays: "stake × multiplier on cash-out; a correct guess × floor(116400 / w) bps, Same × 11.64",
      target: "none",
    },
  ],
  options: [],
};

const videoPoker: GameSpec = {
  id: GameId.videoPoker,
  name: "videoPoker",
  title: "Video Poker (Jacks or Better)",
  available: true,
  table: false,
  minBet: MIN_BET,
  maxBet: MAX_BET_SMALL,
  bets: [
    {
      kind: 0,
      name: "Stake",
      pays: "returns per unit: royal 800, straight flush 50, quads 25, full house 9 (8), flush 6 (5), straight 4, trips 3, two pair 2, jacks or better 1",
      target: "none",
    },
  ],
  options: [{ bit: VideoPokerOption.eightFive, name: "8/5", description: "full house 8, flush 5" }],
};

const threeCard: GameSpec = {
  id: GameId.threeCard,
  name: "threeCard",
  title: "Three Card Poker",
  available: true,
  table: false,
  minBet: MIN_BET,
  maxBet: MAX_BET,
  bets: [
    {
      kind: ThreeCardBet.ante,
      name: "Ante",
      pays: "1 (dealer not qualifying: 1, Play pushes); Ante bonus SF 5, trips 4, straight 1",
      target: "none",
    },
    { kind: ThreeCardBet.play, name: "Play (= Ante)", pays: "1", target: "none" },
    {
      kind: ThreeCardBet.pairplus,
      name: "Pairplus",
      pays: "SF 40, trips 30, straight 6, flush 3, pair 1 (paid on a fold)",
      target: "none",
    },
    {
      kind: ThreeCardBet.sixCard,
      name: "6-Card Bonus",
      pays: "royal 1000, SF 200, quads 100, full house 20, flush 15, straight 10, trips 7",
      target: "none",
    },
    {
      kind: ThreeCardBet.progressive,
      name: "Progressive (exactly 1)",
      pays: "for one: A-K-Q spades the meter, mini-royal 500, SF 70, trips 60, straight 6",
      target: "none",
    },
  ],
  options: [],
};

const blackjack: GameSpec = {
  id: GameId.blackjack,
  name: "blackjack",
  title: "Blackjack",
  available: true,
  table: false,
  minBet: MIN_BET,
  maxBet: MAX_BET,
  bets: [
    {
      kind: BlackjackBet.hand,
      name: "Hand",
      pays: "1; blackjack 3:2 (6:5), floored; a dealer blackjack beats every hand, doubles and splits included",
      target: "hand index 0–3",
    },
    { kind: BlackjackBet.double, name: "Double (= the hand's stake)", pays: "as its hand", target: "hand index 0–3" },
    {
      kind: BlackjackBet.twentyOnePlusThree,
      name: "21+3",
      pays: "suited trips 100, straight flush 40, trips 30, straight 10, flush 5",
      target: "none",
    },
    { kind: BlackjackBet.perfectPairs, name: "Perfect Pairs", pays: "same suit 25, same colour 12, mixed 6", target: "none" },
    { kind: BlackjackBet.royalMatch, name: "Royal Match", pays: "suited K-Q 25, other suited 5:2 (floored)", target: "none" },
    {
      kind: BlackjackBet.luckyLadies,
      name: "Lucky Ladies",
      pays: "Q♥ pair with dealer blackjack 1000, Q♥ pair 125, matched 20 19, suited 20 9, any 20 4",
      target: "none",
    },
    { kind: BlackjackBet.bustIt, name: "Bust It", pays: "dealer busts with 3 cards 1, 4 cards 2, 5 cards 9, 6+ cards 50", target: "none" },
  ],
  options: [
    { bit: BlackjackOption.standSoft17, name: "S17", description: "the dealer stands on soft 17" },
    { bit: BlackjackOption.sixToFive, name: "6:5", description: "blackjack pays 6:5" },
    {
      bit: BlackjackOption.lateSurrender,
      name: "Late surrender",
      description: "half back as the first decision; nothing against a dealer blackjack",
    },
    {
      bit: 0xf0,
      name: "Decks",
      description: "a field, not a bit: decks << 4 with 1, 2, 4, 6 or 8 decks (0: the default 8)",
    },
  ],
};

const ultimateHoldem: GameSpec = {
  id: GameId.ultimateHoldem,
  name: "ultimateHoldem",
  title: "Ultimate Texas Hold'em",
  available: true,
  table: false,
  minBet: MIN_BET,
  maxBet: MAX_BET,
  bets: [
    { kind: UthBet.ante, name: "Ante", pays: "1 (pushes when the dealer does not qualify: a pair or better)", target: "none" },
    {
      kind: UthBet.blind,
      name: "Blind (= Ante, automatic)",
      pays: "on a win: royal 500, SF 50, quads 10, full house 3, flush 3:2, straight 1, less pushes; tie pushes",
      target: "none",
    },
    { kind: UthBet.play, name: "Play (4x/3x pre-flop, 2x flop, 1x river)", pays: "1", target: "none" },
    {
      kind: UthBet.trips,
      name: "Trips",
      pays: "royal 50, SF 40, quads 30, full house 9, flush 7, straight 4, trips 3 (paid on a fold)",
      target: "none",
    },
    {
      kind: UthBet.sixCard,
      name: "6-Card Bonus (hole cards, flop and turn)",
      pays: "royal 1000, SF 200, quads 100, full house 20, flush 15, straight 10, trips 7",
      target: "none",
    },
    {
      kind: UthBet.progressive,
      name: "Progressive (exactly 1; hole cards and flop)",
      pays: "for one: royal the meter, SF 1000, quads 300, full house 50, flush 40, straight 30, trips 9",
      target: "none",
    },
  ],
  options: [],
};

/** Every game, in id order. `available: false` games are refused by the state machine (UNKNOWN_GAME). */
export const GAMES: readonly GameSpec[] = [
  baccarat,
  blackjack,
  crapsSpec,
  roulette,
  sicBo,
  threeCard,
  ultimateHoldem,
  casinoWar,
  videoPoker,
  hiLo,
];

export function gameSpec(game: GameName | number): GameSpec {
  const id = typeof game === "number" ? game : GameId[game];
  const spec = GAMES.find((g) => g.id === id);
  if (!spec) throw new RangeError(`unknown game ${game}`);
  return spec;
}
