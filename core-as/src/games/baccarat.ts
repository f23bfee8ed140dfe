// Baccarat bets and moves.
import type { GameMoveInstruction, GameStartInstruction } from "../codec.js";
import type { Bet } from "./bet.js";
import { BaccaratBet, GameId, TableAction } from "./catalogue.js";

const bet =
  (kind: number) =>
  (amount: bigint): Bet => ({ kind, target: 0, amount });

export const baccarat = {
  player: bet(BaccaratBet.player),
  banker: bet(BaccaratBet.banker),
  tie: bet(BaccaratBet.tie),
  playerPair: bet(BaccaratBet.playerPair),
  bankerPair: bet(BaccaratBet.bankerPair),
  luckySix: bet(BaccaratBet.luckySix),
  dragonPlayer: bet(BaccaratBet.dragonPlayer),
  dragonBanker: bet(BaccaratBet.dragonBanker),
  pandaEight: bet(BaccaratBet.pandaEight),
  perfectPair: bet(BaccaratBet.perfectPair),

  start: (sessionId: bigint): GameStartInstruction => ({ op: "gameStart", game: GameId.baccarat, sessionId }),
  /** One coup with a batch of up to 20 bets. */
  deal: (sessionId: bigint, bets: Bet[]): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.play, bets }),
  close: (sessionId: bigint): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.close }),
};

/** Cards are 0–51: suit × 13 + rank (rank 0 ace … 12 king; suits clubs, diamonds, hearts, spades). */
export function card(rank: number, suit = 0): number {
  return suit * 13 + rank;
}
