// The state commitment: a canonical sparse Merkle tree over 256-bit key hashes
// (definitions and proof format: docs/state-tree.md).
//
// The tree the root commits to is the canonical one: an empty subtree hashes to zeros, a subtree
// holding one leaf hashes to that leaf's hash wherever it sits, and a subtree with two or more
// leaves hashes to sha256(0x01 ‖ left ‖ right). What is stored is its PATRICIA compression: every
// internal node here is a point where keys really split (two non-empty children), and the levels
// between two such points, where one side is empty, are not stored but re-hashed ("lifted") when
// the hash is needed. That keeps memory at 2 records per key and the work of one update at the
// depth of its key.
//
// Nodes live in raw memory, not as GC objects: a state may hold millions of them and the GC
// must never scan them. Two pools (leaves, internal nodes) of fixed-size records in chunks that
// never move, so raw addresses of child slots stay valid while new nodes are allocated.
//
// Hashes are lazy: set/remove only mark the nodes on the touched path dirty; root() recomputes
// just the dirty ones, so a block that touches k keys costs about k × depth hashes, whatever the
// size of the state.

import { Writer } from "../codec/writer";
import { hashNode } from "../crypto/sha256";

// ---- child references ----------------------------------------------------------------------
// A u32: 0 = empty, odd = leaf (index << 1 | 1), even = internal node (index << 1).
// Indices start at 1 in both pools, so no real node has reference 0.

@inline function isLeafRef(ref: u32): bool {
  return (ref & 1) != 0;
}

// ---- records --------------------------------------------------------------------------------
// Leaf: keyHash[32] ‖ valueHash[32] ‖ leafHash[32] ‖ dirty u8 (padded to 100 bytes).
const L_KEY: usize = 0;
const L_VALUE: usize = 32;
const L_HASH: usize = 64;
const L_DIRTY: usize = 96;
const LEAF_SIZE: usize = 100;

// Internal node: hash[32] ‖ left u32 ‖ right u32 ‖ bit u16 ‖ dirty u8 (padded to 44 bytes).
// `bit` is the level at which its keys split; `hash` is the hash of its subtree as seen from
// its parent's child slot, i.e. already lifted through the empty-sided levels above `bit`.
const N_HASH: usize = 0;
const N_LEFT: usize = 32;
const N_RIGHT: usize = 36;
const N_BIT: usize = 40;
const N_DIRTY: usize = 42;
const NODE_SIZE: usize = 44;

// Proof kinds (first byte of a proof).
export const PROOF_INCLUSION: u8 = 0;
export const PROOF_ABSENT_EMPTY: u8 = 1;
export const PROOF_ABSENT_LEAF: u8 = 2;

/** The largest proof: header 3, bitmap 32, 256 siblings, one foreign leaf. */
export const MAX_PROOF_LEN: i32 = 3 + 32 + 256 * 32 + 64;

const ZERO: usize = memory.data(32);
/** Lifted hash of the terminal node of an absence proof. */
const SCRATCH: usize = memory.data(32);
/** Slot addresses (or node references) along one path: at most 256 internal nodes + 1 leaf. */
const PATH: usize = memory.data(258 * sizeof<usize>());

/** Bit `i` of the 256-bit key at `key` (bit 0 = most significant bit of byte 0). */
@inline function keyBit(key: usize, i: u32): u32 {
  return (<u32>load<u8>(key + <usize>(i >> 3)) >> (7 - (i & 7))) & 1;
}

/** The first bit where two 32-byte keys differ, 256 if they are equal. */
function critBit(a: usize, b: usize): u32 {
  for (let w: usize = 0; w < 32; w += 8) {
    const x = bswap<u64>(load<u64>(a + w)) ^ bswap<u64>(load<u64>(b + w));
    if (x != 0) return <u32>(w << 3) + <u32>clz<u64>(x);
  }
  return 256;
}

// ---- node pool ------------------------------------------------------------------------------

const CHUNK_SHIFT: u32 = 12;
const CHUNK_MASK: u32 = (1 << CHUNK_SHIFT) - 1;

/**
 * Fixed-size records in raw memory, addressed by index, with a free list. Chunks of 4096
 * records never move once allocated (only the small chunk directory is reallocated), so an
 * address taken before an allocation is still valid after it, and growth never copies nodes.
 */
class Pool {
  private dir: usize = 0;
  private dirCap: u32 = 0;
  private chunks: u32 = 0;
  private top: u32 = 1; // next never-used index; 0 means "none"
  private freeHead: u32 = 0;
  live: u32 = 0;
  recSize: usize;

  constructor(recSize: usize) {
    this.recSize = recSize;
  }

