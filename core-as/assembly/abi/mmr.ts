// MMR exports: handle-based access to full (Mmr) and compact (MmrPeaks) mountain ranges.
//
// A handle is a small integer >= 1 naming an object kept alive in this module; a freed slot is
// reused. Every export checks its handle and input first and returns -E_BAD_ARGUMENTS (or a
// codec code) instead of trapping. Formats: docs/mmr.md.

import { Mmr, MmrPeaks, MMR_MAX_LEAVES, mmrRootOf } from "../commit/mmr";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { E_BAD_ARGUMENTS, E_TOO_MANY_ITEMS, E_TRUNCATED, fail } from "../errors";
import { inputLen, inputPtr, reserveOutput } from "../io";

const mmrs: Array<Mmr | null> = [];
const peakSets: Array<MmrPeaks | null> = [];
const proofWriter = new Writer(1024);

/** Stores `v` in the first free slot; returns its handle (slot + 1). */
function addHandle<T>(table: Array<T | null>, v: T): i32 {
  for (let i = 0; i < table.length; i++) {
    if (unchecked(table[i]) === null) {
      unchecked((table[i] = v));
      return i + 1;
    }
  }
  table.push(v);
  return table.length;
}

function mmrAt(h: u32): Mmr | null {
  if (h == 0 || h > <u32>mmrs.length) return null;
  return unchecked(mmrs[<i32>h - 1]);
}

function peaksAt(h: u32): MmrPeaks | null {
  if (h == 0 || h > <u32>peakSets.length) return null;
  return unchecked(peakSets[<i32>h - 1]);
}

/** Input of k × 32 digest bytes: returns k, or -1 if `len` is not such an input. */
function digestCount(len: u32): i64 {
  if (len > inputLen() || (len & 31) != 0) return -1;
  return <i64>(len >> 5);
}

function u64Output(v: u64): i32 {
  store<u64>(reserveOutput(8), v);
  return 8;
}

function rootOutput(m: Mmr): i32 {
  m.root(reserveOutput(32));
  return 32;
}

// ---- full form ----

/** A new empty Mmr; returns its handle. */
export function mmr_new(len: u32): i32 {
  return addHandle<Mmr>(mmrs, new Mmr());
}

/** Releases an Mmr and its node memory; the handle becomes invalid (and may be reused). */
export function mmr_free(len: u32, h: u32): i32 {
  const m = mmrAt(h);
  if (m === null) return fail(E_BAD_ARGUMENTS);
  m.free();
  unchecked((mmrs[<i32>h - 1] = null));
  return 0;
}

/**
 * Appends the k × 32 bytes of digests in the input, in order. Output: u64 LE leaf count after.
 * All or nothing: a batch that would pass MMR_MAX_LEAVES appends none (E_TOO_MANY_ITEMS).
 */
export function mmr_append(len: u32, h: u32): i32 {
  const m = mmrAt(h);
  const k = digestCount(len);
  if (m === null || k < 0) return fail(E_BAD_ARGUMENTS);
  if (m.leafCount + <u64>k > MMR_MAX_LEAVES) return fail(E_TOO_MANY_ITEMS);
  const p = inputPtr();
  for (let i: i64 = 0; i < k; i++) m.append(p + (<usize>i << 5));
  return u64Output(m.leafCount);
}

/** Output: the 32-byte root. */
export function mmr_root(len: u32, h: u32): i32 {
  const m = mmrAt(h);
  if (m === null) return fail(E_BAD_ARGUMENTS);
  return rootOutput(m);
}

/** Output: u64 LE leaf count. */
export function mmr_leaf_count(len: u32, h: u32): i32 {
  const m = mmrAt(h);
  if (m === null) return fail(E_BAD_ARGUMENTS);
  return u64Output(m.leafCount);
}

/**
 * Input: varint count ‖ count × varint index (strictly increasing, each < leaf count).
 * Output: the multi-proof (docs/mmr.md).
 */
