// A segmented, checksummed, append-only journal of records over Storage.
//
// Consensus writes every vote it makes and every vote or certificate it accepts here, and syncs
// before it sends anything, so after a crash it can never sign something that conflicts with what
// it already said. Guarantees (docs/journal.md has the full argument):
// - After open(), records() yields exactly the records of a prefix of the append history, and
//   that prefix contains every record appended before the last sync() that resolved.
// - A record is never returned damaged, reordered, or split across segments.
// - Damage anywhere but the tail of the last segment is reported (JOURNAL_CORRUPT), never skipped.
//
// Writes go through one serial queue, so appends land in call order however the callers
// interleave, and concurrent sync() calls share one fsync (group commit).

import { concatBytes } from "@nullspace/core";
import type { Blob, Storage } from "../runtime/storage.js";
import { StorageError } from "../runtime/storage.js";
import {
  type BadRecordReason,
  decodeRecord,
  encodeRecord,
  HEADER_BYTES,
  isValidJournalName,
  parseSegmentName,
  RECORD_OVERHEAD,
  segmentName,
  segmentPrefix,
} from "./format.js";

export const DEFAULT_MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
export const DEFAULT_WRITE_BUFFER_BYTES = 64 * 1024;
/** Largest segment we agree to manage: keeps every offset and length a small safe integer. */
export const MAX_SEGMENT_BYTES_LIMIT = 1024 * 1024 * 1024;
// Reads while scanning go in windows of at least this much (one syscall per window, not per record).
const READ_WINDOW_BYTES = 1024 * 1024;
// Handles read() keeps open, least recently used first out: a reader serving a range touches a few
// segments at a time, and one handle per segment of a large journal would exhaust descriptors.
const READ_HANDLES = 8;

/** Stable codes of every error a Journal throws (docs/journal.md). */
export type JournalErrorCode =
  | "JOURNAL_BAD_OPTIONS" // a name or limit outside its domain
  | "JOURNAL_RECORD_TOO_LARGE" // append of a payload over maxRecordBytes; nothing was written
  | "JOURNAL_CORRUPT" // damage outside the last segment's tail, a missing segment, a foreign blob
  | "JOURNAL_CLOSED" // use after close()
  | "JOURNAL_FAILED"; // a storage operation failed earlier: state on disk is unknown, reopen

export interface JournalErrorDetails {
  segment?: number;
  offset?: number;
  reason?: BadRecordReason | "gap" | "foreign-blob" | "segment-exists";
}

