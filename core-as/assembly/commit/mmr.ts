// Merkle Mountain Range over 32-byte item digests: the commitment to the transaction log and
// the event log (docs/mmr.md is the normative definition; this file must match it byte for byte).
//
//   leaf  = sha256(0x00 ‖ d_i)
//   inner = sha256(0x01 ‖ left ‖ right)
//   root  = sha256(0x02 ‖ u64le(leafCount) ‖ peak_1 ‖ … ‖ peak_k)   (peaks highest/leftmost first)
//
// Two forms share those definitions:
// - MmrPeaks keeps only leafCount and the peaks (at most 64, one per set bit of leafCount): what a
//   validator needs to extend a root, in O(log n) memory.
// - Mmr keeps every node in raw memory (postorder positions, 32 bytes each) so it can prove.
//
// Appends never allocate GC memory: a leaf costs one 33-byte hash plus, amortised, one inner
// hash (leaf i merges trailing-ones(i) times).

import { hashNode, sha256Raw } from "../crypto/sha256";
import { hashNodeMany, hashPrefixed33Many } from "../crypto/sha256x4";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { E_BAD_ARGUMENTS, E_INVALID_VALUE } from "../errors";

export const MMR_LEAF_PREFIX: u8 = 0x00;
export const MMR_NODE_PREFIX: u8 = 0x01;
export const MMR_ROOT_PREFIX: u8 = 0x02;

/** What `append` returns when no further leaf fits (never a valid leaf index). */
export const MMR_FULL: u64 = u64.MAX_VALUE;

/**
 * Leaves one full-form Mmr may hold: 2^25 leaves are 2^26 nodes, 2 GiB of raw memory, half of
 * what wasm32 can address. The limit is a constant (not "until memory runs out") so that every
 * host refuses the same append.
 */
export const MMR_MAX_LEAVES: u64 = 1 << 25;

/** A u64 leaf count has at most 64 set bits, so at most 64 peaks. */
const MAX_PEAKS: u32 = 64;

// Scratch messages for the hashes that are not two 32-byte halves. Module-level, so hashing a
// leaf or a root allocates nothing; every user finishes with them before returning.
const LEAF_MSG: usize = memory.data(33);
const ROOT_MSG: usize = memory.data(2057); // 1 + 8 + 64 × 32
const PEAKS_SCRATCH: usize = memory.data(2048); // 64 × 32

/** sha256(0x00 ‖ digest[32]) into `out` (may alias `digest`). */
export function mmrLeafHash(digest: usize, out: usize): void {
  // Same bytes as hashPrefixed(0x00, digest, 32, out), without its per-call Sha256 object.
  store<u8>(LEAF_MSG, MMR_LEAF_PREFIX);
  memory.copy(LEAF_MSG + 1, digest, 32);
  sha256Raw(LEAF_MSG, 33, out);
}

/** The root from `count` contiguous peaks at `peaks` (leftmost first). */
export function mmrBagPeaks(leafCount: u64, peaks: usize, count: u32, out: usize): void {
  store<u8>(ROOT_MSG, MMR_ROOT_PREFIX);
  store<u64>(ROOT_MSG + 1, leafCount); // wasm stores are little-endian
  memory.copy(ROOT_MSG + 9, peaks, <usize>count << 5);
  sha256Raw(ROOT_MSG, 9 + (<usize>count << 5), out);
}

/**
 * Appends leaf number `index` (= the current leaf count) to a peak stack of `count` peaks at
 * `base` and returns the new peak count. Leaf i closes one mountain per trailing 1 bit of i.
 */
@inline function pushLeaf(base: usize, count: u32, index: u64, digest: usize): u32 {
  let top = base + (<usize>count << 5);
  mmrLeafHash(digest, top);
  let i = index;
  while ((i & 1) != 0) {
    const left = top - 32;
    hashNode(MMR_NODE_PREFIX, left, top, left);
    top = left;
    count--;
    i >>= 1;
  }
  return count + 1;
}