export function mmr_prove(len: u32, h: u32): i32 {
  const m = mmrAt(h);
  if (m === null || len > inputLen()) return fail(E_BAD_ARGUMENTS);
  const r = new Reader(inputPtr(), len);
  const count = r.varint();
  if (!r.ok) return fail(r.err);
  // Each index takes at least one byte: a larger count cannot be honest, and is not allocated.
  if (count > <u64>r.remaining) return fail(E_TRUNCATED);
  const indices = new StaticArray<u64>(<i32>count);
  for (let i = 0; i < indices.length; i++) unchecked((indices[i] = r.varint()));
  if (!r.finish()) return fail(r.err);
  const code = m.proveMulti(indices, proofWriter.reset());
  if (code != 0) return fail(<u16>code);
  return proofWriter.toOutput();
}

/** Output: the multi-proof for the leaves start ≤ i < end. */
export function mmr_prove_range(len: u32, h: u32, start: u32, end: u32): i32 {
  const m = mmrAt(h);
  if (m === null) return fail(E_BAD_ARGUMENTS);
  const code = m.proveRange(<u64>start, <u64>end, proofWriter.reset());
  if (code != 0) return fail(<u16>code);
  return proofWriter.toOutput();
}

/** A compact copy (MmrPeaks) of an Mmr; returns the new peaks handle. */
export function mmr_peaks_of(len: u32, h: u32): i32 {
  const m = mmrAt(h);
  if (m === null) return fail(E_BAD_ARGUMENTS);
  return addHandle<MmrPeaks>(peakSets, m.peaks());
}

/** Input: n × 32 digests. Output: the root of a fresh MMR over them. */
export function mmr_root_of(len: u32): i32 {
  const k = digestCount(len);
  if (k < 0) return fail(E_BAD_ARGUMENTS);
  mmrRootOf(inputPtr(), <u32>k, reserveOutput(32));
  return 32;
}

// ---- compact form ----

/** A new empty MmrPeaks; returns its handle. */
export function mmr_peaks_new(len: u32): i32 {
  return addHandle<MmrPeaks>(peakSets, new MmrPeaks());
}

export function mmr_peaks_free(len: u32, h: u32): i32 {
  if (peaksAt(h) === null) return fail(E_BAD_ARGUMENTS);
  unchecked((peakSets[<i32>h - 1] = null));
  return 0;
}

/** Like mmr_append, for an MmrPeaks (whose only limit is the u64 leaf count). */
export function mmr_peaks_append(len: u32, h: u32): i32 {
  const p = peaksAt(h);
  const k = digestCount(len);
  if (p === null || k < 0) return fail(E_BAD_ARGUMENTS);
  if (<u64>k > u64.MAX_VALUE - p.leafCount) return fail(E_TOO_MANY_ITEMS);
  const src = inputPtr();
  for (let i: i64 = 0; i < k; i++) p.append(src + (<usize>i << 5));
  return u64Output(p.leafCount);
}

export function mmr_peaks_root(len: u32, h: u32): i32 {
  const p = peaksAt(h);
  if (p === null) return fail(E_BAD_ARGUMENTS);
  p.root(reserveOutput(32));
  return 32;
}

/** Output: the canonical encoding of an MmrPeaks. */
export function mmr_peaks_encode(len: u32, h: u32): i32 {
  const p = peaksAt(h);
  if (p === null) return fail(E_BAD_ARGUMENTS);
  p.encode(proofWriter.reset());
  return proofWriter.toOutput();
}

/** Input: an MmrPeaks encoding and nothing after it. Returns a new peaks handle. */
export function mmr_peaks_decode(len: u32): i32 {
  if (len > inputLen()) return fail(E_BAD_ARGUMENTS);
  const r = new Reader(inputPtr(), len);
  const p = MmrPeaks.decode(r);
  if (p === null || !r.finish()) return fail(r.err);
  return addHandle<MmrPeaks>(peakSets, p);
}

export function mmr_peaks_clone(len: u32, h: u32): i32 {
  const p = peaksAt(h);
  if (p === null) return fail(E_BAD_ARGUMENTS);
  return addHandle<MmrPeaks>(peakSets, p.clone());
}
