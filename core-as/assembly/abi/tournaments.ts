// ABI: tournament transactions and views (docs/tournaments.md).
import { inputPtr } from "../io";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { Tx, Op, encodeTxBody } from "../codec/tx";
import { KEY_LEN } from "../codec/limits";
import { tournamentKey, tournamentEntryKey, freerollKey, singletonKey, Prefix } from "../state/keys";
import {
  decodeTournament, tournamentToJson, decodeEntry, entryToJson, decodeFreeroll, freerollToJson, Freeroll, decodeFreerollTotals,
  FreerollTotals, PRIZE_POOL, CREDITS_CAP,
} from "../state/tournament";
import { fail, E_BAD_ARGUMENTS, E_NOT_FOUND, E_INVALID_VALUE } from "../errors";
import { stateForAbi } from "./core";

const out = new Writer(256);

function body(tx: Tx): i32 {
  memory.copy(tx.signer.dataStart, inputPtr(), KEY_LEN);
  const w = out.reset();
  encodeTxBody(tx, w);
  return w.toOutput();
}

function json(j: Json): i32 {
  const buf = String.UTF8.encode(j.end().toString());
  return out.reset().raw(changetype<usize>(buf), <usize>buf.byteLength).toOutput();
}

function inputKey(at: u32): Uint8Array {
  const k = new Uint8Array(KEY_LEN);
  memory.copy(k.dataStart, inputPtr() + at, KEY_LEN);
  return k;
}

/** Input: signer. `op`: 7 join, 8 start, 9 end. Output: the unsigned body. */
export function tx_tournament(len: u32, nonce: u64, op: u32, tournamentId: u64): i32 {
  if (len != <u32>KEY_LEN || op < Op.TOURNAMENT_JOIN || op > Op.TOURNAMENT_END) return fail(E_BAD_ARGUMENTS);
  const tx = new Tx();
  tx.nonce = nonce;
  tx.op = <u8>op;
  tx.tournamentId = tournamentId;
  return body(tx);
}

/** Input: signer (an admin) ‖ player key. Output: the unsigned body of an AdminSetFreerollLimit. */
export function tx_set_freeroll_limit(len: u32, nonce: u64, limit: u32): i32 {
  if (len != <u32>KEY_LEN * 2 || limit > 255) return fail(E_BAD_ARGUMENTS);
  const tx = new Tx();
  tx.nonce = nonce;
  tx.op = Op.ADMIN_SET_FREEROLL_LIMIT;
  memory.copy(tx.player.dataStart, inputPtr() + KEY_LEN, KEY_LEN);
  tx.freerollLimit = <u8>limit;
  return body(tx);
}

/** A tournament's JSON view (schedule included), or NOT_FOUND if nobody has joined it. */
export function core_tournament(len: u32, id: u64): i32 {
  const s = stateForAbi();
  if (s == null || len != 0) return fail(E_BAD_ARGUMENTS);
  const v = s.store.get(tournamentKey(id));
  if (v == null) return fail(E_NOT_FOUND);
  const t = decodeTournament(Reader.of(v));
  if (t == null) return fail(E_INVALID_VALUE);
  const j = new Json().begin();
  tournamentToJson(id, t, j);
  return json(j);
}

/** Input: player key. A player's entry (stack, Shields, Doubles, play) in a tournament, or NOT_FOUND. */
export function core_tournament_entry(len: u32, id: u64): i32 {
  const s = stateForAbi();
  if (s == null || len != <u32>KEY_LEN) return fail(E_BAD_ARGUMENTS);
  const v = s.store.get(tournamentEntryKey(id, inputKey(0)));
  if (v == null) return fail(E_NOT_FOUND);
  const e = decodeEntry(Reader.of(v));
  if (e == null) return fail(E_INVALID_VALUE);
  const j = new Json().begin();
  entryToJson(e, j);
  return json(j);
}

/** Input: player key. The freeroll record as of the last block (a blank one for a key never seen). */
export function core_freeroll(len: u32): i32 {
  const s = stateForAbi();
  if (s == null || len != <u32>KEY_LEN) return fail(E_BAD_ARGUMENTS);
  const v = s.store.get(freerollKey(inputKey(0)));
  const f = v == null ? new Freeroll() : decodeFreeroll(Reader.of(v));
  if (f == null) return fail(E_INVALID_VALUE);
  const j = new Json().begin();
  freerollToJson(f, s.meta.lastTimestampMs, j);
  return json(j);
}

/** Credits minted and expired so far, with the pool and cap constants. */
export function core_freeroll_totals(len: u32): i32 {
  const s = stateForAbi();
  if (s == null || len != 0) return fail(E_BAD_ARGUMENTS);
  const v = s.store.get(singletonKey(Prefix.FREEROLL_TOTALS));
  const t = v == null ? new FreerollTotals() : decodeFreerollTotals(Reader.of(v));
  if (t == null) return fail(E_INVALID_VALUE);
  const j = new Json().begin();
  j.big("creditsMinted", t.creditsMinted).big("creditsExpired", t.creditsExpired).big("prizePool", PRIZE_POOL).big("creditsCap", CREDITS_CAP);
  return json(j);
}
