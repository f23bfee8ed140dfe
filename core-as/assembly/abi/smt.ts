// Host ABI of the state tree (commit/smt.ts): handle-based, so tests, benchmarks and tools can
// build trees of their own without going through the state store. Every function checks its
// handle and input length and returns -E_BAD_ARGUMENTS / -E_NOT_FOUND instead of trapping.

import { StateTree } from "../commit/smt";
import { Writer } from "../codec/writer";
import { E_BAD_ARGUMENTS, E_NOT_FOUND, fail } from "../errors";
import { inputLen, inputPtr, output, reserveOutput } from "../io";

const trees = new Map<u32, StateTree>();
// Handles are never reused, so a stale handle fails with E_NOT_FOUND instead of reaching
// another tree.
let nextHandle: u32 = 1;
const proofs = new Writer(16384);
const one = new Writer(16384);

@inline function lengthOk(len: u32, unit: u32): bool {
  return len <= inputLen() && len % unit == 0;
}

/** A new empty tree; returns its handle (>= 1). */
export function smt_new(len: u32): i32 {
  if (len != 0) return fail(E_BAD_ARGUMENTS);
  if (nextHandle > <u32>i32.MAX_VALUE) return fail(E_BAD_ARGUMENTS);
  const h = nextHandle++;
  trees.set(h, new StateTree());
  return <i32>h;
}

/** Frees tree `h` and all its node memory. */
export function smt_free(len: u32, h: u32): i32 {
  if (len != 0) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  trees.get(h).clear();
  trees.delete(h);
  return 0;
}

/** Removes every key of tree `h`. */
export function smt_clear(len: u32, h: u32): i32 {
  if (len != 0) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  trees.get(h).clear();
  return 0;
}

/** Input: k × (keyHash[32] ‖ valueHash[32]); inserts or updates each in order. */
export function smt_set(len: u32, h: u32): i32 {
  if (!lengthOk(len, 64)) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  const t = trees.get(h);
  const p = inputPtr();
  for (let o: u32 = 0; o < len; o += 64) t.set(p + o, p + o + 32);
  return 0;
}

/** Input: k × keyHash[32]. Output: k bytes, 1 where the key was present (and is now removed). */
export function smt_remove(len: u32, h: u32): i32 {
  if (!lengthOk(len, 32)) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  const t = trees.get(h);
  const p = inputPtr();
  const k = len >> 5;
  const out = reserveOutput(k);
  for (let i: u32 = 0; i < k; i++) store<u8>(out + i, t.remove(p + (i << 5)) ? 1 : 0);
  return <i32>k;
}

/** Output: the 32-byte state root. */
export function smt_root(len: u32, h: u32): i32 {
  if (len != 0) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  const out = reserveOutput(32);
  trees.get(h).root(out);
  return 32;
}

/** Input: keyHash[32]. Output: its inclusion or absence proof. */
export function smt_prove(len: u32, h: u32): i32 {
  if (len != 32 || inputLen() < 32) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  one.reset();
  trees.get(h).prove(inputPtr(), one);
  return one.toOutput();
}

/** Input: k × keyHash[32]. Output: k × (varint length ‖ proof), in input order. */
export function smt_prove_many(len: u32, h: u32): i32 {
  if (!lengthOk(len, 32)) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  const t = trees.get(h);
  const p = inputPtr();
  proofs.reset();
  for (let o: u32 = 0; o < len; o += 32) {
    one.reset();
    t.prove(p + o, one);
    proofs.varint(<u64>one.len);
    proofs.raw(one.ptr, <usize>one.len);
  }
  return proofs.toOutput();
}

/**
 * Debug counters of tree `h`. Output: size u32le ‖ internal nodes u32le ‖ hashes computed so
 * far u64le (tests use the last to show that an update recomputes about depth nodes).
 */
export function smt_stats(len: u32, h: u32): i32 {
  if (len != 0) return fail(E_BAD_ARGUMENTS);
  if (!trees.has(h)) return fail(E_NOT_FOUND);
  const t = trees.get(h);
  const out = reserveOutput(16);
  store<u32>(out, t.size);
  store<u32>(out + 4, t.internalNodes);
  store<u64>(out + 8, t.hashCount);
  return 16;
}
