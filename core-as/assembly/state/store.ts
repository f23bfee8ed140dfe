// The key-value state and its commitment. Entries live in raw memory, outside the GC heap, so the
// collector's work stays proportional to a block's transient objects, not to the size of state.
// Writes go to a hash table at once and are folded into the state tree once per block (commit),
// so the tree's cost follows the keys a block touched.
import { sha256Raw } from "../crypto/sha256";
import { StateTree } from "../commit/smt";
import { Writer } from "../codec/writer";
import { MessageList } from "../crypto/batch";
import { sortByHash } from "./hash-order";

// Entry layout (one heap block): next u32 | valPtr u32 | valLen u32 | valCap u32 | keyLen u16 |
// flags u8 | pad u8 | keyHash [32] | state-tree leaf u32 (0 until first committed) | key bytes.
const E_NEXT: usize = 0;
const E_VAL: usize = 4;
const E_VLEN: usize = 8;
const E_VCAP: usize = 12;
const E_KLEN: usize = 16;
const E_FLAGS: usize = 18;
const E_HASH: usize = 20;
const E_LEAF: usize = 52;
const E_KEY: usize = 56;
const LIVE: u8 = 1;
const DIRTY: u8 = 2;

const SCRATCH_HASH: usize = memory.data(32);

export class Store {
  private buckets: usize = heap.alloc(1024 << 2);
  private mask: u32 = 1023;
  private live: u32 = 0;
  private dirty: usize = heap.alloc(256 << 2);
  private dirtyCount: u32 = 0;
  private dirtyCap: u32 = 256;
  tree: StateTree = new StateTree();
  private messages: MessageList = new MessageList();
  private valueHashes: usize = heap.alloc(256 << 5);
  private valueHashCap: u32 = 256;

  constructor() {
    memory.fill(this.buckets, 0, 1024 << 2);
  }

  get size(): u32 {
    return this.live;
  }

  /** The entry for a key (live, or deleted in this block), or 0. */
  find(keyPtr: usize, keyLen: u32): usize {
    sha256Raw(keyPtr, keyLen, SCRATCH_HASH);
    return this.findHash(SCRATCH_HASH);
  }

  /** The entry whose key hashes to the 32 bytes at `hash`, or 0. */
  findHash(hash: usize): usize {
    let e = <usize>load<u32>(this.buckets + ((<usize>(load<u32>(hash) & this.mask)) << 2));
    while (e != 0) {
      if (memory.compare(e + E_HASH, hash, 32) == 0) return e;
      e = <usize>load<u32>(e + E_NEXT);
    }
    return 0;
  }

  @inline static isLive(e: usize): bool {
    return e != 0 && (load<u8>(e + E_FLAGS) & LIVE) != 0;
  }

  @inline static valuePtr(e: usize): usize {
    return <usize>load<u32>(e + E_VAL);
  }

  @inline static valueLen(e: usize): u32 {
    return load<u32>(e + E_VLEN);
  }

  /**
   * Writes a value. `e` is the key's entry from find() (its hash is reused) or 0 to look it up;
   * returns the entry.
   */
  put(e: usize, keyPtr: usize, keyLen: u32, valPtr: usize, valLen: u32): usize {
    if (e == 0) e = this.find(keyPtr, keyLen);
    if (e == 0) e = this.insert(SCRATCH_HASH, keyPtr, keyLen);
    if (valLen > load<u32>(e + E_VCAP)) {
      const old = <usize>load<u32>(e + E_VAL);
      const cap = max<u32>(valLen, 32);
      store<u32>(e + E_VAL, <u32>(old == 0 ? heap.alloc(cap) : heap.realloc(old, cap)));
      store<u32>(e + E_VCAP, cap);
    }
    memory.copy(<usize>load<u32>(e + E_VAL), valPtr, valLen);
    store<u32>(e + E_VLEN, valLen);
    const flags = load<u8>(e + E_FLAGS);
    if ((flags & LIVE) == 0) this.live++;
    store<u8>(e + E_FLAGS, flags | LIVE);
    this.markDirty(e);
    return e;
  }

  /**
   * Writes a value under a key whose sha256 the caller already holds at `hash` (a key written
   * every transaction, or looked up earlier in it), so the key is not hashed again.
   */
  putHashed(hash: usize, keyPtr: usize, keyLen: u32, valPtr: usize, valLen: u32): usize {
    let e = this.findHash(hash);
    if (e == 0) e = this.insert(hash, keyPtr, keyLen);
    return this.put(e, keyPtr, keyLen, valPtr, valLen);
  }

  private insert(hash: usize, keyPtr: usize, keyLen: u32): usize {
    if (this.live + 1 > this.mask + 1) this.grow();
    const e = heap.alloc(E_KEY + <usize>keyLen);
    memory.fill(e, 0, E_KEY);
    store<u16>(e + E_KLEN, <u16>keyLen);
    memory.copy(e + E_HASH, hash, 32);
    memory.copy(e + E_KEY, keyPtr, keyLen);
    const slot = this.buckets + ((<usize>(load<u32>(hash) & this.mask)) << 2);
    store<u32>(e + E_NEXT, load<u32>(slot));
    store<u32>(slot, <u32>e);
    return e;
  }

  private markDirty(e: usize): void {
    const flags = load<u8>(e + E_FLAGS);
    if ((flags & DIRTY) != 0) return;
    store<u8>(e + E_FLAGS, flags | DIRTY);
    if (this.dirtyCount == this.dirtyCap) {
      this.dirtyCap <<= 1;
      this.dirty = heap.realloc(this.dirty, <usize>this.dirtyCap << 2);
    }
    store<u32>(this.dirty + (<usize>this.dirtyCount << 2), <u32>e);
    this.dirtyCount++;
  }

