// Merkle Mountain Range roots and proof verification for hosts and browsers: the TypeScript
// side of assembly/commit/mmr.ts. docs/mmr.md is the normative definition of both.
//
// Verifiers never throw: malformed proofs, wrong lengths, unsorted or out-of-range indices and
// wrongly typed arguments all give `false`. Leaf counts are numbers here, so counts above
// Number.MAX_SAFE_INTEGER (2^53 − 1, unreachable by appending) are refused (`false`).
import { hashNode, sha256 } from "../crypto/sha256.js";

export const MMR_LEAF_PREFIX = 0x00;
export const MMR_NODE_PREFIX = 0x01;
export const MMR_ROOT_PREFIX = 0x02;

/** A decoded proof (or MmrPeaks encoding): `varint leafCount ‖ varint count ‖ count × 32`. */
export interface MmrProof {
  leafCount: bigint;
  /** Views into the proof bytes, in canonical order. */
  digests: Uint8Array[];
}

const LEAF_SCRATCH = new Uint8Array(33);

/** sha256(0x00 ‖ digest): the leaf node of item digest `d`. */
export function mmrLeafHash(d: Uint8Array): Uint8Array {
  LEAF_SCRATCH[0] = MMR_LEAF_PREFIX;
  LEAF_SCRATCH.set(d, 1);
  return sha256(LEAF_SCRATCH);
}

/** sha256(0x02 ‖ u64le(leafCount) ‖ peaks…), peaks leftmost (highest) first. */
export function mmrRootFromPeaks(leafCount: bigint | number, peaks: readonly Uint8Array[]): Uint8Array {
  const n = BigInt(leafCount);
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new RangeError("leafCount must be a u64");
  const msg = new Uint8Array(9 + 32 * peaks.length);
  msg[0] = MMR_ROOT_PREFIX;
  new DataView(msg.buffer).setBigUint64(1, n, true);
  peaks.forEach((p, i) => {
    if (p.length !== 32) throw new TypeError("peaks must be 32 bytes");
    msg.set(p, 9 + 32 * i);
  });
  return sha256(msg);
}

/** Heights of the mountains of an MMR with `leafCount` leaves, leftmost (highest) first. */
export function mmrPeakHeights(leafCount: bigint | number): number[] {
  let n = BigInt(leafCount);
  const out: number[] = [];
  for (let h = 63; h >= 0; h--) {
    const size = 1n << BigInt(h);
    if (n >= size) {
      out.push(h);
      n -= size;
    }
  }
  return out;
}

/** The peaks of a fresh MMR over `digests` (each 32 bytes). */
export function mmrPeaks(digests: readonly Uint8Array[]): Uint8Array[] {
  const stack: Uint8Array[] = [];
  digests.forEach((d, i) => {
    if (!(d instanceof Uint8Array) || d.length !== 32) throw new TypeError("MMR item digests must be 32 bytes");
    let node = mmrLeafHash(d);
    // Leaf i closes one mountain per trailing 1 bit of i.
    for (let j = i; j % 2 === 1; j = (j - 1) / 2) node = hashNode(MMR_NODE_PREFIX, stack.pop() as Uint8Array, node);
    stack.push(node);
  });
  return stack;
}

/** The root of a fresh MMR over `digests` (each 32 bytes): same as the wasm's mmr_root_of. */
export function mmrRoot(digests: readonly Uint8Array[]): Uint8Array {
  return mmrRootFromPeaks(digests.length, mmrPeaks(digests));
}

// ---- encodings ----

function writeVarint(out: number[], v: bigint): void {
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** Minimal unsigned LEB128 of at most 10 bytes fitting a u64 (same rules as the wasm Reader). */
function readVarint(b: Uint8Array, pos: number): [value: bigint, next: number] | null {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= b.length) return null;
    const byte = b[pos + i] as number;
    if (i === 9 && byte > 1) return null;
    v |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return byte === 0 && i > 0 ? null : [v, pos + i + 1];
  }
  return null;
}

/** Input of the wasm export mmr_prove: varint count ‖ varint indices. */
export function encodeMmrIndices(indices: readonly (number | bigint)[]): Uint8Array {
  const out: number[] = [];
  writeVarint(out, BigInt(indices.length));
  for (const i of indices) writeVarint(out, BigInt(i));
  return Uint8Array.from(out);
}

/** Encodes a proof (or an MmrPeaks: the proof of no leaves). */
export function encodeMmrProof(p: MmrProof): Uint8Array {
  const head: number[] = [];
  writeVarint(head, p.leafCount);
  writeVarint(head, BigInt(p.digests.length));
  const out = new Uint8Array(head.length + 32 * p.digests.length);
  out.set(head);
  p.digests.forEach((d, i) => {
    out.set(d, head.length + 32 * i);
  });
  return out;
}

/** Splits proof bytes; null unless they are exactly `varint ‖ varint count ‖ count × 32`. */
export function decodeMmrProof(bytes: Uint8Array): MmrProof | null {
  if (!(bytes instanceof Uint8Array)) return null;
  const a = readVarint(bytes, 0);
  if (!a) return null;
  const c = readVarint(bytes, a[1]);
  if (!c) return null;
  const [count, pos] = c;
  if (BigInt(bytes.length - pos) !== count * 32n) return null;
  const digests: Uint8Array[] = [];
  for (let o = pos; o < bytes.length; o += 32) digests.push(bytes.subarray(o, o + 32));
  return { leafCount: a[0], digests };
}

