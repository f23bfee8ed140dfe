// A frame of a validator's /stream (docs/validator-api.md): `u8 tag ‖ varint height ‖ bundle`.
// Only the envelope is read here; the bundle is the wasm codec's, decoded when it is verified.
import { readVarint, VarintError } from "@nullspace/core";

export const StreamTag = { FINALIZED: 0x01, COMPLETED: 0x02 } as const;
export type StreamTag = (typeof StreamTag)[keyof typeof StreamTag];

export class StreamFrameError extends Error {
  override readonly name = "StreamFrameError";
}

export interface StreamFrame {
  tag: StreamTag;
  height: bigint;
  bundle: Uint8Array;
}

/** Throws StreamFrameError for anything that is not a frame (an unknown tag, a bad varint, no bundle). */
export function decodeStreamFrame(frame: Uint8Array): StreamFrame {
  const tag = frame[0];
  if (tag !== StreamTag.FINALIZED && tag !== StreamTag.COMPLETED) throw new StreamFrameError(`unknown frame tag ${tag}`);
  let height: bigint;
  let at: number;
  try {
    [height, at] = readVarint(frame, 1);
  } catch (e) {
    if (e instanceof VarintError) throw new StreamFrameError(e.message);
    throw e;
  }
  if (height === 0n) throw new StreamFrameError("height 0 is the genesis record, not a block");
  if (at >= frame.length) throw new StreamFrameError("a frame without a bundle");
  return { tag, height, bundle: frame.subarray(at) };
}
