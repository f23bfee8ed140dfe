// Roulette bets and moves, so clients never hand-encode a target.
import type { GameMoveInstruction, GameStartInstruction } from "../codec.js";
import type { Bet } from "./bet.js";
import { GameId, RouletteBet, TableAction } from "./catalogue.js";

const even =
  (kind: number) =>
  (amount: bigint): Bet => ({ kind, target: 0, amount });

export const roulette = {
  straight: (pocket: number, amount: bigint): Bet => ({ kind: RouletteBet.straight, target: pocket, amount }),
  /** Two adjacent pockets, in either order. */
  split: (a: number, b: number, amount: bigint): Bet => ({
    kind: RouletteBet.split,
    target: Math.min(a, b) | (Math.max(a, b) << 8),
    amount,
  }),
  /** Row 1–12 (numbers 3r−2 … 3r). */
  street: (row: number, amount: bigint): Bet => ({ kind: RouletteBet.street, target: row, amount }),
  /** The corner whose lowest number is n (covers n, n+1, n+3, n+4). */
  corner: (n: number, amount: bigint): Bet => ({ kind: RouletteBet.corner, target: n, amount }),
  /** Rows r and r+1 (r 1–11). */
  sixLine: (row: number, amount: bigint): Bet => ({ kind: RouletteBet.sixLine, target: row, amount }),
  dozen: (d: 1 | 2 | 3, amount: bigint): Bet => ({ kind: RouletteBet.dozen, target: d, amount }),
  /** Column 1 (1, 4, …, 34), 2 or 3 (3, 6, …, 36). */
  column: (c: 1 | 2 | 3, amount: bigint): Bet => ({ kind: RouletteBet.column, target: c, amount }),
  red: even(RouletteBet.red),
  black: even(RouletteBet.black),
  odd: even(RouletteBet.odd),
  even: even(RouletteBet.even),
  low: even(RouletteBet.low),
  high: even(RouletteBet.high),

  /** Opens a table; `options` is a sum of RouletteOption bits. */
  start: (sessionId: bigint, options = 0): GameStartInstruction => ({ op: "gameStart", game: GameId.roulette, sessionId, options }),
  /** One spin with a batch of up to 20 bets (may be empty while an En Prison bet is held). */
  spin: (sessionId: bigint, bets: Bet[]): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.play, bets }),
  close: (sessionId: bigint): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.close }),
};
