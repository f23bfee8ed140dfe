// Ultimate Texas Hold'em's settlement and the hold'em hand score, as the wasm computes them
// (games_uth, games_holdem_hand): for known answers and for re-settling a round from its event.
import { CoreError } from "../errors.js";
import type { WasmInstance } from "../wasm/instance.js";

export interface UthSettlement {
  ante: bigint;
  blind: bigint;
  play: bigint;
  trips: bigint;
  sixCard: bigint;
  /** For one chip (the meter on a royal). */
  progressive: bigint;
  player: number;
  dealer: number;
  qualifies: boolean;
  /** 0 loss, 1 tie, 2 win. */
  showdown: number;
}

function checkCards(cards: readonly number[], min: number, max: number): void {
  if (cards.length < min || cards.length > max || cards.some((c) => !Number.isInteger(c) || c < 0 || c > 255))
    throw new CoreError(900, `${min === max ? min : `${min}–${max}`} cards 0–51`);
}

/** Cards: player's two ‖ flop (3) ‖ turn ‖ river ‖ dealer's two. `play` is 0 on a fold. */
export function settleUth(
  wasm: WasmInstance,
  cards: readonly number[],
  bets: { ante: bigint; play?: bigint; trips?: bigint; sixCard?: bigint; meter?: bigint },
  fold: boolean,
): UthSettlement {
  checkCards(cards, 9, 9);
  const input = new Uint8Array(49);
  input.set(cards);
  const view = new DataView(input.buffer);
  const amounts = [bets.ante, bets.play ?? 0n, bets.trips ?? 0n, bets.sixCard ?? 0n, bets.meter ?? 0n];
  for (const [i, v] of amounts.entries()) view.setBigUint64(9 + i * 8, v, true);
  const out = wasm.call("games_uth", input, fold ? 1 : 0);
  const d = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const at = (i: number) => d.getBigUint64(i * 8, true);
  return {
    ante: at(0),
    blind: at(1),
    play: at(2),
    trips: at(3),
    sixCard: at(4),
    progressive: at(5),
    player: out[48]!,
    dealer: out[49]!,
    qualifies: out[50] === 1,
    showdown: out[51]!,
  };
}

/** The best five of 5–7 cards: a score (compare to compare hands) and its category (PokerHand, 1 any pair). */
export function holdemHand(wasm: WasmInstance, cards: readonly number[]): { score: number; category: number } {
  checkCards(cards, 5, 7);
  const out = wasm.call("games_holdem_hand", Uint8Array.from(cards));
  return { score: new DataView(out.buffer, out.byteOffset, out.byteLength).getUint32(0, true), category: out[4]! };
}
