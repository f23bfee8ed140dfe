// Blackjack (game 2): typed builders for GameStart and each decision, the session options, and a
// reader of the session's public state (the hands so far), which a client renders and decides from.
import type { GameMoveInstruction, GameStartInstruction } from "../codec.js";
import { BlackjackAction, BlackjackBet, BlackjackOption, GameId } from "./catalogue.js";

export interface BlackjackSideBets {
  twentyOnePlusThree?: bigint;
  perfectPairs?: bigint;
  royalMatch?: bigint;
  luckyLadies?: bigint;
  bustIt?: bigint;
}

export interface BlackjackRules {
  /** The dealer stands on soft 17 (hits it by default). */
  standSoft17?: boolean;
  /** Blackjack pays 6:5 (3:2 by default). */
  sixToFive?: boolean;
  /** Late surrender as the first decision (half back; nothing against a dealer blackjack). */
  lateSurrender?: boolean;
  /** 1, 2, 4, 6 or 8 (the default). */
  decks?: 1 | 2 | 4 | 6 | 8;
}

/** The option word of a set of rules: bits for S17, 6:5 and surrender, the deck count in bits 4–7. */
export function blackjackOptions(rules: BlackjackRules = {}): number {
  return (
    (rules.standSoft17 ? BlackjackOption.standSoft17 : 0) |
    (rules.sixToFive ? BlackjackOption.sixToFive : 0) |
    (rules.lateSurrender ? BlackjackOption.lateSurrender : 0) |
    ((rules.decks ?? 0) << 4)
  );
}

const SIDE_KINDS: [keyof BlackjackSideBets, number][] = [
  ["twentyOnePlusThree", BlackjackBet.twentyOnePlusThree],
  ["perfectPairs", BlackjackBet.perfectPairs],
  ["royalMatch", BlackjackBet.royalMatch],
  ["luckyLadies", BlackjackBet.luckyLadies],
  ["bustIt", BlackjackBet.bustIt],
];

/** Side bets as GameStart carries them, in kind order. */
export function blackjackSideBets(side: BlackjackSideBets): { kind: number; target: number; amount: bigint }[] {
  return SIDE_KINDS.filter(([name]) => side[name]).map(([name, kind]) => ({ kind, target: 0, amount: side[name]! }));
}

const move = (sessionId: bigint, action: number): GameMoveInstruction => ({ op: "gameMove", sessionId, action });

export const blackjack = {
  /** Deals the player's two cards and the dealer's up card; `options` is BlackjackRules or an option word. */
  start: (
    sessionId: bigint,
    stake: bigint,
    opts: BlackjackSideBets & { options?: BlackjackRules | number } = {},
  ): GameStartInstruction => ({
    op: "gameStart",
    game: GameId.blackjack,
    sessionId,
    stake,
    options: typeof opts.options === "number" ? opts.options : blackjackOptions(opts.options),
    sideBets: blackjackSideBets(opts),
  }),
  hit: (sessionId: bigint) => move(sessionId, BlackjackAction.hit),
  stand: (sessionId: bigint) => move(sessionId, BlackjackAction.stand),
  /** One card and the hand ends; a stake equal to the hand's is taken. Any two cards, after a split too. */
  double: (sessionId: bigint) => move(sessionId, BlackjackAction.double),
  /** Two cards of one rank become two hands (up to four); a stake equal to the hand's is taken. */
  split: (sessionId: bigint) => move(sessionId, BlackjackAction.split),
  /** Late surrender (with the option), only as the first decision. */
  surrender: (sessionId: bigint) => move(sessionId, BlackjackAction.surrender),
};

export interface BlackjackHandView {
  cards: number[];
  doubled: boolean;
  /** No more decisions on this hand. */
  done: boolean;
  surrendered: boolean;
  /** Made by a split (two cards totalling 21 are not a blackjack). */
  split: boolean;
}

export interface BlackjackTableView {
  up: number;
  hands: BlackjackHandView[];
  /** The hand awaiting a decision (hands.length when none). */
  active: number;
  bustIt: bigint;
  /** Lucky Ladies held for the dealer's hand (a dealt Q♥ pair), else 0. */
  luckyLadies: bigint;
}

/** Reads an unfinished blackjack session's data (assembly/games/blackjack-table.ts). */
export function decodeBlackjackTable(data: Uint8Array): BlackjackTableView {
  let at = 0;
  const byte = () => {
    if (at >= data.length) throw new RangeError("blackjack session data: truncated");
    return data[at++]!;
  };
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = byte();
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  const up = byte();
  const count = byte();
  const bustIt = varint();
  const luckyLadies = varint();
  const hands = Array.from({ length: count }, () => {
    const flags = byte();
    const cards = Array.from({ length: byte() }, byte);
    return { cards, doubled: (flags & 1) !== 0, done: (flags & 2) !== 0, surrendered: (flags & 4) !== 0, split: (flags & 8) !== 0 };
  });
  const active = hands.findIndex((h) => !h.done);
  return { up, hands, active: active < 0 ? hands.length : active, bustIt, luckyLadies };
}

/** Ace 1, ten-value 10: a hand's hard total and its best total (an ace as 11 when that fits). */
export function blackjackTotal(cards: readonly number[]): { total: number; soft: boolean } {
  const hard = cards.reduce((t, c) => t + Math.min((c % 13) + 1, 10), 0);
  const soft = cards.some((c) => c % 13 === 0) && hard <= 11;
  return { total: soft ? hard + 10 : hard, soft };
}
