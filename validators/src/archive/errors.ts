// Typed errors of the archive, with stable string codes (listed in README.md and docs/archive.md),
// and the argument checks and error mappings every archive operation shares.

import { CoreError } from "@nullspace/core";
import { JournalError } from "../journal/journal.js";
import { StorageError } from "../runtime/storage.js";

/** Stable codes of every error an Archive throws. */
export type ArchiveErrorCode =
  | "ARCHIVE_BAD_ARGUMENT" // a height that is not a safe non-negative bigint, bytes that are not a Uint8Array, bad options
  | "ARCHIVE_INVALID" // parts the codec refuses (cause: the CoreError), a σ that is not 48 bytes
  | "ARCHIVE_CONFLICT" // different bytes for a part already stored, or a block that does not extend the stored chain
  | "ARCHIVE_OUT_OF_ORDER" // a finalized height other than tip + 1, a checkpoint below the latest one
  | "ARCHIVE_NOT_FINALIZED" // σ, progress certificate or checkpoint of a height above the tip
  | "ARCHIVE_TOO_LARGE" // a record over the journal's maxRecordBytes; nothing written
  | "ARCHIVE_CORRUPT" // stored bytes that contradict the archive's own rules (not a torn tail: those are cut)
  | "ARCHIVE_IO" // a read failed in storage (cause); the archive stays usable
  | "ARCHIVE_CLOSED" // use after close()
  | "ARCHIVE_FAILED"; // a write failed earlier: what is on disk is unknown, reopen

/** Which part of a height an error is about. */
export type ArchivePart = "finalized" | "sigma" | "progress" | "checkpoint";

export interface ArchiveErrorDetails {
  height?: bigint;
  part?: ArchivePart;
  /**
   * For ARCHIVE_CONFLICT: "block" (another block at a stored height), "certificate" (the same block
   * or progress record under other signatures: benign, certificates of one value differ by signer
   * set), "record" (another progress record), "sigma", "parent" (a block that does not extend the
   * stored chain), "genesis" (block 1 is not a child of options.genesisDigest), "snapshot". For
   * ARCHIVE_CORRUPT: what was wrong.
   */
  reason?: string;
  /** For ARCHIVE_INVALID: the state machine's error code (docs/errors.md). */
  coreCode?: number;
}

export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    readonly details: ArchiveErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** A height as a safe integer; ARCHIVE_BAD_ARGUMENT outside [min, 2^53). */
export function checkHeight(height: bigint, min: number): number {
  if (typeof height !== "bigint" || height < BigInt(min) || height > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", `height must be a bigint in [${min}, 2^53), got ${String(height)}`);
  }
  return Number(height);
}

export function checkBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new ArchiveError("ARCHIVE_BAD_ARGUMENT", `${what} must be a Uint8Array`);
}

/** Runs the codec; a refusal becomes ARCHIVE_INVALID (or, for stored bytes, ARCHIVE_CORRUPT). */
export function codecCheck<T>(f: () => T, height: bigint, part: ArchivePart, stored = false): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    const code = stored ? "ARCHIVE_CORRUPT" : "ARCHIVE_INVALID";
    throw new ArchiveError(code, `${part} of height ${height}: ${e.codeName}`, { height, part, coreCode: e.code }, { cause: e });
  }
}

/** Maps an error from a read to the archive's codes; reads never fail the archive. */
export function readError(e: unknown): unknown {
  if (e instanceof ArchiveError) return e;
  if (e instanceof JournalError) {
    if (e.code === "JOURNAL_CORRUPT") return new ArchiveError("ARCHIVE_CORRUPT", e.message, { reason: e.details.reason }, { cause: e });
    if (e.code === "JOURNAL_CLOSED") return new ArchiveError("ARCHIVE_CLOSED", "archive is closed", {}, { cause: e });
    return new ArchiveError("ARCHIVE_FAILED", e.message, {}, { cause: e });
  }
  if (e instanceof StorageError) return new ArchiveError("ARCHIVE_IO", e.message, {}, { cause: e });
  return e;
}

export function conflict(height: bigint, part: ArchivePart, reason: string): ArchiveError {
  return new ArchiveError("ARCHIVE_CONFLICT", `different ${reason} for the ${part} part of height ${height}`, { height, part, reason });
}
