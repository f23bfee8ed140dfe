// Exports of the 4-lane SHA-256 (crypto/sha256x4.ts). Hosts hash MMR levels with two of them
// (hash4_prefixed33_many, hash4_node_many: src/mmr-frontier.ts, a relay's event log); all of them
// let the tests compare every batch function with node:crypto, and the benchmark compare lanes
// with the scalar code on the same batch shapes (the *_repeat exports loop inside the
// wasm so call overhead is not measured). Every export checks its input and returns
// -E_BAD_ARGUMENTS instead of trapping.

import { hashNode, sha256Raw } from "../crypto/sha256";
import { hashNode4, hashNodeMany, hashPrefixed33Many, hashPrefixed33x4, sha256Many } from "../crypto/sha256x4";
import { E_BAD_ARGUMENTS, fail } from "../errors";
import { inputLen, inputPtr, output, reserveOutput } from "../io";

// A leaf message staged for the scalar baseline, like mmrLeafHash does.
const LEAF: usize = memory.data(33);

@inline function badShape(len: u32, unit: u32, prefix: u32, count: u32): bool {
  return len > inputLen() || len % unit != 0 || prefix > 0xff || count == 0;
}

/** sha256(prefix ‖ pair) of each 64-byte pair of the input (n × 64 bytes) → n × 32 bytes. */
export function hash4_node_many(len: u32, prefix: u32): i32 {
  return hash4_node_many_repeat(len, prefix, 1);
}

/** hash4_node_many `count` times over the same input (benchmark). */
export function hash4_node_many_repeat(len: u32, prefix: u32, count: u32): i32 {
  if (badShape(len, 64, prefix, count)) return fail(E_BAD_ARGUMENTS);
  const n = len >> 6;
  const out = reserveOutput(n << 5);
  for (let i: u32 = 0; i < count; i++) hashNodeMany(<u8>prefix, inputPtr(), n, out);
  return <i32>(n << 5);
}

/** Scalar baseline of hash4_node_many_repeat: one hashNode per pair. */
export function hash4_node_scalar_repeat(len: u32, prefix: u32, count: u32): i32 {
  if (badShape(len, 64, prefix, count)) return fail(E_BAD_ARGUMENTS);
  const n = len >> 6;
  const out = reserveOutput(n << 5);
  const p = inputPtr();
  for (let i: u32 = 0; i < count; i++) {
    for (let j: usize = 0; j < <usize>n; j++) hashNode(<u8>prefix, p + (j << 6), p + (j << 6) + 32, out + (j << 5));
  }
  return <i32>(n << 5);
}

/** sha256(prefix ‖ item) of each 32-byte item of the input (n × 32 bytes) → n × 32 bytes. */
export function hash4_prefixed33_many(len: u32, prefix: u32): i32 {
  return hash4_prefixed33_many_repeat(len, prefix, 1);
}

/** hash4_prefixed33_many `count` times over the same input (benchmark). */
export function hash4_prefixed33_many_repeat(len: u32, prefix: u32, count: u32): i32 {
  if (badShape(len, 32, prefix, count)) return fail(E_BAD_ARGUMENTS);
  const n = len >> 5;
  const out = reserveOutput(n << 5);
  for (let i: u32 = 0; i < count; i++) hashPrefixed33Many(<u8>prefix, inputPtr(), n, out);
  return <i32>(n << 5);
}

/** Scalar baseline of hash4_prefixed33_many_repeat: stage the 33 bytes, sha256Raw (as mmrLeafHash). */
export function hash4_prefixed33_scalar_repeat(len: u32, prefix: u32, count: u32): i32 {
  if (badShape(len, 32, prefix, count)) return fail(E_BAD_ARGUMENTS);
  const n = len >> 5;
  const out = reserveOutput(n << 5);
  const p = inputPtr();
  for (let i: u32 = 0; i < count; i++) {
    for (let j: usize = 0; j < <usize>n; j++) {
      store<u8>(LEAF, <u8>prefix);
      memory.copy(LEAF + 1, p + (j << 5), 32);
      sha256Raw(LEAF, 33, out + (j << 5));
    }
  }
  return <i32>(n << 5);
}

/** sha256 of each of the n messages of msgLen bytes that make up the input → n × 32 bytes. */
export function hash4_sha256_many(len: u32, msgLen: u32, n: u32): i32 {
  return hash4_sha256_many_repeat(len, msgLen, n, 1);
}

/** hash4_sha256_many `count` times over the same input (benchmark). */
export function hash4_sha256_many_repeat(len: u32, msgLen: u32, n: u32, count: u32): i32 {
  if (len > inputLen() || <u64>msgLen * n != <u64>len || <u64>n << 5 > <u64>i32.MAX_VALUE || count == 0) return fail(E_BAD_ARGUMENTS);
  const out = reserveOutput(n << 5);
  for (let i: u32 = 0; i < count; i++) sha256Many(inputPtr(), msgLen, n, out);
  return <i32>(n << 5);
}

