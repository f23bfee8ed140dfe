// SimStorage: Storage in memory for the deterministic simulator and for tests.
//
// Each blob keeps two images: `live` (what reads see) and `durable` (what survives a power
// loss), plus the ordered list of changes made since the last sync. `crash()` models a power
// loss: every blob goes back to its durable image, optionally with a random ordered prefix of
// its unsynced changes re-applied (the last one possibly torn) and, sometimes, a run of zeros
// inside the re-applied bytes (a file size that reached disk before its data pages). All the
// randomness comes from the `rng` passed in, so one seed replays the same crash byte for byte.
// `restart()` models a process kill: the operating system keeps every write, handles die.

import { type Blob, checkBlobName, checkReadRange, checkTruncate, type OpenOptions, type Storage, StorageError } from "./storage.js";

/** A seeded source of floats in [0, 1), like Math.random. Only ever called during crash(). */
export type Rng = () => number;

export interface SimStorageOptions {
  /** Used by crash() when it is not given one: with an rng, crashes keep torn unsynced tails. */
  rng?: Rng;
}

export interface CrashOptions {
  /** Overrides the constructor's rng. With no rng at all, every unsynced change is lost. */
  rng?: Rng;
}

export interface SimStorageStats {
  appends: number;
  bytesAppended: number;
  syncs: number;
  truncates: number;
  crashes: number;
}

type Change = { kind: "append"; bytes: Uint8Array } | { kind: "truncate"; size: number };

const EMPTY = new Uint8Array(0);

class SimBlobState {
  live: Uint8Array = new Uint8Array(64);
  liveSize = 0;
  // The durable image is live[0, stable) ‖ durableRest. Keeping it as "the part of live that has
  // not changed since the last sync" makes sync O(1): copying the whole image on every sync would
  // make a journal that syncs each 200-byte vote quadratic in its segment size.
  stable = 0;
  durableRest: Uint8Array = EMPTY;
  pending: Change[] = [];
  handles = 0;

  append(bytes: Uint8Array): void {
    const need = this.liveSize + bytes.length;
    if (need > this.live.length) {
      const grown = new Uint8Array(Math.max(need, this.live.length * 2));
      grown.set(this.live.subarray(0, this.liveSize));
      this.live = grown;
    }
    this.live.set(bytes, this.liveSize);
    this.liveSize = need;
  }

  truncate(size: number): void {
    if (size < this.stable) {
      // Later appends will overwrite live bytes that are still part of the durable image: save them.
      const saved = new Uint8Array(this.stable - size + this.durableRest.length);
      saved.set(this.live.subarray(size, this.stable));
      saved.set(this.durableRest, this.stable - size);
      this.durableRest = saved;
      this.stable = size;
    }
    this.liveSize = size;
  }

  sync(): void {
    this.stable = this.liveSize;
    this.durableRest = EMPTY;
    this.pending = [];
  }

  liveBytes(): Uint8Array {
    return this.live.slice(0, this.liveSize);
  }

  durableImage(): Uint8Array {
    const out = new Uint8Array(this.stable + this.durableRest.length);
    out.set(this.live.subarray(0, this.stable));
    out.set(this.durableRest, this.stable);
    return out;
  }

  /** Replaces both images with `bytes` (what is on disk after a crash). */
  reset(bytes: Uint8Array): void {
    this.live = new Uint8Array(Math.max(64, bytes.length));
    this.live.set(bytes);
    this.liveSize = bytes.length;
    this.stable = bytes.length;
    this.durableRest = EMPTY;
    this.pending = [];
  }
}

function randomInt(rng: Rng, bound: number): number {
  // bound > 0; an integer in [0, bound).
  return Math.min(bound - 1, Math.floor(rng() * bound));
}

export class SimStorage implements Storage {
  private readonly blobs = new Map<string, SimBlobState>();
  // Bumped by crash() and restart(): a handle remembers the epoch it was opened in and refuses to
  // work in a later one, so a "dead" process cannot keep writing after its restart.
  private epoch = 0;
  private readonly rng: Rng | undefined;
  readonly stats: SimStorageStats = { appends: 0, bytesAppended: 0, syncs: 0, truncates: 0, crashes: 0 };

  constructor(options: SimStorageOptions = {}) {
    this.rng = options.rng;
  }

  async open(name: string, options: OpenOptions = {}): Promise<Blob> {
    checkBlobName(name);
    let state = this.blobs.get(name);
    if (!state) {
      if (options.create === false) throw new StorageError("STORAGE_NOT_FOUND", `no blob ${name}`);
      // Creation is durable at once (FsStorage fsyncs the directory before returning).
      state = new SimBlobState();
      this.blobs.set(name, state);
    }
    state.handles++;
    return new SimBlob(this, name, state, this.epoch);
  }

  async list(prefix = ""): Promise<string[]> {
    return [...this.blobs.keys()].filter((n) => n.startsWith(prefix)).sort(compareNames);
  }

  async remove(name: string): Promise<boolean> {
    checkBlobName(name);
    const state = this.blobs.get(name);
    if (!state) return false;
    if (state.handles > 0) throw new StorageError("STORAGE_BUSY", `${name} has ${state.handles} open handle(s)`);
    this.blobs.delete(name);
    return true;
  }

