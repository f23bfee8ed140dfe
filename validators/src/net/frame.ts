// Framing of a peer link's byte stream: every frame is `length u32 big-endian ‖ payload`.
//
// A fixed 4-byte header (not a varint) so the limit check needs no parsing state: the moment four
// bytes are in, we know whether the frame is acceptable and refuse an oversized one before
// buffering any of it. The limit is the caller's per call, because it changes mid-stream: small
// while the handshake runs (an unauthenticated stranger cannot make us hold megabytes), then the
// sealed-message limit once the link is authenticated.
//
// `readFrame` is the pure decoder (bytes in, verdict out, never throws); `FrameReader` keeps the
// chunks a socket delivers and hands out whole frames without copying a frame that sits in one chunk.

export const FRAME_HEADER_BYTES = 4;
/** Largest limit a caller may pass: keeps every length a small safe integer. */
export const MAX_FRAME_LIMIT = 0x7fff_ffff;

export type FrameRead =
  /** A whole frame: payload is a view of the input; the next frame starts at `next`. */
  | { kind: "frame"; payload: Uint8Array; next: number }
  /** Not enough bytes yet; at least `needed` more are required. */
  | { kind: "incomplete"; needed: number }
  /** The header announces `length` bytes, more than the limit: the stream cannot continue. */
  | { kind: "oversized"; length: number };

/** `header ‖ payload` in a new array. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(out, 0, payload.length);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export function writeFrameHeader(out: Uint8Array, offset: number, length: number): void {
  if (!Number.isSafeInteger(length) || length < 0 || length > 0xffff_ffff) throw new RangeError(`frame length ${length}`);
  out[offset] = length >>> 24;
  out[offset + 1] = (length >>> 16) & 0xff;
  out[offset + 2] = (length >>> 8) & 0xff;
  out[offset + 3] = length & 0xff;
}

function clampLimit(maxPayloadBytes: number): number {
  return Number.isFinite(maxPayloadBytes) ? Math.max(0, Math.min(MAX_FRAME_LIMIT, Math.floor(maxPayloadBytes))) : 0;
}

/** Decodes the frame starting at `offset` of `bytes`. Pure: never throws, never reads out of bounds. */
export function readFrame(bytes: Uint8Array, offset: number, maxPayloadBytes: number): FrameRead {
  const limit = clampLimit(maxPayloadBytes);
  const start = Number.isSafeInteger(offset) ? Math.max(0, Math.min(offset, bytes.length)) : bytes.length;
  const available = bytes.length - start;
  if (available < FRAME_HEADER_BYTES) return { kind: "incomplete", needed: FRAME_HEADER_BYTES - available };
  const length = bytes[start]! * 0x100_0000 + (bytes[start + 1]! << 16) + (bytes[start + 2]! << 8) + bytes[start + 3]!;
  if (length > limit) return { kind: "oversized", length };
  const end = start + FRAME_HEADER_BYTES + length;
  if (end > bytes.length) return { kind: "incomplete", needed: end - bytes.length };
  return { kind: "frame", payload: bytes.subarray(start + FRAME_HEADER_BYTES, end), next: end };
}

/**
 * Accumulates a stream's chunks and yields whole frames. Holds at most one partial frame (bounded by
 * the limit in force) plus the unread part of the last chunk. A payload may be a view of a pushed
 * chunk: consume or copy it before the chunk's memory is reused (socket chunks never are).
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  /** Read position in chunks[0]. */
  private head = 0;
  private buffered = 0;

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole frame, or why there is none. After "oversized", the reader is useless. */
  next(maxPayloadBytes: number): FrameRead {
    const first = this.chunks[0];
    if (first === undefined) return { kind: "incomplete", needed: FRAME_HEADER_BYTES };
    // The common case: the whole frame (or at least its verdict) is in the first chunk.
    const inFirst = readFrame(first, this.head, maxPayloadBytes);
    if (inFirst.kind === "frame") {
      this.consume(inFirst.next - this.head);
      return inFirst;
    }
    if (inFirst.kind === "oversized" || this.chunks.length === 1) return inFirst;
    if (this.buffered < FRAME_HEADER_BYTES) return { kind: "incomplete", needed: FRAME_HEADER_BYTES - this.buffered };
    const header = this.peek(FRAME_HEADER_BYTES);
    const verdict = readFrame(header, 0, maxPayloadBytes);
    if (verdict.kind === "oversized") return verdict;
    const length = header[0]! * 0x100_0000 + (header[1]! << 16) + (header[2]! << 8) + header[3]!;
    const total = FRAME_HEADER_BYTES + length;
    if (this.buffered < total) return { kind: "incomplete", needed: total - this.buffered };
    const whole = this.peek(total);
    this.consume(total);
    return { kind: "frame", payload: whole.subarray(FRAME_HEADER_BYTES), next: total };
  }

  /** A copy of the first `n` buffered bytes (n <= buffered). */
  private peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let head = this.head;
    for (const chunk of this.chunks) {
      const take = Math.min(n - filled, chunk.length - head);
      out.set(chunk.subarray(head, head + take), filled);
      filled += take;
      head = 0;
      if (filled === n) break;
    }
    return out;
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const chunk = this.chunks[0]!;
      const left = chunk.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }
}