  @inline addr(idx: u32): usize {
    return load<usize>(this.dir + ((<usize>(idx >> CHUNK_SHIFT)) << alignof<usize>())) + <usize>(idx & CHUNK_MASK) * this.recSize;
  }

  alloc(): u32 {
    this.live++;
    const f = this.freeHead;
    if (f != 0) {
      this.freeHead = load<u32>(this.addr(f));
      return f;
    }
    const idx = this.top;
    if ((idx >> CHUNK_SHIFT) >= this.chunks) this.grow();
    this.top = idx + 1;
    return idx;
  }

  release(idx: u32): void {
    store<u32>(this.addr(idx), this.freeHead);
    this.freeHead = idx;
    this.live--;
  }

  private grow(): void {
    if (this.chunks == this.dirCap) {
      const cap = this.dirCap == 0 ? 16 : this.dirCap << 1;
      const bytes = <usize>cap << alignof<usize>();
      this.dir = this.dir == 0 ? heap.alloc(bytes) : heap.realloc(this.dir, bytes);
      this.dirCap = cap;
    }
    store<usize>(this.dir + (<usize>this.chunks << alignof<usize>()), heap.alloc(this.recSize << CHUNK_SHIFT));
    this.chunks++;
  }

  /** Returns every chunk to the allocator. */
  clear(): void {
    for (let i: u32 = 0; i < this.chunks; i++) heap.free(load<usize>(this.dir + (<usize>i << alignof<usize>())));
    if (this.dir != 0) heap.free(this.dir);
    this.dir = 0;
    this.dirCap = 0;
    this.chunks = 0;
    this.top = 1;
    this.freeHead = 0;
    this.live = 0;
  }
}

// ---- the tree -------------------------------------------------------------------------------

export class StateTree {
  private leaves: Pool = new Pool(LEAF_SIZE);
  private nodes: Pool = new Pool(NODE_SIZE);
  private rootRef: u32 = 0;
  /** Hashes computed so far (root recomputation and proofs): how tests see incremental cost. */
  hashCount: u64 = 0;

  /** Number of keys. */
  get size(): u32 {
    return this.leaves.live;
  }

  /** Number of internal (splitting) nodes: always size - 1 for a non-empty tree. */
  get internalNodes(): u32 {
    return this.nodes.live;
  }

  // The root reference is a field of this (GC, non-moving) object; treating its address as one
  // more child slot lets insert and remove rewrite "the slot that points here" uniformly.
  @inline private get rootSlot(): usize {
    return changetype<usize>(this) + offsetof<StateTree>("rootRef");
  }

  @inline private leafAddr(ref: u32): usize {
    return this.leaves.addr(ref >> 1);
  }

  @inline private nodeAddr(ref: u32): usize {
    return this.nodes.addr(ref >> 1);
  }

  /** Where the (clean) hash of the subtree behind `ref` is stored. */
  @inline private hashPtr(ref: u32): usize {
    return isLeafRef(ref) ? this.leafAddr(ref) + L_HASH : this.nodeAddr(ref) + N_HASH;
  }

  /**
   * Follows `key`'s bits at each split from the root down to a leaf, recording in PATH the
   * address of every slot passed (PATH[0] is the root slot). Returns the number of internal
   * nodes passed; PATH[n] is the slot of the leaf reached. The tree must not be empty.
   * This checks only the split bits: the caller compares the key with the leaf reached.
   */
  private descend(key: usize): i32 {
    let slot = this.rootSlot;
    let ref = this.rootRef;
    let n: i32 = 0;
    while (!isLeafRef(ref)) {
      store<usize>(PATH + (<usize>n << alignof<usize>()), slot);
      n++;
      const a = this.nodeAddr(ref);
      slot = a + (keyBit(key, <u32>load<u16>(a + N_BIT)) != 0 ? N_RIGHT : N_LEFT);
      ref = load<u32>(slot);
    }
    store<usize>(PATH + (<usize>n << alignof<usize>()), slot);
    return n;
  }

  @inline private pathSlot(i: i32): usize {
    return load<usize>(PATH + (<usize>i << alignof<usize>()));
  }

  /** Marks the internal nodes held by PATH[0..n) dirty. */
  private markPath(n: i32): void {
    for (let i: i32 = 0; i < n; i++) store<u8>(this.nodeAddr(load<u32>(this.pathSlot(i))) + N_DIRTY, 1);
  }

  private newLeaf(keyHash: usize, valueHash: usize): u32 {
    const idx = this.leaves.alloc();
    const a = this.leaves.addr(idx);
    memory.copy(a + L_KEY, keyHash, 32);
    memory.copy(a + L_VALUE, valueHash, 32);
    store<u8>(a + L_DIRTY, 1);
    return (idx << 1) | 1;
  }

