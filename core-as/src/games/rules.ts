// The games' rules as pure functions of the wasm, with no state and no randomness: a table game's
// settle function on a given outcome, the draws a round makes under a given σ, and the value of a
// poker hand. The executor runs these same functions; clients can check a round event with them,
// and tests use them for known answers and exact expected returns.
import { CoreError } from "../errors.js";
import { checkU64, checkUint } from "../wasm/args.js";
import type { WasmInstance } from "../wasm/instance.js";
import { type Bet, betEntries } from "./bet.js";
import { type BlackjackMoveResult, type BlackjackReplay, replayBlackjack } from "./blackjack-rules.js";
import { type CrapsRoll, type CrapsStep, type CrapsTransition, crapsNext, crapsRolls } from "./craps-rules.js";
import { holdemHand, settleUth, type UthSettlement } from "./uth-rules.js";

/** One bet's result: return (stake included) and status (BetResultView). */
export interface BetSettlement {
  return: bigint;
  status: number;
}

export class GameRules {
  constructor(private readonly wasm: WasmInstance) {}

  /**
   * A table game's settle function on a given outcome (a pocket; three dice; baccarat cards in
   * dealing order), with no state and no randomness: what a round's bets return when these values
   * are drawn, and the round's info numbers. Clients can check a gameRound event with it; tests use
   * it for known answers and exact expected returns.
   */
  settleTableRound(
    game: number,
    options: number,
    outcome: readonly number[],
    bets: readonly (Bet & { held?: boolean })[],
  ): { bets: BetSettlement[]; info: number[] } {
    checkUint("game", game, 0xff);
    checkUint("options", options, 0xffff_ffff);
    if (outcome.length > 255 || outcome.some((v) => !Number.isInteger(v) || v < 0 || v > 255))
      throw new CoreError(900, "outcome: up to 255 byte values");
    const entries = betEntries(bets);
    const input = new Uint8Array(1 + outcome.length + bets.length * 14);
    input[0] = outcome.length;
    input.set(outcome, 1);
    bets.forEach((b, i) => {
      input.set(entries.subarray(i * 13, i * 13 + 13), 1 + outcome.length + i * 14);
      input[1 + outcome.length + i * 14 + 13] = b.held ? 1 : 0;
    });
    const out = this.wasm.call("games_resolve", input, game, options);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    return {
      bets: bets.map((_, i) => ({ return: view.getBigUint64(i * 9, true), status: out[i * 9 + 8] as number })),
      info: readInfo(view, bets.length * 9),
    };
  }

  /** settleTableRound's bet results alone. */
  settleTableBets(game: number, options: number, outcome: readonly number[], bets: readonly (Bet & { held?: boolean })[]): BetSettlement[] {
    return this.settleTableRound(game, options, outcome, bets).bets;
  }

  /** The category of five cards (PokerHand) and their Video Poker return per unit (options 1: 8/5). */
  pokerHand(cards: readonly number[], options = 0): { category: number; pays: bigint } {
    if (cards.length !== 5 || cards.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) throw new CoreError(900, "five cards 0–51");
    checkUint("options", options, 1);
    const out = this.wasm.call("games_poker_hand", Uint8Array.from(cards), options);
    return { category: out[0] as number, pays: new DataView(out.buffer, out.byteOffset, out.byteLength).getBigUint64(1, true) };
  }

  /** What a table game's round at `move` of the session with `serial` draws under beacon value σ. */
  dealTableRound(game: number, options: number, sigma: Uint8Array, serial: bigint, move: number): { draws: number[]; info: number[] } {
    checkUint("game", game, 0xff);
    checkUint("options", options, 0xffff_ffff);
    checkUint("move", move, 0xffff_ffff);
    checkU64("serial", serial);
    const out = this.wasm.call("games_deal", sigma, game, options, serial, move);
    const n = out[0] as number;
    return { draws: Array.from(out.subarray(1, 1 + n)), info: readInfo(new DataView(out.buffer, out.byteOffset, out.byteLength), 1 + n) };
  }

  /** Craps: runs rolls on given dice from a table (sess.data bytes; empty for a fresh table),
   * bets placed before each roll, with the executor's checks and settlement. */
  craps(table: Uint8Array, steps: readonly CrapsStep[]): { rolls: CrapsRoll[]; table: Uint8Array } {
    return crapsRolls(this.wasm, table, steps);
  }

  /** Craps: the 36 rolls from a table, each with its return and the table after it. */
  crapsNext(table: Uint8Array): CrapsTransition[] {
    return crapsNext(this.wasm, table);
  }

  /** Three Card Poker's settlement of given cards (player's three, dealer's three): every bet's return. */
  threeCard(
    cards: readonly number[],
    bets: { ante: bigint; pairplus?: bigint; sixCard?: bigint; meter?: bigint },
    fold = false,
  ): {
    ante: bigint;
    play: bigint;
    pairplus: bigint;
    sixCard: bigint;
    progressive: bigint;
    player: number;
    dealer: number;
    qualifies: boolean;
  } {
    if (cards.length !== 6 || cards.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) throw new CoreError(900, "six cards 0–51");
    const input = new Uint8Array(38);
    input.set(cards);
    const view = new DataView(input.buffer);
    view.setBigUint64(6, bets.ante, true);
    view.setBigUint64(14, bets.pairplus ?? 0n, true);
    view.setBigUint64(22, bets.sixCard ?? 0n, true);
    view.setBigUint64(30, bets.meter ?? 0n, true);
    const out = this.wasm.call("games_three_card", input, fold ? 1 : 0);
    const d = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const at = (i: number) => d.getBigUint64(i * 8, true);
    return {
      ante: at(0),
      play: at(1),
      pairplus: at(2),
      sixCard: at(3),
      progressive: at(4),
      player: out[40]!,
      dealer: out[41]!,
      qualifies: out[42] === 1,
    };
  }

  /** Blackjack replayed on given cards and actions (the executor's game code): each move's bets, info and refusal code. */
  blackjack(replay: BlackjackReplay): BlackjackMoveResult[] {
    return replayBlackjack(this.wasm, replay);
  }

  /** Ultimate Texas Hold'em's settlement of given cards (player's two ‖ flop ‖ turn ‖ river ‖ dealer's two). */
  uth(
    cards: readonly number[],
    bets: { ante: bigint; play?: bigint; trips?: bigint; sixCard?: bigint; meter?: bigint },
    fold = false,
  ): UthSettlement {
    return settleUth(this.wasm, cards, bets, fold);
  }

  /** The best five of 5–7 cards: score (compare scores to compare hands) and category (PokerHand, 1 any pair). */
  holdemHand(cards: readonly number[]): { score: number; category: number } {
    return holdemHand(this.wasm, cards);
  }
}

/** u8 m ‖ m × u64le at `at`: a round's info numbers (all small). */
function readInfo(view: DataView, at: number): number[] {
  const m = view.getUint8(at);
  return Array.from({ length: m }, (_, i) => Number(view.getBigUint64(at + 1 + 8 * i, true)));
}