export class JournalError extends Error {
  override readonly name = "JournalError";
  constructor(
    readonly code: JournalErrorCode,
    message: string,
    readonly details: JournalErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export interface JournalOptions {
  /** Journal name: [A-Za-z0-9][A-Za-z0-9_-]{0,63}. Segments are the blobs `name.NNNNNNNNNN`. */
  name: string;
  /** A segment rolls over before an append would take it past this (default 16 MiB). */
  maxSegmentBytes?: number;
  /** Largest payload append() accepts (default min(1 MiB, maxSegmentBytes − 8)). */
  maxRecordBytes?: number;
  /** Buffered bytes that make append() hand the buffer to storage without syncing (default 64 KiB). */
  writeBufferBytes?: number;
}

/** Where a record starts: segment index and byte offset of its length field. */
export interface JournalPosition {
  segment: number;
  offset: number;
}

export interface JournalRecord extends JournalPosition {
  payload: Uint8Array;
}

/** What open() found. */
export interface RecoveryReport {
  /** Segments present after recovery. */
  segments: number;
  /** Intact records found. */
  records: number;
  /** The torn tail cut from the last segment, if there was one. */
  truncated?: { segment: number; offset: number; bytes: number; reason: BadRecordReason };
}

interface ResolvedOptions {
  name: string;
  maxSegmentBytes: number;
  maxRecordBytes: number;
  writeBufferBytes: number;
}

function resolveOptions(options: JournalOptions): ResolvedOptions {
  const bad = (what: string) => new JournalError("JOURNAL_BAD_OPTIONS", what);
  if (!options || !isValidJournalName(options.name)) throw bad(`invalid journal name ${JSON.stringify(options?.name)}`);
  const maxSegmentBytes = options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
  if (!Number.isSafeInteger(maxSegmentBytes) || maxSegmentBytes <= RECORD_OVERHEAD || maxSegmentBytes > MAX_SEGMENT_BYTES_LIMIT) {
    throw bad(`maxSegmentBytes must be an integer in (${RECORD_OVERHEAD}, ${MAX_SEGMENT_BYTES_LIMIT}]`);
  }
  // Every record must fit in an empty segment, or an append could never be placed.
  const maxRecordBytes = options.maxRecordBytes ?? Math.min(DEFAULT_MAX_RECORD_BYTES, maxSegmentBytes - RECORD_OVERHEAD);
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 0 || maxRecordBytes > maxSegmentBytes - RECORD_OVERHEAD) {
    throw bad(`maxRecordBytes must be an integer in [0, maxSegmentBytes − ${RECORD_OVERHEAD}]`);
  }
  const writeBufferBytes = options.writeBufferBytes ?? DEFAULT_WRITE_BUFFER_BYTES;
  if (!Number.isSafeInteger(writeBufferBytes) || writeBufferBytes < 0) throw bad("writeBufferBytes must be a non-negative integer");
  return { name: options.name, maxSegmentBytes, maxRecordBytes, writeBufferBytes };
}

type ScanItem = { kind: "record"; offset: number; payload: Uint8Array } | { kind: "bad"; offset: number; reason: BadRecordReason };

/**
 * Reads the records of the first `size` bytes of a segment in order, in windows of about 1 MiB.
 * Ends after the last record, or with one "bad" item at the first record that does not parse.
 */
async function* scanSegment(blob: Blob, size: number): AsyncGenerator<ScanItem> {
  let window: Uint8Array = new Uint8Array(0);
  let base = 0; // file offset of window[0]
  const cover = async (from: number, to: number) => {
    if (from >= base && to <= base + window.length) return;
    const end = Math.min(size, Math.max(to, from + READ_WINDOW_BYTES));
    window = await blob.read(from, end - from);
    base = from;
  };
  let pos = 0;
  while (pos < size) {
    const left = size - pos;
    if (left < HEADER_BYTES) {
      yield { kind: "bad", offset: pos, reason: "torn-header" };
      return;
    }
    await cover(pos, pos + HEADER_BYTES);
    const len = new DataView(window.buffer, window.byteOffset + (pos - base), HEADER_BYTES).getUint32(0, true);
    if (len > left - RECORD_OVERHEAD) {
      yield { kind: "bad", offset: pos, reason: "torn-record" };
      return;
    }
    const recordEnd = pos + RECORD_OVERHEAD + len;
    await cover(pos, recordEnd);
    const decoded = decodeRecord(window.subarray(pos - base, recordEnd - base), 0);
    if (decoded.kind !== "record") {
      yield { kind: "bad", offset: pos, reason: decoded.kind === "bad" ? decoded.reason : "torn-header" };
      return;
    }
    yield { kind: "record", offset: pos, payload: decoded.payload.slice() };
    pos = recordEnd;
  }
}

interface ReadHandle {
  blob: Promise<Blob>;
  /** read() calls using it now: an entry is closed only when this is 0. */
  users: number;
}

interface BufferedGroup {
  segment: number;
  chunks: Uint8Array[];
  bytes: number;
}

export class Journal {
  private readonly storage: Storage;
  private readonly options: ResolvedOptions;
  /** What open() found and repaired. */
  readonly recovery: RecoveryReport;

  private first: number;
  // The segment the storage handle points at, and the bytes handed to storage in it.
  private tail: Blob;
  private tailIndex: number;
  private tailWritten: number;
  private isDirty = false; // tail has bytes handed to storage but not synced
  // Where the next append lands, counting buffered records (may be one segment past tailIndex).
  private nextIndex: number;
  private nextOffset: number;
  private buffer: BufferedGroup[] = [];
  private bufferedBytes = 0;
  // Separate from `tail` (which rollover closes), keyed by segment, in least-recently-used order.
  private readHandles = new Map<number, ReadHandle>();