  /** Inserts `keyHash` or updates its value hash. */
  set(keyHash: usize, valueHash: usize): void {
    if (this.rootRef == 0) {
      this.rootRef = this.newLeaf(keyHash, valueHash);
      return;
    }
    const n = this.descend(keyHash);
    const leaf = this.leafAddr(load<u32>(this.pathSlot(n)));
    const c = critBit(keyHash, leaf + L_KEY);
    if (c == 256) {
      if (memory.compare(leaf + L_VALUE, valueHash, 32) == 0) return; // unchanged: nothing dirty
      memory.copy(leaf + L_VALUE, valueHash, 32);
      store<u8>(leaf + L_DIRTY, 1);
      this.markPath(n);
      return;
    }
    // The new key leaves the existing keys at bit c. Every node on the path splitting above c
    // keeps it; the first one splitting below c (or the leaf) moves down under a new node at c.
    let i: i32 = 0;
    while (i < n && <u32>load<u16>(this.nodeAddr(load<u32>(this.pathSlot(i))) + N_BIT) < c) i++;
    const slot = this.pathSlot(i);
    const displaced = load<u32>(slot);
    const fresh = this.newLeaf(keyHash, valueHash);
    const idx = this.nodes.alloc();
    const m = this.nodes.addr(idx);
    const goesRight = keyBit(keyHash, c) != 0;
    store<u32>(m + N_LEFT, goesRight ? displaced : fresh);
    store<u32>(m + N_RIGHT, goesRight ? fresh : displaced);
    store<u16>(m + N_BIT, <u16>c);
    store<u8>(m + N_DIRTY, 1);
    // A displaced internal node now hangs from a deeper slot: its lifted hash must be redone.
    if (!isLeafRef(displaced)) store<u8>(this.nodeAddr(displaced) + N_DIRTY, 1);
    store<u32>(slot, idx << 1);
    this.markPath(i);
  }

  /** Removes `keyHash`; returns whether it was present. */
  remove(keyHash: usize): bool {
    if (this.rootRef == 0) return false;
    const n = this.descend(keyHash);
    const leafRef = load<u32>(this.pathSlot(n));
    if (critBit(keyHash, this.leafAddr(leafRef) + L_KEY) != 256) return false;
    this.leaves.release(leafRef >> 1);
    if (n == 0) {
      this.rootRef = 0;
      return true;
    }
    // Canonical form: the parent had exactly two children; the sibling takes its place.
    const parentSlot = this.pathSlot(n - 1);
    const parentRef = load<u32>(parentSlot);
    const p = this.nodeAddr(parentRef);
    const sibling = this.pathSlot(n) == p + N_LEFT ? load<u32>(p + N_RIGHT) : load<u32>(p + N_LEFT);
    store<u32>(parentSlot, sibling);
    this.nodes.release(parentRef >> 1);
    if (!isLeafRef(sibling)) store<u8>(this.nodeAddr(sibling) + N_DIRTY, 1);
    this.markPath(n - 1);
    return true;
  }

  has(keyHash: usize): bool {
    if (this.rootRef == 0) return false;
    const n = this.descend(keyHash);
    return critBit(keyHash, this.leafAddr(load<u32>(this.pathSlot(n))) + L_KEY) == 256;
  }

  /** Writes the 32-byte state root to `out`, recomputing dirty nodes only. */
  root(out: usize): void {
    this.refresh();
    if (this.rootRef == 0) memory.fill(out, 0, 32);
    else memory.copy(out, this.hashPtr(this.rootRef), 32);
  }

  /** Removes every key and returns all node memory to the allocator. */
  clear(): void {
    this.leaves.clear();
    this.nodes.clear();
    this.rootRef = 0;
  }

  private refresh(): void {
    if (this.rootRef != 0) this.recompute(this.rootRef, 0);
  }

  /** Recomputes the dirty nodes under `ref`, whose slot is at depth `depth`. */
  private recompute(ref: u32, depth: u32): void {
    if (isLeafRef(ref)) {
      const a = this.leafAddr(ref);
      if (load<u8>(a + L_DIRTY) == 0) return;
      hashNode(0x00, a + L_KEY, a + L_VALUE, a + L_HASH);
      this.hashCount++;
      store<u8>(a + L_DIRTY, 0);
      return;
    }
    const a = this.nodeAddr(ref);
    if (load<u8>(a + N_DIRTY) == 0) return;
    const bit = <u32>load<u16>(a + N_BIT);
    const left = load<u32>(a + N_LEFT);
    const right = load<u32>(a + N_RIGHT);
    this.recompute(left, bit + 1);
    this.recompute(right, bit + 1);
    hashNode(0x01, this.hashPtr(left), this.hashPtr(right), a + N_HASH);
    this.hashCount++;
    if (bit > depth) this.lift(a + N_HASH, this.anyKey(left), bit, depth);
    store<u8>(a + N_DIRTY, 0);
  }

