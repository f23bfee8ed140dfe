// The key-value state and its commitment. Writes go to a hash table at once and are folded into
// the state tree once per block (commit), so the tree's cost follows the keys a block touched.
import { sha256Raw } from "../crypto/sha256";
import { StateTree } from "../commit/smt";
import { Writer } from "../codec/writer";

export class Entry {
  keyHash: Uint8Array = new Uint8Array(32);
  value: Uint8Array | null = null;
  next: Entry | null = null;
  dirty: bool = false;
  constructor(public key: Uint8Array) {
    sha256Raw(key.dataStart, <usize>key.length, this.keyHash.dataStart);
  }
}

export class Store {
  private buckets: StaticArray<Entry | null> = new StaticArray<Entry | null>(1024);
  private mask: u32 = 1023;
  private live: u32 = 0;
  private dirtyList: Entry[] = [];
  tree: StateTree = new StateTree();

  get size(): u32 {
    return this.live;
  }

  private find(key: Uint8Array, keyHash: usize): Entry | null {
    let e = unchecked(this.buckets[load<u32>(keyHash) & this.mask]);
    while (e) {
      if (memory.compare(e.keyHash.dataStart, keyHash, 32) == 0) return e;
      e = e.next;
    }
    return null;
  }

  private entry(key: Uint8Array): Entry {
    const probe = new Entry(key);
    const found = this.find(key, probe.keyHash.dataStart);
    if (found) return found;
    const slot = load<u32>(probe.keyHash.dataStart) & this.mask;
    probe.next = unchecked(this.buckets[slot]);
    unchecked((this.buckets[slot] = probe));
    return probe;
  }

  get(key: Uint8Array): Uint8Array | null {
    const h = new StaticArray<u8>(32);
    sha256Raw(key.dataStart, <usize>key.length, changetype<usize>(h));
    const e = this.find(key, changetype<usize>(h));
    return e ? e.value : null;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const e = this.entry(key);
    if (e.value == null) this.live++;
    e.value = value;
    this.markDirty(e);
    if (this.live > (this.mask + 1)) this.grow();
  }

  delete(key: Uint8Array): void {
    const h = new StaticArray<u8>(32);
    sha256Raw(key.dataStart, <usize>key.length, changetype<usize>(h));
    const e = this.find(key, changetype<usize>(h));
    if (e == null || e.value == null) return;
    e.value = null;
    this.live--;
    this.markDirty(e);
  }

  private markDirty(e: Entry): void {
    if (!e.dirty) {
      e.dirty = true;
      this.dirtyList.push(e);
    }
  }

  /** Folds every write since the last commit into the state tree. */
  commit(): void {
    const list = this.dirtyList;
    const valueHash = new StaticArray<u8>(32);
    const vh = changetype<usize>(valueHash);
    for (let i = 0; i < list.length; i++) {
      const e = unchecked(list[i]);
      e.dirty = false;
      const v = e.value;
      if (v) {
        sha256Raw(v.dataStart, <usize>v.length, vh);
        this.tree.set(e.keyHash.dataStart, vh);
      } else {
        this.tree.remove(e.keyHash.dataStart);
        this.unlink(e);
      }
    }
    this.dirtyList = [];
  }

  get hasUncommitted(): bool {
    return this.dirtyList.length > 0;
  }

  /** The state root after commit(). */
  root(out: usize): void {
    this.commit();
    this.tree.root(out);
  }

  prove(key: Uint8Array, w: Writer): void {
    this.commit();
    const h = new StaticArray<u8>(32);
    sha256Raw(key.dataStart, <usize>key.length, changetype<usize>(h));
    this.tree.prove(changetype<usize>(h), w);
  }

  private unlink(target: Entry): void {
    const slot = load<u32>(target.keyHash.dataStart) & this.mask;
    let e = unchecked(this.buckets[slot]);
    let prev: Entry | null = null;
    while (e) {
      if (e === target) {
        if (prev) prev.next = e.next;
        else unchecked((this.buckets[slot] = e.next));
        return;
      }
      prev = e;
      e = e.next;
    }
  }

  private grow(): void {
    const old = this.buckets;
    const cap = (this.mask + 1) << 1;
    this.buckets = new StaticArray<Entry | null>(cap);
    this.mask = cap - 1;
    for (let i = 0; i < old.length; i++) {
      let e = unchecked(old[i]);
      while (e) {
        const next = e.next;
        const slot = load<u32>(e.keyHash.dataStart) & this.mask;
        e.next = unchecked(this.buckets[slot]);
        unchecked((this.buckets[slot] = e));
        e = next;
      }
    }
  }

  /** Every live entry, ordered by key hash (the snapshot order). */
  sortedEntries(): Entry[] {
    this.commit();
    const out = new Array<Entry>(0);
    for (let i = 0; i < this.buckets.length; i++) {
      let e = unchecked(this.buckets[i]);
      while (e) {
        if (e.value) out.push(e);
        e = e.next;
      }
    }
    out.sort((a: Entry, b: Entry): i32 => memory.compare(a.keyHash.dataStart, b.keyHash.dataStart, 32));
    return out;
  }
}
