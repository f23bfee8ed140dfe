// Craps rolls on given dice through the wasm's own functions (abi/craps.ts): what a sequence of
// rolls does to a table and its bets, and every roll from one table (for exact expected returns
// by Markov chain). The executor runs the same check and settle after drawing the dice.
import { CoreError } from "../errors.js";
import type { WasmInstance } from "../wasm/instance.js";
import { type Bet, betEntries } from "./bet.js";

/** One roll: bets placed before it (checked like a GameMove's batch), then the dice. */
export interface CrapsStep {
  dice: readonly [number, number];
  bets?: readonly Bet[];
}

/** What one roll did: the bets it settled or took (as a round event reports them) and the table after it. */
export interface CrapsRoll {
  bets: { kind: number; target: number; stake: bigint; return: bigint; status: number }[];
  total: number;
  /** The point after the roll (0: the next roll is a come-out). */
  point: number;
  /** Whether the shooter has set a point (bonus bets are closed until the seven-out). */
  shooterHasPoint: boolean;
  /** Bets left on the table after the roll (a waiting bet is listed in `bets` only when placed and when settled). */
  held: number;
}

/** One of the 36 rolls from a table: what it returns and the table after it. */
export interface CrapsTransition {
  returned: bigint;
  /** Bets left on the table after the roll (0: everything decided). */
  held: number;
  table: Uint8Array;
}

function isDie(d: number): boolean {
  return Number.isInteger(d) && d >= 1 && d <= 6;
}

/** Runs `steps` from `table` (sess.data bytes; empty for a fresh table). Throws CoreError with the
 * executor's code when a step would be refused. */
export function crapsRolls(wasm: WasmInstance, table: Uint8Array, steps: readonly CrapsStep[]): { rolls: CrapsRoll[]; table: Uint8Array } {
  if (table.length > 512 || steps.length > 255) throw new CoreError(900, "table ≤ 512 bytes, ≤ 255 steps");
  const parts: Uint8Array[] = [Uint8Array.of(table.length & 0xff, table.length >> 8), table, Uint8Array.of(steps.length)];
  for (const s of steps) {
    const bets = s.bets ?? [];
    if (!isDie(s.dice[0]) || !isDie(s.dice[1]) || bets.length > 20) throw new CoreError(900, "dice 1–6, ≤ 20 bets a roll");
    parts.push(Uint8Array.of(s.dice[0], s.dice[1], bets.length), betEntries(bets));
  }
  const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let written = 0;
  for (const p of parts) {
    input.set(p, written);
    written += p.length;
  }
  const out = wasm.call("games_craps", input);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  const rolls = steps.map((): CrapsRoll => {
    const m = out[at++]!;
    const bets = Array.from({ length: m }, () => {
      const b = {
        kind: out[at]!,
        target: view.getUint32(at + 1, true),
        stake: view.getBigUint64(at + 5, true),
        return: view.getBigUint64(at + 13, true),
        status: out[at + 21]!,
      };
      at += 22;
      return b;
    });
    const roll = { bets, total: out[at]!, point: out[at + 1]!, shooterHasPoint: out[at + 2] === 1, held: out[at + 3]! };
    at += 4;
    return roll;
  });
  const n = view.getUint16(at, true);
  return { rolls, table: out.slice(at + 2, at + 2 + n) };
}

/** The 36 rolls from `table` (first die 1–6, then second die 1–6), each with its return and the
 * table after it; an empty table after it means every bet was decided. */
export function crapsNext(wasm: WasmInstance, table: Uint8Array): CrapsTransition[] {
  const out = wasm.call("games_craps_next", table);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const next: CrapsTransition[] = [];
  let at = 0;
  for (let i = 0; i < 36; i++) {
    const returned = view.getBigUint64(at, true);
    const n = view.getUint16(at + 9, true);
    next.push({ returned, held: out[at + 8]!, table: out.subarray(at + 11, at + 11 + n) });
    at += 11 + n;
  }
  return next;
}