/** Scalar baseline of hash4_sha256_many_repeat: one sha256Raw per message. */
export function hash4_sha256_scalar_repeat(len: u32, msgLen: u32, n: u32, count: u32): i32 {
  if (len > inputLen() || <u64>msgLen * n != <u64>len || <u64>n << 5 > <u64>i32.MAX_VALUE || count == 0) return fail(E_BAD_ARGUMENTS);
  const out = reserveOutput(n << 5);
  const p = inputPtr();
  for (let i: u32 = 0; i < count; i++) {
    for (let j: usize = 0; j < <usize>n; j++) sha256Raw(p + j * msgLen, msgLen, out + (j << 5));
  }
  return <i32>(n << 5);
}

/** hash4_node_many with out = the input itself (a tree level reduced in place) → n × 32 bytes. */
export function hash4_node_many_in_place(len: u32, prefix: u32): i32 {
  if (badShape(len, 64, prefix, 1)) return fail(E_BAD_ARGUMENTS);
  const n = len >> 6;
  hashNodeMany(<u8>prefix, inputPtr(), n, inputPtr());
  return output(inputPtr(), n << 5);
}

/** hash4_prefixed33_many with out = the input itself → n × 32 bytes. */
export function hash4_prefixed33_many_in_place(len: u32, prefix: u32): i32 {
  if (badShape(len, 32, prefix, 1)) return fail(E_BAD_ARGUMENTS);
  hashPrefixed33Many(<u8>prefix, inputPtr(), len >> 5, inputPtr());
  return output(inputPtr(), len);
}

// ---- scattered pointers ----
// Input: a header of little-endian u32 offsets, then a data area. Offsets are relative to the
// data area and name 32-byte ranges in it; hashing writes the outputs into the data area too
// (so outputs may overlap inputs, as in-place tree updates do), then the four output ranges are
// returned in order, 4 × 32 bytes.

/** Whether the 32-byte range at header offset `i` of `h` lies within `size` bytes of data. */
@inline function fits(h: usize, i: usize, size: u32): bool {
  return size >= 32 && load<u32>(h + (i << 2)) <= size - 32;
}

/** Copies the four 32-byte output ranges (header entries first..first+3) to the output. */
function returnOutputs(h: usize, first: usize, data: usize): i32 {
  const out = reserveOutput(128);
  for (let k: usize = 0; k < 4; k++) memory.copy(out + (k << 5), data + load<u32>(h + ((first + k) << 2)), 32);
  return 128;
}

/** Header [a0, b0, a1, b1, a2, b2, a3, b3, o0, o1, o2, o3]: hashNode4, returns o0..o3. */
export function hash4_node4(len: u32, prefix: u32): i32 {
  if (len > inputLen() || len < 48 || prefix > 0xff) return fail(E_BAD_ARGUMENTS);
  const h = inputPtr();
  const data = h + 48;
  const size = len - 48;
  for (let i: usize = 0; i < 12; i++) if (!fits(h, i, size)) return fail(E_BAD_ARGUMENTS);
  hashNode4(
    <u8>prefix,
    data + load<u32>(h, 0), data + load<u32>(h, 4), data + load<u32>(h, 8), data + load<u32>(h, 12),
    data + load<u32>(h, 16), data + load<u32>(h, 20), data + load<u32>(h, 24), data + load<u32>(h, 28),
    data + load<u32>(h, 32), data + load<u32>(h, 36), data + load<u32>(h, 40), data + load<u32>(h, 44),
  );
  return returnOutputs(h, 8, data);
}

/** Header [p0, p1, p2, p3, o0, o1, o2, o3]: hashPrefixed33x4, returns o0..o3. */
export function hash4_prefixed33x4(len: u32, prefix: u32): i32 {
  if (len > inputLen() || len < 32 || prefix > 0xff) return fail(E_BAD_ARGUMENTS);
  const h = inputPtr();
  const data = h + 32;
  const size = len - 32;
  for (let i: usize = 0; i < 8; i++) if (!fits(h, i, size)) return fail(E_BAD_ARGUMENTS);
  hashPrefixed33x4(
    <u8>prefix,
    data + load<u32>(h, 0), data + load<u32>(h, 4), data + load<u32>(h, 8), data + load<u32>(h, 12),
    data + load<u32>(h, 16), data + load<u32>(h, 20), data + load<u32>(h, 24), data + load<u32>(h, 28),
  );
  return returnOutputs(h, 4, data);
}
