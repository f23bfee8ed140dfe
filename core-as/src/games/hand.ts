// Builders for the one-hand games built so far: Casino War, Hi-Lo and Video Poker.
import type { GameMoveInstruction, GameStartInstruction } from "../codec.js";
import { GameId, HiLoAction, ThreeCardAction, ThreeCardBet, WarAction, WarBet } from "./catalogue.js";

const move = (sessionId: bigint, action: number): GameMoveInstruction => ({ op: "gameMove", sessionId, action });

export const casinoWar = {
  /** Deals the first cards; `tie` is the optional Tie side bet. */
  start: (sessionId: bigint, ante: bigint, tie?: bigint): GameStartInstruction => ({
    op: "gameStart",
    game: GameId.casinoWar,
    sessionId,
    stake: ante,
    sideBets: tie ? [{ kind: WarBet.tie, target: 0, amount: tie }] : [],
  }),
  /** After a tie: raise the ante and go to war. */
  war: (sessionId: bigint) => move(sessionId, WarAction.war),
  /** After a tie: give up half the ante. */
  surrender: (sessionId: bigint) => move(sessionId, WarAction.surrender),
};

export const hiLo = {
  /** Shows the first card. */
  start: (sessionId: bigint, stake: bigint): GameStartInstruction => ({ op: "gameStart", game: GameId.hiLo, sessionId, stake }),
  higher: (sessionId: bigint) => move(sessionId, HiLoAction.higher),
  lower: (sessionId: bigint) => move(sessionId, HiLoAction.lower),
  /** Only on an ace or a king. */
  same: (sessionId: bigint) => move(sessionId, HiLoAction.same),
  cashOut: (sessionId: bigint) => move(sessionId, HiLoAction.cashOut),
};

export const videoPoker = {
  /** Deals five cards; `options` 1 is the 8/5 pay table. */
  start: (sessionId: bigint, stake: bigint, options = 0): GameStartInstruction => ({
    op: "gameStart",
    game: GameId.videoPoker,
    sessionId,
    stake,
    options,
  }),
  /** The draw: `hold[i]` keeps the i-th dealt card, the others are replaced from the unseen 47. */
  draw: (sessionId: bigint, hold: readonly boolean[]) =>
    move(
      sessionId,
      hold.reduce((m, h, i) => m | (h ? 1 << i : 0), 0),
    ),
};

export const threeCard = {
  /** Deals the player's three cards; side bets: Pairplus, 6-Card Bonus, Progressive (1 chip). */
  start: (
    sessionId: bigint,
    ante: bigint,
    side: { pairplus?: bigint; sixCard?: bigint; progressive?: boolean } = {},
  ): GameStartInstruction => ({
    op: "gameStart",
    game: GameId.threeCard,
    sessionId,
    stake: ante,
    sideBets: [
      ...(side.pairplus ? [{ kind: ThreeCardBet.pairplus, target: 0, amount: side.pairplus }] : []),
      ...(side.sixCard ? [{ kind: ThreeCardBet.sixCard, target: 0, amount: side.sixCard }] : []),
      ...(side.progressive ? [{ kind: ThreeCardBet.progressive, target: 0, amount: 1n }] : []),
    ],
  }),
  /** Play (a bet equal to the Ante); the dealer's cards are drawn. */
  play: (sessionId: bigint) => move(sessionId, ThreeCardAction.play),
  fold: (sessionId: bigint) => move(sessionId, ThreeCardAction.fold),
};