  private queue: Promise<void> = Promise.resolve();
  private pendingSync: Promise<void> | undefined;
  private pendingFlush: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private isClosed = false;
  private failure: unknown;

  private constructor(
    storage: Storage,
    options: ResolvedOptions,
    first: number,
    tail: Blob,
    tailIndex: number,
    tailSize: number,
    report: RecoveryReport,
  ) {
    this.storage = storage;
    this.options = options;
    this.first = first;
    this.tail = tail;
    this.tailIndex = tailIndex;
    this.tailWritten = tailSize;
    this.nextIndex = tailIndex;
    this.nextOffset = tailSize;
    this.recovery = report;
  }

  /**
   * Opens (or creates) a journal: checks every segment, cuts a torn tail off the last one, and
   * syncs the last one so everything records() will yield is durable before anyone acts on it.
   */
  static async open(storage: Storage, options: JournalOptions): Promise<Journal> {
    const opts = resolveOptions(options);
    const indices: number[] = [];
    for (const blobName of await storage.list(segmentPrefix(opts.name))) {
      const index = parseSegmentName(opts.name, blobName);
      if (index === undefined) {
        throw new JournalError("JOURNAL_CORRUPT", `blob ${blobName} is in journal ${opts.name}'s namespace but is not a segment`, {
          reason: "foreign-blob",
        });
      }
      indices.push(index);
    }
    indices.sort((a, b) => a - b);
    // Segments are created in order and pruned from the front, so a crash can never leave a hole.
    for (let i = 1; i < indices.length; i++) {
      if (indices[i] !== indices[i - 1]! + 1) {
        throw new JournalError("JOURNAL_CORRUPT", `journal ${opts.name} is missing segment ${indices[i - 1]! + 1}`, {
          segment: indices[i - 1]! + 1,
          reason: "gap",
        });
      }
    }
    if (indices.length === 0) {
      const tail = await storage.open(segmentName(opts.name, 0));
      return new Journal(storage, opts, 0, tail, 0, 0, { segments: 1, records: 0 });
    }

    let records = 0;
    const lastIndex = indices[indices.length - 1]!;
    for (const index of indices.slice(0, -1)) {
      const blob = await storage.open(segmentName(opts.name, index), { create: false });
      try {
        for await (const item of scanSegment(blob, await blob.size())) {
          // A segment is synced before its successor is created, so it cannot have a torn tail:
          // any bad record here is damage to data that was durable.
          if (item.kind === "bad") {
            throw new JournalError(
              "JOURNAL_CORRUPT",
              `journal ${opts.name}: ${item.reason} at segment ${index} offset ${item.offset} (not the last segment)`,
              { segment: index, offset: item.offset, reason: item.reason },
            );
          }
          records++;
        }
      } finally {
        await blob.close();
      }
    }

    const tail = await storage.open(segmentName(opts.name, lastIndex), { create: false });
    try {
      let size = await tail.size();
      let truncated: RecoveryReport["truncated"];
      for await (const item of scanSegment(tail, size)) {
        if (item.kind === "bad") {
          // The first record that does not parse in the last segment is where the crash cut the
          // writes off. Everything after it is unsynced garbage (or, rarely, synced data behind
          // bit rot, which we cannot tell apart and so also drop; docs/journal.md).
          truncated = { segment: lastIndex, offset: item.offset, bytes: size - item.offset, reason: item.reason };
          await tail.truncate(item.offset);
          size = item.offset;
          break;
        }
        records++;
      }
      // Sync even when nothing was cut: after a process kill (not a power loss) the tail may
      // still be only in the page cache, and we are about to act on it.
      await tail.sync();
      const report: RecoveryReport = { segments: indices.length, records };
      if (truncated) report.truncated = truncated;
      return new Journal(storage, opts, indices[0]!, tail, lastIndex, size, report);
    } catch (e) {
      await tail.close().catch(() => {});
      throw e;
    }
  }

  get name(): string {
    return this.options.name;
  }

  get maxRecordBytes(): number {
    return this.options.maxRecordBytes;
  }

