// Sic Bo bets and moves, so clients never hand-encode a target.
import type { GameMoveInstruction, GameStartInstruction } from "../codec.js";
import type { Bet } from "./bet.js";
import { GameId, SicBoBet, TableAction } from "./catalogue.js";

/** Faces as the decimal digits of a target, ascending (domino and easy hops). */
function digits(faces: number[]): number {
  return [...faces].sort((a, b) => a - b).reduce((t, f) => t * 10 + f, 0);
}

const plain =
  (kind: number) =>
  (amount: bigint): Bet => ({ kind, target: 0, amount });

export const sicBo = {
  small: plain(SicBoBet.small),
  big: plain(SicBoBet.big),
  odd: plain(SicBoBet.odd),
  even: plain(SicBoBet.even),
  anyTriple: plain(SicBoBet.anyTriple),
  specificTriple: (face: number, amount: bigint): Bet => ({ kind: SicBoBet.specificTriple, target: face, amount }),
  specificDouble: (face: number, amount: bigint): Bet => ({ kind: SicBoBet.specificDouble, target: face, amount }),
  total: (total: number, amount: bigint): Bet => ({ kind: SicBoBet.total, target: total, amount }),
  single: (face: number, amount: bigint): Bet => ({ kind: SicBoBet.single, target: face, amount }),
  domino: (a: number, b: number, amount: bigint): Bet => ({ kind: SicBoBet.domino, target: digits([a, b]), amount }),
  easyHopThree: (a: number, b: number, c: number, amount: bigint): Bet => ({
    kind: SicBoBet.easyHopThree,
    target: digits([a, b, c]),
    amount,
  }),
  hardHop: (double: number, single: number, amount: bigint): Bet => ({ kind: SicBoBet.hardHop, target: double * 10 + single, amount }),
  easyHopFour: (faces: [number, number, number, number], amount: bigint): Bet => ({
    kind: SicBoBet.easyHopFour,
    target: digits(faces),
    amount,
  }),

  /** Opens a table; `options` is a sum of SicBoOption bits. */
  start: (sessionId: bigint, options = 0): GameStartInstruction => ({ op: "gameStart", game: GameId.sicBo, sessionId, options }),
  roll: (sessionId: bigint, bets: Bet[]): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.play, bets }),
  close: (sessionId: bigint): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.close }),
};