  /**
   * Power loss. Every blob returns to its last synced image; with an rng, each blob then keeps a
   * random ordered prefix of its unsynced changes (the last append possibly cut short), and with
   * probability 1/4 a run of the re-applied bytes reads back as zeros (half the time from the first
   * unsynced byte on: a size that reached disk before its data). Open handles die.
   */
  crash(options: CrashOptions = {}): void {
    const rng = options.rng ?? this.rng;
    this.stats.crashes++;
    this.epoch++;
    // Sorted so the rng is consumed in the same order whatever the insertion history.
    for (const name of [...this.blobs.keys()].sort(compareNames)) {
      const state = this.blobs.get(name)!;
      state.handles = 0;
      // Whatever survived is on disk now: it is the new durable image.
      state.reset(rng ? tornImage(state, rng) : state.durableImage());
    }
  }

  /** Process kill with the operating system still up: nothing written is lost, handles die. */
  restart(): void {
    this.epoch++;
    for (const state of this.blobs.values()) state.handles = 0;
  }

  /** Live contents of a blob (a copy), or undefined. For tests and traces. */
  contents(name: string): Uint8Array | undefined {
    return this.blobs.get(name)?.liveBytes();
  }

  /** What the blob would hold after a crash with no rng (a copy), or undefined. */
  durableContents(name: string): Uint8Array | undefined {
    return this.blobs.get(name)?.durableImage();
  }

  /** Every blob's live contents, by name in sorted order (for byte-identical trace comparisons). */
  snapshot(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const name of [...this.blobs.keys()].sort(compareNames)) out.set(name, this.blobs.get(name)!.liveBytes());
    return out;
  }

  /** @internal used by SimBlob */
  checkEpoch(epoch: number, name: string): void {
    if (epoch !== this.epoch) throw new StorageError("STORAGE_STALE_HANDLE", `handle to ${name} is from before a crash or restart`);
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The image a blob has after a torn crash: durable + an ordered prefix of its pending changes. */
function tornImage(state: SimBlobState, rng: Rng): Uint8Array {
  let image = state.durableImage();
  if (state.pending.length === 0) return image;
  const keep = randomInt(rng, state.pending.length + 1); // how many changes survive whole
  // Lowest offset any re-applied change touched: only bytes from there on may be zeroed.
  let touched = image.length;
  const applyAppend = (bytes: Uint8Array) => {
    const next = new Uint8Array(image.length + bytes.length);
    next.set(image);
    next.set(bytes, image.length);
    touched = Math.min(touched, image.length);
    image = next;
  };
  for (let i = 0; i < keep; i++) {
    const change = state.pending[i]!;
    if (change.kind === "append") applyAppend(change.bytes);
    else {
      image = image.slice(0, change.size);
      touched = Math.min(touched, change.size);
    }
  }
  const torn = state.pending[keep];
  if (torn?.kind === "append" && torn.bytes.length > 0) applyAppend(torn.bytes.subarray(0, randomInt(rng, torn.bytes.length)));
  if (image.length > touched && rng() < 0.25) {
    // Half the time the run starts where the unsynced bytes start (the usual shape: the size
    // reached disk, none of the new data did); otherwise anywhere inside them.
    const start = rng() < 0.5 ? touched : touched + randomInt(rng, image.length - touched);
    const end = start + 1 + randomInt(rng, image.length - start);
    image.fill(0, start, end);
  }
  return image;
}

class SimBlob implements Blob {
  private isClosed = false;

  constructor(
    private readonly storage: SimStorage,
    readonly name: string,
    private readonly state: SimBlobState,
    private readonly epoch: number,
  ) {}

  private check(): void {
    if (this.isClosed) throw new StorageError("STORAGE_CLOSED", `handle to ${this.name} is closed`);
    this.storage.checkEpoch(this.epoch, this.name);
  }

  async size(): Promise<number> {
    this.check();
    return this.state.liveSize;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.check();
    checkReadRange(this.name, offset, length, this.state.liveSize);
    return this.state.live.slice(offset, offset + length);
  }

  async append(data: Uint8Array): Promise<void> {
    this.check();
    if (data.length === 0) return;
    const bytes = data.slice(); // the caller may reuse its buffer
    this.state.append(bytes);
    this.state.pending.push({ kind: "append", bytes });
    this.storage.stats.appends++;
    this.storage.stats.bytesAppended += bytes.length;
  }

  async sync(): Promise<void> {
    this.check();
    this.storage.stats.syncs++;
    if (this.state.pending.length === 0) return;
    this.state.sync();
  }

  async truncate(size: number): Promise<void> {
    this.check();
    checkTruncate(this.name, size, this.state.liveSize);
    this.storage.stats.truncates++;
    if (size === this.state.liveSize) return;
    this.state.truncate(size);
    this.state.pending.push({ kind: "truncate", size });
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    // A handle from a dead epoch no longer counts (crash/restart already reset the count).
    try {
      this.storage.checkEpoch(this.epoch, this.name);
    } catch {
      return;
    }
    this.state.handles--;
  }
}