  /** Index of the oldest segment still present. */
  get firstSegment(): number {
    return this.first;
  }

  /** Index of the segment the next append goes to. */
  get lastSegment(): number {
    return this.nextIndex;
  }

  /**
   * Buffers one record and returns its position. Positions follow call order. Not durable until
   * a sync() called after it resolves. Rejects with JOURNAL_RECORD_TOO_LARGE (nothing buffered)
   * for a payload over maxRecordBytes. The payload is copied; the caller may reuse it.
   */
  async append(payload: Uint8Array): Promise<JournalPosition> {
    const position = this.bufferRecord(payload);
    if (this.bufferedBytes >= this.options.writeBufferBytes) await this.flush();
    return position;
  }

  /** Makes every record appended before this call durable. Concurrent calls share one fsync. */
  sync(): Promise<void> {
    if (this.pendingSync) return this.pendingSync;
    const p = this.run(async () => {
      // From here on, appends are not covered by this sync: the next sync() must queue a new one.
      if (this.pendingSync === p) this.pendingSync = undefined;
      await this.writeBuffered();
      if (this.isDirty) {
        await this.tail.sync();
        this.isDirty = false;
      }
    });
    this.pendingSync = p;
    return p;
  }

  /** append() then sync(): resolves once the record is durable. */
  async appendAndSync(payload: Uint8Array): Promise<JournalPosition> {
    const position = this.bufferRecord(payload);
    await this.sync();
    return position;
  }

  /** Hands buffered records to storage without syncing (they stay non-durable). */
  flush(): Promise<void> {
    if (this.pendingSync) return this.pendingSync;
    if (this.pendingFlush) return this.pendingFlush;
    const p = this.run(async () => {
      if (this.pendingFlush === p) this.pendingFlush = undefined;
      await this.writeBuffered();
    });
    this.pendingFlush = p;
    return p;
  }

  /**
   * Every record, oldest first, from segment `fromSegment` (default: the first). Includes records
   * appended (even unsynced) before the call; not those appended while iterating. Do not prune
   * segments the iterator has not finished with (that fails with STORAGE_BUSY).
   */
  async *records(fromSegment?: number): AsyncGenerator<JournalRecord> {
    const snap = await this.run(async () => {
      await this.writeBuffered();
      return { first: this.first, last: this.tailIndex, lastSize: this.tailWritten };
    });
    for (let index = Math.max(fromSegment ?? snap.first, snap.first); index <= snap.last; index++) {
      const blob = await this.storage.open(segmentName(this.options.name, index), { create: false });
      try {
        const size = index === snap.last ? snap.lastSize : await blob.size();
        for await (const item of scanSegment(blob, size)) {
          if (item.kind === "bad") {
            // open() verified all of this; damage now means something else wrote to our blobs.
            throw new JournalError("JOURNAL_CORRUPT", `journal ${this.name}: ${item.reason} at segment ${index} offset ${item.offset}`, {
              segment: index,
              offset: item.offset,
              reason: item.reason,
            });
          }
          yield { segment: index, offset: item.offset, payload: item.payload };
        }
      } finally {
        await blob.close();
      }
    }
  }