/** Decodes an MmrPeaks encoding (canonical: exactly popcount(leafCount) peaks); null if invalid. */
export function decodeMmrPeaks(bytes: Uint8Array): { leafCount: bigint; peaks: Uint8Array[] } | null {
  const p = decodeMmrProof(bytes);
  if (!p || p.digests.length !== mmrPeakHeights(p.leafCount).length) return null;
  return { leafCount: p.leafCount, peaks: p.digests };
}

// ---- verification ----

function isDigest(d: unknown): d is Uint8Array {
  return d instanceof Uint8Array && d.length === 32;
}

function toSafeCount(v: unknown): number | undefined {
  if (typeof v === "bigint") return v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  return undefined;
}

/**
 * The root a proof implies for leaves `indices` (strictly increasing) with item digests
 * `digests`, or null if the proof does not fit them. `expectedCount` must match the proof's.
 */
function rootFromProof(
  expectedCount: number | undefined,
  indices: readonly number[],
  digests: readonly unknown[],
  proof: Uint8Array,
): Uint8Array | null {
  const p = decodeMmrProof(proof);
  if (!p) return null;
  const n = toSafeCount(p.leafCount);
  if (n === undefined || (expectedCount !== undefined && n !== expectedCount)) return null;
  const k = indices.length;
  if (digests.length !== k) return null;
  for (let i = 0; i < k; i++) {
    const idx = indices[i] as number;
    if (idx >= n || (i > 0 && idx <= (indices[i - 1] as number)) || !isDigest(digests[i])) return null;
  }
  const sib = p.digests;
  let used = 0;
  const peaks: Uint8Array[] = [];
  let start = 0;
  let next = 0; // first index not yet placed in a mountain
  for (let h = 52, rem = n; h >= 0; h--) {
    const size = 2 ** h;
    if (rem < size) continue;
    rem -= size;
    const end = start + size;
    // Known nodes of the current level: positions within the level (from the mountain's left) and digests.
    const pos: number[] = [];
    const known: Uint8Array[] = [];
    while (next < k && (indices[next] as number) < end) {
      pos.push((indices[next] as number) - start);
      known.push(mmrLeafHash(digests[next] as Uint8Array));
      next++;
    }
    if (pos.length === 0) {
      if (used >= sib.length) return null;
      peaks.push(sib[used++] as Uint8Array);
    } else {
      let m = pos.length;
      for (let level = 0; level < h; level++) {
        let out = 0;
        for (let i = 0; i < m; ) {
          const a = pos[i] as number;
          const isLeft = a % 2 === 0;
          let parent: Uint8Array;
          if (isLeft && i + 1 < m && pos[i + 1] === a + 1) {
            parent = hashNode(MMR_NODE_PREFIX, known[i] as Uint8Array, known[i + 1] as Uint8Array);
            i += 2;
          } else {
            if (used >= sib.length) return null;
            const s = sib[used++] as Uint8Array;
            parent = isLeft ? hashNode(MMR_NODE_PREFIX, known[i] as Uint8Array, s) : hashNode(MMR_NODE_PREFIX, s, known[i] as Uint8Array);
            i += 1;
          }
          pos[out] = (a - (a % 2)) / 2;
          known[out] = parent;
          out++;
        }
        m = out;
      }
      peaks.push(known[0] as Uint8Array);
    }
    start = end;
  }
  if (used !== sib.length) return null;
  return mmrRootFromPeaks(n, peaks);
}

function toIndices(indices: unknown): number[] | null {
  if (!Array.isArray(indices)) return null;
  const out: number[] = [];
  for (const i of indices) {
    const v = toSafeCount(i);
    if (v === undefined) return null;
    out.push(v);
  }
  return out;
}

function rootMatches(root: unknown, computed: Uint8Array | null): boolean {
  if (!computed || !isDigest(root)) return false;
  let d = 0;
  for (let i = 0; i < 32; i++) d |= (root[i] as number) ^ (computed[i] as number);
  return d === 0;
}

/**
 * Checks that the items with digests `digests` sit at leaf `indices` (strictly increasing) of
 * the MMR with `leafCount` leaves and root `root`. Never throws.
 */
export function verifyMmrMulti(
  root: Uint8Array,
  leafCount: bigint | number,
  indices: readonly (number | bigint)[],
  digests: readonly Uint8Array[],
  proof: Uint8Array,
): boolean {
  try {
    const n = toSafeCount(leafCount);
    const idx = toIndices(indices);
    if (n === undefined || !idx || !Array.isArray(digests)) return false;
    return rootMatches(root, rootFromProof(n, idx, digests, proof));
  } catch {
    return false;
  }
}

/** Checks one item: the single-index case of verifyMmrMulti. */
export function verifyMmrInclusion(
  root: Uint8Array,
  leafCount: bigint | number,
  index: number | bigint,
  digest: Uint8Array,
  proof: Uint8Array,
): boolean {
  return verifyMmrMulti(root, leafCount, [index], [digest], proof);
}

/**
 * Checks that `digests` are the items at leaves start, start+1, … of the MMR with root `root`.
 * The leaf count comes from the proof (the root commits to it). Never throws.
 */
export function verifyMmrRange(root: Uint8Array, start: bigint | number, digests: readonly Uint8Array[], proof: Uint8Array): boolean {
  try {
    const s = toSafeCount(start);
    if (s === undefined || !Array.isArray(digests) || s + digests.length > Number.MAX_SAFE_INTEGER) return false;
    const idx = Array.from({ length: digests.length }, (_, i) => s + i);
    return rootMatches(root, rootFromProof(undefined, idx, digests, proof));
  } catch {
    return false;
  }
}

/** The leaf count a proof claims (authenticated only once the proof verifies), or null. */
export function mmrProofLeafCount(proof: Uint8Array): bigint | null {
  return decodeMmrProof(proof)?.leafCount ?? null;
}
