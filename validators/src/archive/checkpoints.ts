// State checkpoints: snapshot blobs beside the archive's journal, made current by a commit record
// in the journal.
//
// Storage has no rename, so "write a temp file, then rename it over the current one" is spelled:
//   1. write the snapshot to its own blob `<name>-checkpoint.<height>` and sync it (the blob is
//      the temp file: nothing refers to it yet);
//   2. append a CHECKPOINT record {height, length, sha256} to the journal and sync it: the commit
//      point, atomic because a journal record is either intact (CRC32C) or cut off on recovery;
//   3. remove the blobs of checkpoints older than the newest `keep` (each remove is durable).
// Nothing orders writes across blobs, which is why step 1 syncs before step 2 exists. A crash
// before step 2 leaves a blob no record names: open() removes it. A crash inside step 3 leaves old
// blobs: open() removes every blob outside the newest `keep` committed. A committed blob that is
// missing or has the wrong size (not a crash artefact: damage) is reported and skipped, and
// latestCheckpoint() falls back to the next newest one whose bytes hash to its record.

import { equalBytes, sha256 } from "@nullspace/core";
import { type Blob, type Storage, StorageError } from "../runtime/storage.js";
import { ArchiveError } from "./errors.js";
import { type CheckpointRecord, checkpointBlobName, checkpointPrefix, parseCheckpointBlobName } from "./format.js";

export interface CheckpointRecovery {
  /** Heights of the newest `keep` committed checkpoints whose blob was found, oldest first. */
  retained: bigint[];
  /** Blobs removed: uncommitted (a crash before the commit) or older than the newest `keep`. */
  removed: string[];
  /** Committed checkpoints among the newest `keep` whose blob is missing or of the wrong size. */
  lost: { height: bigint; reason: "missing" | "size" }[];
}

export interface LatestCheckpoint {
  height: bigint;
  bytes: Uint8Array;
  /** Newer committed checkpoints passed over because their bytes were gone or damaged (normally empty). */
  skipped: { height: bigint; reason: "missing" | "hash" }[];
}

export class CheckpointStore {
  // The newest `keep` committed checkpoints, oldest first, and which of them have their blob.
  private retained: CheckpointRecord[];
  private readonly present = new Set<number>();

  private constructor(
    private readonly storage: Storage,
    private readonly name: string,
    private readonly keep: number,
    committed: CheckpointRecord[],
  ) {
    this.retained = committed.slice(-keep);
  }

  /** Reconciles the blobs with the commit records found in the journal (oldest first). */
  static async recover(
    storage: Storage,
    name: string,
    keep: number,
    committed: CheckpointRecord[],
  ): Promise<{ store: CheckpointStore; report: CheckpointRecovery }> {
    const store = new CheckpointStore(storage, name, keep, committed);
    const report: CheckpointRecovery = { retained: [], removed: [], lost: [] };
    const wanted = new Set(store.retained.map((c) => c.height));
    for (const blob of await storage.list(checkpointPrefix(name))) {
      const height = parseCheckpointBlobName(name, blob);
      if (height === undefined) {
        throw new ArchiveError("ARCHIVE_CORRUPT", `blob ${blob} is in the archive's checkpoint namespace but is not a checkpoint`, {
          part: "checkpoint",
          reason: "foreign-blob",
        });
      }
      if (wanted.has(height)) continue;
      await storage.remove(blob);
      report.removed.push(blob);
    }
    for (const c of store.retained) {
      const size = await store.blobSize(c.height);
      if (size === c.length) {
        store.present.add(c.height);
        report.retained.push(BigInt(c.height));
      } else report.lost.push({ height: BigInt(c.height), reason: size === undefined ? "missing" : "size" });
    }
    return { store, report };
  }

  /** The newest committed checkpoint, whether or not its blob is usable (for order checks). */
  get newest(): CheckpointRecord | undefined {
    return this.retained.at(-1);
  }

  /** Heights of the retained checkpoints with a blob, oldest first. */
  heights(): bigint[] {
    return this.retained.filter((c) => this.present.has(c.height)).map((c) => BigInt(c.height));
  }

  isPresent(height: number): boolean {
    return this.present.has(height);
  }

  /** Step 1: the snapshot in its own blob, synced. Returns the record that commits it. */
  async write(height: number, bytes: Uint8Array): Promise<CheckpointRecord> {
    const blob = await this.storage.open(checkpointBlobName(this.name, height));
    try {
      // A leftover of an attempt that failed in this process (open() removes those of a crash).
      if ((await blob.size()) > 0) await blob.truncate(0);
      await blob.append(bytes);
      await blob.sync();
    } finally {
      await blob.close();
    }
    return { height, length: bytes.length, hash: sha256(bytes) };
  }

  /** After step 2 (the commit record is durable): the checkpoint is current. */
  commit(record: CheckpointRecord): void {
    if (this.retained.at(-1)?.height !== record.height) this.retained.push(record);
    this.present.add(record.height);
  }

  /** Step 3: removes the blobs of checkpoints older than the newest `keep`, oldest first. */
  async prune(): Promise<void> {
    while (this.retained.length > this.keep) {
      const old = this.retained[0]!;
      await this.storage.remove(checkpointBlobName(this.name, old.height));
      this.retained.shift();
      this.present.delete(old.height);
    }
  }

  /** The newest retained checkpoint whose bytes match its commit record. */
  async latest(): Promise<LatestCheckpoint | undefined> {
    const skipped: LatestCheckpoint["skipped"] = [];
    for (const c of [...this.retained].reverse()) {
      const height = BigInt(c.height);
      const bytes = this.present.has(c.height) ? await this.read(c) : undefined;
      if (bytes && equalBytes(sha256(bytes), c.hash)) return { height, bytes, skipped };
      this.present.delete(c.height);
      skipped.push({ height, reason: bytes ? "hash" : "missing" });
    }
    return undefined;
  }

  private async read(c: CheckpointRecord): Promise<Uint8Array | undefined> {
    const size = await this.blobSize(c.height);
    if (size !== c.length) return undefined;
    const blob = await this.storage.open(checkpointBlobName(this.name, c.height), { create: false });
    try {
      return await blob.read(0, c.length);
    } finally {
      await blob.close();
    }
  }

  private async blobSize(height: number): Promise<number | undefined> {
    let blob: Blob;
    try {
      blob = await this.storage.open(checkpointBlobName(this.name, height), { create: false });
    } catch (e) {
      if (e instanceof StorageError && e.code === "STORAGE_NOT_FOUND") return undefined;
      throw e;
    }
    try {
      return await blob.size();
    } finally {
      await blob.close();
    }
  }
}
