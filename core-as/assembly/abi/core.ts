// ABI: the state machine of one chain per wasm instance.
import { inputPtr } from "../io";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { State } from "../exec/state";
import { Executor } from "../exec/execute";
import { accountToJson } from "../state/account";
import { metaToJson, supplyToJson, adminsToJson } from "../state/chain";
import { policyToJson } from "../state/policy";
import { fail, E_NOT_INITIALIZED, E_ALREADY_INITIALIZED, E_GENESIS_INVALID, E_SNAPSHOT_INVALID, E_NOT_FOUND, E_BAD_ARGUMENTS } from "../errors";
import { KEY_LEN } from "../codec/limits";

let state: State | null = null;
let executor: Executor | null = null;
const out = new Writer(1 << 16);

/** The instance's state, for the other ABI modules' views (null before init or restore). */
export function stateForAbi(): State | null {
  return state;
}

function install(s: State): void {
  state = s;
  executor = new Executor(s);
}

function writeString(s: string): i32 {
  const w = out.reset();
  const buf = String.UTF8.encode(s);
  w.raw(changetype<usize>(buf), <usize>buf.byteLength);
  return w.toOutput();
}

/** Input: genesis record. Output: state root ‖ genesis digest. */
export function core_init(len: u32): i32 {
  if (state != null) return fail(E_ALREADY_INITIALIZED);
  const s = State.fromGenesis(inputPtr(), len);
  if (s == null) return fail(E_GENESIS_INVALID);
  install(s);
  const w = out.reset();
  w.ensure(64);
  s.store.root(w.ptr);
  w.len = 32;
  w.bytes(s.meta.lastDigest);
  return w.toOutput();
}

/** Input: varint blockLen ‖ block ‖ σ (0 or 48 bytes). Output: see Executor.execute. */
export function core_execute(len: u32): i32 {
  if (executor == null) return fail(E_NOT_INITIALIZED);
  const r = new Reader(inputPtr(), len);
  const blockLen = r.varintMax(len);
  const blockPtr = r.skip(blockLen);
  if (!r.ok) return fail(r.err);
  const sigma = r.bytes(r.remaining);
  const w = out.reset();
  const code = executor!.execute(blockPtr, blockLen, sigma, w);
  if (code != 0) return fail(code);
  return w.toOutput();
}

export function core_snapshot(len: u32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  const w = out.reset();
  state!.snapshot(w);
  return w.toOutput();
}

/** Replaces this instance's state with a snapshot (checked against the root it carries). */
export function core_restore(len: u32): i32 {
  const s = State.restore(new Reader(inputPtr(), len));
  if (s == null) return fail(E_SNAPSHOT_INVALID);
  if (executor != null) executor!.free(); // the replaced state's raw memory
  install(s);
  return 0;
}

/**
 * Output: the compact form (docs/mmr.md section 3) of the transaction log (`which` 0) or the event
 * log (1): what a host restoring a snapshot checks against a certified record's log roots, and
 * what a relay proving new events goes on from.
 */
export function core_log_peaks(len: u32, which: i32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  if (which != 0 && which != 1) return fail(E_BAD_ARGUMENTS);
  const w = out.reset();
  (which == 0 ? state!.txLog : state!.eventLog).encode(w);
  return w.toOutput();
}

export function core_state_root(len: u32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  const w = out.reset();
  w.ensure(32);
  state!.store.root(w.ptr);
  w.len = 32;
  return w.toOutput();
}

/** Input: a state key. Output: its value, or NOT_FOUND. */
export function core_get(len: u32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  const key = Uint8Array.wrap(changetype<ArrayBuffer>(copyInput(len)));
  const v = state!.store.get(key);
  if (v == null) return fail(E_NOT_FOUND);
  return out.reset().bytes(v).toOutput();
}

/** Input: a state key. Output: its inclusion or absence proof against the current state root. */
export function core_prove(len: u32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  const key = Uint8Array.wrap(changetype<ArrayBuffer>(copyInput(len)));
  const w = out.reset();
  state!.store.prove(key, w);
  return w.toOutput();
}

/** Input: k keys each prefixed by a varint length. Output: each proof prefixed likewise (bench). */
export function core_prove_many(len: u32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  const r = new Reader(inputPtr(), len);
  const keys = new Array<Uint8Array>();
  while (r.ok && r.remaining > 0) keys.push(r.varBytes(64));
  if (!r.ok) return fail(r.err);
  const w = out.reset();
  const one = new Writer(2048);
  for (let i = 0; i < keys.length; i++) {
    state!.store.prove(keys[i], one.reset());
    w.varint(<u64>one.len).raw(one.ptr, <usize>one.len);
  }
  return w.toOutput();
}

/** Input: a 32-byte public key. Output: its next nonce, u64 little-endian (0 for a key never seen).
 * Mempools ask this for every new signer; the JSON account view costs ~20x more. */
export function core_account_nonce(len: u32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  if (len != <u32>KEY_LEN) return fail(E_BAD_ARGUMENTS);
  const a = state!.account(Uint8Array.wrap(changetype<ArrayBuffer>(copyInput(len))));
  const w = out.reset();
  w.ensure(8);
  store<u64>(w.ptr, a == null ? 0 : a.nonce);
  w.len = 8;
  return w.toOutput();
}

namespace View {
  export const META: i32 = 0;
  export const SUPPLY: i32 = 1;
  export const POLICY: i32 = 2;
  export const ADMINS: i32 = 3;
  export const ACCOUNT: i32 = 4;
}

/** A JSON view of one record: meta, supply, policy, admins, or the account of the input key. */
export function core_view(len: u32, what: i32): i32 {
  if (state == null) return fail(E_NOT_INITIALIZED);
  const s = state!;
  const j = new Json().begin();
  if (what == View.META) metaToJson(s.meta, j);
  else if (what == View.SUPPLY) supplyToJson(s.supply, j);
  else if (what == View.POLICY) policyToJson(s.policy, j);
  else if (what == View.ADMINS) adminsToJson(s.admins, j);
  else if (what == View.ACCOUNT) {
    if (len != <u32>KEY_LEN) return fail(E_BAD_ARGUMENTS);
    const a = s.account(Uint8Array.wrap(changetype<ArrayBuffer>(copyInput(len))));
    if (a == null) return fail(E_NOT_FOUND);
    accountToJson(a, j);
  } else return fail(E_BAD_ARGUMENTS);
  return writeString(j.end().toString());
}

function copyInput(len: u32): ArrayBuffer {
  const buf = new ArrayBuffer(<i32>len);
  memory.copy(changetype<usize>(buf), inputPtr(), len);
  return buf;
}

