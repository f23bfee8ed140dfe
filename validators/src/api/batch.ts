// The framing of a /submit batch and of /stream frames. These are transport envelopes around
// opaque bytes (transactions, bundles), not state-machine formats, so they live here rather than
// in the wasm codec; they use the codec's varint rules (docs/formats.md: unsigned LEB128, minimal,
// at most 64 bits) so that a client needs one varint reader.
//
//   batch  = varint count (1..maxTxs) ‖ count × (varint length ‖ [length] transaction)
//   frame  = u8 tag ‖ varint height ‖ bundle

import { decodeTxBatch, readVarint as readCoreVarint, TxBatchError, VarintError, writeVarint } from "@nullspace/core";
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

/** Splits a batch body into its transactions (views into `body`); ApiError API_BAD_BATCH if it is not one. */
export function decodeBatch(body: Uint8Array, maxTxs: number = DEFAULT_MAX_BATCH_TXS): Uint8Array[] {
  try {
    return decodeTxBatch(body, maxTxs);
  } catch (e) {
    if (e instanceof TxBatchError) throw new ApiError("API_BAD_BATCH", e.message);
    throw e;
  }
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

function readVarintBig(b: Uint8Array, pos: number): [bigint, number] {
  try {
    return readCoreVarint(b, pos);
  } catch (e) {
    if (e instanceof VarintError) throw new ApiError("API_BAD_BATCH", e.message);
    throw e;
  }
}