/** Postorder position of the node at `level` whose leftmost leaf is `index << level`. */
@inline export function mmrNodePos(level: u32, index: u64): u64 {
  // Its rightmost leaf e sits at 2e − popcount(e); the node follows it after `level` merges.
  const e = ((index + 1) << <u64>level) - 1;
  return (e << 1) - <u64>popcnt<u64>(e) + <u64>level;
}

/** Nodes in an MMR of `leafCount` leaves. */
@inline export function mmrNodeCount(leafCount: u64): u64 {
  return (leafCount << 1) - <u64>popcnt<u64>(leafCount);
}

/** Where the peak of `level` sits among the peaks of an MMR of `leafCount` leaves (highest first). */
@inline function oldPeak(data: usize, leafCount: u64, level: u32): usize {
  return data + (<usize>popcnt<u64>(leafCount >> (<u64>level + 1)) << 5);
}

// Three reusable raw buffers for batched appends: leaf hashes and two alternating levels.
const LEVEL_PTRS: usize = memory.data(12);
const LEVEL_CAPS: usize = memory.data(12);
const PEAKS_MERGED: usize = memory.data(2048);

function levelBuffer(which: i32, nodes: u32): usize {
  const at = <usize>which << 2;
  const need = nodes << 5;
  if (load<u32>(LEVEL_CAPS + at) < need) {
    const old = <usize>load<u32>(LEVEL_PTRS + at);
    store<u32>(LEVEL_PTRS + at, <u32>(old == 0 ? heap.alloc(need) : heap.realloc(old, need)));
    store<u32>(LEVEL_CAPS + at, need);
  }
  return <usize>load<u32>(LEVEL_PTRS + at);
}

/** Root of a fresh MMR over n leaf hashes (batched). */
export function mmrRootOfLeafHashes(leafHashes: usize, n: u32, out: usize): void {
  const p = new MmrPeaks();
  p.appendLeafHashes(leafHashes, n);
  p.root(out);
}

/** Root of a fresh MMR over `n` digests at `digests` (n × 32 bytes): a block's transactions root. */
export function mmrRootOf(digests: usize, n: u32, out: usize): void {
  const p = new MmrPeaks();
  p.appendMany(digests, n);
  p.root(out);
}

/**
 * The compact form: leaf count and peaks only. Encoding (docs/mmr.md):
 *   varint leafCount ‖ varint peakCount ‖ peakCount × 32 bytes, peakCount = popcount(leafCount)
 * which is byte-identical to a multi-proof for the empty index set.
 */
export class MmrPeaks {
  private n: u64 = 0;
  private count: u32 = 0;
  private data: StaticArray<u8> = new StaticArray<u8>(<i32>(MAX_PEAKS << 5));

  get leafCount(): u64 {
    return this.n;
  }

  get peakCount(): u32 {
    return this.count;
  }

  /** Where peak `i` (0 = leftmost) starts; valid until the next append. */
  @inline peakPtr(i: u32): usize {
    return changetype<usize>(this.data) + (<usize>i << 5);
  }

  /** Appends the item digest at `digestPtr`; returns its leaf index, or MMR_FULL. */
  append(digestPtr: usize): u64 {
    const index = this.n;
    if (index == u64.MAX_VALUE) return MMR_FULL;
    this.count = pushLeaf(changetype<usize>(this.data), this.count, index, digestPtr);
    this.n = index + 1;
    return index;
  }

  root(out: usize): void {
    mmrBagPeaks(this.n, changetype<usize>(this.data), this.count, out);
  }

  /** Appends n item digests (n × 32 bytes); the same result as n appends, hashed in batches. */
  appendMany(digests: usize, n: u32): void {
    const leaves = levelBuffer(0, n + 1);
    hashPrefixed33Many(MMR_LEAF_PREFIX, digests, n, leaves);
    this.appendLeafHashes(leaves, n);
  }

