// A log commitment that proves only its newest leaves: the peaks, plus the nodes the last append
// created. What a relay needs to prove each height's events against that height's certified events
// root (every update it sends is for the height just executed), in memory that does not grow with
// the log. The full form (MmrLog: every node in the wasm, 64 bytes a leaf) stops at 2^25 leaves;
// a busy chain reaches that in hours. docs/mmr.md is the normative definition of the proofs; the
// bytes are the same as the full form's for the same leaves (test/mmr-frontier.test.ts).
import { concatBytes, hashNode } from "./crypto/sha256.js";
import { encodeMmrProof, MMR_LEAF_PREFIX, MMR_NODE_PREFIX, mmrLeafHash, mmrPeakHeights, mmrRootFromPeaks } from "./proof/mmr.js";
import type { WasmInstance } from "./wasm/instance.js";

const U64_MAX = (1n << 64n) - 1n;

/** Hashes a level's nodes in one call: the wasm's 4-lane SHA-256, or TypeScript (the default). */
export interface MmrHasher {
  /** sha256(0x00 ‖ d) of each 32-byte digest (n × 32 bytes) → n × 32 bytes. */
  leaves(digests: Uint8Array): Uint8Array;
  /** sha256(0x01 ‖ left ‖ right) of each 64-byte pair (n × 64 bytes) → n × 32 bytes. */
  nodes(pairs: Uint8Array): Uint8Array;
}

/** One node at a time in TypeScript (node:crypto in Node, noble elsewhere). */
export const tsMmrHasher: MmrHasher = {
  leaves: (digests) => each(digests, 32, (d) => mmrLeafHash(d)),
  nodes: (pairs) => each(pairs, 64, (p) => hashNode(MMR_NODE_PREFIX, p.subarray(0, 32), p.subarray(32))),
};

function each(input: Uint8Array, unit: number, hash: (part: Uint8Array) => Uint8Array): Uint8Array {
  const out = new Uint8Array((input.length / unit) * 32);
  for (let i = 0, o = 0; i < input.length; i += unit, o += 32) out.set(hash(input.subarray(i, i + unit)), o);
  return out;
}

/** Whole levels through core.wasm's batched 4-lane SHA-256 (several times the TypeScript rate). */
export function wasmMmrHasher(wasm: WasmInstance): MmrHasher {
  return {
    leaves: (digests) => (digests.length === 0 ? digests : wasm.call("hash4_prefixed33_many", digests, MMR_LEAF_PREFIX)),
    nodes: (pairs) => (pairs.length === 0 ? new Uint8Array(0) : wasm.call("hash4_node_many", pairs, MMR_NODE_PREFIX)),
  };
}

/** Nodes of one level, contiguous: `count` of them from index `first`, 32 bytes each. */
interface LevelRun {
  first: bigint;
  bytes: Uint8Array;
}

export class MmrFrontier {
  /** Peaks, leftmost (highest) first. */
  private peakList: Uint8Array[];
  /** The first leaf of the last append: only leaves from here on can be proven. */
  private windowStart: bigint;
  /** The nodes the last append created, by level. */
  private runs: LevelRun[] = [];
  /** The peaks before the last append, by level (at most one a level). */
  private basePeaks = new Map<number, { index: bigint; digest: Uint8Array }>();

  private constructor(
    private n: bigint,
    peaks: Uint8Array[],
    private readonly hasher: MmrHasher,
  ) {
    this.peakList = peaks;
    this.windowStart = n;
  }

  /** A log of `leafCount` leaves known by its peaks (the compact form, docs/mmr.md section 3). */
  static fromPeaks(leafCount: bigint, peaks: readonly Uint8Array[], hasher: MmrHasher = tsMmrHasher): MmrFrontier {
    if (leafCount < 0n || leafCount > U64_MAX) throw new RangeError("leafCount must be a u64");
    const expected = mmrPeakHeights(leafCount).length;
    if (peaks.length !== expected) throw new RangeError(`${leafCount} leaves have ${expected} peaks`);
    for (const p of peaks) if (p.length !== 32) throw new TypeError("peaks are 32 bytes");
    return new MmrFrontier(
      leafCount,
      peaks.map((p) => p.slice()),
      hasher,
    );
  }

  static empty(hasher: MmrHasher = tsMmrHasher): MmrFrontier {
    return new MmrFrontier(0n, [], hasher);
  }

  get leafCount(): bigint {
    return this.n;
  }

  /** The peaks, leftmost first (copies). */
  peaks(): Uint8Array[] {
    return this.peakList.map((p) => p.slice());
  }

  root(): Uint8Array {
    return mmrRootFromPeaks(this.n, this.peakList);
  }

