// Builders for Ultimate Texas Hold'em (GameId.ultimateHoldem): the start deals the hole cards and
// takes the Ante and an equal Blind; then check or bet pre-flop (4x/3x) and at the flop (2x), and
// bet 1x or fold at the river.
import type { GameMoveInstruction, GameStartInstruction } from "../codec.js";
import { GameId, PROGRESSIVE_BET, UthAction, UthBet } from "./catalogue.js";

const move = (sessionId: bigint, action: number): GameMoveInstruction => ({ op: "gameMove", sessionId, action });

export const uth = {
  /** Deals the hole cards; takes the Ante and a Blind of the same amount; optional side bets. */
  start: (
    sessionId: bigint,
    ante: bigint,
    side: { trips?: bigint; sixCard?: bigint; progressive?: boolean } = {},
  ): GameStartInstruction => ({
    op: "gameStart",
    game: GameId.ultimateHoldem,
    sessionId,
    stake: ante,
    sideBets: [
      ...(side.trips ? [{ kind: UthBet.trips, target: 0, amount: side.trips }] : []),
      ...(side.sixCard ? [{ kind: UthBet.sixCard, target: 0, amount: side.sixCard }] : []),
      ...(side.progressive ? [{ kind: UthBet.progressive, target: 0, amount: PROGRESSIVE_BET }] : []),
    ],
  }),
  /** The Play bet, `multiple` × the Ante: 4 or 3 pre-flop, 2 at the flop, 1 at the river. */
  bet: (sessionId: bigint, multiple: 1 | 2 | 3 | 4): GameMoveInstruction => {
    if (![1, 2, 3, 4].includes(multiple)) throw new RangeError("uth.bet: multiple 1–4");
    return move(sessionId, multiple);
  },
  /** No Play now (pre-flop or at the flop): the next cards are revealed. */
  check: (sessionId: bigint) => move(sessionId, UthAction.check),
  /** At the river: the Ante and Blind are lost; Trips and the 6-Card Bonus still settle. */
  fold: (sessionId: bigint) => move(sessionId, UthAction.fold),
};
