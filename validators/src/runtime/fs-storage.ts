// FsStorage: Storage on real files, one file per blob in one directory.
//
// sync() is fdatasync: it flushes the data and the metadata needed to read it back (the size),
// which is all an append-only file needs. Creating or removing a file changes the directory, not
// the file, so both fsync the directory before they resolve; otherwise a power loss could forget
// a segment the journal has already synced records into (or resurrect one it pruned).

import { constants, type FileHandle, mkdir, open, readdir, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { IoThread } from "./io-thread.js";
import {
  type Blob,
  checkBlobName,
  checkReadRange,
  checkTruncate,
  isValidBlobName,
  type OpenOptions,
  type Storage,
  StorageError,
} from "./storage.js";

function ioError(what: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? "unknown";
  return new StorageError("STORAGE_IO", `${what}: ${code}`, { cause });
}

/** fsync a directory so entries created or removed in it survive a power loss. */
async function syncDirectory(path: string): Promise<void> {
  // Windows cannot open a directory for fsync; there is nothing equivalent to do there.
  if (process.platform === "win32") return;
  const fh = await open(path, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface FsStorageOptions {
  /**
   * Runs appends and syncs on a thread of their own (io-thread.ts) instead of the libuv pool. A
   * validator's pool is busy verifying signatures, and a journal sync queued behind a batch of them
   * waited for all of them: 42 ms on average in the devnet under load, against ~0.2 ms for the
   * fdatasync itself here. (Doing them inline instead blocked the event loop for as long as a
   * contended disk took: 41% of validator 0's time at 100 tx/s.) Reads, opens and removals stay
   * on the pool.
   */
  ioThread?: IoThread;
}

export class FsStorage implements Storage {
  readonly dir: string;
  private readonly ioThread: IoThread | undefined;
  private ready: Promise<void> | undefined;
  // Open handles per name, so remove() refuses a busy blob exactly as SimStorage does (POSIX
  // would let us unlink an open file and keep writing into the void).
  private readonly handles = new Map<string, number>();

  constructor(dir: string, options: FsStorageOptions = {}) {
    this.dir = resolve(dir);
    this.ioThread = options.ioThread;
  }

  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      try {
        const created = await mkdir(this.dir, { recursive: true });
        // mkdir -p returns the first directory it created; make that entry durable in its parent.
        if (created !== undefined) await syncDirectory(dirname(created));
      } catch (e) {
        this.ready = undefined;
        throw ioError(`mkdir ${this.dir}`, e);
      }
    })();
    return this.ready;
  }

  async open(name: string, options: OpenOptions = {}): Promise<Blob> {
    checkBlobName(name);
    await this.ensureDir();
    const path = join(this.dir, name);
    const flags = constants.O_RDWR | constants.O_APPEND;
    let fh: FileHandle;
    try {
      if (options.create === false) {
        fh = await open(path, flags);
      } else {
        try {
          // O_EXCL tells us whether we created it, and so whether the directory needs a sync.
          fh = await open(path, flags | constants.O_CREAT | constants.O_EXCL, 0o644);
          try {
            await syncDirectory(this.dir);
          } catch (e) {
            await fh.close();
            throw e;
          }
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
          fh = await open(path, flags);
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new StorageError("STORAGE_NOT_FOUND", `no blob ${name}`);
      throw ioError(`open ${name}`, e);
    }
    this.handles.set(name, (this.handles.get(name) ?? 0) + 1);
    return new FsBlob(name, fh, this.ioThread, () => {
      const n = (this.handles.get(name) ?? 1) - 1;
      if (n === 0) this.handles.delete(name);
      else this.handles.set(name, n);
    });
  }

  async list(prefix = ""): Promise<string[]> {
    await this.ensureDir();
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (e) {
      throw ioError(`readdir ${this.dir}`, e);
    }
    // Files that could never be blob names (editor droppings, lost+found) are not ours.
    return entries.filter((n) => n.startsWith(prefix) && isValidBlobName(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async remove(name: string): Promise<boolean> {
    checkBlobName(name);
    await this.ensureDir();
    const open = this.handles.get(name) ?? 0;
    if (open > 0) throw new StorageError("STORAGE_BUSY", `${name} has ${open} open handle(s)`);
    try {
      await unlink(join(this.dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw ioError(`unlink ${name}`, e);
    }
    try {
      await syncDirectory(this.dir);
    } catch (e) {
      throw ioError(`fsync ${this.dir}`, e);
    }
    return true;
  }
}

class FsBlob implements Blob {
  private isClosed = false;

  constructor(
    readonly name: string,
    private readonly fh: FileHandle,
    private readonly ioThread: IoThread | undefined,
    private readonly onClose: () => void,
  ) {}

  /** The last io-thread operation issued on this handle (they complete in order). */
  private threadOps: Promise<void> = Promise.resolve();

  private onThread(op: Promise<void>): Promise<void> {
    this.threadOps = op;
    return op;
  }

  private check(): void {
    if (this.isClosed) throw new StorageError("STORAGE_CLOSED", `handle to ${this.name} is closed`);
  }

  async size(): Promise<number> {
    this.check();
    try {
      return (await this.fh.stat()).size;
    } catch (e) {
      throw ioError(`fstat ${this.name}`, e);
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkReadRange(this.name, offset, length, await this.size());
    const out = new Uint8Array(length);
    let done = 0;
    try {
      while (done < length) {
        const { bytesRead } = await this.fh.read(out, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (e) {
      throw ioError(`read ${this.name}`, e);
    }
    // Another handle truncated the file between our fstat and read.
    if (done < length) throw new StorageError("STORAGE_OUT_OF_RANGE", `read(${offset}, ${length}) of ${this.name}: file shrank`);
    return out;
  }

  async append(data: Uint8Array): Promise<void> {
    this.check();
    let done = 0;
    try {
      // O_APPEND: every write lands at the current end, whatever the file position.
      if (this.ioThread) await this.onThread(this.ioThread.write(this.fh.fd, data));
      else
        while (done < data.length) {
          const { bytesWritten } = await this.fh.write(data, done, data.length - done);
          done += bytesWritten;
        }
    } catch (e) {
      throw ioError(`write ${this.name}`, e);
    }
  }

  async sync(): Promise<void> {
    this.check();
    try {
      if (this.ioThread) await this.onThread(this.ioThread.datasync(this.fh.fd));
      else await this.fh.datasync();
    } catch (e) {
      // After a failed fsync the kernel may have dropped the dirty pages (the "fsyncgate" lesson):
      // retrying can report success for data that is gone. Callers must treat this as fatal.
      throw ioError(`fdatasync ${this.name}`, e);
    }
  }

  async truncate(size: number): Promise<void> {
    checkTruncate(this.name, size, await this.size());
    try {
      await this.fh.truncate(size);
    } catch (e) {
      throw ioError(`ftruncate ${this.name}`, e);
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClose();
    // The io thread holds our descriptor's number: closing it under a pending write could send
    // that write into whatever file reuses the number next.
    await this.threadOps.catch(() => {});
    try {
      await this.fh.close();
    } catch (e) {
      throw ioError(`close ${this.name}`, e);
    }
  }
}
