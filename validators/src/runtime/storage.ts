// Storage: the only way consensus code touches disk.
//
// A Storage is a flat namespace of named, append-only blobs. The real process uses FsStorage
// (one file per blob under a directory); the deterministic simulator uses SimStorage (memory,
// with crashes that lose unsynced writes). Code written against this interface cannot tell them
// apart, so a crash schedule found in the simulator is a crash schedule the real process survives.
//
// Durability contract (both implementations honour it; the journal relies on nothing more):
// - `open(name)` that creates a blob makes the *creation* durable before it resolves (the file
//   exists after a power loss), but none of its contents.
// - `append` and `truncate` are visible at once to every handle, and durable only after a later
//   `sync()` on any handle of that blob resolves. A crash may keep any ordered prefix of the
//   unsynced changes, including part of the last append, and may leave zeros where unsynced bytes
//   should be (a size that reached disk before its data).
// - `remove(name)` is durable when it resolves.
// - Nothing orders writes across different blobs: syncing blob B says nothing about blob A.

/** Stable codes of every error a Storage throws. */
export type StorageErrorCode =
  | "STORAGE_INVALID_NAME" // a name outside [A-Za-z0-9._-] (no path separators, max 255)
  | "STORAGE_NOT_FOUND" // open({create:false}) of a blob that does not exist
  | "STORAGE_OUT_OF_RANGE" // read past the end, negative offset, truncate beyond the size
  | "STORAGE_CLOSED" // a handle used after close()
  | "STORAGE_STALE_HANDLE" // a handle from before a (simulated) crash or restart
  | "STORAGE_BUSY" // remove() of a blob that still has open handles
  | "STORAGE_IO"; // the operating system refused (see `cause`)

export class StorageError extends Error {
  override readonly name = "StorageError";
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export interface OpenOptions {
  /** Create the blob if it does not exist (default true). With false, a missing blob is STORAGE_NOT_FOUND. */
  create?: boolean;
}

/** A handle to one open blob. Handles are cheap; several may be open on one blob. */
export interface Blob {
  readonly name: string;
  /** Current size in bytes, including unsynced appends. */
  size(): Promise<number>;
  /** Exactly `length` bytes from `offset`; STORAGE_OUT_OF_RANGE if they are not all there. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Adds bytes at the end. Not durable until sync(). The caller may reuse `data` afterwards. */
  append(data: Uint8Array): Promise<void>;
  /** Makes every earlier append and truncate of this blob durable (fdatasync on a real disk). */
  sync(): Promise<void>;
  /** Drops everything from `size` on. Not durable until sync(). */
  truncate(size: number): Promise<void>;
  /** Releases the handle. Does not sync. Idempotent. */
  close(): Promise<void>;
}

export interface Storage {
  open(name: string, options?: OpenOptions): Promise<Blob>;
  /** Names of existing blobs starting with `prefix`, sorted by UTF-16 code unit order. */
  list(prefix?: string): Promise<string[]>;
  /** Deletes a blob durably; false if it did not exist. STORAGE_BUSY while a handle is open. */
  remove(name: string): Promise<boolean>;
}

// Names become file names in FsStorage, so they are restricted to a set that is safe and
// identical on every file system we care about: no separators, no "." or ".." on their own,
// no leading dot (hidden files, editor temp files).
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

export function isValidBlobName(name: string): boolean {
  return NAME.test(name);
}

export function checkBlobName(name: string): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new StorageError("STORAGE_INVALID_NAME", `invalid blob name ${JSON.stringify(name)}`);
  }
}

/** Validates the arguments of Blob.read (shared so both implementations refuse the same inputs). */
export function checkReadRange(name: string, offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new StorageError("STORAGE_OUT_OF_RANGE", `read(${offset}, ${length}) of ${name} (size ${size})`);
  }
}

export function checkTruncate(name: string, newSize: number, size: number): void {
  if (!Number.isSafeInteger(newSize) || newSize < 0 || newSize > size) {
    throw new StorageError("STORAGE_OUT_OF_RANGE", `truncate(${newSize}) of ${name} (size ${size})`);
  }
}
