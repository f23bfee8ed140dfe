// The archive's storage framing (docs/archive.md is the prose version of this file). No I/O.
//
// Every archive record is one journal record (length-prefixed, CRC32C, docs/journal.md) whose
// payload is
//
//   u8 kind ‖ u64le height ‖ body
//
//   kind 1 FINALIZED   body = u32le blockLength ‖ block ‖ finalization certificate
//   kind 2 SIGMA       body = [48] σ_h
//   kind 3 PROGRESS    body = progress certificate
//   kind 4 CHECKPOINT  body = u64le snapshotLength ‖ [32] sha256(snapshot)   (commits a checkpoint blob)
//
// This is framing, like the journal's length and checksum: the blocks and certificates inside are
// the wasm codec's bytes, stored exactly as given and never parsed here. Bundles are built from the
// parts by Codec.encodeFinalized (one codec). Checkpoint blobs are `<name>-checkpoint.<height, 20
// decimal digits>` and hold the snapshot bytes alone.

import { ArchiveError } from "./errors.js";

export const KIND_FINALIZED = 1;
export const KIND_SIGMA = 2;
export const KIND_PROGRESS = 3;
export const KIND_CHECKPOINT = 4;
export type RecordKind = typeof KIND_FINALIZED | typeof KIND_SIGMA | typeof KIND_PROGRESS | typeof KIND_CHECKPOINT;

/** u8 kind ‖ u64le height. */
export const RECORD_HEADER_BYTES = 9;
export const SIGMA_BYTES = 48;
const CHECKPOINT_BODY_BYTES = 8 + 32;

export interface CheckpointRecord {
  height: number;
  length: number;
  /** sha256 of the snapshot bytes. */
  hash: Uint8Array;
}

export interface FinalizedRecord {
  kind: typeof KIND_FINALIZED;
  height: number;
  block: Uint8Array;
  finalization: Uint8Array;
}
export interface SigmaRecord {
  kind: typeof KIND_SIGMA;
  height: number;
  sigma: Uint8Array;
}
export interface ProgressRecord {
  kind: typeof KIND_PROGRESS;
  height: number;
  progress: Uint8Array;
}
export type ArchiveRecord = FinalizedRecord | SigmaRecord | ProgressRecord | ({ kind: typeof KIND_CHECKPOINT } & CheckpointRecord);

/** The record kind of each per-height part. */
export const PART_KINDS = { finalized: KIND_FINALIZED, sigma: KIND_SIGMA, progress: KIND_PROGRESS } as const;
export interface PartRecords {
  finalized: FinalizedRecord;
  sigma: SigmaRecord;
  progress: ProgressRecord;
}

function header(kind: RecordKind, height: number, bodyLength: number): { out: Uint8Array; view: DataView } {
  const out = new Uint8Array(RECORD_HEADER_BYTES + bodyLength);
  const view = new DataView(out.buffer);
  out[0] = kind;
  view.setBigUint64(1, BigInt(height), true);
  return { out, view };
}

export function encodeFinalizedRecord(height: number, block: Uint8Array, finalization: Uint8Array): Uint8Array {
  const { out, view } = header(KIND_FINALIZED, height, 4 + block.length + finalization.length);
  view.setUint32(RECORD_HEADER_BYTES, block.length, true);
  out.set(block, RECORD_HEADER_BYTES + 4);
  out.set(finalization, RECORD_HEADER_BYTES + 4 + block.length);
  return out;
}

export function encodeSigmaRecord(height: number, sigma: Uint8Array): Uint8Array {
  const { out } = header(KIND_SIGMA, height, sigma.length);
  out.set(sigma, RECORD_HEADER_BYTES);
  return out;
}

export function encodeProgressRecord(height: number, progress: Uint8Array): Uint8Array {
  const { out } = header(KIND_PROGRESS, height, progress.length);
  out.set(progress, RECORD_HEADER_BYTES);
  return out;
}

export function encodeCheckpointRecord(c: CheckpointRecord): Uint8Array {
  const { out, view } = header(KIND_CHECKPOINT, c.height, CHECKPOINT_BODY_BYTES);
  view.setBigUint64(RECORD_HEADER_BYTES, BigInt(c.length), true);
  out.set(c.hash, RECORD_HEADER_BYTES + 8);
  return out;
}

function corrupt(reason: string): ArchiveError {
  return new ArchiveError("ARCHIVE_CORRUPT", `archive record: ${reason}`, { reason });
}

/** A u64le that must be a safe integer (heights and lengths of a real archive always are). */
function safeU64(view: DataView, at: number, what: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`${what} ${v} is past 2^53`);
  return Number(v);
}

/**
 * Parses one record payload. The parts are views into `payload`. Anything malformed is
 * ARCHIVE_CORRUPT: the journal's checksum passed, so these bytes are what was written, and the
 * archive never writes them.
 */
export function decodeArchiveRecord(payload: Uint8Array): ArchiveRecord {
  if (payload.length < RECORD_HEADER_BYTES) throw corrupt(`record of ${payload.length} bytes is shorter than its header`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const kind = payload[0] as number;
  const height = safeU64(view, 1, "height");
  const body = payload.subarray(RECORD_HEADER_BYTES);
  switch (kind) {
    case KIND_FINALIZED: {
      if (body.length < 4) throw corrupt("finalized record without a block length");
      const blockLength = view.getUint32(RECORD_HEADER_BYTES, true);
      if (blockLength > body.length - 4) throw corrupt("finalized record shorter than its block");
      return {
        kind,
        height,
        block: body.subarray(4, 4 + blockLength),
        finalization: body.subarray(4 + blockLength),
      };
    }
    case KIND_SIGMA:
      if (body.length !== SIGMA_BYTES) throw corrupt(`σ record of ${body.length} bytes`);
      return { kind, height, sigma: body };
    case KIND_PROGRESS:
      return { kind, height, progress: body };
    case KIND_CHECKPOINT:
      if (body.length !== CHECKPOINT_BODY_BYTES) throw corrupt(`checkpoint record of ${body.length} bytes`);
      return { kind, height, length: safeU64(view, RECORD_HEADER_BYTES, "snapshot length"), hash: body.subarray(8) };
    default:
      throw corrupt(`unknown record kind ${kind}`);
  }
}

// Checkpoint blobs: outside the journal's namespace (`name.`) because "-" is not ".".
const HEIGHT_DIGITS = 20;

export function checkpointPrefix(name: string): string {
  return `${name}-checkpoint.`;
}

export function checkpointBlobName(name: string, height: number): string {
  return `${checkpointPrefix(name)}${String(height).padStart(HEIGHT_DIGITS, "0")}`;
}

/** The height in a checkpoint blob name of this archive, or undefined if the name is not one. */
export function parseCheckpointBlobName(name: string, blob: string): number | undefined {
  const prefix = checkpointPrefix(name);
  if (!blob.startsWith(prefix)) return undefined;
  const digits = blob.slice(prefix.length);
  if (!/^[0-9]{20}$/.test(digits)) return undefined;
  const height = Number(digits);
  return Number.isSafeInteger(height) ? height : undefined;
}