  get(key: Uint8Array): Uint8Array | null {
    const e = this.find(key.dataStart, <u32>key.length);
    if (!Store.isLive(e)) return null;
    const n = Store.valueLen(e);
    const out = new Uint8Array(<i32>n);
    memory.copy(out.dataStart, Store.valuePtr(e), n);
    return out;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.put(0, key.dataStart, <u32>key.length, value.dataStart, <u32>value.length);
  }

  delete(key: Uint8Array): void {
    const e = this.find(key.dataStart, <u32>key.length);
    if (!Store.isLive(e)) return;
    store<u8>(e + E_FLAGS, load<u8>(e + E_FLAGS) & ~LIVE);
    this.live--;
    this.markDirty(e);
  }

  /** Folds every write since the last commit into the state tree (value hashes batched). */
  commit(): void {
    const n = this.dirtyCount;
    if (n == 0) return;
    const m = this.messages;
    m.reset();
    for (let i: u32 = 0; i < n; i++) {
      const e = <usize>load<u32>(this.dirty + (<usize>i << 2));
      // Deleted entries get a zero-length placeholder so indices line up; its hash is unused.
      const live = (load<u8>(e + E_FLAGS) & LIVE) != 0;
      m.push(<usize>load<u32>(e + E_VAL), live ? load<u32>(e + E_VLEN) : 0);
    }
    if (n > this.valueHashCap) {
      this.valueHashCap = n;
      this.valueHashes = heap.realloc(this.valueHashes, <usize>n << 5);
    }
    m.hashInto(this.valueHashes);
    for (let i: u32 = 0; i < n; i++) {
      const e = <usize>load<u32>(this.dirty + (<usize>i << 2));
      const flags = load<u8>(e + E_FLAGS) & ~DIRTY;
      store<u8>(e + E_FLAGS, flags);
      if ((flags & LIVE) != 0) {
        const vh = this.valueHashes + (<usize>i << 5);
        const leaf = load<u32>(e + E_LEAF);
        if (leaf != 0) this.tree.update(leaf, vh);
        else store<u32>(e + E_LEAF, this.tree.set(e + E_HASH, vh));
      } else {
        this.tree.remove(e + E_HASH);
        this.unlink(e);
      }
    }
    this.dirtyCount = 0;
  }

  /** The state root after commit(). */
  root(out: usize): void {
    this.commit();
    this.tree.root(out);
  }

  prove(key: Uint8Array, w: Writer): void {
    this.commit();
    sha256Raw(key.dataStart, <usize>key.length, SCRATCH_HASH);
    this.tree.prove(SCRATCH_HASH, w);
  }

  private unlink(target: usize): void {
    let slot = this.buckets + ((<usize>(load<u32>(target + E_HASH) & this.mask)) << 2);
    let e = <usize>load<u32>(slot);
    while (e != 0) {
      if (e == target) {
        store<u32>(slot, load<u32>(e + E_NEXT));
        const v = <usize>load<u32>(e + E_VAL);
        if (v != 0) heap.free(v);
        heap.free(e);
        return;
      }
      slot = e + E_NEXT;
      e = <usize>load<u32>(slot);
    }
  }

  private grow(): void {
    const oldBuckets = this.buckets;
    const oldCap = this.mask + 1;
    const cap = oldCap << 1;
    this.buckets = heap.alloc(<usize>cap << 2);
    memory.fill(this.buckets, 0, <usize>cap << 2);
    this.mask = cap - 1;
    for (let i: u32 = 0; i < oldCap; i++) {
      let e = <usize>load<u32>(oldBuckets + (<usize>i << 2));
      while (e != 0) {
        const next = <usize>load<u32>(e + E_NEXT);
        const slot = this.buckets + ((<usize>(load<u32>(e + E_HASH) & this.mask)) << 2);
        store<u32>(e + E_NEXT, load<u32>(slot));
        store<u32>(slot, <u32>e);
        e = next;
      }
    }
    heap.free(oldBuckets);
  }

  /**
   * Returns every byte of raw memory this store holds (entries, values, table, lists, tree). The
   * GC does not see raw memory: a store being dropped must be freed, or it leaks.
   */
  free(): void {
    for (let i: u32 = 0; i <= this.mask; i++) {
      let e = <usize>load<u32>(this.buckets + (<usize>i << 2));
      while (e != 0) {
        const next = <usize>load<u32>(e + E_NEXT);
        const v = <usize>load<u32>(e + E_VAL);
        if (v != 0) heap.free(v);
        heap.free(e);
        e = next;
      }
    }
    heap.free(this.buckets);
    heap.free(this.dirty);
    heap.free(this.valueHashes);
    this.messages.free();
    this.tree.clear();
    this.live = 0;
    this.dirtyCount = 0;
  }

  /** Every live entry's pointer, ordered by key hash (the snapshot order). */
  sortedEntries(): StaticArray<u32> {
    this.commit();
    const out = new StaticArray<u32>(<i32>this.live);
    let n = 0;
    for (let i: u32 = 0; i <= this.mask; i++) {
      let e = <usize>load<u32>(this.buckets + (<usize>i << 2));
      while (e != 0) {
        if ((load<u8>(e + E_FLAGS) & LIVE) != 0) unchecked((out[n++] = <u32>e));
        e = <usize>load<u32>(e + E_NEXT);
      }
    }
    sortByHash(changetype<usize>(out), <u32>n, E_HASH);
    return out;
  }

  @inline static keyPtr(e: usize): usize {
    return e + E_KEY;
  }

  @inline static keyLen(e: usize): u32 {
    return <u32>load<u16>(e + E_KLEN);
  }
}