  /**
   * The payload of the record at `position` (as append() or records() reported it), checksum
   * verified. Pass the payload's `length` when known (an index kept it) to read the record in one
   * storage call instead of two. Buffered records are handed to storage first (not synced).
   * A position in a pruned segment or past the end is JOURNAL_BAD_OPTIONS; one that is not the
   * start of a record (or whose length differs) reads as damage, JOURNAL_CORRUPT: the journal
   * cannot tell a wrong position from a bad disk. Reads do not fail the journal.
   */
  async read(position: JournalPosition, length?: number): Promise<Uint8Array> {
    this.checkUsable();
    const { segment, offset } = position ?? {};
    const isInt = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
    if (!isInt(segment) || !isInt(offset) || (length !== undefined && !isInt(length))) {
      throw new JournalError("JOURNAL_BAD_OPTIONS", "read needs a {segment, offset} position of non-negative integers");
    }
    const end = offset + RECORD_OVERHEAD + (length ?? 0);
    if (segment > this.tailIndex || (segment === this.tailIndex && end > this.tailWritten)) await this.flush();
    if (segment < this.first || segment > this.tailIndex || (segment === this.tailIndex && end > this.tailWritten)) {
      throw new JournalError("JOURNAL_BAD_OPTIONS", `no record at segment ${segment} offset ${offset} of journal ${this.name}`);
    }
    const handle = this.readHandle(segment);
    handle.users++;
    try {
      const blob = await handle.blob;
      const fetch = async (at: number, n: number) => {
        try {
          return await blob.read(at, n);
        } catch (e) {
          if (e instanceof StorageError && e.code === "STORAGE_OUT_OF_RANGE") {
            throw new JournalError("JOURNAL_BAD_OPTIONS", `no record at segment ${segment} offset ${offset} of journal ${this.name}`);
          }
          throw e;
        }
      };
      let bytes: Uint8Array;
      if (length !== undefined) bytes = await fetch(offset, RECORD_OVERHEAD + length);
      else {
        const header = await fetch(offset, HEADER_BYTES);
        const len = new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getUint32(0, true);
        bytes = concatBytes(header, await fetch(offset + HEADER_BYTES, len + RECORD_OVERHEAD - HEADER_BYTES));
      }
      const decoded = decodeRecord(bytes, 0);
      if (decoded.kind !== "record" || decoded.size !== bytes.length) {
        const reason = decoded.kind === "bad" ? decoded.reason : "torn-record";
        throw new JournalError("JOURNAL_CORRUPT", `journal ${this.name}: ${reason} reading segment ${segment} offset ${offset}`, {
          segment,
          offset,
          reason,
        });
      }
      return decoded.payload;
    } finally {
      handle.users--;
    }
  }

  /**
   * Deletes every segment with an index below `beforeSegment`, oldest first (so a crash midway
   * leaves a contiguous journal). Never deletes the segment being written. Returns how many went.
   */
  prune(beforeSegment: number): Promise<number> {
    if (!Number.isSafeInteger(beforeSegment))
      return Promise.reject(new JournalError("JOURNAL_BAD_OPTIONS", "beforeSegment must be an integer"));
    return this.run(async () => {
      const stop = Math.min(beforeSegment, this.tailIndex);
      let removed = 0;
      while (this.first < stop) {
        await this.releaseReadHandle(this.first);
        await this.storage.remove(segmentName(this.options.name, this.first));
        this.first++;
        removed++;
      }
      return removed;
    });
  }

  /**
   * Syncs everything and releases the storage handle. Later calls reject with JOURNAL_CLOSED.
   * On a failed journal it only releases the handle (and rejects with the failure).
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const synced = this.run(async () => {
      await this.writeBuffered();
      if (this.isDirty) await this.tail.sync();
      this.isDirty = false;
    });
    this.closing = synced.finally(async () => {
      this.isClosed = true;
      await this.tail.close().catch(() => {});
      for (const segment of [...this.readHandles.keys()]) await this.releaseReadHandle(segment).catch(() => {});
    });
    return this.closing;
  }

  // ---- internals ----

  private checkUsable(): void {
    if (this.isClosed || this.closing) throw new JournalError("JOURNAL_CLOSED", `journal ${this.name} is closed`);
    this.checkNotFailed();
  }

  private checkNotFailed(): void {
    if (this.failure !== undefined) {
      throw new JournalError("JOURNAL_FAILED", `journal ${this.name} failed earlier; reopen it`, {}, { cause: this.failure });
    }
  }

  /** The read handle of a segment, opening it (and closing the least recently used idle one). */
  private readHandle(segment: number): ReadHandle {
    let handle = this.readHandles.get(segment);
    if (handle)
      this.readHandles.delete(segment); // re-inserted below: most recently used last
    else {
      const blob = this.storage.open(segmentName(this.options.name, segment), { create: false });
      const entry: ReadHandle = { blob, users: 0 };
      // read() awaits and reports the failure; here it only must not be cached (nor go unhandled).
      blob.catch(() => {
        if (this.readHandles.get(segment) === entry) this.readHandles.delete(segment);
      });
      handle = entry;
      for (const [old, h] of this.readHandles) {
        if (this.readHandles.size < READ_HANDLES) break;
        if (h.users > 0) continue;
        this.readHandles.delete(old);
        h.blob.then((b) => b.close()).catch(() => {});
      }
    }
    this.readHandles.set(segment, handle);
    return handle;
  }

