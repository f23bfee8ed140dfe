// The validator's archive: by height, the finalized block and its finalization certificate, σ_h
// and the progress certificate, plus state checkpoints (docs/archive.md).
//
// Everything is appended to one Journal (so a crash keeps a prefix of what was written, and every
// record synced before the crash), and an in-memory index height → record positions is rebuilt by
// scanning it on open. The parts of a height arrive at different times (the block with its
// finalization first, σ and the progress certificate later, in any order across heights), so each
// part is its own record. Nothing is ever overwritten: re-putting identical bytes is a no-op and
// different bytes are ARCHIVE_CONFLICT. Blocks are stored in height order, each extending the last.
//
// Writes go through one queue, so a height's checks and its append happen without another write in
// between. Reads do not queue: each reads records at known positions (one storage call each).

import { type Codec, equalBytes, type FinalizedView, fromHex, sha256, toHex } from "@nullspace/core";
import { Journal, JournalError, type RecoveryReport } from "../journal/journal.js";
import type { Storage } from "../runtime/storage.js";
import { type CheckpointRecovery, CheckpointStore, type LatestCheckpoint } from "./checkpoints.js";
import { ArchiveError, type ArchivePart, checkBytes, checkHeight, codecCheck, conflict, readError } from "./errors.js";
import {
  type ArchiveRecord,
  decodeArchiveRecord,
  encodeCheckpointRecord,
  encodeFinalizedRecord,
  encodeProgressRecord,
  encodeSigmaRecord,
  PART_KINDS,
  type PartRecords,
  SIGMA_BYTES,
} from "./format.js";
import type { HeightIndex, IndexedPart, Location } from "./height-index.js";
import { scanJournal } from "./recovery.js";

/** Large enough for the largest block the codec accepts (20,000 × 4 KiB transactions) and its certificate. */
export const DEFAULT_ARCHIVE_SEGMENT_BYTES = 128 * 1024 * 1024;
export const DEFAULT_KEEP_CHECKPOINTS = 2;
/** Bytes of the newest records kept in memory for followers (see Archive.remember). */
const DEFAULT_RECENT_BYTES = 16 * 1024 * 1024;

export interface ArchiveOptions {
  /** The wasm codec: checks every part on the way in and builds bundles on the way out. */
  codec: Codec;
  /** Journal name (default "archive"): blobs `name.NNNNNNNNNN` and `name-checkpoint.<height>`. */
  name?: string;
  /** Journal segment size (default 128 MiB); the largest record is this minus 8 bytes. */
  maxSegmentBytes?: number;
  /** Passed to the journal (default 64 KiB). */
  writeBufferBytes?: number;
  /** Checkpoints kept (default 2, at least 1); older ones are removed durably. */
  keepCheckpoints?: number;
  /** When given, block 1's parent must be this (the sha256 of the genesis record). */
  genesisDigest?: Uint8Array;
  /** Bytes of the newest records kept in memory for reads (default 16 MiB; 0: every read from storage). */
  recentBytes?: number;
}

/** The parts stored for one height. */
export interface ArchivedHeight {
  height: bigint;
  block: Uint8Array;
  finalization: Uint8Array;
  sigma?: Uint8Array;
  progress?: Uint8Array;
}

export interface ArchiveRecovery {
  /** What the journal found and repaired (a torn tail it cut off). */
  journal: RecoveryReport;
  tip: bigint;
  checkpoints: CheckpointRecovery;
}

export type { CheckpointRecovery, LatestCheckpoint };