  /**
   * Appends item digests (each 32 bytes) and returns the new leaf count. The nodes kept for proofs
   * become the ones this append created: leaves of earlier appends can no longer be proven.
   * Level by level, each level's pairs hashed in one call (the wasm's own order: assembly/commit/mmr.ts).
   */
  append(digests: readonly Uint8Array[]): bigint {
    for (const d of digests) if (d.length !== 32) throw new TypeError("MMR items are 32-byte digests");
    if (digests.length === 0) return this.n;
    if (this.n + BigInt(digests.length) > U64_MAX) throw new RangeError("an MMR holds at most 2^64 − 1 leaves");
    const old = this.n;
    const heights = mmrPeakHeights(old);
    const basePeaks = new Map<number, { index: bigint; digest: Uint8Array }>();
    let start = 0n;
    this.peakList.forEach((digest, i) => {
      const level = heights[i] as number;
      basePeaks.set(level, { index: start >> BigInt(level), digest });
      start += 1n << BigInt(level);
    });
    const runs: LevelRun[] = [];
    const freshPeaks: Uint8Array[] = []; // by level, lowest first
    let cur = this.hasher.leaves(concatBytes(...digests));
    let first = old;
    let level = 0;
    for (;;) {
      runs.push({ first, bytes: cur });
      // The level's first node is a right child when its index is odd: its left sibling is the
      // old peak of this level, merged now.
      let nodes = cur;
      let lo = first;
      if ((lo & 1n) === 1n) {
        nodes = concatBytes((basePeaks.get(level) as { digest: Uint8Array }).digest, cur);
        lo -= 1n;
      }
      const count = nodes.length / 32;
      if (count % 2 === 1) freshPeaks[level] = nodes.slice(nodes.length - 32);
      if (count < 2) break;
      cur = this.hasher.nodes(nodes.subarray(0, (count - (count % 2)) * 32));
      first = lo >> 1n;
      level++;
    }
    // Old peaks above the highest level reached stay, left of the new ones (highest first).
    const kept = this.peakList.filter((_, i) => (heights[i] as number) > level);
    const made = freshPeaks.map((p, l) => ({ p, l })).filter((x) => x.p !== undefined);
    this.peakList = [...kept, ...made.reverse().map((x) => x.p)];
    this.windowStart = old;
    this.n = old + BigInt(digests.length);
    this.runs = runs;
    this.basePeaks = basePeaks;
    return this.n;
  }

  /**
   * A multi-proof (docs/mmr.md section 2) for strictly increasing leaf indices of the last append.
   * Throws RangeError for any other index: this form no longer holds the nodes to prove it.
   */
  prove(indices: readonly bigint[]): Uint8Array {
    for (let i = 0; i < indices.length; i++) {
      const idx = indices[i] as bigint;
      if (idx < this.windowStart || idx >= this.n)
        throw new RangeError(`leaf ${idx} is not one of the last append's (${this.windowStart}..${this.n - 1n})`);
      if (i > 0 && idx <= (indices[i - 1] as bigint)) throw new RangeError("leaf indices must be strictly increasing");
    }
    const out: Uint8Array[] = [];
    let next = 0;
    let start = 0n;
    mmrPeakHeights(this.n).forEach((h, m) => {
      const end = start + (1n << BigInt(h));
      let known: bigint[] = [];
      while (next < indices.length && (indices[next] as bigint) < end) known.push(indices[next++] as bigint);
      if (known.length === 0) out.push(this.peakList[m] as Uint8Array);
      // Level by level from the leaves up, left to right: the sibling of each known node unless known.
      for (let level = 0; level < h && known.length > 0; level++) {
        const up: bigint[] = [];
        for (let k = 0; k < known.length; k++) {
          const a = known[k] as bigint;
          if ((a & 1n) === 0n && known[k + 1] === a + 1n) k++;
          else out.push(this.node(level, a ^ 1n));
          up.push(a >> 1n);
        }
        known = up;
      }
      start = end;
    });
    return encodeMmrProof({ leafCount: this.n, digests: out });
  }

  private node(level: number, index: bigint): Uint8Array {
    const run = this.runs[level];
    if (run && index >= run.first) {
      const at = Number(index - run.first) * 32;
      if (at < run.bytes.length) return run.bytes.subarray(at, at + 32);
    }
    const peak = this.basePeaks.get(level);
    // Unreachable for indices of the last append: every sibling on their paths is a node it
    // created or a peak from before it (a node whose parent spans the append's first leaf).
    if (peak?.index !== index) throw new Error(`MMR node ${level}:${index} is not held`);
    return peak.digest;
  }
}