  private async releaseReadHandle(segment: number): Promise<void> {
    const handle = this.readHandles.get(segment);
    if (!handle) return;
    this.readHandles.delete(segment);
    await (await handle.blob.catch(() => undefined))?.close();
  }

  /** Validates and frames one record into the buffer, synchronously, so positions follow call order. */
  private bufferRecord(payload: Uint8Array): JournalPosition {
    this.checkUsable();
    if (!(payload instanceof Uint8Array)) throw new JournalError("JOURNAL_BAD_OPTIONS", "payload must be a Uint8Array");
    if (payload.length > this.options.maxRecordBytes) {
      throw new JournalError(
        "JOURNAL_RECORD_TOO_LARGE",
        `record of ${payload.length} bytes > maxRecordBytes ${this.options.maxRecordBytes}`,
      );
    }
    const framed = encodeRecord(payload);
    // Records never span segments: roll over when this one would not fit. A segment holds at
    // least one record, so a record of maxRecordBytes always finds room in a fresh segment.
    if (this.nextOffset > 0 && this.nextOffset + framed.length > this.options.maxSegmentBytes) {
      this.nextIndex++;
      this.nextOffset = 0;
    }
    const position = { segment: this.nextIndex, offset: this.nextOffset };
    let group = this.buffer[this.buffer.length - 1];
    if (!group || group.segment !== this.nextIndex) {
      group = { segment: this.nextIndex, chunks: [], bytes: 0 };
      this.buffer.push(group);
    }
    group.chunks.push(framed);
    group.bytes += framed.length;
    this.bufferedBytes += framed.length;
    this.nextOffset += framed.length;
    return position;
  }

  /** Runs `op` after every earlier operation. An error from storage fails the journal for good. */
  private run<T>(op: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      this.checkUsable();
      result = this.queue.then(async () => {
        // Queued before a failure: do not touch storage after it.
        this.checkNotFailed();
        try {
          return await op();
        } catch (e) {
          // A busy blob is the caller's mistake (pruning under an iterator), not lost state.
          if (e instanceof StorageError && e.code === "STORAGE_BUSY") throw e;
          this.failure ??= e;
          if (e instanceof JournalError) throw e;
          throw new JournalError("JOURNAL_FAILED", `journal ${this.name}: storage failed: ${(e as Error)?.message ?? e}`, {}, { cause: e });
        }
      });
    } catch (e) {
      result = Promise.reject(e);
    }
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Moves the buffer to storage, rolling segments over as the records require. */
  private async writeBuffered(): Promise<void> {
    const groups = this.buffer;
    this.buffer = [];
    this.bufferedBytes = 0;
    for (const group of groups) {
      if (group.segment !== this.tailIndex) await this.rollTo(group.segment);
      const bytes = group.chunks.length === 1 ? group.chunks[0]! : concatBytes(...group.chunks);
      await this.tail.append(bytes);
      this.tailWritten += bytes.length;
      this.isDirty = true;
    }
  }

  private async rollTo(index: number): Promise<void> {
    // Sync the full segment before its successor exists. This is what lets open() treat damage in
    // any segment but the last as corruption, and what keeps a crash from losing records in the
    // middle of the journal while later ones survive.
    if (this.isDirty) {
      await this.tail.sync();
      this.isDirty = false;
    }
    await this.tail.close();
    const next = await this.storage.open(segmentName(this.options.name, index));
    if ((await next.size()) !== 0) {
      await next.close();
      throw new JournalError("JOURNAL_CORRUPT", `segment ${index} of journal ${this.name} already exists`, {
        segment: index,
        reason: "segment-exists",
      });
    }
    this.tail = next;
    this.tailIndex = index;
    this.tailWritten = 0;
  }
}
