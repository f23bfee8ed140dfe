// Blackjack's rules on given cards (the wasm's games_blackjack): a whole hand replayed from its
// cards in draw order and the player's actions, through the executor's own game code. Tests use
// it for known answers; a client can re-settle a session from its events with it.
import { CoreError } from "../errors.js";
import { checkUint } from "../wasm/args.js";
import type { WasmInstance } from "../wasm/instance.js";
import { type BlackjackRules, type BlackjackSideBets, blackjackOptions, blackjackSideBets } from "./blackjack.js";

export interface BlackjackBetResult {
  kind: number;
  target: number;
  stake: bigint;
  return: bigint;
  status: number;
}

export interface BlackjackMoveResult {
  /** 0, or the code the executor refuses this move with (the replay stops there). */
  code: number;
  bets: BlackjackBetResult[];
  /** Cards this move dealt. */
  draws: number;
  /** dealer total, dealer cards, active hand, then per hand total and cards (docs/games.md). */
  info: number[];
  finished: boolean;
}

export interface BlackjackReplay {
  stake: bigint;
  side?: BlackjackSideBets;
  options?: BlackjackRules | number;
  /** Every card in draw order: player, dealer up, player, then as the moves deal them. */
  cards: readonly number[];
  /** BlackjackAction values, in order. */
  actions?: readonly number[];
}

export function replayBlackjack(wasm: WasmInstance, r: BlackjackReplay): BlackjackMoveResult[] {
  const options = typeof r.options === "number" ? r.options : blackjackOptions(r.options);
  checkUint("options", options, 0xffff_ffff);
  const side = blackjackSideBets(r.side ?? {});
  const actions = r.actions ?? [];
  if (r.cards.length > 255 || r.cards.some((c) => !Number.isInteger(c) || c < 0 || c > 255))
    throw new CoreError(900, "cards: up to 255 bytes");
  if (actions.some((a) => !Number.isInteger(a) || a < 0 || a > 255)) throw new CoreError(900, "actions: bytes");
  const input = new Uint8Array(9 + side.length * 9 + 1 + r.cards.length + actions.length);
  const view = new DataView(input.buffer);
  view.setBigUint64(0, r.stake, true);
  input[8] = side.length;
  side.forEach((b, i) => {
    input[9 + i * 9] = b.kind;
    view.setBigUint64(10 + i * 9, b.amount, true);
  });
  let at = 9 + side.length * 9;
  input[at++] = r.cards.length;
  input.set(r.cards, at);
  input.set(actions, at + r.cards.length);
  const out = wasm.call("games_blackjack", input, options);
  const d = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const moves: BlackjackMoveResult[] = [];
  for (let p = 0; p < out.length; ) {
    const code = d.getUint16(p, true);
    p += 2;
    if (code !== 0) {
      moves.push({ code, bets: [], draws: 0, info: [], finished: false });
      continue;
    }
    const bets = Array.from({ length: out[p++]! }, () => {
      const b = {
        kind: out[p]!,
        target: out[p + 1]!,
        stake: d.getBigUint64(p + 2, true),
        return: d.getBigUint64(p + 10, true),
        status: out[p + 18]!,
      };
      p += 19;
      return b;
    });
    const draws = out[p++]!;
    const info = Array.from({ length: out[p++]! }, () => {
      const v = Number(d.getBigUint64(p, true));
      p += 8;
      return v;
    });
    moves.push({ code, bets, draws, info, finished: out[p++] === 1 });
  }
  return moves;
}
