// The framing of a /submit batch and of /stream frames. These are transport envelopes around
// opaque bytes (transactions, bundles), not state-machine formats, so they live here rather than
// in the wasm codec; they use the codec's varint rules (docs/formats.md: unsigned LEB128, minimal,
// at most 64 bits) so that a client needs one varint reader.
//
//   batch  = varint count (1..maxTxs) ‖ count × (varint length ‖ [length] transaction)
//   frame  = u8 tag ‖ varint height ‖ bundle

import { ApiError } from "./errors.js";

/** Transactions per /submit batch by default: four of the mempool's verification chunks of 256. */
export const DEFAULT_MAX_BATCH_TXS = 1024;

/** The first byte of a /stream frame. */
export const FrameTag = {
  /** Height `h` is final: block and finalization certificate; σ_h and the progress certificate may be missing. */
  FINALIZED: 0x01,
  /** The bundle of `h` is complete (σ_h and progress certificate included); sent once more if it was first sent FINALIZED. */
  COMPLETED: 0x02,
} as const;

export type FrameTag = (typeof FrameTag)[keyof typeof FrameTag];

/**
 * Splits a batch body into its transactions (views into `body`, not copies). Throws ApiError
 * API_BAD_BATCH naming the offset of the first problem; never reads past `body`, never allocates
 * more than the body can hold.
 */
export function decodeBatch(body: Uint8Array, maxTxs: number = DEFAULT_MAX_BATCH_TXS): Uint8Array[] {
  if (body.length === 0) throw new ApiError("API_BAD_BATCH", "empty body");
  const [count, start] = readVarint(body, 0);
  if (count === 0) throw new ApiError("API_BAD_BATCH", "a batch holds at least one transaction");
  if (count > maxTxs) throw new ApiError("API_BAD_BATCH", `${count} transactions, at most ${maxTxs} per batch`);
  // Each entry takes at least its one-byte length, so a count past the remaining bytes is a lie.
  if (count > body.length - start) throw new ApiError("API_BAD_BATCH", `count ${count} does not fit in ${body.length} bytes`);
  const txs: Uint8Array[] = [];
  let pos = start;
  for (let i = 0; i < count; i++) {
    if (pos >= body.length) throw new ApiError("API_BAD_BATCH", `batch ends before transaction ${i} (offset ${pos})`);
    const [len, at] = readVarint(body, pos);
    if (len > body.length - at) throw new ApiError("API_BAD_BATCH", `transaction ${i} of ${len} bytes runs past the body (offset ${pos})`);
    txs.push(body.subarray(at, at + len));
    pos = at + len;
  }
  if (pos !== body.length) throw new ApiError("API_BAD_BATCH", `${body.length - pos} bytes after the last transaction (offset ${pos})`);
  return txs;
}

/** The batch encoding of `txs` (what the client SDK sends). */
export function encodeBatch(txs: readonly Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  writeVarint(parts, txs.length);
  let size = parts.length;
  const heads = txs.map((t) => {
    const h: number[] = [];
    writeVarint(h, t.length);
    size += h.length + t.length;
    return h;
  });
  const out = new Uint8Array(size);
  out.set(parts, 0);
  let pos = parts.length;
  for (let i = 0; i < txs.length; i++) {
    out.set(heads[i]!, pos);
    pos += heads[i]!.length;
    out.set(txs[i]!, pos);
    pos += txs[i]!.length;
  }
  return out;
}

/** One /stream frame: `u8 tag ‖ varint height ‖ bundle` (a copy: ws keeps it until it is sent). */
export function encodeFrame(tag: FrameTag, height: bigint, bundle: Uint8Array): Uint8Array {
  const head: number[] = [tag];
  writeVarint(head, height);
  const out = new Uint8Array(head.length + bundle.length);
  out.set(head, 0);
  out.set(bundle, head.length);
  return out;
}

/** Reads a /stream frame (for clients and tests); throws ApiError API_BAD_BATCH if it is not one. */
export function decodeFrame(frame: Uint8Array): { tag: FrameTag; height: bigint; bundle: Uint8Array } {
  const tag = frame[0];
  if (tag !== FrameTag.FINALIZED && tag !== FrameTag.COMPLETED) throw new ApiError("API_BAD_BATCH", `unknown frame tag ${tag}`);
  const [height, at] = readVarintBig(frame, 1);
  return { tag, height, bundle: frame.subarray(at) };
}

/**
 * A minimal LEB128 varint of at most 64 bits at `pos`, as a number: exact up to 2^53, and every
 * value the caller compares with a body length is far below that. Returns [value, next offset].
 */
export function readVarint(b: Uint8Array, pos: number): [number, number] {
  const [v, next] = readVarintBig(b, pos);
  return [v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v), next];
}

function readVarintBig(b: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = b[pos + i];
    if (byte === undefined) throw new ApiError("API_BAD_BATCH", `truncated varint at offset ${pos}`);
    if (i === 9 && byte > 1) throw new ApiError("API_BAD_BATCH", `varint past 64 bits at offset ${pos}`);
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new ApiError("API_BAD_BATCH", `non-minimal varint at offset ${pos}`);
      return [value, pos + i + 1];
    }
  }
  throw new ApiError("API_BAD_BATCH", `varint past 64 bits at offset ${pos}`);
}

function writeVarint(out: number[], value: number | bigint): void {
  let v = BigInt(value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}