export class Archive {
  private queue: Promise<unknown> = Promise.resolve();
  /** The newest records by `part:height`, oldest first (see remember). */
  private readonly recent = new Map<string, Uint8Array>();
  private recentBytes = 0;
  private recentLimit = DEFAULT_RECENT_BYTES;
  private failure: unknown;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly journal: Journal,
    private readonly codec: Codec,
    private readonly index: HeightIndex,
    private readonly checkpoints: CheckpointStore,
    private tipDigest: Uint8Array | undefined,
    private readonly genesisDigest: Uint8Array | undefined,
    /** What open() found and repaired. */
    readonly recovery: ArchiveRecovery,
  ) {}

  /**
   * Opens (or creates) an archive: recovers the journal (cutting a torn tail), rebuilds the index
   * from every record, checks the records obey the archive's rules (ARCHIVE_CORRUPT otherwise), and
   * reconciles the checkpoint blobs with their commit records.
   */
  static async open(storage: Storage, options: ArchiveOptions): Promise<Archive> {
    const name = options?.name ?? "archive";
    const maxSegmentBytes = options?.maxSegmentBytes ?? DEFAULT_ARCHIVE_SEGMENT_BYTES;
    const keep = options?.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS;
    if (!options?.codec) throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", "options.codec is required");
    if (!Number.isSafeInteger(keep) || keep < 1) throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", "keepCheckpoints must be an integer ≥ 1");
    const recent = options.recentBytes ?? DEFAULT_RECENT_BYTES;
    if (!Number.isSafeInteger(recent) || recent < 0) throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", "recentBytes must be an integer ≥ 0");
    if (options.genesisDigest !== undefined && (!(options.genesisDigest instanceof Uint8Array) || options.genesisDigest.length !== 32)) {
      throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", "genesisDigest must be 32 bytes");
    }
    let journal: Journal;
    try {
      journal = await Journal.open(storage, {
        name,
        maxSegmentBytes,
        maxRecordBytes: Number.isSafeInteger(maxSegmentBytes) ? maxSegmentBytes - 8 : undefined,
        ...(options.writeBufferBytes === undefined ? {} : { writeBufferBytes: options.writeBufferBytes }),
      });
    } catch (e) {
      if (e instanceof JournalError && e.code === "JOURNAL_BAD_OPTIONS") throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", e.message);
      throw readError(e);
    }
    try {
      const { index, committed } = await scanJournal(journal);
      const { store, report } = await CheckpointStore.recover(storage, name, keep, committed);
      const recovery: ArchiveRecovery = { journal: journal.recovery, tip: BigInt(index.tip), checkpoints: report };
      const archive = new Archive(journal, options.codec, index, store, undefined, options.genesisDigest?.slice(), recovery);
      archive.recentLimit = recent;
      if (index.tip > 0) archive.tipDigest = fromHex((await archive.view(index.tip)).digest);
      // An archive of another chain (a wrong data directory) is refused before anyone builds on it.
      if (index.tip > 0 && options.genesisDigest && (await archive.view(1)).parent !== toHex(options.genesisDigest)) {
        throw conflict(1n, "finalized", "genesis");
      }
      return archive;
    } catch (e) {
      await journal.close().catch(() => {});
      throw readError(e);
    }
  }

  /** The highest finalized height (every height from 1 to it is stored); 0n when empty. */
  tip(): bigint {
    return BigInt(this.index.tip);
  }

  /** Which parts of a height are stored. */
  status(height: bigint): { finalized: boolean; sigma: boolean; progress: boolean } {
    const h = checkHeight(height, 0);
    return { finalized: this.index.has("finalized", h), sigma: this.index.has("sigma", h), progress: this.index.has("progress", h) };
  }

  /**
   * Stores the block of height tip + 1 with its finalization certificate (checked together by the
   * codec; the block must extend the stored tip). True if written, false if these exact bytes were
   * already stored. Durable after the next sync().
   */
  putFinalized(height: bigint, block: Uint8Array, finalization: Uint8Array): Promise<boolean> {
    return this.write(async () => {
      const h = checkHeight(height, 1);
      checkBytes(block, "block");
      checkBytes(finalization, "finalization");
      const view = codecCheck(
        () => this.codec.decodeFinalized(this.codec.encodeFinalized({ height, block, finalization })),
        height,
        "finalized",
      );
      const tip = this.index.tip;
      if (h <= tip) {
        const stored = await this.read("finalized", h);
        const isSameBlock = equalBytes(stored.block, block);
        if (isSameBlock && equalBytes(stored.finalization, finalization)) return false;
        throw conflict(height, "finalized", isSameBlock ? "certificate" : "block");
      }
      if (h !== tip + 1) {
        throw new ArchiveError("ARCHIVE_OUT_OF_ORDER", `height ${h} is not the next height ${tip + 1}`, { height, part: "finalized" });
      }
      const parent = tip === 0 ? this.genesisDigest : this.tipDigest;
      if (parent && view.parent !== toHex(parent)) throw conflict(height, "finalized", "parent");
      await this.append(encodeFinalizedRecord(h, block, finalization), height, "finalized", (at) => this.index.append(at));
      this.tipDigest = fromHex(view.digest);
      return true;
    });
  }

  /** Stores σ_h (48 bytes) of a finalized height. True if written, false if already stored. */
  putSigma(height: bigint, sigma: Uint8Array): Promise<boolean> {
    return this.write(async () => {
      const h = checkHeight(height, 1);
      checkBytes(sigma, "sigma");
      if (sigma.length !== SIGMA_BYTES) {
        throw new ArchiveError("ARCHIVE_INVALID", `σ must be ${SIGMA_BYTES} bytes, got ${sigma.length}`, { height, part: "sigma" });
      }
      this.checkFinalized(h, height, "sigma");
      if (this.index.has("sigma", h)) {
        if (equalBytes((await this.read("sigma", h)).sigma, sigma)) return false;
        throw conflict(height, "sigma", "sigma");
      }
      await this.append(encodeSigmaRecord(h, sigma), height, "sigma", (at) => this.index.set("sigma", h, at));
      return true;
    });
  }

  /**
   * Stores the progress certificate of a finalized height, checked by the codec against the
   * stored block (height, chain, digest). True if written, false if already stored.
   */
  putProgress(height: bigint, progress: Uint8Array): Promise<boolean> {
    return this.write(async () => {
      const h = checkHeight(height, 1);
      checkBytes(progress, "progress");
      this.checkFinalized(h, height, "progress");
      const { block, finalization } = await this.read("finalized", h);
      codecCheck(() => this.codec.encodeFinalized({ height, block, finalization, progress }), height, "progress");
      if (this.index.has("progress", h)) {
        const stored = (await this.read("progress", h)).progress;
        if (equalBytes(stored, progress)) return false;
        const record = (c: Uint8Array) => this.codec.decodeProgressCertificate(c).record;
        throw conflict(height, "progress", record(stored) === record(progress) ? "certificate" : "record");
      }
      await this.append(encodeProgressRecord(h, progress), height, "progress", (at) => this.index.set("progress", h, at));
      return true;
    });
  }

  /** The parts stored for a height, or undefined if it is not finalized here. */
  async get(height: bigint): Promise<ArchivedHeight | undefined> {
    const h = checkHeight(height, 0);
    this.checkOpen();
    if (!this.index.has("finalized", h)) return undefined;
    const [finalized, sigma, progress] = await Promise.all([
      this.read("finalized", h),
      this.index.has("sigma", h) ? this.read("sigma", h) : undefined,
      this.index.has("progress", h) ? this.read("progress", h) : undefined,
    ]);
    const out: ArchivedHeight = { height, block: finalized.block, finalization: finalized.finalization };
    if (sigma) out.sigma = sigma.sigma;
    if (progress) out.progress = progress.progress;
    return out;
  }

  /** The finalized bundle of a height (Codec.encodeFinalized of its parts), or undefined. */
  async bundle(height: bigint): Promise<Uint8Array | undefined> {
    return (await this.completeBundle(height))?.bytes;
  }

  /**
   * The bundle of a height and whether it holds the progress certificate, both from the same read:
   * a certificate stored while the read is under way is in neither (asking status() afterwards
   * could call bytes without it complete).
   */
  async completeBundle(height: bigint): Promise<{ bytes: Uint8Array; hasProgress: boolean } | undefined> {
    const parts = await this.get(height);
    if (!parts) return undefined;
    const bytes = codecCheck(() => this.codec.encodeFinalized(parts), height, "finalized", true);
    return { bytes, hasProgress: parts.progress !== undefined };
  }

  /** Bundles of heights from..to (inclusive, clamped to 1..tip), in order: what relays and peers fetch. */
  async *bundles(from: bigint, to: bigint): AsyncGenerator<{ height: bigint; bundle: Uint8Array }> {
    const first = Math.max(1, checkHeight(from, 0));
    const last = checkHeight(to, 0);
    // One height ahead in flight: the next height's reads overlap the consumer's work on this one.
    let next = first <= Math.min(last, this.index.tip) ? this.bundle(BigInt(first)) : undefined;
    for (let h = first; next !== undefined; h++) {
      const current = next;
      next = h + 1 <= Math.min(last, this.index.tip) ? this.bundle(BigInt(h + 1)) : undefined;
      next?.catch(() => {}); // awaited on the next turn; must not count as unhandled meanwhile
      const bundle = await current;
      if (bundle) yield { height: BigInt(h), bundle };
    }
  }

  /**
   * Stores a state checkpoint (Core.snapshot() after executing `height`): blob, sync, commit record,
   * sync, then prunes to the newest keepCheckpoints. Durable when it resolves. True if written,
   * false if this checkpoint was already current.
   */
  putCheckpoint(height: bigint, snapshot: Uint8Array): Promise<boolean> {
    return this.write(async () => {
      const h = checkHeight(height, 0);
      checkBytes(snapshot, "snapshot");
      if (snapshot.length === 0) throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", "snapshot is empty");
      if (h > this.index.tip) {
        throw new ArchiveError("ARCHIVE_NOT_FINALIZED", `checkpoint of height ${h} above the tip ${this.index.tip}`, {
          height,
          part: "checkpoint",
        });
      }
      const newest = this.checkpoints.newest;
      if (newest && h < newest.height) {
        throw new ArchiveError("ARCHIVE_OUT_OF_ORDER", `checkpoint of height ${h} below the latest ${newest.height}`, {
          height,
          part: "checkpoint",
        });
      }
      if (newest && h === newest.height) {
        if (newest.length !== snapshot.length || !equalBytes(newest.hash, sha256(snapshot)))
          throw conflict(height, "checkpoint", "snapshot");
        if (this.checkpoints.isPresent(h)) return false;
        // Its blob was lost: write it again under the commit record that already names these bytes.
        this.checkpoints.commit(await this.checkpoints.write(h, snapshot));
        return true;
      }
      const record = await this.checkpoints.write(h, snapshot);
      await this.journal.appendAndSync(encodeCheckpointRecord(record));
      this.checkpoints.commit(record);
      await this.checkpoints.prune();
      return true;
    });
  }

  /** The newest checkpoint whose bytes check out, or undefined (replay from genesis). */
  latestCheckpoint(): Promise<LatestCheckpoint | undefined> {
    // Queued with the writes so a prune cannot remove a blob this is reading.
    return this.write(() => this.checkpoints.latest());
  }

  /** Heights of the checkpoints kept, oldest first. */
  checkpointHeights(): bigint[] {
    return this.checkpoints.heights();
  }

  /** Makes every put before this call durable. */
  sync(): Promise<void> {
    return this.write(() => this.journal.sync());
  }

  /** Syncs and releases the journal. Later calls reject with ARCHIVE_CLOSED. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const done = this.queue.then(async () => {
      try {
        await this.journal.close();
      } catch (e) {
        if (this.failure === undefined) throw readError(e);
      }
    });
    this.closing = done;
    return done;
  }

  // ---- internals ----

  private checkOpen(): void {
    if (this.closing) throw new ArchiveError("ARCHIVE_CLOSED", "archive is closed");
  }

  private checkFinalized(h: number, height: bigint, part: ArchivePart): void {
    if (h > this.index.tip) {
      throw new ArchiveError("ARCHIVE_NOT_FINALIZED", `${part} of height ${h} above the tip ${this.index.tip}`, { height, part });
    }
  }

  /** Runs a write after every earlier one. A failure below the archive's own checks fails it for good. */
  private write<T>(op: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      this.checkOpen();
      result = this.queue.then(async () => {
        if (this.failure !== undefined) {
          throw new ArchiveError("ARCHIVE_FAILED", "a write failed earlier; reopen the archive", {}, { cause: this.failure });
        }
        try {
          return await op();
        } catch (e) {
          if (e instanceof ArchiveError) throw e; // a refusal: nothing was written
          this.failure = e;
          throw new ArchiveError("ARCHIVE_FAILED", `write failed: ${(e as Error)?.message ?? e}`, {}, { cause: e });
        }
      });
    } catch (e) {
      result = Promise.reject(e);
    }
    this.queue = result.catch(() => {});
    return result;
  }

  private async append(payload: Uint8Array, height: bigint, part: ArchivePart, index: (at: Location) => void): Promise<void> {
    if (payload.length > this.journal.maxRecordBytes) {
      throw new ArchiveError("ARCHIVE_TOO_LARGE", `${part} record of ${payload.length} bytes > ${this.journal.maxRecordBytes}`, {
        height,
        part,
      });
    }
    const at = await this.journal.append(payload);
    index({ ...at, length: payload.length });
    this.remember(part, Number(height), payload);
  }

  /** Keeps the newest records in memory: followers stream the heights just stored, so their reads
   * would otherwise go to disk (an fstat and a read each, on a libuv pool busy with signatures)
   * once per follower, right as each height is announced. */
  private remember(part: ArchivePart, h: number, payload: Uint8Array): void {
    if (part === "checkpoint" || this.recentLimit === 0) return;
    const key = `${part}:${h}`;
    const old = this.recent.get(key);
    if (old) this.recentBytes -= old.length;
    this.recent.delete(key);
    this.recent.set(key, payload);
    this.recentBytes += payload.length;
    for (const [k, v] of this.recent) {
      if (this.recentBytes <= this.recentLimit) break;
      this.recent.delete(k);
      this.recentBytes -= v.length;
    }
  }

  /** Reads and checks the record of one part of a stored height. */
  private async read<P extends IndexedPart>(part: P, h: number): Promise<PartRecords[P]> {
    const at = this.index.get(part, h);
    if (!at) throw new ArchiveError("ARCHIVE_CORRUPT", `no ${part} record of height ${h}`, { height: BigInt(h), part });
    let rec: ArchiveRecord;
    try {
      // After a failed write the journal's state is unknown: reads go to it and fail as it does.
      const kept = this.failure === undefined ? this.recent.get(`${part}:${h}`) : undefined;
      rec = decodeArchiveRecord(kept ?? (await this.journal.read(at, at.length)));
    } catch (e) {
      throw readError(e);
    }
    if (rec.kind !== PART_KINDS[part] || rec.height !== h) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `the ${part} record of height ${h} reads as kind ${rec.kind} of height ${rec.height}`, {
        height: BigInt(h),
        part,
        reason: "index",
      });
    }
    return rec as PartRecords[P];
  }

  /** The decoded bundle of a stored height's block and finalization. */
  private async view(h: number): Promise<FinalizedView> {
    const { block, finalization } = await this.read("finalized", h);
    const height = BigInt(h);
    return codecCheck(
      () => this.codec.decodeFinalized(this.codec.encodeFinalized({ height, block, finalization })),
      height,
      "finalized",
      true,
    );
  }
}