  /**
   * Appends n leaves given as leaf hashes (sha256(0x00 ‖ d), n × 32 bytes at `leafHashes`).
   * Merges level by level: the nodes of one level pair up left to right (an old peak of that
   * level first), and all pairs of a level go through the SIMD hasher together; an odd node out
   * is the new peak of its level.
   */
  appendLeafHashes(leafHashes: usize, n: u32): void {
    if (n == 0) return;
    const old = this.n;
    const total = old + <u64>n;
    const data = changetype<usize>(this.data);
    // New peaks by level, collected here, then ordered highest first into data.
    const fresh = PEAKS_SCRATCH;
    let freshLevels: u64 = 0;
    let cur = levelBuffer(1, n + 1);
    let m: u32 = 0;
    if ((old & 1) != 0) {
      memory.copy(cur, oldPeak(data, old, 0), 32);
      m = 1;
    }
    memory.copy(cur + (<usize>m << 5), leafHashes, <usize>n << 5);
    m += n;
    let level: u32 = 0;
    let which: i32 = 2;
    while (m > 0) {
      if ((m & 1) != 0) {
        memory.copy(fresh + (<usize>level << 5), cur + (<usize>(m - 1) << 5), 32);
        freshLevels |= (<u64>1) << level;
        m--;
      }
      if (m == 0) break;
      const next = levelBuffer(which, (m >> 1) + 1);
      which = which == 2 ? 1 : 2;
      let k: u32 = 0;
      if (((old >> (level + 1)) & 1) != 0) {
        memory.copy(next, oldPeak(data, old, level + 1), 32);
        k = 1;
      }
      hashNodeMany(MMR_NODE_PREFIX, cur, m >> 1, next + (<usize>k << 5));
      m = (m >> 1) + k;
      cur = next;
      level++;
    }
    // Old peaks at levels never reached stay; everything else comes from `fresh`.
    const merged = PEAKS_MERGED;
    let count: u32 = 0;
    for (let l: i32 = 63; l >= 0; l--) {
      if (((total >> <u64>l) & 1) == 0) continue;
      const src = ((freshLevels >> <u64>l) & 1) != 0 ? fresh + (<usize>l << 5) : oldPeak(data, old, <u32>l);
      memory.copy(merged + (<usize>count << 5), src, 32);
      count++;
    }
    memory.copy(data, merged, <usize>count << 5);
    this.count = count;
    this.n = total;
  }

  encode(w: Writer): void {
    w.varint(this.n);
    w.varint(<u64>this.count);
    w.raw(changetype<usize>(this.data), <usize>this.count << 5);
  }

  /**
   * Reads the encoding above. Canonical only: the peak count must be popcount(leafCount), else
   * E_INVALID_VALUE on the reader. Returns null with `r.err` set on any failure.
   */
  static decode(r: Reader): MmrPeaks | null {
    const n = r.varint();
    const count = r.varint();
    if (!r.ok) return null;
    if (count != <u64>popcnt<u64>(n)) {
      r.fail(E_INVALID_VALUE);
      return null;
    }
    const bytes = <usize>count << 5;
    const src = r.skip(bytes);
    if (!r.ok) return null;
    return MmrPeaks.fromRaw(n, src, <u32>count);
  }

  /** Peaks copied from raw memory (`count` must be popcount(leafCount)). */
  static fromRaw(leafCount: u64, peaks: usize, count: u32): MmrPeaks {
    const p = new MmrPeaks();
    p.n = leafCount;
    p.count = count;
    memory.copy(changetype<usize>(p.data), peaks, <usize>count << 5);
    return p;
  }

  clone(): MmrPeaks {
    return MmrPeaks.fromRaw(this.n, changetype<usize>(this.data), this.count);
  }
}

// Full-form node storage: chunks of 2^15 nodes (1 MiB) found through a small table, so growth
// never copies the nodes and no single block approaches the allocator's 1 GiB block limit.
const CHUNK_BITS: u64 = 15;
const CHUNK_MASK: u64 = (1 << CHUNK_BITS) - 1;
const CHUNK_BYTES: usize = 32 << <usize>CHUNK_BITS;
const PTR_SIZE: usize = sizeof<usize>();