  /**
   * Turns the hash `h` (in place) of a subtree at depth `from` into the hash of the subtree at
   * depth `to` < `from` that contains it and nothing else: one level up at a time, with the
   * empty sibling on the side opposite `key`'s bit (any key of the subtree has the same bits).
   */
  private lift(h: usize, key: usize, from: u32, to: u32): void {
    for (let j = from; j > to; j--) {
      if (keyBit(key, j - 1) != 0) hashNode(0x01, ZERO, h, h);
      else hashNode(0x01, h, ZERO, h);
    }
    this.hashCount += <u64>(from - to);
  }

  /** The key of some leaf under `ref` (its leftmost). */
  private anyKey(ref: u32): usize {
    while (!isLeafRef(ref)) ref = load<u32>(this.nodeAddr(ref) + N_LEFT);
    return this.leafAddr(ref) + L_KEY;
  }

  /**
   * Appends the proof for `keyHash` to `w` (format: docs/state-tree.md): an inclusion proof if
   * the key is present, an absence proof otherwise. Recomputes dirty nodes first.
   */
  prove(keyHash: usize, w: Writer): void {
    this.refresh();
    w.ensure(MAX_PROOF_LEN);
    if (this.rootRef == 0) {
      w.u8(PROOF_ABSENT_EMPTY);
      w.u16le(0);
      return;
    }
    const n = this.descend(keyHash);
    const leaf = this.leafAddr(load<u32>(this.pathSlot(n)));
    const c = critBit(keyHash, leaf + L_KEY);
    // The key agrees with every node on the path that splits above c. If some node splits below
    // c, the key leaves that node's shared prefix at level c: its path ends at an empty subtree
    // at depth c + 1 whose sibling is that node's subtree. Otherwise it ends at the leaf.
    let t: i32 = 0;
    while (t < n && <u32>load<u16>(this.nodeAddr(load<u32>(this.pathSlot(t))) + N_BIT) < c) t++;
    let kind: u8;
    let depth: u32;
    if (t < n) {
      kind = PROOF_ABSENT_EMPTY;
      depth = c + 1;
    } else {
      kind = c == 256 ? PROOF_INCLUSION : PROOF_ABSENT_LEAF;
      depth = n == 0 ? 0 : <u32>load<u16>(this.nodeAddr(load<u32>(this.pathSlot(n - 1))) + N_BIT) + 1;
    }
    w.u8(kind);
    w.u16le(<u16>depth);
    // Capacity was ensured above, so the buffer does not move while we write into it.
    const bitmap = w.ptr + <usize>w.len;
    const bitmapLen = <i32>((depth + 7) >> 3);
    memory.fill(bitmap, 0, <usize>bitmapLen);
    w.len += bitmapLen;
    for (let i: i32 = 0; i < t; i++) {
      const a = this.nodeAddr(load<u32>(this.pathSlot(i)));
      const bit = <u32>load<u16>(a + N_BIT);
      const sibling = keyBit(keyHash, bit) != 0 ? load<u32>(a + N_LEFT) : load<u32>(a + N_RIGHT);
      setLevel(bitmap, bit);
      w.raw(this.hashPtr(sibling), 32);
    }
    if (t < n) {
      const a = this.nodeAddr(load<u32>(this.pathSlot(t)));
      const bit = <u32>load<u16>(a + N_BIT);
      hashNode(0x01, this.hashPtr(load<u32>(a + N_LEFT)), this.hashPtr(load<u32>(a + N_RIGHT)), SCRATCH);
      this.hashCount++;
      this.lift(SCRATCH, leaf + L_KEY, bit, c + 1);
      setLevel(bitmap, c);
      w.raw(SCRATCH, 32);
    } else if (kind == PROOF_ABSENT_LEAF) {
      w.raw(leaf + L_KEY, 32);
      w.raw(leaf + L_VALUE, 32);
    }
  }
}

/** Sets the bitmap bit of level `i` (same bit order as keys). */
@inline function setLevel(bitmap: usize, i: u32): void {
  const p = bitmap + <usize>(i >> 3);
  store<u8>(p, load<u8>(p) | <u8>(<u32>0x80 >> (i & 7)));
}
