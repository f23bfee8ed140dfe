// Verification of state proofs (inclusion and absence of one key in the state root) and a
// reference computation of the state root. Definitions and byte format: docs/state-tree.md.
// Runs in Node and browsers: hashing comes only from ../crypto/sha256.
import { equalBytes, hashNode, sha256 } from "../crypto/sha256.js";
import { VerifyError } from "../errors.js";

export const PROOF_INCLUSION = 0;
export const PROOF_ABSENT_EMPTY = 1;
export const PROOF_ABSENT_LEAF = 2;

/** Root of the empty state, and the hash of any empty subtree. */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);

/** Deepest possible end of a path: two keys differing only in their last bit. */
const MAX_DEPTH = 256;
const HEADER = 3;

export type StateProofKind = "inclusion" | "absent-empty" | "absent-leaf";

/** A decoded proof: what a client needs to show or re-check it. */
export interface StateProof {
  kind: StateProofKind;
  /** Depth at which the key's path ends (0 = the root). */
  depth: number;
  /** One entry per level 0..depth-1 from the root down; null where the sibling is empty. */
  siblings: (Uint8Array | null)[];
  /** For "absent-leaf": the single leaf that occupies the key's subtree. */
  leaf?: { keyHash: Uint8Array; valueHash: Uint8Array };
}

export interface StateProofInput {
  root: Uint8Array;
  key: Uint8Array;
  /** The value the proof should show, or null to check that `key` is absent. */
  value: Uint8Array | null;
  proof: Uint8Array;
}

export interface HashedStateProofInput {
  root: Uint8Array;
  keyHash: Uint8Array;
  /** sha256 of the value, or null to check that the key is absent. */
  valueHash: Uint8Array | null;
  proof: Uint8Array;
}

export interface StateEntry {
  keyHash: Uint8Array;
  valueHash: Uint8Array;
}

/** The key hash under which `key` is stored in the tree. */
export function stateKeyHash(key: Uint8Array): Uint8Array {
  return sha256(key);
}

/** sha256(0x00 ‖ keyHash ‖ valueHash). */
export function leafHash(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return hashNode(0x00, keyHash, valueHash);
}

/** Whether `key` maps to `value` (or, for value null, is absent) in the state with this root. */
export function verifyStateProof(input: StateProofInput): boolean {
  const { root, key, value, proof } = input;
  requireBytes("key", key);
  if (value !== null) requireBytes("value", value);
  return verifyStateProofHashed({ root, keyHash: sha256(key), valueHash: value === null ? null : sha256(value), proof });
}

/** Like verifyStateProof with key and value already hashed. Never throws on bad proof bytes. */
export function verifyStateProofHashed(input: HashedStateProofInput): boolean {
  const { root, keyHash, valueHash, proof } = input;
  requireHash("keyHash", keyHash);
  if (valueHash !== null) requireHash("valueHash", valueHash);
  if (!(root instanceof Uint8Array) || !(proof instanceof Uint8Array)) return false;
  if (root.length !== 32) return false;
  try {
    return equalBytes(stateRootFromProof(keyHash, valueHash, proof), root);
  } catch (e) {
    if (e instanceof VerifyError) return false;
    throw e;
  }
}

/**
 * The root that `proof` commits to for `keyHash` ↦ `valueHash` (null: absent). Throws
 * VerifyError (with a reason) if the proof is malformed, non-canonical, or of the wrong kind.
 */
export function stateRootFromProof(keyHash: Uint8Array, valueHash: Uint8Array | null, proof: Uint8Array): Uint8Array {
  requireHash("keyHash", keyHash);
  if (valueHash !== null) requireHash("valueHash", valueHash);
  const p = decodeStateProof(proof);
  if ((valueHash !== null) !== (p.kind === "inclusion")) {
    throw new VerifyError("wrong-kind", `wrong-kind: expected ${valueHash === null ? "an absence" : "an inclusion"} proof`);
  }
  let h: Uint8Array;
  if (p.kind === "inclusion") h = leafHash(keyHash, valueHash as Uint8Array);
  else if (p.kind === "absent-empty") h = EMPTY_ROOT;
  else {
    const leaf = p.leaf as { keyHash: Uint8Array; valueHash: Uint8Array };
    // The foreign leaf must sit in the key's own subtree (share the path so far) and be another key.
    if (commonPrefixBits(leaf.keyHash, keyHash) < p.depth) throw new VerifyError("leaf-off-path");
    if (equalBytes(leaf.keyHash, keyHash)) throw new VerifyError("leaf-is-key");
    h = leafHash(leaf.keyHash, leaf.valueHash);
  }
  for (let level = p.depth - 1; level >= 0; level--) {
    const sibling = p.siblings[level] ?? EMPTY_ROOT;
    h = bitAt(keyHash, level) === 0 ? hashNode(0x01, h, sibling) : hashNode(0x01, sibling, h);
  }
  return h;
}

