// A WebSocket data frame as a server sends it (RFC 6455 §5.2): FIN, the binary opcode, no mask,
// the payload length in 7, 7+16 or 7+64 bits. The hub writes frames it framed itself, joined, to
// a socket (decision 016), so this must be byte for byte what `ws` would write (checked against
// `ws`'s own Sender in test/hub.test.ts).

/** The header of a final, unmasked binary frame carrying `length` bytes. */
export function binaryFrameHeader(length: number): Uint8Array {
  if (length < 126) return Uint8Array.of(0x82, length);
  if (length < 65536) return Uint8Array.of(0x82, 126, length >> 8, length & 0xff);
  const h = new Uint8Array(10);
  h[0] = 0x82;
  h[1] = 127;
  new DataView(h.buffer).setBigUint64(2, BigInt(length));
  return h;
}

/** `payloads` as consecutive binary frames in one buffer. */
export function joinBinaryFrames(payloads: readonly Uint8Array[]): Uint8Array {
  const headers = payloads.map((p) => binaryFrameHeader(p.length));
  let size = 0;
  for (const [i, p] of payloads.entries()) size += (headers[i] as Uint8Array).length + p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const [i, p] of payloads.entries()) {
    const h = headers[i] as Uint8Array;
    out.set(h, at);
    out.set(p, at + h.length);
    at += h.length + p.length;
  }
  return out;
}

/** A ping with no payload as a server sends it (FIN, opcode 9, unmasked): what `ws.ping()` writes. */
export const EMPTY_PING_FRAME: Uint8Array = Uint8Array.of(0x89, 0);

/** `frames` (whole frames) followed by an empty ping, in one buffer. */
export function withPing(frames: Uint8Array): Uint8Array {
  const out = new Uint8Array(frames.length + EMPTY_PING_FRAME.length);
  out.set(frames);
  out.set(EMPTY_PING_FRAME, frames.length);
  return out;
}
