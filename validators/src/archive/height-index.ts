// Where each part of each height lies in the journal, in memory. Rebuilt by scanning on open.
//
// Three typed-array columns per part (segment, offset, payload length): 36 bytes a height in all,
// with no object per height, so a million heights cost 36 MB and no garbage collector work. Heights
// are dense from 1 (finalized blocks are stored in order), so height h is slot h − 1.

import type { JournalPosition } from "../journal/journal.js";

/** A record's place and payload length: what Journal.read needs to fetch it in one storage call. */
export interface Location extends JournalPosition {
  length: number;
}

const ABSENT = 0xffffffff;

class Column {
  private segment = new Uint32Array(0);
  private offset = new Uint32Array(0);
  private length = new Uint32Array(0);

  get capacity(): number {
    return this.segment.length;
  }

  grow(capacity: number): void {
    const grow = (old: Uint32Array, fill: number) => {
      const next = new Uint32Array(capacity).fill(fill);
      next.set(old);
      return next;
    };
    this.segment = grow(this.segment, ABSENT);
    this.offset = grow(this.offset, 0);
    this.length = grow(this.length, 0);
  }

  set(slot: number, at: Location): void {
    // The journal caps segments at 1 GiB and indices far below 2^32 − 1: all of it fits in u32.
    this.segment[slot] = at.segment;
    this.offset[slot] = at.offset;
    this.length[slot] = at.length;
  }

  get(slot: number): Location | undefined {
    const segment = this.segment[slot];
    if (segment === undefined || segment === ABSENT) return undefined;
    return { segment, offset: this.offset[slot]!, length: this.length[slot]! };
  }

  has(slot: number): boolean {
    const segment = this.segment[slot];
    return segment !== undefined && segment !== ABSENT;
  }
}

export type IndexedPart = "finalized" | "sigma" | "progress";

export class HeightIndex {
  private readonly columns: Record<IndexedPart, Column> = {
    finalized: new Column(),
    sigma: new Column(),
    progress: new Column(),
  };
  /** Highest finalized height; every height in 1..tip has its finalized part. */
  tip = 0;

  /** Records the finalized part of tip + 1 and makes it the tip. */
  append(at: Location): void {
    const slot = this.tip;
    const finalized = this.columns.finalized;
    if (slot >= finalized.capacity) {
      const capacity = Math.max(1024, finalized.capacity * 2);
      for (const c of Object.values(this.columns)) c.grow(capacity);
    }
    finalized.set(slot, at);
    this.tip++;
  }

  /** Records σ or the progress certificate of a finalized height. */
  set(part: "sigma" | "progress", height: number, at: Location): void {
    this.columns[part].set(height - 1, at);
  }

  get(part: IndexedPart, height: number): Location | undefined {
    if (height < 1 || height > this.tip) return undefined;
    return this.columns[part].get(height - 1);
  }

  has(part: IndexedPart, height: number): boolean {
    return height >= 1 && height <= this.tip && this.columns[part].has(height - 1);
  }
}