/**
 * The full form: every node, so it can produce multi-proofs and range proofs. Its nodes live
 * outside the GC heap: call free() when done (collecting the object does not release them).
 */
export class Mmr {
  private n: u64 = 0;
  private nodes: u64 = 0;
  private table: usize = 0; // chunk pointers
  private chunks: u32 = 0;
  private tableCap: u32 = 0;

  get leafCount(): u64 {
    return this.n;
  }

  get nodeCount(): u64 {
    return this.nodes;
  }

  /** Address of the node at postorder position `pos` (< capacity). */
  @inline private node(pos: u64): usize {
    const chunk = load<usize>(this.table + <usize>(pos >> CHUNK_BITS) * PTR_SIZE);
    return chunk + (<usize>(pos & CHUNK_MASK) << 5);
  }

  /** Makes room for `total` nodes. */
  @inline private reserve(total: u64): void {
    while ((<u64>this.chunks << CHUNK_BITS) < total) this.addChunk();
  }

  private addChunk(): void {
    if (this.chunks == this.tableCap) {
      const cap: u32 = this.tableCap == 0 ? 16 : this.tableCap << 1;
      const bytes = <usize>cap * PTR_SIZE;
      this.table = this.table == 0 ? heap.alloc(bytes) : heap.realloc(this.table, bytes);
      this.tableCap = cap;
    }
    store<usize>(this.table + <usize>this.chunks * PTR_SIZE, heap.alloc(CHUNK_BYTES));
    this.chunks++;
  }

  /** Appends the item digest at `digestPtr`; returns its leaf index, or MMR_FULL past MMR_MAX_LEAVES. */
  append(digestPtr: usize): u64 {
    const index = this.n;
    if (index >= MMR_MAX_LEAVES) return MMR_FULL;
    const merges = <u64>ctz<u64>(~index); // trailing ones of the index
    let pos = this.nodes;
    this.reserve(pos + 1 + merges);
    mmrLeafHash(digestPtr, this.node(pos));
    for (let h: u64 = 0; h < merges; h++) {
      // The left sibling is a perfect tree of height h ending just before the right one.
      const left = pos - ((<u64>2 << h) - 1);
      hashNode(MMR_NODE_PREFIX, this.node(left), this.node(pos), this.node(pos + 1));
      pos++;
    }
    this.nodes = pos + 1;
    this.n = index + 1;
    return index;
  }

  /** Copies the peaks, leftmost first, to `out`; returns how many. */
  private copyPeaks(out: usize): u32 {
    const n = this.n;
    let start: u64 = 0;
    let count: u32 = 0;
    for (let h: i32 = 63; h >= 0; h--) {
      if (((n >> <u64>h) & 1) == 0) continue;
      memory.copy(out + (<usize>count << 5), this.node(mmrNodePos(<u32>h, start >> <u64>h)), 32);
      start += <u64>1 << <u64>h;
      count++;
    }
    return count;
  }

  root(out: usize): void {
    const count = this.copyPeaks(PEAKS_SCRATCH);
    mmrBagPeaks(this.n, PEAKS_SCRATCH, count, out);
  }

  /** A compact copy with the same root. */
  peaks(): MmrPeaks {
    const count = this.copyPeaks(PEAKS_SCRATCH);
    return MmrPeaks.fromRaw(this.n, PEAKS_SCRATCH, count);
  }

  /**
   * Writes the multi-proof for `indices` (strictly increasing, each < leafCount) to `w`:
   *   varint leafCount ‖ varint digestCount ‖ digestCount × 32 bytes
   * Returns 0, or E_BAD_ARGUMENTS (nothing written) for unsorted, repeated or out-of-range indices.
   */
  proveMulti(indices: StaticArray<u64>, w: Writer): i32 {
    const k = indices.length;
    for (let i = 0; i < k; i++) {
      const idx = unchecked(indices[i]);
      if (idx >= this.n || (i > 0 && idx <= unchecked(indices[i - 1]))) return <i32>E_BAD_ARGUMENTS;
    }
    const work = new StaticArray<u64>(k);
    const count = this.walk(indices, work, null);
    w.varint(this.n);
    w.varint(<u64>count);
    this.walk(indices, work, w);
    return 0;
  }