/** Parses and checks the canonical encoding of a proof; throws VerifyError if it is not one. */
export function decodeStateProof(proof: Uint8Array): StateProof {
  if (!(proof instanceof Uint8Array)) throw new VerifyError("not-bytes");
  if (proof.length < HEADER) throw new VerifyError("truncated");
  const kindByte = proof[0] as number;
  const depth = (proof[1] as number) | ((proof[2] as number) << 8);
  if (kindByte > PROOF_ABSENT_LEAF) throw new VerifyError("unknown-kind");
  // Only an inclusion can end at depth 256; an absence always ends above the last level.
  if (depth > (kindByte === PROOF_INCLUSION ? MAX_DEPTH : MAX_DEPTH - 1)) throw new VerifyError("depth-too-large");
  const bitmapLen = (depth + 7) >> 3;
  if (proof.length < HEADER + bitmapLen) throw new VerifyError("truncated");
  const bitmapEnd = HEADER + bitmapLen;
  if ((depth & 7) !== 0 && ((proof[bitmapEnd - 1] as number) & (0xff >> (depth & 7))) !== 0) {
    throw new VerifyError("bitmap-padding");
  }
  // The deepest sibling is never empty: if it were, the subtree one level up would hold at most
  // one leaf and the key's path would already have ended there.
  if (depth > 0 && bitAt(proof, depth - 1, HEADER) === 0) throw new VerifyError("non-canonical-depth");
  let count = 0;
  for (let i = HEADER; i < bitmapEnd; i++) count += popcount8(proof[i] as number);
  const leafLen = kindByte === PROOF_ABSENT_LEAF ? 64 : 0;
  if (proof.length !== bitmapEnd + 32 * count + leafLen) {
    throw new VerifyError(proof.length < bitmapEnd + 32 * count + leafLen ? "truncated" : "trailing-bytes");
  }
  const siblings: (Uint8Array | null)[] = new Array(depth);
  let off = bitmapEnd;
  for (let level = 0; level < depth; level++) {
    if (bitAt(proof, level, HEADER) === 0) {
      siblings[level] = null;
      continue;
    }
    const s = proof.subarray(off, off + 32);
    off += 32;
    // An empty sibling has exactly one encoding: a clear bitmap bit.
    if (isZero(s)) throw new VerifyError("zero-sibling");
    siblings[level] = s;
  }
  const kind: StateProofKind =
    kindByte === PROOF_INCLUSION ? "inclusion" : kindByte === PROOF_ABSENT_EMPTY ? "absent-empty" : "absent-leaf";
  const out: StateProof = { kind, depth, siblings };
  if (kindByte === PROOF_ABSENT_LEAF) out.leaf = { keyHash: proof.subarray(off, off + 32), valueHash: proof.subarray(off + 32, off + 64) };
  return out;
}

/**
 * The state root of a set of entries, straight from the definition (recursive over the sorted
 * leaves). A reference for tests and clients, not a fast path: it rehashes everything.
 */
export function stateRootOf(entries: readonly StateEntry[]): Uint8Array {
  for (const e of entries) {
    requireHash("keyHash", e.keyHash);
    requireHash("valueHash", e.valueHash);
  }
  const sorted = [...entries].sort((a, b) => compareBytes(a.keyHash, b.keyHash));
  for (let i = 1; i < sorted.length; i++) {
    if (equalBytes((sorted[i - 1] as StateEntry).keyHash, (sorted[i] as StateEntry).keyHash)) {
      throw new TypeError("stateRootOf: duplicate keyHash");
    }
  }
  return subtreeHash(sorted, 0, sorted.length, 0);
}

/** Hash of the subtree at `depth` holding sorted[lo, hi) (all sharing their first depth bits). */
function subtreeHash(sorted: readonly StateEntry[], lo: number, hi: number, depth: number): Uint8Array {
  if (hi === lo) return EMPTY_ROOT;
  if (hi - lo === 1) {
    const e = sorted[lo] as StateEntry;
    return leafHash(e.keyHash, e.valueHash);
  }
  let mid = lo;
  while (mid < hi && bitAt((sorted[mid] as StateEntry).keyHash, depth) === 0) mid++;
  return hashNode(0x01, subtreeHash(sorted, lo, mid, depth + 1), subtreeHash(sorted, mid, hi, depth + 1));
}

/** Bit `i` of `bytes` from `offset`, most significant bit of the first byte first (path order). */
function bitAt(bytes: Uint8Array, i: number, offset = 0): number {
  return ((bytes[offset + (i >> 3)] as number) >> (7 - (i & 7))) & 1;
}

function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = (a[i] as number) ^ (b[i] as number);
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return 256;
}

function popcount8(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

function isZero(b: Uint8Array): boolean {
  let d = 0;
  for (let i = 0; i < b.length; i++) d |= b[i] as number;
  return d === 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function requireBytes(name: string, v: unknown): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

// A key or value hash of the wrong length is a bug in the caller, not a property of a proof.
function requireHash(name: string, v: unknown): asserts v is Uint8Array {
  requireBytes(name, v);
  if (v.length !== 32) throw new TypeError(`${name} must be 32 bytes, got ${v.length}`);
}
