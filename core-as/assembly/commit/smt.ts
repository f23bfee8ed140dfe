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
import { hashNode4 } from "../crypto/sha256x4";

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
/** Reference of the internal node holding this leaf (0 at the root): updates walk up from here. */
const L_PARENT: usize = 100;
const LEAF_SIZE: usize = 104;

// Internal node: hash[32] ‖ left u32 ‖ right u32 ‖ bit u16 ‖ dirty u8 (padded to 44 bytes).
// `bit` is the level at which its keys split; `hash` is the hash of its subtree as seen from
// its parent's child slot, i.e. already lifted through the empty-sided levels above `bit`.
const N_HASH: usize = 0;
const N_LEFT: usize = 32;
const N_RIGHT: usize = 36;
const N_BIT: usize = 40;
const N_DIRTY: usize = 42;
const N_PARENT: usize = 44;
const NODE_SIZE: usize = 48;

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
  /** Records marked dirty since the last refresh, in marking order. */
  private dirtyList: RefList = new RefList();
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

  /**
   * Marks the internal nodes held by PATH[0..n) dirty, deepest first. Every ancestor of a dirty
   * node is dirty (each marking covers a whole path to the root), so the walk stops at the first
   * node already marked.
   */
  private markPath(n: i32): void {
    for (let i: i32 = n - 1; i >= 0; i--) {
      const ref = load<u32>(this.pathSlot(i));
      const a = this.nodeAddr(ref);
      if (load<u8>(a + N_DIRTY) != 0) return;
      store<u8>(a + N_DIRTY, 1);
      this.dirtyList.push(ref);
    }
  }

  /** Marks `ref` (an internal node or 0) and its ancestors dirty, up to the first marked one. */
  private markUp(ref: u32): void {
    while (ref != 0) {
      const a = this.nodeAddr(ref);
      if (load<u8>(a + N_DIRTY) != 0) return;
      store<u8>(a + N_DIRTY, 1);
      this.dirtyList.push(ref);
      ref = load<u32>(a + N_PARENT);
    }
  }

  /** Marks a node or leaf dirty, listing it for the next refresh if it was clean. */
  private markDirty(ref: u32): void {
    const flag = isLeafRef(ref) ? this.leafAddr(ref) + L_DIRTY : this.nodeAddr(ref) + N_DIRTY;
    if (load<u8>(flag) != 0) return;
    store<u8>(flag, 1);
    this.dirtyList.push(ref);
  }

  /** The internal node owning PATH[i] (the slot at index i), or 0 for the root slot. */
  @inline private slotOwner(i: i32): u32 {
    return i == 0 ? 0 : load<u32>(this.pathSlot(i - 1));
  }

  /** Sets the parent link of any node or leaf. */
  @inline private setParent(ref: u32, parent: u32): void {
    if (isLeafRef(ref)) store<u32>(this.leafAddr(ref) + L_PARENT, parent);
    else store<u32>(this.nodeAddr(ref) + N_PARENT, parent);
  }

  /**
   * Changes the value hash of the leaf `leafRef` (as returned by set) without searching for it:
   * the store keeps each key's leaf, so a block's updates skip the walk down from the root.
   */
  update(leafRef: u32, valueHash: usize): void {
    const leaf = this.leafAddr(leafRef);
    if (memory.compare(leaf + L_VALUE, valueHash, 32) == 0) return;
    memory.copy(leaf + L_VALUE, valueHash, 32);
    this.markDirty(leafRef);
    this.markUp(load<u32>(leaf + L_PARENT));
  }

  private newLeaf(keyHash: usize, valueHash: usize): u32 {
    const idx = this.leaves.alloc();
    const a = this.leaves.addr(idx);
    memory.copy(a + L_KEY, keyHash, 32);
    memory.copy(a + L_VALUE, valueHash, 32);
    store<u8>(a + L_DIRTY, 0);
    store<u32>(a + L_PARENT, 0);
    const ref = (idx << 1) | 1;
    this.markDirty(ref);
    return ref;
  }

  /** Inserts `keyHash` or updates its value hash; returns the key's leaf (for update()). */
  set(keyHash: usize, valueHash: usize): u32 {
    if (this.rootRef == 0) {
      this.rootRef = this.newLeaf(keyHash, valueHash);
      return this.rootRef;
    }
    const n = this.descend(keyHash);
    const leafRef = load<u32>(this.pathSlot(n));
    const leaf = this.leafAddr(leafRef);
    const c = critBit(keyHash, leaf + L_KEY);
    if (c == 256) {
      if (memory.compare(leaf + L_VALUE, valueHash, 32) == 0) return leafRef; // unchanged: nothing dirty
      memory.copy(leaf + L_VALUE, valueHash, 32);
      this.markDirty(leafRef);
      this.markPath(n);
      return leafRef;
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
    store<u8>(m + N_DIRTY, 0);
    this.markDirty(idx << 1);
    store<u32>(m + N_PARENT, this.slotOwner(i));
    this.setParent(displaced, idx << 1);
    this.setParent(fresh, idx << 1);
    // A displaced internal node now hangs from a deeper slot: its lifted hash must be redone.
    if (!isLeafRef(displaced)) this.markDirty(displaced);
    store<u32>(slot, idx << 1);
    this.markPath(i);
    return fresh;
  }

  /** Removes `keyHash`; returns whether it was present. */
  remove(keyHash: usize): bool {
    if (this.rootRef == 0) return false;
    const n = this.descend(keyHash);
    const leafRef = load<u32>(this.pathSlot(n));
    if (critBit(keyHash, this.leafAddr(leafRef) + L_KEY) != 256) return false;
    // A released record must never be hashed (its first bytes become the pool's free link).
    store<u8>(this.leafAddr(leafRef) + L_DIRTY, 0);
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
    this.setParent(sibling, this.slotOwner(n - 1));
    store<u8>(p + N_DIRTY, 0);
    this.nodes.release(parentRef >> 1);
    if (!isLeafRef(sibling)) this.markDirty(sibling);
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
    this.dirtyList.free();
  }

  /**
   * Recomputes every dirty hash as a wavefront over depth: a hash that yields the subtree at
   * depth l needs only hashes of depth > l, so all the work at one depth is independent and goes
   * through the 4-lane SIMD hasher together. Same hashes as a recursive walk, about 3x faster.
   */
  private refresh(): void {
    work.reset();
    this.collectListed();
    if (this.rootRef == 0) return;
    this.hashLeaves();
    this.hashNodes();
  }

  /**
   * Moves the dirty records listed since the last refresh into the work lists, clearing their
   * flags. A record listed twice (released and reused) is taken once: its flag is clear the
   * second time. Each node's slot depth comes from its parent's split bit.
   */
  private collectListed(): void {
    const n = this.dirtyList.count;
    for (let i: u32 = 0; i < n; i++) {
      const ref = this.dirtyList.at(i);
      if (isLeafRef(ref)) {
        const a = this.leafAddr(ref);
        if (load<u8>(a + L_DIRTY) == 0) continue;
        store<u8>(a + L_DIRTY, 0);
        work.pushLeaf(a);
      } else {
        const a = this.nodeAddr(ref);
        if (load<u8>(a + N_DIRTY) == 0) continue;
        store<u8>(a + N_DIRTY, 0);
        const bit = <u32>load<u16>(a + N_BIT);
        const parent = load<u32>(a + N_PARENT);
        const depth: u32 = parent == 0 ? 0 : <u32>load<u16>(this.nodeAddr(parent) + N_BIT) + 1;
        work.pushNode(a, bit, depth, bit > depth ? this.anyKey(load<u32>(a + N_LEFT)) : 0);
      }
    }
    this.dirtyList.count = 0;
  }

  private hashLeaves(): void {
    const n = work.leafCount;
    for (let i: u32 = 0; i < n; i++) {
      const a = work.leaf(i);
      work.op(a + L_KEY, a + L_VALUE, a + L_HASH);
    }
    work.flush(0x00);
    this.hashCount += <u64>n;
  }

  private hashNodes(): void {
    const total = work.nodeCount;
    if (total == 0) return;
    work.sortNodesByBitDescending();
    let next: u32 = 0;
    let level = <i32>work.nodeBit(work.sorted(0));
    while (next < total || work.activeCount > 0) {
      if (work.activeCount == 0) level = <i32>work.nodeBit(work.sorted(next));
      while (next < total && <i32>work.nodeBit(work.sorted(next)) == level) work.activate(work.sorted(next++));
      for (let k: u32 = 0; k < work.activeCount; k++) {
        const r = work.active(k);
        const a = work.nodeAddr(r);
        const h = a + N_HASH;
        if (<i32>work.nodeBit(r) == level) {
          work.op(this.hashPtr(load<u32>(a + N_LEFT)), this.hashPtr(load<u32>(a + N_RIGHT)), h);
        } else if (keyBit(work.nodeKey(r), <u32>level) != 0) {
          work.op(ZERO, h, h);
        } else {
          work.op(h, ZERO, h);
        }
      }
      this.hashCount += <u64>work.flush(0x01);
      work.retireAt(<u32>level);
      level--;
    }
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

// ---- the wavefront's work lists ---------------------------------------------------------------
// Raw, reused between refreshes. Node records are (addr, bit, depth of its slot, a key under it).

class Work {
  private leaves: usize = heap.alloc(64 << 2);
  private leafCap: u32 = 64;
  leafCount: u32 = 0;
  private nodes: usize = heap.alloc(64 << 4);
  private nodeCap: u32 = 64;
  nodeCount: u32 = 0;
  private order: usize = heap.alloc(64 << 2);
  private act: usize = heap.alloc(64 << 2);
  activeCount: u32 = 0;
  private ops: usize = heap.alloc(64 * 12);
  private opCount: u32 = 0;
  private opCap: u32 = 64;
  private counts: StaticArray<u32> = new StaticArray<u32>(257);

  reset(): void {
    this.leafCount = 0;
    this.nodeCount = 0;
    this.activeCount = 0;
    this.opCount = 0;
  }

  pushLeaf(addr: usize): void {
    if (this.leafCount == this.leafCap) {
      this.leafCap <<= 1;
      this.leaves = heap.realloc(this.leaves, <usize>this.leafCap << 2);
    }
    store<u32>(this.leaves + (<usize>(this.leafCount++) << 2), <u32>addr);
  }

  @inline leaf(i: u32): usize {
    return <usize>load<u32>(this.leaves + (<usize>i << 2));
  }

  pushNode(addr: usize, bit: u32, depth: u32, key: usize): void {
    if (this.nodeCount == this.nodeCap) {
      this.nodeCap <<= 1;
      this.nodes = heap.realloc(this.nodes, <usize>this.nodeCap << 4);
      this.order = heap.realloc(this.order, <usize>this.nodeCap << 2);
      this.act = heap.realloc(this.act, <usize>this.nodeCap << 2);
    }
    const r = this.nodes + (<usize>(this.nodeCount++) << 4);
    store<u32>(r, <u32>addr);
    store<u32>(r, bit, 4);
    store<u32>(r, depth, 8);
    store<u32>(r, <u32>key, 12);
  }

  @inline nodeAddr(i: u32): usize {
    return <usize>load<u32>(this.nodes + (<usize>i << 4));
  }

  @inline nodeBit(i: u32): u32 {
    return load<u32>(this.nodes + (<usize>i << 4), 4);
  }

  @inline nodeDepth(i: u32): u32 {
    return load<u32>(this.nodes + (<usize>i << 4), 8);
  }

  @inline nodeKey(i: u32): usize {
    return <usize>load<u32>(this.nodes + (<usize>i << 4), 12);
  }

  @inline sorted(k: u32): u32 {
    return load<u32>(this.order + (<usize>k << 2));
  }

  @inline active(k: u32): u32 {
    return load<u32>(this.act + (<usize>k << 2));
  }

  /** Counting sort of node indices by split bit, deepest first. */
  sortNodesByBitDescending(): void {
    const counts = this.counts;
    for (let b = 0; b < 257; b++) unchecked((counts[b] = 0));
    for (let i: u32 = 0; i < this.nodeCount; i++) unchecked(counts[255 - this.nodeBit(i)]++);
    let sum: u32 = 0;
    for (let b = 0; b < 257; b++) {
      const c = unchecked(counts[b]);
      unchecked((counts[b] = sum));
      sum += c;
    }
    for (let i: u32 = 0; i < this.nodeCount; i++) {
      const slot = 255 - this.nodeBit(i);
      store<u32>(this.order + (<usize>(unchecked(counts[slot]++)) << 2), i);
    }
  }

  activate(i: u32): void {
    store<u32>(this.act + (<usize>(this.activeCount++) << 2), i);
  }

  /** Drops the nodes whose last hash (the one at their slot's depth) was at `level`. */
  retireAt(level: u32): void {
    let kept: u32 = 0;
    for (let k: u32 = 0; k < this.activeCount; k++) {
      const i = this.active(k);
      if (this.nodeDepth(i) != level) store<u32>(this.act + (<usize>(kept++) << 2), i);
    }
    this.activeCount = kept;
  }

  /** Queues out = sha256(prefix ‖ a ‖ b) (prefix given at flush). */
  op(a: usize, b: usize, out: usize): void {
    if (this.opCount == this.opCap) {
      this.opCap <<= 1;
      this.ops = heap.realloc(this.ops, <usize>this.opCap * 12);
    }
    const p = this.ops + <usize>(this.opCount++) * 12;
    store<u32>(p, <u32>a);
    store<u32>(p, <u32>b, 4);
    store<u32>(p, <u32>out, 8);
  }

  /** Runs the queued hashes four lanes at a time; returns how many there were. */
  flush(prefix: u8): u32 {
    const n = this.opCount;
    let i: u32 = 0;
    for (; i + 4 <= n; i += 4) {
      const p = this.ops + <usize>i * 12;
      hashNode4(
        prefix,
        load<u32>(p), load<u32>(p, 4), load<u32>(p, 12), load<u32>(p, 16),
        load<u32>(p, 24), load<u32>(p, 28), load<u32>(p, 36), load<u32>(p, 40),
        load<u32>(p, 8), load<u32>(p, 20), load<u32>(p, 32), load<u32>(p, 44),
      );
    }
    const rest = n - i;
    if (rest == 1) {
      const p = this.ops + <usize>i * 12;
      hashNode(prefix, load<u32>(p), load<u32>(p, 4), load<u32>(p, 8));
    } else if (rest > 1) {
      // Two or three left: one SIMD pass with the last repeated beats scalar hashes.
      const p0 = this.ops + <usize>i * 12;
      const p1 = p0 + 12;
      const p2 = rest == 3 ? p1 + 12 : p1;
      hashNode4(
        prefix,
        load<u32>(p0), load<u32>(p0, 4), load<u32>(p1), load<u32>(p1, 4),
        load<u32>(p2), load<u32>(p2, 4), load<u32>(p2), load<u32>(p2, 4),
        load<u32>(p0, 8), load<u32>(p1, 8), load<u32>(p2, 8), load<u32>(p2, 8),
      );
    }
    this.opCount = 0;
    return n;
  }
}

const work = new Work();

/** References marked dirty since the last refresh (raw, reused). */
class RefList {
  private data: usize = 0;
  private cap: u32 = 0;
  count: u32 = 0;

  push(ref: u32): void {
    if (this.count == this.cap) {
      this.cap = this.cap == 0 ? 256 : this.cap << 1;
      this.data = this.data == 0 ? heap.alloc(<usize>this.cap << 2) : heap.realloc(this.data, <usize>this.cap << 2);
    }
    store<u32>(this.data + (<usize>this.count << 2), ref);
    this.count++;
  }

  @inline at(i: u32): u32 {
    return load<u32>(this.data + (<usize>i << 2));
  }

  /** Returns the list's memory (raw memory is not collected with its owner). */
  free(): void {
    if (this.data != 0) heap.free(this.data);
    this.data = 0;
    this.cap = 0;
    this.count = 0;
  }
}