  /**
   * proveMulti for the leaves start ≤ i < end, in O(1) memory: the known nodes of every level
   * are one contiguous run, so only the two ends can lack a sibling.
   */
  proveRange(start: u64, end: u64, w: Writer): i32 {
    if (start > end || end > this.n) return <i32>E_BAD_ARGUMENTS;
    if (start == end) return this.proveMulti(new StaticArray<u64>(0), w);
    w.varint(this.n);
    w.varint(<u64>this.walkRange(start, end - 1, null));
    this.walkRange(start, end - 1, w);
    return 0;
  }

  /** `walk` for the run first..last (inclusive); same digests in the same order. */
  private walkRange(first: u64, last: u64, w: Writer | null): u32 {
    const n = this.n;
    let emitted: u32 = 0;
    let start: u64 = 0;
    for (let h: i32 = 63; h >= 0; h--) {
      if (((n >> <u64>h) & 1) == 0) continue;
      const end = start + (<u64>1 << <u64>h);
      if (last < start || first >= end) {
        if (w) w.raw(this.node(mmrNodePos(<u32>h, start >> <u64>h)), 32);
        emitted++;
      } else {
        let a = max<u64>(first, start);
        let b = min<u64>(last, end - 1);
        for (let level: u32 = 0; level < <u32>h; level++) {
          if ((a & 1) != 0) {
            if (w) w.raw(this.node(mmrNodePos(level, a - 1)), 32);
            emitted++;
          }
          if ((b & 1) == 0) {
            if (w) w.raw(this.node(mmrNodePos(level, b + 1)), 32);
            emitted++;
          }
          a >>= 1;
          b >>= 1;
        }
      }
      start = end;
    }
    return emitted;
  }

  /**
   * The canonical digest order (docs/mmr.md): mountains left to right; a mountain without proven
   * leaves gives its peak; otherwise, level by level from the leaves up and left to right within
   * a level, the sibling of every node that is known but whose sibling is not. Counts the
   * digests, and writes them when `w` is given. `work` holds the known node indices of a level.
   */
  private walk(indices: StaticArray<u64>, work: StaticArray<u64>, w: Writer | null): u32 {
    const n = this.n;
    const k = indices.length;
    let emitted: u32 = 0;
    let start: u64 = 0;
    let lo = 0;
    for (let h: i32 = 63; h >= 0; h--) {
      if (((n >> <u64>h) & 1) == 0) continue;
      const end = start + (<u64>1 << <u64>h);
      let hi = lo;
      while (hi < k && unchecked(indices[hi]) < end) {
        unchecked((work[hi] = indices[hi]));
        hi++;
      }
      if (hi == lo) {
        if (w) w.raw(this.node(mmrNodePos(<u32>h, start >> <u64>h)), 32);
        emitted++;
      } else {
        let stop = hi;
        for (let level: u32 = 0; level < <u32>h; level++) {
          let i = lo;
          let next = lo;
          while (i < stop) {
            const a = unchecked(work[i]);
            if ((a & 1) == 0 && i + 1 < stop && unchecked(work[i + 1]) == a + 1) {
              i += 2;
            } else {
              if (w) w.raw(this.node(mmrNodePos(level, a ^ 1)), 32);
              emitted++;
              i++;
            }
            unchecked((work[next++] = a >> 1));
          }
          stop = next;
        }
      }
      start = end;
      lo = hi;
    }
    return emitted;
  }

  /** Releases the node memory; the Mmr is empty afterwards. */
  free(): void {
    for (let i: u32 = 0; i < this.chunks; i++) heap.free(load<usize>(this.table + <usize>i * PTR_SIZE));
    if (this.table != 0) heap.free(this.table);
    this.table = 0;
    this.chunks = 0;
    this.tableCap = 0;
    this.nodes = 0;
    this.n = 0;
  }
}
