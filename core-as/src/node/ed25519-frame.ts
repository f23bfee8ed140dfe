// The message an Ed25519Thread sends its worker: a batch of checks packed into one buffer, so a
// batch crosses threads as one byte copy (no structured clone of objects, and the sender keeps the
// batch to check itself should the worker die). The bytes are copied when a check is queued: the
// caller may reuse its buffers (wasm memory, a request body).
// Layout, little-endian: count u32, then per check key[32] ‖ signature[64] ‖ messageLength u32 ‖ message.

import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, type VerifyItem, verifyBatchSync } from "../crypto/ed25519.js";

const HEAD = 4;
const ITEM_HEAD = PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH + 4;

/** A batch being packed; `take` hands over what is packed and starts an empty one. */
export class VerifyFrameWriter {
  private buf: Uint8Array;
  private view: DataView;
  private used = HEAD;
  private n = 0;

  constructor(initialBytes = 16 * 1024) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  get count(): number {
    return this.n;
  }

  /** Appends one check; the key must be 32 bytes and the signature 64 (callers answer others false). */
  push(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
    if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH)
      throw new RangeError("a check needs a 32-byte key and a 64-byte signature");
    const size = ITEM_HEAD + message.length;
    if (this.used + size > this.buf.length) this.grow(this.used + size);
    const at = this.used;
    this.buf.set(publicKey, at);
    this.buf.set(signature, at + PUBLIC_KEY_LENGTH);
    this.view.setUint32(at + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH, message.length, true);
    this.buf.set(message, at + ITEM_HEAD);
    this.used += size;
    this.n++;
  }

  /** The packed batch, in a buffer of its own and of its size (a message copies a view's whole buffer); the writer starts over. */
  take(): Uint8Array {
    this.view.setUint32(0, this.n, true);
    const frame = this.buf.slice(0, this.used);
    this.used = HEAD;
    this.n = 0;
    return frame;
  }

  private grow(atLeast: number): void {
    let size = this.buf.length * 2;
    while (size < atLeast) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

export class VerifyFrameError extends Error {
  readonly code = "BAD_VERIFY_FRAME";
}

/** The checks in a frame, as views into it; throws VerifyFrameError unless the frame is exactly well formed. */
export function readVerifyFrame(frame: Uint8Array): VerifyItem[] {
  if (frame.length < HEAD) throw new VerifyFrameError(`a frame of ${frame.length} bytes has no count`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  // Every check takes ITEM_HEAD bytes at least: a count past that is a lie, whatever follows.
  if (count > (frame.length - HEAD) / ITEM_HEAD) throw new VerifyFrameError(`${count} checks cannot fit in ${frame.length} bytes`);
  const items: VerifyItem[] = new Array(count);
  let at = HEAD;
  for (let i = 0; i < count; i++) {
    if (at + ITEM_HEAD > frame.length) throw new VerifyFrameError(`check ${i} runs past the frame's end`);
    const length = view.getUint32(at + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH, true);
    const end = at + ITEM_HEAD + length;
    if (end > frame.length) throw new VerifyFrameError(`check ${i}'s message runs past the frame's end`);
    items[i] = {
      publicKey: frame.subarray(at, at + PUBLIC_KEY_LENGTH),
      signature: frame.subarray(at + PUBLIC_KEY_LENGTH, at + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH),
      message: frame.subarray(at + ITEM_HEAD, end),
    };
    at = end;
  }
  if (at !== frame.length) throw new VerifyFrameError(`${frame.length - at} bytes after the last check`);
  return items;
}

/** The verdicts of a frame's checks, one byte a check (1 valid), on the calling thread; throws as readVerifyFrame. */
export function checkVerifyFrame(frame: Uint8Array): Uint8Array<ArrayBuffer> {
  const verdicts = verifyBatchSync(readVerifyFrame(frame));
  const bytes = new Uint8Array(verdicts.length);
  for (let i = 0; i < verdicts.length; i++) bytes[i] = verdicts[i] ? 1 : 0;
  return bytes;
}
