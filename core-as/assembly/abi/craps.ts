// ABI: craps rolls on given dice, without state or randomness: known answers for sequences of
// rolls and exact expected returns by Markov chain (test/craps-markov.test.ts). Both run
// checkCrapsBatch and resolveCrapsRoll, the functions the executor runs after drawing the dice.
import { inputPtr } from "../io";
import { Writer } from "../codec/writer";
import { BetList } from "../codec/bets";
import { MAX_BETS } from "../codec/limits";
import { RoundReport } from "../games/round";
import { CrapsTable, encodeCrapsTable, decodeCrapsTable } from "../games/craps-table";
import { checkCrapsBatch, resolveCrapsRoll } from "../games/craps-roll";
import { MAX_BET } from "../games/catalogue";
import { MAX_SESSION_DATA } from "../games/session";
import { fail, E_BAD_ARGUMENTS, E_INVALID_VALUE } from "../errors";

const out = new Writer(4096);
const stateWriter = new Writer(256);
const report = new RoundReport();
const bets = new BetList();
const empty = new BetList();
let table = new CrapsTable();
let next = new CrapsTable();

/** Reads a table's bytes at p; false if they do not decode. */
function readTable(p: usize, n: u32, t: CrapsTable): bool {
  const bytes = new Uint8Array(<i32>n);
  memory.copy(bytes.dataStart, p, n);
  return decodeCrapsTable(bytes, t);
}

function writeTable(t: CrapsTable, w: Writer): void {
  encodeCrapsTable(t, stateWriter.reset());
  w.u16le(<u16>stateWriter.len).raw(stateWriter.ptr, <usize>stateWriter.len);
}

@inline function isDie(d: u32): bool {
  return d >= 1 && d <= 6;
}

/**
 * Input: u16le n ‖ n bytes of table state (sess.data; none for a fresh table) ‖ u8 s ‖ s × step,
 * a step being u8 die ‖ u8 die ‖ u8 k ‖ k × (u8 kind ‖ u32le target ‖ u64le amount): bets placed,
 * then the roll. Output per step: u8 m ‖ m × (u8 kind ‖ u32le target ‖ u64le stake ‖ u64le return
 * ‖ u8 status) ‖ u8 total ‖ u8 point after ‖ u8 shooter has a point ‖ u8 bets left on the table;
 * then u16le n ‖ the table
 * after the last step. A step the executor would refuse fails the call with its code.
 */
export function games_craps(len: u32): i32 {
  const p = inputPtr();
  if (len < 3) return fail(E_BAD_ARGUMENTS);
  const n = <u32>load<u16>(p);
  if (n > MAX_SESSION_DATA || len < 3 + n) return fail(E_BAD_ARGUMENTS);
  if (!readTable(p + 2, n, table)) return fail(E_INVALID_VALUE);
  const steps = <u32>load<u8>(p + 2 + n);
  let at: u32 = 3 + n;
  const w = out.reset();
  for (let s: u32 = 0; s < steps; s++) {
    if (len < at + 3) return fail(E_BAD_ARGUMENTS);
    const d1 = <u32>load<u8>(p + at);
    const d2 = <u32>load<u8>(p + at + 1);
    const k = <u32>load<u8>(p + at + 2);
    at += 3;
    if (!isDie(d1) || !isDie(d2)) return fail(E_INVALID_VALUE);
    if (k > <u32>MAX_BETS || len < at + k * 13) return fail(E_BAD_ARGUMENTS);
    bets.clear();
    for (let i: u32 = 0; i < k; i++) bets.push(load<u8>(p + at + i * 13), load<u32>(p + at + i * 13 + 1), load<u64>(p + at + i * 13 + 5));
    at += k * 13;
    const code = checkCrapsBatch(table, bets, MAX_BET);
    if (code != 0) return fail(code);
    const r = report.reset(0);
    resolveCrapsRoll(table, bets, d1, d2, next, r);
    w.u8(<u8>r.betCount);
    for (let i = 0; i < r.betCount; i++) {
      w.u8(r.kinds[i]).u32le(r.targets[i]).u64le(r.stakes[i]).u64le(r.returns[i]).u8(r.statuses[i]);
    }
    w.u8(<u8>(d1 + d2)).u8(<u8>next.point).bool(next.shooterHasPoint).u8(<u8>next.count);
    const t = table; // the table after this roll is the next step's table
    table = next;
    next = t;
  }
  if (at != len) return fail(E_BAD_ARGUMENTS);
  writeTable(table, w);
  return w.toOutput();
}

/**
 * Every roll from one table, for Markov chains over the executor's own settlement. Input: the
 * table's bytes (sess.data). Output: for each of the 36 rolls (first die 1–6, then second die
 * 1–6): u64le returned ‖ u8 bets left on the table ‖ u16le n ‖ the table after it. Fails with NO_BETS on an empty table.
 */
export function games_craps_next(len: u32): i32 {
  if (len > MAX_SESSION_DATA) return fail(E_BAD_ARGUMENTS);
  if (!readTable(inputPtr(), len, table)) return fail(E_INVALID_VALUE);
  const code = checkCrapsBatch(table, empty, MAX_BET);
  if (code != 0) return fail(code);
  const w = out.reset();
  for (let d1: u32 = 1; d1 <= 6; d1++) {
    for (let d2: u32 = 1; d2 <= 6; d2++) {
      const r = report.reset(0);
      resolveCrapsRoll(table, empty, d1, d2, next, r);
      w.u64le(r.returned).u8(<u8>next.count);
      writeTable(next, w);
    }
  }
  return w.toOutput();
}
